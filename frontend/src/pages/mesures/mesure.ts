/**
 * The rules of the mesure screens, kept free of React so they are unit-tested:
 * which lifecycle actions a reader is offered in the mesure's current state
 * (mirror of api/mesures/service.py, TRANSITIONS and the _verifier_* checks),
 * each action's form and request body, and what the header and history say.
 */
import type { ErreursChamps, ProblemDetails } from "../../api/problem";
import { erreursParChamp } from "../../api/problem";
import type {
  DomaineIntervention,
  EvenementMesure,
  ModaliteLogement,
  Moi,
  MotifFin,
  MesurePublic,
  MesureUpdate,
  SituationLogement,
  StatutMesure,
} from "../../api/types";
import { formatDate } from "../../lib/dates";
import { DOMAINES_INTERVENTION, MODALITES_LOGEMENT, MOTIFS_FIN, SITUATIONS_LOGEMENT, STATUTS_MESURE } from "../../lib/libelles";

export type ActionMesure =
  | "demarrer"
  | "activer"
  | "suspendre"
  | "reprendre"
  | "reorienter"
  | "prolonger"
  | "changer-referent"
  | "terminer"
  | "suivi";

/** The button that opens each action's form, and the form's heading. */
export const LIBELLES_ACTIONS: Record<ActionMesure, { bouton: string; titre: string; envoi: string }> = {
  demarrer: { bouton: "Démarrer l'accompagnement", titre: "Démarrer l'accompagnement", envoi: "Enregistrer le démarrage" },
  activer: { bouton: "Clore l'évaluation", titre: "Clore l'évaluation : la mesure devient active", envoi: "Rendre la mesure active" },
  suspendre: { bouton: "Suspendre", titre: "Suspendre la mesure", envoi: "Enregistrer la suspension" },
  reprendre: { bouton: "Reprendre", titre: "Reprendre la mesure", envoi: "Enregistrer la reprise" },
  reorienter: { bouton: "Réorienter", titre: "Réorienter : changer de cible ou de type d'accompagnement", envoi: "Enregistrer la réorientation" },
  prolonger: { bouton: "Prolonger", titre: "Prolonger la mesure", envoi: "Enregistrer la prolongation" },
  "changer-referent": { bouton: "Changer de référent", titre: "Changer de référent", envoi: "Enregistrer le changement de référent" },
  terminer: { bouton: "Terminer la mesure", titre: "Terminer la mesure", envoi: "Enregistrer la fin de la mesure" },
  suivi: { bouton: "Renseigner le suivi à 6 mois", titre: "Suivi à 6 mois", envoi: "Enregistrer le suivi" },
};

/** The association that carries the mesure reads and writes it; the commission only reads
 * (its capabilities say it changes no mesure). */
export function estPorteur(m: Pick<MesurePublic, "association_id">, moi: Pick<Moi, "organisation" | "capacites">): boolean {
  return moi.capacites.modifier_mesures && m.association_id === moi.organisation.id;
}

const EN_COURS: readonly StatutMesure[] = ["mandatee", "en_evaluation", "active", "suspendue"];

/**
 * The actions offered for this mesure, in the order the buttons show. Only the
 * carrying association acts; each state offers what the API would accept:
 * mandatée → démarrer; en évaluation → activer; active → suspendre; suspendue →
 * reprendre; terminer from any stage; réorienter and changer de référent while
 * not ended; prolonger once a planned end exists; the suivi after the end.
 */
export function actionsPermises(
  m: Pick<MesurePublic, "association_id" | "statut" | "date_fin_prevue">,
  moi: Pick<Moi, "organisation" | "capacites">,
): ActionMesure[] {
  if (!estPorteur(m, moi)) return [];
  const out: ActionMesure[] = [];
  switch (m.statut) {
    case "mandatee":
      out.push("demarrer");
      break;
    case "en_evaluation":
      out.push("activer");
      break;
    case "active":
      out.push("suspendre");
      break;
    case "suspendue":
      out.push("reprendre");
      break;
    case "terminee":
      return ["suivi"];
  }
  if (m.date_fin_prevue) out.push("prolonger");
  out.push("reorienter", "changer-referent", "terminer");
  return out;
}

