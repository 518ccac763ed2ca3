/**
 * The scope of the indicators (dispositif, association, period), kept in the
 * URL's query so that a link shows the same figures to whoever opens it (within
 * their own perimeter: the API decides what each organisation sees).
 */

export interface Perimetre {
  dispositif?: string;
  association?: string;
  /** Start of the flows' period, AAAA-MM-JJ, included. */
  du: string;
  /** Date of the stocks (file active) and end of the period, AAAA-MM-JJ, included. */
  au: string;
}

/** The figure whose files are shown (GET /indicateurs/detail). */
export interface CelluleChoisie {
  table: string;
  cellule: string;
}

const DATE_ISO = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A real calendar date written AAAA-MM-JJ (not 2026-02-30). */
export function estDateIso(valeur: string | null | undefined): valeur is string {
  if (!valeur || !DATE_ISO.test(valeur)) return false;
  const [a = 0, m = 0, j = 0] = valeur.split("-").map(Number);
  const d = new Date(Date.UTC(a, m - 1, j));
  return d.getUTCFullYear() === a && d.getUTCMonth() === m - 1 && d.getUTCDate() === j;
}

function uuidOuRien(valeur: string | null): string | undefined {
  return valeur && UUID.test(valeur) ? valeur.toLowerCase() : undefined;
}

/** Default period: the current calendar year up to today (what a bilan « à ce jour » shows). */
export function periodeParDefaut(aujourdhui: string): { du: string; au: string } {
  return { du: `${aujourdhui.slice(0, 4)}-01-01`, au: aujourdhui };
}

/**
 * The scope read from the URL. Missing or malformed values fall back to the
 * defaults rather than failing: a hand-edited link still opens something.
 * `association` is kept only for those who may choose one.
 */
export function perimetreDepuisUrl(params: URLSearchParams, aujourdhui: string, associationChoisissable: boolean): Perimetre {
  const defaut = periodeParDefaut(aujourdhui);
  const au = estDateIso(params.get("au")) ? (params.get("au") as string) : defaut.au;
  const duBrut = params.get("du");
  const du = estDateIso(duBrut) ? duBrut : `${au.slice(0, 4)}-01-01`;
  const p: Perimetre = { du, au };
  const dispositif = uuidOuRien(params.get("dispositif"));
  if (dispositif) p.dispositif = dispositif;
  const association = associationChoisissable ? uuidOuRien(params.get("association")) : undefined;
  if (association) p.association = association;
  return p;
}

export function celluleDepuisUrl(params: URLSearchParams): CelluleChoisie | null {
  const table = params.get("table");
  const cellule = params.get("cellule");
  return table && cellule ? { table, cellule } : null;
}

/** The URL's query for a scope (and an open figure): dates always written, so a shared link does not drift. */
export function versUrl(p: Perimetre, cellule?: CelluleChoisie | null): URLSearchParams {
  const out = new URLSearchParams();
  if (p.dispositif) out.set("dispositif", p.dispositif);
  if (p.association) out.set("association", p.association);
  out.set("du", p.du);
  out.set("au", p.au);
  if (cellule) {
    out.set("table", cellule.table);
    out.set("cellule", cellule.cellule);
  }
  return out;
}

/** Query parameters of GET /api/v1/indicateurs (and /detail): empty choices are left out. */
export function requeteApi(p: Perimetre): { du: string; au: string; dispositif?: string; association?: string } {
  const q: { du: string; au: string; dispositif?: string; association?: string } = { du: p.du, au: p.au };
  if (p.dispositif) q.dispositif = p.dispositif;
  if (p.association) q.association = p.association;
  return q;
}

// --- period presets -------------------------------------------------------------

/** "en_cours" (this year up to today), a year "2024" (calendar year), or "dates" (chosen by hand). */
export type ChoixPeriode = string;

export const PERIODE_EN_COURS = "en_cours";
export const PERIODE_DATES = "dates";

/** The choices of the « Période » list: this year to date, last year, then older calendar years. */
export function choixPeriodes(aujourdhui: string, nombreAnnees = 10): { value: ChoixPeriode; label: string }[] {
  const annee = Number(aujourdhui.slice(0, 4));
  const out = [
    { value: PERIODE_EN_COURS, label: `Année ${annee}, jusqu'à aujourd'hui` },
    { value: String(annee - 1), label: `Année précédente (${annee - 1})` },
  ];
  for (let a = annee - 2; a > annee - nombreAnnees; a--) out.push({ value: String(a), label: `Année civile ${a}` });
  out.push({ value: PERIODE_DATES, label: "Dates choisies" });
  return out;
}

/** Dates of a preset; null for « dates choisies » (the fields keep what was typed). */
export function datesDuChoix(choix: ChoixPeriode, aujourdhui: string): { du: string; au: string } | null {
  if (choix === PERIODE_EN_COURS) return periodeParDefaut(aujourdhui);
  if (/^\d{4}$/.test(choix)) {
    const annee = Number(choix);
    // The calendar year, cut at today when it is the current one (no figure is known yet beyond).
    const fin = `${choix}-12-31`;
    return { du: `${choix}-01-01`, au: annee === Number(aujourdhui.slice(0, 4)) && aujourdhui < fin ? aujourdhui : fin };
  }
  return null;
}

/** The preset that gives these dates, or « dates choisies ». */
export function choixDesDates(du: string, au: string, aujourdhui: string): ChoixPeriode {
  for (const { value } of choixPeriodes(aujourdhui)) {
    const d = datesDuChoix(value, aujourdhui);
    if (d && d.du === du && d.au === au) return value;
  }
  return PERIODE_DATES;
}
