/**
 * Routes. Each screen is loaded on demand (React.lazy) so that the initial
 * JavaScript stays small; a new screen is a route here plus an entry in
 * navigation.ts.
 */
import { lazy } from "react";
import { createBrowserRouter, Navigate } from "react-router";

import { RequireAuth, RequireTypes } from "./auth/guards";
import { Layout } from "./layout/Layout";
import { TYPES_CREATEURS_MENAGE, TYPES_LECTEURS_INDICATEURS, TYPES_LECTEURS_MENAGE, TYPES_LECTEURS_ORIENTATION } from "./navigation";
import { Connexion } from "./pages/Connexion";
import { PageIntrouvable } from "./pages/PageIntrouvable";

const TableauDeBord = lazy(() => import("./pages/TableauDeBord"));
const MenagesListe = lazy(() => import("./pages/menages/MenagesListe"));
const MenageFiche = lazy(() => import("./pages/menages/MenageFiche"));
const MenageCreer = lazy(() => import("./pages/menages/MenageCreer"));
const MenageModifier = lazy(() => import("./pages/menages/MenageModifier"));
const OrientationsListe = lazy(() => import("./pages/orientations/OrientationsListe"));
const OrientationFiche = lazy(() => import("./pages/orientations/OrientationFiche"));
const Indicateurs = lazy(() => import("./pages/indicateurs/Indicateurs"));
const AdminOrganisations = lazy(() => import("./pages/admin/AdminOrganisations"));
const AdminUtilisateurs = lazy(() => import("./pages/admin/AdminUtilisateurs"));
const AdminClientsApi = lazy(() => import("./pages/admin/AdminClientsApi"));

export const router = createBrowserRouter([
  { path: "/connexion", element: <Connexion /> },
  {
    path: "/",
    element: (
      <RequireAuth>
        <Layout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <TableauDeBord /> },
      {
        path: "menages",
        element: <RequireTypes types={TYPES_LECTEURS_MENAGE} />,
        children: [
          { index: true, element: <MenagesListe /> },
          {
            path: "nouveau",
            element: <RequireTypes types={TYPES_CREATEURS_MENAGE} />,
            children: [{ index: true, element: <MenageCreer /> }],
          },
          { path: ":menageId", element: <MenageFiche /> },
          { path: ":menageId/modifier", element: <MenageModifier /> },
        ],
      },
      {
        path: "orientations",
        element: <RequireTypes types={TYPES_LECTEURS_ORIENTATION} />,
        children: [
          { index: true, element: <OrientationsListe /> },
          { path: ":orientationId", element: <OrientationFiche /> },
        ],
      },
      {
        path: "indicateurs",
        element: <RequireTypes types={TYPES_LECTEURS_INDICATEURS} />,
        children: [{ index: true, element: <Indicateurs /> }],
      },
      {
        path: "admin",
        element: <RequireTypes types={["admin"]} />,
        children: [
          { index: true, element: <Navigate to="/admin/organisations" replace /> },
          { path: "organisations", element: <AdminOrganisations /> },
          { path: "utilisateurs", element: <AdminUtilisateurs /> },
          { path: "clients-api", element: <AdminClientsApi /> },
        ],
      },
      { path: "*", element: <PageIntrouvable /> },
    ],
  },
]);
