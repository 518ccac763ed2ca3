/**
 * What each organisation type may open (README « Rôles », DOMAIN.md « Who may
 * see what »). The header's menu, the dashboard's shortcuts and the route
 * guards all read this list: a new screen is one entry here plus one route in
 * routes.tsx. Screens still to come:
 *   mesures       → association, gie
 *   rendez-vous   → association
 */
import type { TypeOrganisation } from "./api/types";

export interface EntreeNavigation {
  libelle: string;
  chemin: string;
  description: string;
  types: readonly TypeOrganisation[];
  sousMenu?: readonly EntreeNavigation[];
}

/** Who may open a household file (api/menages/access.py, TYPES_CREATEURS). */
export const TYPES_CREATEURS_MENAGE: readonly TypeOrganisation[] = ["association", "prescripteur", "bailleur", "gie"];
/** Who may see household files at all: funders never see a name, admin has no access by default. */
export const TYPES_LECTEURS_MENAGE: readonly TypeOrganisation[] = ["association", "gie", "bailleur", "prescripteur"];

/** Who may list referrals (api/orientations/access.py). */
export const TYPES_LECTEURS_ORIENTATION: readonly TypeOrganisation[] = ["association", "gie", "bailleur", "prescripteur", "admin"];

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
    libelle: "Indicateurs",
    chemin: "/indicateurs",
    description: "Les tables des bilans (file active, entrées, sorties…), en CSV ou XLSX.",
    types: TYPES_LECTEURS_INDICATEURS,
  },
  {
    libelle: "Administration",
    chemin: "/admin",
    description: "Organisations, comptes et clients API.",
    types: ["admin"],
    sousMenu: [
      { libelle: "Organisations", chemin: "/admin/organisations", description: "Partenaires de la plateforme.", types: ["admin"] },
      { libelle: "Utilisateurs", chemin: "/admin/utilisateurs", description: "Comptes des personnes.", types: ["admin"] },
      { libelle: "Clients API", chemin: "/admin/clients-api", description: "Systèmes des bailleurs.", types: ["admin"] },
    ],
  },
];

export function navigationPour(type: TypeOrganisation): EntreeNavigation[] {
  return NAVIGATION.filter((e) => e.types.includes(type)).map((e) => ({
    ...e,
    sousMenu: e.sousMenu?.filter((s) => s.types.includes(type)),
  }));
}

export function peutOuvrir(type: TypeOrganisation, types: readonly TypeOrganisation[]): boolean {
  return types.includes(type);
}
