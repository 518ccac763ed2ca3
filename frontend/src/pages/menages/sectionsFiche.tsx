/**
 * Extra sections of the household file, after its own data, each shown to the
 * principals with the capability named (GET /auth/me). Each Composant receives the
 * ménage and loads what it needs through `api`; the API gives each reader what the
 * access policy lets it see.
 */
import type { ComponentType } from "react";

import type { MenagePublic } from "../../api/types";
import type { Capacite } from "../../navigation";
import { MesuresDuMenage } from "../mesures/MesuresDuMenage";
import { Chronologie } from "./Chronologie";

export interface SectionFiche {
  titre: string;
  capacite: Capacite;
  Composant: ComponentType<{ menage: MenagePublic }>;
}

export const SECTIONS_FICHE: readonly SectionFiche[] = [
  // Those who carry or decide the mesure read it in full (api/mesures/access.py).
  { titre: "Mesures", capacite: "lire_mesures", Composant: MesuresDuMenage },
  // One timeline: referrals, decisions, mesures' events, rendez-vous — filtered by the API.
  { titre: "Historique du dossier", capacite: "lire_menages", Composant: Chronologie },
];
