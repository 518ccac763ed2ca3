/**
 * A commission's decisions on the referrals of a session's agenda: which
 * outcomes are offered for a referral's status, and the body sent to
 * POST /commissions/{id}/decisions. Kept free of React so the rules are
 * unit-tested (api/orientations/graphe.py and service.py are the reference).
 */
import { cleDeChamp, type ErreursChamps, type ProblemDetails } from "../../api/problem";
import type { components } from "../../api/schema";
import type { MotifRefus, OrientationPublic, StatutOrientation } from "../../api/types";

export type DecisionIn = components["schemas"]["DecisionIn"];
export type SessionPublic = components["schemas"]["SessionPublic"];
export type ConventionPublic = components["schemas"]["ConventionPublic"];

/** The outcomes a commission records (graphe.DECISIONS), in the order they are offered. */
export const DECISIONS: readonly StatutOrientation[] = [
  "acceptee",
  "refusee",
  "ajournee",
  "attente_infos",
  "liste_attente",
  "refus_beneficiaire",
  "annulee",
];

/** Statuses from which a referral is put (back) on an agenda (graphe.INSCRIPTIBLES). */
export const INSCRIPTIBLES: readonly StatutOrientation[] = ["soumise", "ajournee", "attente_infos"];

export const LIBELLES_DECISION: Record<string, string> = {
  acceptee: "Accepter",
  refusee: "Refuser",
  ajournee: "Ajourner",
  attente_infos: "Demander des informations",
  liste_attente: "Mettre en liste d'attente",
  refus_beneficiaire: "Refus du bénéficiaire",
  annulee: "Annuler l'orientation",
};

/** The decisions offered for this referral now: those of the graph from its status. */
export function decisionsPossibles(o: Pick<OrientationPublic, "transitions_permises">): StatutOrientation[] {
  return DECISIONS.filter((d) => o.transitions_permises.includes(d));
}

export interface DecisionForm {
  vers_statut: StatutOrientation | "";
  association_id: string;
  cible_code: string;
  type_accompagnement_code: string;
  motif_refus: MotifRefus | "";
  commentaire: string;
}

/** A blank decision; the cible proposed by the prescriber is the default cible. */
export function decisionVide(o?: Pick<OrientationPublic, "cible_proposee_code">): DecisionForm {
  const proposee = o?.cible_proposee_code;
  return {
    vers_statut: "",
    association_id: "",
    cible_code: proposee && proposee !== "confidentielle" ? proposee : "",
    type_accompagnement_code: "",
    motif_refus: "",
    commentaire: "",
  };
}

const texte = (v: string): string | null => (v.trim() === "" ? null : v.trim());

/**
 * One decision as the API takes it: only the fields of that outcome are sent
 * (the API refuses a motif_refus on anything but a refusal). Empty required
 * fields are sent as null so that the API names them. null: no decision chosen.
 */
export function versDecision(orientationId: string, f: DecisionForm, dateEffet?: string): DecisionIn | null {
  if (!f.vers_statut) return null;
  const d: DecisionIn = { orientation_id: orientationId, vers_statut: f.vers_statut, commentaire: texte(f.commentaire) };
  if (dateEffet) d.date_effet = dateEffet;
  if (f.vers_statut === "acceptee") {
    d.association_id = texte(f.association_id);
    d.cible_code = texte(f.cible_code);
    d.type_accompagnement_code = texte(f.type_accompagnement_code);
  }
  if (f.vers_statut === "refusee") d.motif_refus = f.motif_refus || null;
  return d;
}

/** The body for several referrals at once: those with a decision chosen, in agenda order. */
export function versDecisions(ordre: readonly string[], formulaires: Record<string, DecisionForm>): DecisionIn[] {
  const out: DecisionIn[] = [];
  for (const id of ordre) {
    const f = formulaires[id];
    const d = f ? versDecision(id, f) : null;
    if (d) out.push(d);
  }
  return out;
}

/**
 * The field errors of a refused decisions call that belong to the decision at
 * `index` of the body sent: a 422 names "decisions.<i>.<champ>"; a rule of the
 * service names the bare field and gives the decision's index in `decision`;
 * a 409 (no convention, household without commune) names it in `champ`, or
 * is about the association when it gives `association_id`.
 */
export function erreursDecision(probleme: ProblemDetails | null | undefined, index: number): ErreursChamps {
  const out: ErreursChamps = {};
  if (!probleme) return out;
  const prefixe = `decisions.${index}.`;
  const extra = probleme as ProblemDetails & { decision?: unknown; champ?: unknown; association_id?: unknown };
  const concerne = extra.decision === undefined || extra.decision === index;
  for (const e of probleme.errors ?? []) {
    const cle = cleDeChamp(e.champ);
    if (cle.startsWith(prefixe)) out[cle.slice(prefixe.length)] = e.message;
    else if (concerne && !cle.startsWith("decisions.")) out[cle] = e.message;
  }
  if (concerne && probleme.status === 409) {
    if (typeof extra.champ === "string") out[extra.champ] ??= probleme.detail ?? "";
    else if (typeof extra.association_id === "string") out["association_id"] ??= probleme.detail ?? "";
  }
  return out;
}

/** Associations that hold a convention on the dispositif, those covering the commune first. */
export function associationsConventionnees(
  conventions: readonly ConventionPublic[],
  noms: Record<string, string>,
  communeInsee: string | null | undefined,
  le: string,
): { value: string; label: string; couvre: boolean }[] {
  const parAsso = new Map<string, boolean>();
  for (const c of conventions) {
    const enCours = c.date_debut <= le && le <= c.date_fin;
    const couvre = enCours && !!communeInsee && c.communes.includes(communeInsee);
    parAsso.set(c.association_id, (parAsso.get(c.association_id) ?? false) || couvre);
  }
  return [...parAsso.entries()]
    .map(([id, couvre]) => ({
      value: id,
      couvre,
      label: `${noms[id] ?? "Association"}${couvre ? "" : " (convention ne couvrant pas la commune)"}`,
    }))
    .sort((a, b) => Number(b.couvre) - Number(a.couvre) || a.label.localeCompare(b.label, "fr"));
}

/** "pv-commission-2026-11-23.csv" from a Content-Disposition header, or a fallback. */
export function nomFichier(contentDisposition: string | null | undefined, defaut: string): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(contentDisposition ?? "");
  return m?.[1] ? decodeURIComponent(m[1]) : defaut;
}
