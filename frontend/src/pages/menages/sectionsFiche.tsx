/**
 * Extra sections of the household file, after its own data. The timeline,
 * orientations and mesures slot in here when their API is merged, e.g.
 *   { titre: "Parcours", types: ["association", "gie"], Composant: Parcours }
 * Each Composant receives the ménage and loads what it needs through `api`.
 */
import type { ComponentType } from "react";

import type { MenagePublic } from "../../api/types";
import type { Capacite } from "../../navigation";
import { MesuresDuMenage } from "../mesures/MesuresDuMenage";

export interface SectionFiche {
  titre: string;
  capacite: Capacite;
  Composant: ComponentType<{ menage: MenagePublic }>;
}

export const SECTIONS_FICHE: readonly SectionFiche[] = [
  // Those who carry or decide the mesure read it in full (api/mesures/access.py).
  { titre: "Mesures", capacite: "lire_mesures", Composant: MesuresDuMenage },
];