/** « Je deviens référent »: a person (not an API client) of the carrying association, not already référent. */
export function peutDevenirReferent(m: Pick<MesurePublic, "association_id" | "statut" | "referent_id">, moi: Moi): boolean {
  return estPorteur(m, moi) && moi.type === "utilisateur" && EN_COURS.includes(m.statut) && m.referent_id !== moi.id;
}

/** Domaines and modalité de logement: the carrying association, at any stage (corrections after the end included). */
export function peutModifier(m: Pick<MesurePublic, "association_id">, moi: Pick<Moi, "organisation" | "capacites">): boolean {
  return estPorteur(m, moi);
}

// --- Forms of the actions -----------------------------------------------------

/** Every field of every action, named as in the API so its errors land next to them. */
export interface FormAction {
  date_debut: string;
  evaluation: "oui" | "non";
  adhesion_date: string;
  adhesion_modalite: string;
  date_fin_prevue: string;
  date_effet: string;
  motif: string;
  cible_code: string;
  type_accompagnement_code: string;
  derogation_motif: string;
  referent_id: string;
  date_fin: string;
  motif_fin: MotifFin | "";
  situation_sortie: SituationLogement | "";
  realise_le: string;
  joint: "oui" | "non" | "";
  situation: SituationLogement | "";
  commentaire: string;
}

/** The fields each action's form shows (the others are ignored). */
export const CHAMPS_ACTIONS: Record<ActionMesure, readonly (keyof FormAction)[]> = {
  demarrer: ["date_debut", "evaluation", "adhesion_date", "adhesion_modalite", "date_fin_prevue", "commentaire"],
  activer: ["date_effet", "adhesion_date", "adhesion_modalite", "commentaire"],
  suspendre: ["date_effet", "motif", "commentaire"],
  reprendre: ["date_effet", "motif", "commentaire"],
  reorienter: ["date_effet", "cible_code", "type_accompagnement_code", "motif", "commentaire"],
  prolonger: ["date_fin_prevue", "derogation_motif", "commentaire"],
  "changer-referent": ["referent_id", "commentaire"],
  terminer: ["date_fin", "motif_fin", "situation_sortie", "commentaire"],
  suivi: ["realise_le", "joint", "situation", "commentaire"],
};

/** A fresh form: dates of the day, what the mesure already knows (adhésion, cible, type). */
export function formulaireAction(m: MesurePublic, aujourdhui: string): FormAction {
  return {
    date_debut: aujourdhui,
    evaluation: "oui",
    adhesion_date: m.adhesion_date ?? "",
    adhesion_modalite: m.adhesion_modalite ?? "",
    date_fin_prevue: "",
    date_effet: aujourdhui,
    motif: "",
    cible_code: m.cible_code,
    type_accompagnement_code: m.type_accompagnement_code,
    derogation_motif: "",
    referent_id: "",
    date_fin: aujourdhui,
    motif_fin: "",
    situation_sortie: "",
    realise_le: aujourdhui,
    joint: "",
    situation: "",
    commentaire: "",
  };
}

const texte = (v: string): string | null => (v.trim() === "" ? null : v.trim());

/** Required fields left empty are left out: the API then says « champ obligatoire » next to them. */
function requis<T extends Record<string, unknown>>(corps: T): T {
  return Object.fromEntries(Object.entries(corps).filter(([, v]) => v !== "")) as T;
}

