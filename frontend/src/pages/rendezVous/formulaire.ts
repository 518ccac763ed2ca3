/**
 * The rendez-vous form's state and its conversion to and from the API, kept
 * free of React so that the rules are unit-tested. The date and the time are
 * typed in Paris time and sent without offset ("2026-11-24T10:00:00"), which
 * the API reads as Paris time (api/rendez_vous/schemas.py).
 */
import type { ErreursChamps } from "../../api/problem";
import type { RendezVousCreate, RendezVousPublic, RendezVousUpdate, StatutMesure, StatutRendezVous, TypeRendezVous } from "../../api/types";
import { heureParisDe, jourParisDe } from "./agenda";

export interface RendezVousForm {
  mesure_id: string;
  date: string;
  heure: string;
  duree_minutes: string;
  type: TypeRendezVous | "";
  lieu: string;
  bailleur: boolean;
  /** Other partners present, one per line. */
  autres: string;
  statut: StatutRendezVous;
  compte_rendu: string;
  est_suivi: boolean;
}

export const DUREE_PAR_DEFAUT = "60";

/** From a statut, where it may go (api/rendez_vous/service.py, TRANSITIONS); itself included. */
export const STATUTS_PERMIS: Record<StatutRendezVous, StatutRendezVous[]> = {
  planifie: ["planifie", "realise", "annule", "absent"],
  realise: ["realise"],
  annule: ["annule"],
  absent: ["absent"],
};

export function formulaireVide(mesureId = "", date = "", heure = ""): RendezVousForm {
  return {
    mesure_id: mesureId,
    date,
    heure,
    duree_minutes: DUREE_PAR_DEFAUT,
    type: "",
    lieu: "",
    bailleur: false,
    autres: "",
    statut: "planifie",
    compte_rendu: "",
    est_suivi: false,
  };
}

export function depuisRendezVous(r: RendezVousPublic): RendezVousForm {
  return {
    mesure_id: r.mesure_id,
    date: jourParisDe(r.debut),
    heure: heureParisDe(r.debut),
    duree_minutes: String(r.duree_minutes),
    type: r.type,
    lieu: r.lieu ?? "",
    bailleur: r.participants.bailleur ?? false,
    autres: (r.participants.autres ?? []).join("\n"),
    statut: r.statut,
    compte_rendu: r.compte_rendu ?? "",
    est_suivi: r.est_suivi,
  };
}

const texte = (v: string): string | null => (v.trim() === "" ? null : v.trim());

/**
 * "2026-11-24" + "10:00" → "2026-11-24T10:00:00" (Paris time, no offset). An
 * incomplete value is sent as typed so that the API names the field it refuses.
 */
export function debutLocal(date: string, heure: string): string {
  if (!date) return "";
  return heure ? `${date}T${heure.length === 5 ? `${heure}:00` : heure}` : date;
}

/** "" → null (the API's default duration); "90" → 90; anything else as typed, for the API to refuse. */
export function duree(v: string): number | null {
  const t = v.trim();
  if (t === "") return null;
  return /^\d+$/.test(t) ? Number(t) : (t as unknown as number);
}

function participants(f: RendezVousForm, personnes: string[]) {
  const autres = f.autres
    .split("\n")
    .map((a) => a.trim())
    .filter((a) => a !== "");
  return { personnes, bailleur: f.bailleur, autres };
}

/** The body of POST /rendez-vous. */
export function versCreation(f: RendezVousForm): RendezVousCreate {
  return {
    mesure_id: f.mesure_id,
    debut: debutLocal(f.date, f.heure),
    duree_minutes: duree(f.duree_minutes),
    // Left out when not chosen: the API then says « champ obligatoire » next to the field.
    type: (f.type || undefined) as TypeRendezVous,
    lieu: texte(f.lieu),
    participants: participants(f, []),
    statut: f.statut,
    compte_rendu: texte(f.compte_rendu),
    est_suivi: f.est_suivi,
  };
}

/**
 * The body of PATCH /rendez-vous/{id}: only what changed, so that a stale
 * field never overwrites a colleague's (If-Match guards the rest). The
 * persons present, not edited here, are kept.
 */
export function versModification(avant: RendezVousPublic, f: RendezVousForm): RendezVousUpdate {
  const initial = depuisRendezVous(avant);
  const corps: RendezVousUpdate = {};
  if (f.date !== initial.date || f.heure !== initial.heure) corps.debut = debutLocal(f.date, f.heure);
  if (f.duree_minutes !== initial.duree_minutes) corps.duree_minutes = duree(f.duree_minutes) ?? undefined;
  if (f.type !== initial.type && f.type !== "") corps.type = f.type;
  if (f.lieu !== initial.lieu) corps.lieu = texte(f.lieu);
  if (f.bailleur !== initial.bailleur || f.autres !== initial.autres) {
    corps.participants = participants(f, avant.participants.personnes ?? []);
  }
  if (f.statut !== initial.statut) corps.statut = f.statut;
  if (f.compte_rendu !== initial.compte_rendu) corps.compte_rendu = texte(f.compte_rendu);
  return corps;
}

/** The field of the form where each API error key is shown. */
export function cleDuFormulaire(cle: string): string {
  if (cle === "debut" || cle === "fin") return "date";
  if (cle.startsWith("participants.autres")) return "autres";
  if (cle === "participants.bailleur") return "bailleur";
  return cle;
}

/** The API's field errors folded onto the form's fields (several on one field are joined). */
export function erreursDuFormulaire(erreurs: ErreursChamps): ErreursChamps {
  const out: ErreursChamps = {};
  for (const [cle, message] of Object.entries(erreurs)) {
    const champ = cleDuFormulaire(cle);
    out[champ] = out[champ] ? `${out[champ]} ; ${message}` : message;
  }
  return out;
}

export const CLES_AFFICHEES = ["mesure_id", "date", "heure", "duree_minutes", "type", "lieu", "bailleur", "autres", "statut", "compte_rendu"];

/** What the form needs of a mesure to offer it. */
export interface MesureChoix {
  id: string;
  reference: string;
  menage_reference: string;
  /** The demandeur's name, when the list gives it (the association that carries the file). */
  demandeur?: string | null;
  statut: StatutMesure;
}

/** The mesures to choose from: the user's, plus the one the address names (from the mesure's page). */
export function mesuresAChoisir(miennes: readonly MesureChoix[], demandee: MesureChoix | null): MesureChoix[] {
  const liste = [...miennes];
  if (demandee && !liste.some((m) => m.id === demandee.id)) liste.unshift(demandee);
  return liste;
}
