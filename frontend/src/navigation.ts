/**
 * What each organisation type may open (README « Rôles », DOMAIN.md « Who may
 * see what »). The header's menu, the dashboard's shortcuts and the route
 * guards all read this list: a new screen is one entry here plus one route in
 * routes.tsx.
 */
import type { Moi, TypeOrganisation } from "./api/types";

export interface EntreeNavigation {
  libelle: string;
  chemin: string;
  description: string;
  types: readonly TypeOrganisation[];
  /** Only these roles (absent: every role of those types). */
  roles?: readonly RoleMoi[];
  sousMenu?: readonly EntreeNavigation[];
}

export type RoleMoi = Moi["role"];

/** Who may open a household file (api/menages/access.py, TYPES_CREATEURS). */
export const TYPES_CREATEURS_MENAGE: readonly TypeOrganisation[] = ["association", "prescripteur", "bailleur", "gie"];
/** Who may see household files at all: funders never see a name, admin has no access by default. */
export const TYPES_LECTEURS_MENAGE: readonly TypeOrganisation[] = ["association", "gie", "bailleur", "prescripteur"];

/** Who may refer a household (api/orientations/access.py, TYPES_PRESCRIPTEURS). */
export const TYPES_PRESCRIPTEURS: readonly TypeOrganisation[] = ["association", "prescripteur", "bailleur", "gie"];
/** Who organises commission sessions and decides referrals (api/orientations/service.py). */
export const TYPES_COMMISSION: readonly TypeOrganisation[] = ["gie"];
/** Whose organisation may subscribe webhooks (api/orientations/webhooks.py, TYPES_ABONNES). */
export const TYPES_WEBHOOKS: readonly TypeOrganisation[] = ["bailleur", "prescripteur"];

/** Organisations whose responsable manages its own accounts (api/organisations/access.py). */
export const TYPES_PARTENAIRES: readonly TypeOrganisation[] = ["association", "gie", "bailleur", "prescripteur", "financeur"];

/** Who may list referrals (api/orientations/access.py). */
export const TYPES_LECTEURS_ORIENTATION: readonly TypeOrganisation[] = ["association", "gie", "bailleur", "prescripteur", "admin"];

/** Who sees rendez-vous: the association that carries the mesure (api/rendez_vous/access.py). */
export const TYPES_RENDEZ_VOUS: readonly TypeOrganisation[] = ["association"];
/** Who reads mesures in full: the association that carries them, the commission of their dispositif. */
export const TYPES_LECTEURS_MESURE: readonly TypeOrganisation[] = ["association", "gie"];
/** Who may read indicators (api/indicateurs/access.py, TYPES_AUTORISES); funders get aggregates only. */
export const TYPES_LECTEURS_INDICATEURS: readonly TypeOrganisation[] = ["association", "gie", "financeur", "admin"];

export const NAVIGATION: readonly EntreeNavigation[] = [
  {
    libelle: "Ménages",
    chemin: "/menages",
    description: "Rechercher un dossier ménage, en ouvrir un nouveau.",
    types: TYPES_LECTEURS_MENAGE,
  },
  {
    libelle: "Orientations",
    chemin: "/orientations",
    description: "Les orientations vers un dispositif, par statut.",
    types: TYPES_LECTEURS_ORIENTATION,
  },
  {
    libelle: "Commission",
    chemin: "/commission",
    description: "Sessions de commission : ordre du jour, décisions, procès-verbal.",
    types: TYPES_COMMISSION,
  },
  {
    libelle: "Mesures",
    chemin: "/mesures",
    description: "Les mesures d'accompagnement : statut, référent, actions, historique.",
    types: TYPES_LECTEURS_MESURE,
  },
  {
    libelle: "Rendez-vous",
    chemin: "/rendez-vous",
    description: "L'agenda de la semaine, planifier un rendez-vous, écrire son compte rendu.",
    types: TYPES_RENDEZ_VOUS,
  },
  {
    libelle: "Indicateurs",
    chemin: "/indicateurs",
    description: "Les tables des bilans (file active, entrées, sorties…), en CSV ou XLSX.",
    types: TYPES_LECTEURS_INDICATEURS,
  },
  {
    libelle: "Webhooks",
    chemin: "/webhooks",
    description: "Votre système informé des changements de statut de vos orientations.",
    types: TYPES_WEBHOOKS,
  },
  {
    libelle: "Importer des dossiers",
    chemin: "/import",
    description: "Reprendre votre file active depuis un tableur : modèle, essai à blanc, import.",
    types: ["association"],
    roles: ["responsable"],
  },
  {
    libelle: "Comptes",
    chemin: "/comptes",
    description: "Les comptes des personnes de votre organisation.",
    types: TYPES_PARTENAIRES,
    roles: ["responsable"],
  },
  {
    libelle: "Administration",
    chemin: "/admin",
    description: "Organisations, comptes, clients API, dispositifs et conventions.",
    types: ["admin"],
    sousMenu: [
      { libelle: "Organisations", chemin: "/admin/organisations", description: "Partenaires de la plateforme.", types: ["admin"] },
      { libelle: "Utilisateurs", chemin: "/admin/utilisateurs", description: "Comptes des personnes.", types: ["admin"] },
      { libelle: "Clients API", chemin: "/admin/clients-api", description: "Systèmes des bailleurs.", types: ["admin"] },
      { libelle: "Dispositifs", chemin: "/admin/dispositifs", description: "Cibles, types d'accompagnement, communes.", types: ["admin"] },
      { libelle: "Conventions", chemin: "/admin/conventions", description: "Financement des associations.", types: ["admin"] },
    ],
  },
];

/** The screens of an organisation type; with a role, those reserved to other roles are left out. */
export function navigationPour(type: TypeOrganisation, role?: RoleMoi): EntreeNavigation[] {
  const ouvert = (e: EntreeNavigation) => e.types.includes(type) && (!e.roles || (role !== undefined && e.roles.includes(role)));
  return NAVIGATION.filter(ouvert).map((e) => ({
    ...e,
    sousMenu: e.sousMenu?.filter(ouvert),
  }));
}

export function peutOuvrir(type: TypeOrganisation, types: readonly TypeOrganisation[]): boolean {
  return types.includes(type);
}
