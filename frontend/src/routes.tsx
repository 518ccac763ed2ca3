/**
 * Routes. Each screen is loaded on demand (React.lazy) so that the initial
 * JavaScript stays small; a new screen is a route here plus an entry in
 * navigation.ts.
 */
import { lazy } from "react";
import { createBrowserRouter, Navigate } from "react-router";

import { RequireAuth, RequireTypes } from "./auth/guards";
import { Layout } from "./layout/Layout";
import {
  TYPES_COMMISSION,
  TYPES_CREATEURS_MENAGE,
  TYPES_LECTEURS_INDICATEURS,
  TYPES_LECTEURS_MENAGE,
  TYPES_LECTEURS_MESURE,
  TYPES_LECTEURS_ORIENTATION,
  TYPES_PARTENAIRES,
  TYPES_PRESCRIPTEURS,
  TYPES_RENDEZ_VOUS,
  TYPES_WEBHOOKS,
} from "./navigation";
import { Connexion } from "./pages/Connexion";
import { PageIntrouvable } from "./pages/PageIntrouvable";

const TableauDeBord = lazy(() => import("./pages/TableauDeBord"));
const MenagesListe = lazy(() => import("./pages/menages/MenagesListe"));
const MenageFiche = lazy(() => import("./pages/menages/MenageFiche"));
const MenageCreer = lazy(() => import("./pages/menages/MenageCreer"));
const MenageModifier = lazy(() => import("./pages/menages/MenageModifier"));
const OrientationsListe = lazy(() => import("./pages/orientations/OrientationsListe"));
const OrientationFiche = lazy(() => import("./pages/orientations/OrientationFiche"));
const OrientationCreer = lazy(() => import("./pages/orientations/OrientationCreer"));
const CommissionsListe = lazy(() => import("./pages/commissions/CommissionsListe"));
const CommissionSession = lazy(() => import("./pages/commissions/CommissionSession"));
const Agenda = lazy(() => import("./pages/rendezVous/Agenda"));
const RendezVousCreer = lazy(() => import("./pages/rendezVous/RendezVousCreer"));
const RendezVousModifier = lazy(() => import("./pages/rendezVous/RendezVousModifier"));
const MesuresListe = lazy(() => import("./pages/mesures/MesuresListe"));
const MesureFiche = lazy(() => import("./pages/mesures/MesureFiche"));
const Indicateurs = lazy(() => import("./pages/indicateurs/Indicateurs"));
const AdminOrganisations = lazy(() => import("./pages/admin/AdminOrganisations"));
const AdminUtilisateurs = lazy(() => import("./pages/admin/AdminUtilisateurs"));
const AdminClientsApi = lazy(() => import("./pages/admin/AdminClientsApi"));
const AdminDispositifs = lazy(() => import("./pages/admin/AdminDispositifs"));
const AdminDispositif = lazy(() => import("./pages/admin/AdminDispositif"));
const AdminConventions = lazy(() => import("./pages/admin/AdminConventions"));
const Webhooks = lazy(() => import("./pages/webhooks/Webhooks"));
const ImportDossiers = lazy(() => import("./pages/imports/ImportDossiers"));
const WebhookLivraisons = lazy(() => import("./pages/webhooks/WebhookLivraisons"));

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
          {
            path: "nouvelle",
            element: <RequireTypes types={TYPES_PRESCRIPTEURS} />,
            children: [{ index: true, element: <OrientationCreer /> }],
          },
          { path: ":orientationId", element: <OrientationFiche /> },
        ],
      },
      {
        path: "commission",
        element: <RequireTypes types={TYPES_COMMISSION} />,
        children: [
          { index: true, element: <CommissionsListe /> },
          { path: ":sessionId", element: <CommissionSession /> },
        ],
      },
      {
        path: "rendez-vous",
        element: <RequireTypes types={TYPES_RENDEZ_VOUS} />,
        children: [
          { index: true, element: <Agenda /> },
          { path: "nouveau", element: <RendezVousCreer /> },
          { path: ":rdvId", element: <RendezVousModifier /> },
        ],
      },
      {
        path: "mesures",
        element: <RequireTypes types={TYPES_LECTEURS_MESURE} />,
        children: [
          { index: true, element: <MesuresListe /> },
          { path: ":mesureId", element: <MesureFiche /> },
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
          { path: "dispositifs", element: <AdminDispositifs /> },
          { path: "dispositifs/:dispositifId", element: <AdminDispositif /> },
          { path: "conventions", element: <AdminConventions /> },
        ],
      },
      {
        path: "import",
        element: <RequireTypes types={["association"]} />,
        children: [{ index: true, element: <ImportDossiers /> }],
      },
      {
        path: "comptes",
        element: <RequireTypes types={TYPES_PARTENAIRES} />,
        children: [{ index: true, element: <AdminUtilisateurs /> }],
      },
      {
        path: "webhooks",
        element: <RequireTypes types={TYPES_WEBHOOKS} />,
        children: [
          { index: true, element: <Webhooks /> },
          { path: ":webhookId", element: <WebhookLivraisons /> },
        ],
      },
      { path: "*", element: <PageIntrouvable /> },
    ],
  },
]);
