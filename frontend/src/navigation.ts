/**
 * The screens, each opened by one capability of the principal (GET /auth/me,
 * `capacites`, api/auth/capacites.py). The header's menu, the dashboard's
 * shortcuts and the route guards all read this list; none of them copies a
 * list of organisation types or roles: the API says what this person may do.
 * A new screen is one entry here plus one route in routes.tsx.
 */
import type { Capacites } from "./api/types";

/** The yes/no capabilities (the others are lists of facts). */
export type Capacite = { [K in keyof Capacites]: Capacites[K] extends boolean ? K : never }[keyof Capacites];

export interface EntreeNavigation {
  libelle: string;
  chemin: string;
  description: string;
  /** Shown when the principal has this capability… */
  capacite: Capacite;
  /** …and not this one (the admin manages accounts from its own menu). */
  sauf?: Capacite;
  sousMenu?: readonly EntreeNavigation[];
}

export const NAVIGATION: readonly EntreeNavigation[] = [
  { libelle: "Ménages", chemin: "/menages", description: "Rechercher un dossier ménage, en ouvrir un nouveau.", capacite: "lire_menages" },
  { libelle: "Orientations", chemin: "/orientations", description: "Les orientations vers un dispositif, par statut.", capacite: "lire_orientations" },
  {
    libelle: "Commission",
    chemin: "/commission",
    description: "Sessions de commission : ordre du jour, décisions, procès-verbal.",
    capacite: "organiser_commission",
  },
  {
    libelle: "Mesures",
    chemin: "/mesures",
    description: "Les mesures d'accompagnement : statut, référent, actions, historique.",
    capacite: "lire_mesures",
  },
  {
    libelle: "Équipe",
    chemin: "/equipe",
    description: "La charge de chaque référent, les mesures sans référent, réaffecter des mesures.",
    capacite: "reaffecter_mesures",
  },
  {
    libelle: "Rendez-vous",
    chemin: "/rendez-vous",
    description: "L'agenda de la semaine, planifier un rendez-vous, écrire son compte rendu.",
    capacite: "rendez_vous",
  },
  {
    libelle: "Indicateurs",
    chemin: "/indicateurs",
    description: "Les tables des bilans (file active, entrées, sorties…), en CSV ou XLSX.",
    capacite: "indicateurs",
  },
  {
    libelle: "Rapports",
    chemin: "/rapports",
    description: "Le rapport d'activité et le bilan : écrire, télécharger en PDF ou DOCX, déposer.",
    capacite: "rapports",
  },
  {
    libelle: "Webhooks",
    chemin: "/webhooks",
    description: "Votre système informé des changements de statut de vos orientations.",
    capacite: "webhooks",
  },
  {
    libelle: "Importer des dossiers",
    chemin: "/import",
    description: "Reprendre votre file active depuis un tableur : modèle, essai à blanc, import.",
    capacite: "importer",
  },
  { libelle: "Comptes", chemin: "/comptes", description: "Les comptes des personnes de votre organisation.", capacite: "gerer_comptes", sauf: "administrer" },
  {
    libelle: "Administration",
    chemin: "/admin",
    description: "Organisations, comptes, clients API, dispositifs et conventions.",
    capacite: "administrer",
    sousMenu: [
      { libelle: "Organisations", chemin: "/admin/organisations", description: "Partenaires de la plateforme.", capacite: "administrer" },
      { libelle: "Utilisateurs", chemin: "/admin/utilisateurs", description: "Comptes des personnes.", capacite: "administrer" },
      { libelle: "Clients API", chemin: "/admin/clients-api", description: "Systèmes des bailleurs.", capacite: "administrer" },
      { libelle: "Dispositifs", chemin: "/admin/dispositifs", description: "Cibles, types d'accompagnement, communes.", capacite: "administrer" },
      { libelle: "Conventions", chemin: "/admin/conventions", description: "Financement des associations.", capacite: "administrer" },
    ],
  },
];

/** Whether these capabilities open that entry. */
export function ouvre(capacites: Capacites, e: Pick<EntreeNavigation, "capacite" | "sauf">): boolean {
  return capacites[e.capacite] && !(e.sauf && capacites[e.sauf]);
}

/** The screens these capabilities open. */
export function navigationPour(capacites: Capacites): EntreeNavigation[] {
  return NAVIGATION.filter((e) => ouvre(capacites, e)).map((e) => ({
    ...e,
    sousMenu: e.sousMenu?.filter((s) => ouvre(capacites, s)),
  }));
}
