/**
 * Routes. Each screen is loaded on demand (React.lazy) so that the initial
 * JavaScript stays small; a new screen is a route here plus an entry in
 * navigation.ts. Each group is guarded by the capability (GET /auth/me) that opens it.
 */
import { lazy, Suspense } from "react";
import { createBrowserRouter, Navigate } from "react-router";

import { RequireAuth, RequireCapacite } from "./auth/guards";
import { Chargement } from "./components/Chargement";
import { Layout } from "./layout/Layout";
import { Connexion } from "./pages/Connexion";
import { PageIntrouvable } from "./pages/PageIntrouvable";

const Accessibilite = lazy(() => import("./pages/Accessibilite"));
const TableauDeBord = lazy(() => import("./pages/TableauDeBord"));
const Notifications = lazy(() => import("./pages/notifications/Notifications"));
const Equipe = lazy(() => import("./pages/equipe/Equipe"));
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
const FileAttente = lazy(() => import("./pages/commissions/FileAttente"));
const Rapports = lazy(() => import("./pages/rapports/Rapports"));
const RapportFiche = lazy(() => import("./pages/rapports/RapportFiche"));
const Webhooks = lazy(() => import("./pages/webhooks/Webhooks"));
const ImportDossiers = lazy(() => import("./pages/imports/ImportDossiers"));
const WebhookLivraisons = lazy(() => import("./pages/webhooks/WebhookLivraisons"));

export const router = createBrowserRouter([
  { path: "/connexion", element: <Connexion /> },
  // Reachable without an account: the footer of every page links to it.
  {
    path: "/accessibilite",
    element: (
      <Suspense fallback={<Chargement />}>
        <Accessibilite />
      </Suspense>
    ),
  },
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
        element: <RequireCapacite capacite="lire_menages" />,
        children: [
          { index: true, element: <MenagesListe /> },
          {
            path: "nouveau",
            element: <RequireCapacite capacite="ouvrir_menage" />,
            children: [{ index: true, element: <MenageCreer /> }],
          },
          { path: ":menageId", element: <MenageFiche /> },
          { path: ":menageId/modifier", element: <MenageModifier /> },
        ],
      },
      {
        path: "orientations",
        element: <RequireCapacite capacite="lire_orientations" />,
        children: [
          { index: true, element: <OrientationsListe /> },
          {
            path: "nouvelle",
            element: <RequireCapacite capacite="orienter" />,
            children: [{ index: true, element: <OrientationCreer /> }],
          },
          { path: ":orientationId", element: <OrientationFiche /> },
        ],
      },
      {
        path: "commission",
        element: <RequireCapacite capacite="organiser_commission" />,
        children: [
          { index: true, element: <CommissionsListe /> },
          { path: "attente", element: <FileAttente /> },
          { path: ":sessionId", element: <CommissionSession /> },
        ],
      },
      {
        path: "rendez-vous",
        element: <RequireCapacite capacite="rendez_vous" />,
        children: [
          { index: true, element: <Agenda /> },
          { path: "nouveau", element: <RendezVousCreer /> },
          { path: ":rdvId", element: <RendezVousModifier /> },
        ],
      },
      {
        path: "mesures",
        element: <RequireCapacite capacite="lire_mesures" />,
        children: [
          { index: true, element: <MesuresListe /> },
          { path: ":mesureId", element: <MesureFiche /> },
        ],
      },
      {
        path: "equipe",
        element: <RequireCapacite capacite="reaffecter_mesures" />,
        children: [{ index: true, element: <Equipe /> }],
      },
      {
        path: "indicateurs",
        element: <RequireCapacite capacite="indicateurs" />,
        children: [{ index: true, element: <Indicateurs /> }],
      },
      {
        path: "rapports",
        element: <RequireCapacite capacite="rapports" />,
        children: [
          { index: true, element: <Rapports /> },
          { path: ":rapportId", element: <RapportFiche /> },
        ],
      },
      {
        path: "admin",
        element: <RequireCapacite capacite="administrer" />,
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
        element: <RequireCapacite capacite="importer" />,
        children: [{ index: true, element: <ImportDossiers /> }],
      },
      {
        path: "comptes",
        element: <RequireCapacite capacite="gerer_comptes" />,
        children: [{ index: true, element: <AdminUtilisateurs /> }],
      },
      {
        path: "webhooks",
        element: <RequireCapacite capacite="webhooks" />,
        children: [
          { index: true, element: <Webhooks /> },
          { path: ":webhookId", element: <WebhookLivraisons /> },
        ],
      },
      { path: "notifications", element: <Notifications /> },
      { path: "*", element: <PageIntrouvable /> },
    ],
  },
]);