/** The request body of an action, from its form (only the action's own fields). */
export function payloadAction(action: ActionMesure, f: FormAction, m: Pick<MesurePublic, "cible_code" | "type_accompagnement_code">): Record<string, unknown> {
  const commentaire = texte(f.commentaire);
  switch (action) {
    case "demarrer":
      return requis({
        date_debut: f.date_debut,
        evaluation: f.evaluation === "oui",
        adhesion_date: f.adhesion_date || null,
        adhesion_modalite: texte(f.adhesion_modalite),
        date_fin_prevue: f.date_fin_prevue || null,
        commentaire,
      });
    case "activer":
      return requis({
        date_effet: f.date_effet,
        adhesion_date: f.adhesion_date || null,
        adhesion_modalite: texte(f.adhesion_modalite),
        commentaire,
      });
    case "suspendre":
    case "reprendre":
      return requis({ date_effet: f.date_effet, motif: texte(f.motif), commentaire });
    case "reorienter":
      // Only what changes: the API refuses a réorientation to the same cible and type.
      return requis({
        date_effet: f.date_effet,
        cible_code: f.cible_code && f.cible_code !== m.cible_code ? f.cible_code : null,
        type_accompagnement_code:
          f.type_accompagnement_code && f.type_accompagnement_code !== m.type_accompagnement_code ? f.type_accompagnement_code : null,
        motif: f.motif.trim(),
        commentaire,
      });
    case "prolonger":
      return requis({ date_fin_prevue: f.date_fin_prevue, derogation_motif: texte(f.derogation_motif), commentaire });
    case "changer-referent":
      return requis({ referent_id: f.referent_id, commentaire });
    case "terminer":
      return requis({ date_fin: f.date_fin, motif_fin: f.motif_fin, situation_sortie: f.situation_sortie, commentaire });
    case "suivi":
      return requis({
        realise_le: f.realise_le,
        joint: f.joint === "" ? "" : f.joint === "oui",
        situation: f.joint === "oui" ? f.situation || null : null,
        commentaire,
      });
  }
}

/**
 * The field errors of a refused action. Besides pydantic's list, a conflict may
 * name its field (the adhésion a dispositif requires before the mesure is active).
 */
export function erreursAction(probleme: ProblemDetails | null | undefined): ErreursChamps {
  const out = erreursParChamp(probleme);
  const champ = (probleme as { champ?: unknown } | null | undefined)?.champ;
  if (typeof champ === "string" && probleme?.detail && !out[champ]) out[champ] = probleme.detail;
  return out;
}

/** Beyond the dispositif's maximum duration a prolongation needs a derogation and its reason. */
export function derogationNecessaire(nouvelleFin: string, dateLimite: string | null | undefined): boolean {
  return Boolean(nouvelleFin && dateLimite && nouvelleFin > dateLimite);
}

// --- Domaines and modalité de logement (PATCH) --------------------------------

export interface FormSituation {
  domaines: DomaineIntervention[];
  modalite_logement: ModaliteLogement | "";
  modalite_date_debut: string;
  modalite_date_fin: string;
  date_glissement: string;
}

export function depuisMesure(m: MesurePublic): FormSituation {
  return {
    domaines: [...m.domaines],
    modalite_logement: m.modalite_logement ?? "",
    modalite_date_debut: m.modalite_date_debut ?? "",
    modalite_date_fin: m.modalite_date_fin ?? "",
    date_glissement: m.date_glissement ?? "",
  };
}

/** The PATCH body: domaines in the list's order; the glissement date only for an IML bail glissant. */
export function payloadSituation(f: FormSituation): MesureUpdate {
  const ordre = Object.keys(DOMAINES_INTERVENTION) as DomaineIntervention[];
  return {
    domaines: ordre.filter((d) => f.domaines.includes(d)),
    modalite_logement: f.modalite_logement || null,
    modalite_date_debut: f.modalite_date_debut || null,
    modalite_date_fin: f.modalite_date_fin || null,
    date_glissement: f.modalite_logement === "iml_bail_glissant" ? f.date_glissement || null : null,
  };
}

// --- What the screens say -------------------------------------------------------

const JOUR = 86_400_000;

function jourUTC(iso: string): number {
  const [a, m, j] = iso.split("-").map(Number);
  return Date.UTC(a!, m! - 1, j!);
}

function ajouterMois(iso: string, mois: number): string {
  const [a, m, j] = iso.split("-").map(Number);
  const index = m! - 1 + mois;
  const annee = a! + Math.floor(index / 12);
  const moisCible = ((index % 12) + 12) % 12;
  const dernier = new Date(Date.UTC(annee, moisCible + 1, 0)).getUTCDate();
  const d = new Date(Date.UTC(annee, moisCible, Math.min(j!, dernier)));
  return d.toISOString().slice(0, 10);
}

