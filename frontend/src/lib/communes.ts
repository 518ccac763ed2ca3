/**
 * Communes typed and read by their name (the API's référentiel: /api/v1/communes).
 * Kept free of React so the rules are unit-tested.
 */
import type { components } from "../api/schema";

export type CommunePublic = components["schemas"]["CommunePublic"];

const INSEE = /^(\d{5}|2[AB]\d{3})$/;

/** « Saint-Malo », « st malo », « SAINT MALO » → « saint malo » (as the API compares). */
export function cleCommune(texte: string): string {
  return texte
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[-'’]/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .map((mot) => (mot === "st" ? "saint" : mot === "ste" ? "sainte" : mot))
    .join(" ");
}

/** An INSEE code typed as such (« 35238 », « 2a004 »), upper-cased; else null. */
export function codeTape(texte: string): string | null {
  const t = texte.trim().toUpperCase();
  return INSEE.test(t) ? t : null;
}

/** What the field shows once a commune is chosen: « Rennes (35) ». */
export function libelleCommune(c: Pick<CommunePublic, "nom" | "departement">): string {
  return `${c.nom} (${c.departement})`;
}

/** A suggestion's line: « Rennes — 35000, 35200, 35700 — Ille-et-Vilaine ». */
export function ligneSuggestion(c: CommunePublic): string {
  const cps = c.codes_postaux.length > 3 ? `${c.codes_postaux.slice(0, 3).join(", ")}…` : c.codes_postaux.join(", ");
  return [c.nom, cps, c.departement_nom ?? c.departement].filter(Boolean).join(" — ");
}

/**
 * The commune a person meant by what they typed, when it is unambiguous: the only
 * suggestion, or the one whose name is exactly the text (« Rennes » is Rennes, not
 * Rennes-le-Château), or the one whose postcode is exactly the text when only one has it.
 */
export function communeVoulue(texte: string, suggestions: readonly CommunePublic[]): CommunePublic | null {
  const cle = cleCommune(texte);
  if (!cle) return null;
  const exactes = suggestions.filter((c) => cleCommune(c.nom) === cle);
  if (exactes.length >= 1) return exactes[0]!; // the API sorts homonyms by population
  const parCp = suggestions.filter((c) => c.codes_postaux.includes(texte.trim()));
  if (parCp.length === 1) return parCp[0]!;
  return suggestions.length === 1 ? suggestions[0]! : null;
}
