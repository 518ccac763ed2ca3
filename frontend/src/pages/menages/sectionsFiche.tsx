/**
 * Extra sections of the household file, after its own data. The timeline,
 * orientations and mesures slot in here when their API is merged, e.g.
 *   { titre: "Parcours", types: ["association", "gie"], Composant: Parcours }
 * Each Composant receives the ménage and loads what it needs through `api`.
 */
import type { ComponentType } from "react";

import type { MenagePublic, TypeOrganisation } from "../../api/types";
import { MesuresDuMenage } from "../mesures/MesuresDuMenage";

export interface SectionFiche {
  titre: string;
  types: readonly TypeOrganisation[];
  Composant: ComponentType<{ menage: MenagePublic }>;
}

export const SECTIONS_FICHE: readonly SectionFiche[] = [
  // Those who carry or decide the mesure read it in full (api/mesures/access.py).
  { titre: "Mesures", types: ["association", "gie"], Composant: MesuresDuMenage },
];