const pluriel = (n: number, mot: string) => `${n} ${mot}${n > 1 && !mot.endsWith("s") ? "s" : ""}`;

/** « 5 mois et 12 jours », « 3 jours », « dépassée de 4 jours »: time left until the planned end. */
export function dureeRestante(m: Pick<MesurePublic, "statut" | "date_fin_prevue">, aujourdhui: string): string {
  if (m.statut === "terminee") return "Mesure terminée";
  if (!m.date_fin_prevue) return "Fin prévue non fixée (la mesure n'a pas démarré)";
  const fin = m.date_fin_prevue;
  const jours = Math.round((jourUTC(fin) - jourUTC(aujourdhui)) / JOUR);
  if (jours < 0) return `Fin prévue dépassée de ${pluriel(-jours, "jour")}`;
  if (jours === 0) return "Fin prévue aujourd'hui";
  let mois = 0;
  while (ajouterMois(aujourdhui, mois + 1) <= fin) mois += 1;
  const reste = Math.round((jourUTC(fin) - jourUTC(ajouterMois(aujourdhui, mois))) / JOUR);
  if (mois === 0) return pluriel(reste, "jour");
  return reste === 0 ? `${mois} mois` : `${mois} mois et ${pluriel(reste, "jour")}`;
}

export function libelleStatut(s: string | null | undefined): string {
  return s && s in STATUTS_MESURE ? STATUTS_MESURE[s as StatutMesure] : (s ?? "—");
}

/** « Mandatée → En évaluation », or « — » for an event that does not change the status. */
export function changementStatut(e: Pick<EvenementMesure, "de_statut" | "vers_statut">): string {
  if (!e.vers_statut) return "—";
  return e.de_statut ? `${libelleStatut(e.de_statut)} → ${libelleStatut(e.vers_statut)}` : libelleStatut(e.vers_statut);
}

const libelle = <K extends string>(liste: Record<K, string>, code: unknown): string =>
  typeof code === "string" ? (liste[code as K] ?? code) : "—";

/**
 * One line that says what an event changed. `noms` gives people's names by id,
 * `codes` the labels of the dispositif's cibles and types (both may be partial).
 */
