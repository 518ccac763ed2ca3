/**
 * Errors of the API are application/problem+json (RFC 9457): this module turns
 * them into what a screen shows (a French message, errors next to their fields).
 */
import type { components } from "./schema";

export type ProblemDetails = components["schemas"]["ProblemDetails"] & {
  retry_after?: number;
  existant_id?: string;
  existant_reference?: string;
};

export function isProblem(valeur: unknown): valeur is ProblemDetails {
  return (
    typeof valeur === "object" &&
    valeur !== null &&
    typeof (valeur as { status?: unknown }).status === "number" &&
    typeof (valeur as { title?: unknown }).title === "string"
  );
}

// FastAPI names where a value came from: "body.personnes.0.nom", "query.limit".
const ORIGINES = ["body.", "query.", "path.", "header."];

/** "body.personnes.0.date_naissance" → "personnes.0.date_naissance" (the form's key). */
export function cleDeChamp(champ: string): string {
  for (const origine of ORIGINES) {
    if (champ.startsWith(origine)) return champ.slice(origine.length);
  }
  return champ === "body" ? "" : champ;
}

export type ErreursChamps = Record<string, string>;

/** The field errors of a problem, by form key (several messages on one field are joined). */
export function erreursParChamp(probleme: ProblemDetails | null | undefined): ErreursChamps {
  const out: ErreursChamps = {};
  for (const erreur of probleme?.errors ?? []) {
    const cle = cleDeChamp(erreur.champ);
    out[cle] = out[cle] ? `${out[cle]} ; ${erreur.message}` : erreur.message;
  }
  return out;
}

/**
 * The API's message for a field, said with the field's label as the form shows it:
 * « Nom est obligatoire » rather than « champ obligatoire ». Messages it does not
 * know are kept, after the label.
 */
export function phraseChamp(libelle: string, message: string): string {
  const nom = libelle.replace(/\s*\(.*\)\s*$/, "").trim();
  return message
    .split(" ; ")
    .map((m) => {
      if (m === "champ obligatoire") return `« ${nom} » est obligatoire.`;
      const court = /^texte trop court \((\d+) caractère\(s\) au moins\)$/.exec(m);
      if (court) return `« ${nom} » : au moins ${court[1]} caractères.`;
      const long = /^texte trop long \((\d+) caractères au plus\)$/.exec(m);
      if (long) return `« ${nom} » : ${long[1]} caractères au plus.`;
      return m.charAt(0).toUpperCase() + m.slice(1);
    })
    .join(" ");
}

/** The errors whose key is not among the fields the screen shows (to list them at the top). */
export function erreursOrphelines(erreurs: ErreursChamps, clesAffichees: Iterable<string>): ErreursChamps {
  const affichees = new Set(clesAffichees);
  return Object.fromEntries(Object.entries(erreurs).filter(([cle]) => !affichees.has(cle)));
}

/** Seconds to wait after a 429, from the problem's retry_after or the Retry-After header. */
export function delaiAvantNouvelEssai(probleme: ProblemDetails | null | undefined, retryAfter?: string | null): number | null {
  if (probleme && typeof probleme.retry_after === "number") return probleme.retry_after;
  if (retryAfter && /^\d+$/.test(retryAfter)) return Number(retryAfter);
  return null;
}

/** "dans 5 minutes", "dans 45 secondes" */
export function formatDelai(secondes: number): string {
  if (secondes < 60) return `dans ${secondes} seconde${secondes > 1 ? "s" : ""}`;
  const minutes = Math.ceil(secondes / 60);
  return `dans ${minutes} minute${minutes > 1 ? "s" : ""}`;
}

const MESSAGES_PAR_STATUT: Record<number, string> = {
  401: "Votre session a expiré : reconnectez-vous.",
  403: "Votre rôle ne permet pas cette action.",
  404: "Ce dossier n'existe pas ou vous n'y avez pas accès.",
  409: "Cette action entre en conflit avec l'état actuel du dossier.",
  412: "Le dossier a été modifié par quelqu'un d'autre entre-temps : rechargez-le.",
  413: "Les données envoyées sont trop volumineuses.",
  422: "Certaines données sont invalides : corrigez les champs signalés.",
  429: "Trop de requêtes : patientez avant de réessayer.",
};

/** One French sentence for any failed call: the API's own detail when it gave one. */
export function messageErreur(erreur: unknown, statut?: number): string {
  if (isProblem(erreur) && erreur.detail) return erreur.detail;
  const code = isProblem(erreur) ? erreur.status : statut;
  if (code && MESSAGES_PAR_STATUT[code]) return MESSAGES_PAR_STATUT[code];
  if (erreur instanceof TypeError) return "Le serveur ne répond pas : vérifiez votre connexion puis réessayez.";
  return "Une erreur inattendue est survenue ; réessayez dans un instant.";
}

/**
 * The sentence above a form that the API refused. When every field error is
 * shown next to its field, the API's technical summary ("body.x (…)") adds
 * nothing: a plain sentence says to look at the fields.
 */
export function messageFormulaire(probleme: ProblemDetails | null | undefined, statut: number, orphelines: ErreursChamps): string {
  if (statut === 422 && probleme?.errors?.length && Object.keys(orphelines).length === 0) {
    return MESSAGES_PAR_STATUT[422]!;
  }
  return messageErreur(probleme, statut);
}

/** What a refused form shows above its fields: the message, with the errors of the
 * fields it does not display (the others show next to their field). */
export function echecFormulaire(
  parChamp: ErreursChamps,
  clesAffichees: Iterable<string>,
  probleme: ProblemDetails | null | undefined,
  statut: number,
): { message: string; orphelines: ErreursChamps } {
  const orphelines = erreursOrphelines(parChamp, clesAffichees);
  return { message: messageFormulaire(probleme, statut, orphelines), orphelines };
}
