/**
 * Sections of the tableau de bord, shown to the organisation types listed.
 * The lists whose API is being built slot in here, each as one entry:
 *   { titre: "Alertes", types: ["association", "gie"], Composant: Alertes }
 *   { titre: "Mes mesures", types: ["association"], Composant: MesMesures }
 *   { titre: "Mes prochains rendez-vous", types: ["association"], Composant: MesRendezVous }
 * A Composant loads its own data through `api` and shows its loading and empty states.
 */
import type { ComponentType } from "react";

import type { TypeOrganisation } from "../../api/types";

export interface SectionTableauDeBord {
  titre: string;
  types: readonly TypeOrganisation[];
  Composant: ComponentType;
}

export const SECTIONS: readonly SectionTableauDeBord[] = [];