export function detailEvenement(
  e: Pick<EvenementMesure, "type" | "motif" | "donnees">,
  noms: Record<string, string> = {},
  codes: Record<string, string> = {},
): string {
  const d = (e.donnees ?? {}) as Record<string, unknown>;
  const code = (c: unknown) => (typeof c === "string" ? (codes[c] ?? c) : "—");
  const parties: string[] = [];
  switch (e.type) {
    case "demarrage":
      if (d.adhesion_date) parties.push(`adhésion le ${formatDate(String(d.adhesion_date))}${d.adhesion_modalite ? ` (${String(d.adhesion_modalite)})` : ""}`);
      else parties.push("adhésion non renseignée");
      break;
    case "reorientation":
      if (d.nouvelle_cible) parties.push(`cible : ${code(d.ancienne_cible)} → ${code(d.nouvelle_cible)}`);
      if (d.nouveau_type) parties.push(`type : ${code(d.ancien_type)} → ${code(d.nouveau_type)}`);
      if (e.motif) parties.push(`motif : ${e.motif}`);
      break;
    case "prolongation":
      parties.push(`fin prévue : ${formatDate(d.ancienne_fin_prevue as string | null)} → ${formatDate(d.nouvelle_fin_prevue as string | null)}`);
      if (d.derogation_motif) parties.push(`dérogation : ${String(d.derogation_motif)}`);
      break;
    case "changement_referent": {
      // The commission does not know the association's people: it reads that the référent changed.
      const ancien = typeof d.ancien_referent_id === "string" ? noms[d.ancien_referent_id] : "aucun";
      const nouveau = typeof d.nouveau_referent_id === "string" ? noms[d.nouveau_referent_id] : undefined;
      if (ancien === undefined || nouveau === undefined) {
        parties.push(d.ancien_referent_id ? "nouveau référent désigné par l'association" : "premier référent désigné par l'association");
      } else parties.push(`référent : ${ancien} → ${nouveau}`);
      break;
    }
    case "fin":
      parties.push(`motif : ${libelle(MOTIFS_FIN, e.motif)}`);
      parties.push(`situation de sortie : ${libelle(SITUATIONS_LOGEMENT, d.situation_sortie)}`);
      if (d.suivi_date_prevue) parties.push(`suivi prévu le ${formatDate(String(d.suivi_date_prevue))}`);
      break;
    case "suivi":
      parties.push(d.joint ? "ménage joint" : "ménage non joint");
      if (d.situation) parties.push(`situation : ${libelle(SITUATIONS_LOGEMENT, d.situation)}`);
      break;
    case "modification":
      if (Array.isArray(d.domaines)) {
        parties.push(`domaines : ${d.domaines.length ? d.domaines.map((x) => libelle(DOMAINES_INTERVENTION, x)).join(", ") : "aucun"}`);
      }
      if ("modalite_logement" in d) parties.push(`modalité de logement : ${d.modalite_logement ? libelle(MODALITES_LOGEMENT, d.modalite_logement) : "aucune"}`);
      if ("modalite_date_debut" in d) parties.push(`début de la modalité : ${formatDate(d.modalite_date_debut as string | null)}`);
      if ("modalite_date_fin" in d) parties.push(`fin de la modalité : ${formatDate(d.modalite_date_fin as string | null)}`);
      if ("date_glissement" in d) parties.push(`glissement du bail : ${formatDate(d.date_glissement as string | null)}`);
      if ("acces_maintien" in d) parties.push(`accès/maintien : ${String(d.acces_maintien)}`);
      break;
    default:
      if (e.motif) parties.push(`motif : ${e.motif}`);
  }
  if (parties.length === 0) return "—";
  const phrase = parties.join(" ; ");
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

// --- The list's filters -----------------------------------------------------------

export interface FiltresMesures {
  statut?: StatutMesure;
  dispositif_id?: string;
  referent_id?: string;
  reference?: string;
  page: number;
}

/** The list's filters from the address bar (unknown values are ignored); « mes=1 » is « mes mesures ». */
export function filtresDepuis(params: URLSearchParams, moiId: string): FiltresMesures {
  const statut = params.get("statut");
  return {
    statut: statut && statut in STATUTS_MESURE ? (statut as StatutMesure) : undefined,
    dispositif_id: params.get("dispositif") || undefined,
    referent_id: params.get("mes") === "1" ? moiId : undefined,
    reference: params.get("reference")?.trim() || undefined,
    page: Math.max(1, Number(params.get("page")) || 1),
  };
}

/** What the person is told once the API has accepted the action. */
export function messageSucces(action: ActionMesure, m: Pick<MesurePublic, "reference" | "statut" | "date_fin_prevue" | "suivi_date_prevue">): string {
  switch (action) {
    case "demarrer":
      return `Accompagnement démarré : la mesure ${m.reference} est ${m.statut === "active" ? "active" : "en évaluation"}.`;
    case "activer":
      return `Évaluation close : la mesure ${m.reference} est active.`;
    case "suspendre":
      return `Mesure ${m.reference} suspendue.`;
    case "reprendre":
      return `Mesure ${m.reference} reprise : elle est de nouveau active.`;
    case "reorienter":
      return `Réorientation de la mesure ${m.reference} enregistrée.`;
    case "prolonger":
      return `Mesure ${m.reference} prolongée jusqu'au ${formatDate(m.date_fin_prevue)}.`;
    case "changer-referent":
      return `Référent de la mesure ${m.reference} changé.`;
    case "terminer":
      return `Mesure ${m.reference} terminée ; suivi à 6 mois prévu le ${formatDate(m.suivi_date_prevue)}.`;
    case "suivi":
      return `Suivi à 6 mois de la mesure ${m.reference} enregistré.`;
  }
}

/** Said when the API answers 412: someone changed the mesure since it was read. */
export const MESSAGE_VERSION_PERIMEE =
  "La mesure a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte. Elle vient d'être rechargée : vérifiez son état, puis refaites votre saisie.";
