/**
 * Shaping the API's indicator tables for the screen: numbers in French, rows
 * and columns of a table, the series behind a bar chart and its scale.
 */
import type { Cellule, DocumentIndicateurs, Tableau, Unite } from "../../api/types";
import { UNITES_INDICATEUR } from "../../lib/libelles";

export const TOTAL = "total";

const NOMBRE = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

/** 1234.5 → "1 234,5" (French grouping, at most one decimal, as the API rounds). */
export function formatNombre(valeur: number | null | undefined): string {
  if (valeur === null || valeur === undefined || Number.isNaN(valeur)) return "—";
  return NOMBRE.format(valeur);
}

/** 12.5 (already a percentage) → "12,5 %". */
export function formatPourcentage(valeur: number | null | undefined): string {
  if (valeur === null || valeur === undefined) return "—";
  return `${NOMBRE.format(valeur)}\u00a0%`;
}

/** What a cell shows: its number, « masqué » under statistical secrecy, a dash when not computable. */
export function texteCellule(c: Cellule | undefined): string {
  if (!c) return "—";
  if (c.masque) return "masqué";
  return formatNombre(c.valeur);
}

const MOIS_LONG = new Intl.DateTimeFormat("fr-FR", { month: "long", year: "numeric", timeZone: "UTC" });
const MOIS_COURT = new Intl.DateTimeFormat("fr-FR", { month: "short", timeZone: "UTC" });
const MOIS = /^(\d{4})-(\d{2})$/;

/** "2026-03" → "mars 2026" (court : "mars"); anything else is returned as is. */
export function libelleMois(code: string, court = false): string {
  const m = MOIS.exec(code);
  if (!m) return code;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  return (court ? MOIS_COURT : MOIS_LONG).format(d);
}

/** Label of a dimension's value: months spelled out, « Total » for a margin. */
export function libelleValeur(t: Tableau, dimension: string, code: string): string {
  if (code === TOTAL) return "Total";
  const dim = t.dimensions.find((d) => d.code === dimension);
  if (dimension === "mois") return libelleMois(code);
  return dim?.valeurs.find((v) => v.code === code)?.libelle ?? code;
}

export interface Ligne {
  code: string;
  libelle: string;
  total: boolean;
  cellules: (Cellule | undefined)[];
}

export interface Grille {
  /** Column headers after the first one (the row dimension's title). */
  colonnes: { code: string; libelle: string }[];
  titreLignes: string;
  lignes: Ligne[];
  /** Whether a « % » column follows the values (one-dimension tables with percentages). */
  avecPourcentage: boolean;
}

/**
 * A table as rows and columns: one dimension → one row per value (then Total);
 * two → rows of the first, columns of the second, margins last. Values the
 * API lists but has no cell for show as a dash.
 */
export function grille(t: Tableau): Grille {
  const [d1, d2] = t.dimensions;
  if (!d1) return { colonnes: [], titreLignes: "", lignes: [], avecPourcentage: false };
  const codes1 = [...d1.valeurs.map((v) => v.code)];
  if (t.cellules.some((c) => c.dimensions[d1.code] === TOTAL)) codes1.push(TOTAL);
  if (!d2) {
    const parCode = new Map(t.cellules.map((c) => [c.dimensions[d1.code], c]));
    return {
      colonnes: [{ code: "valeur", libelle: UNITES_INDICATEUR[t.unite] }],
      titreLignes: d1.titre,
      lignes: codes1.map((code) => ({
        code,
        libelle: libelleValeur(t, d1.code, code),
        total: code === TOTAL,
        cellules: [parCode.get(code)],
      })),
      avecPourcentage: t.cellules.some((c) => c.pourcentage !== null && c.pourcentage !== undefined),
    };
  }
  const codes2 = [...d2.valeurs.map((v) => v.code)];
  if (t.cellules.some((c) => c.dimensions[d2.code] === TOTAL)) codes2.push(TOTAL);
  const parCle = new Map(t.cellules.map((c) => [`${c.dimensions[d1.code]}|${c.dimensions[d2.code]}`, c]));
  return {
    colonnes: codes2.map((code) => ({ code, libelle: libelleValeur(t, d2.code, code) })),
    // The caption names both dimensions; the corner cell names the rows'.
    titreLignes: d1.titre,
    lignes: codes1.map((code) => ({
      code,
      libelle: libelleValeur(t, d1.code, code),
      total: code === TOTAL,
      cellules: codes2.map((c2) => parCle.get(`${code}|${c2}`)),
    })),
    avecPourcentage: false,
  };
}

/** A figure opens the files behind it when the API allows it and there is something to list. */
export function celluleOuvrable(t: Tableau, c: Cellule | undefined): boolean {
  return !!c && t.detail_disponible && !c.masque && typeof c.valeur === "number" && c.valeur > 0;
}

/** The values of a cell's dimensions, in words ("Santé mentale, 30 à 40 ans"), for accessible names. */
export function libelleCellule(t: Tableau, c: Cellule): string {
  const parties = t.dimensions.map((d) => {
    const code = c.dimensions[d.code];
    return code === TOTAL ? `total ${d.titre.toLowerCase()}` : libelleValeur(t, d.code, code ?? "");
  });
  return parties.join(", ");
}

// --- bar charts ------------------------------------------------------------------

export interface Barre {
  code: string;
  /** Shown under or beside the bar (months abbreviated). */
  libelle: string;
  /** Read in the text alternative, when different (months in full). */
  libelleLong?: string;
  /** null when masked or not computable: no bar. */
  valeur: number | null;
  masque: boolean;
}

/**
 * The bars of a chart from a table: one dimension's values (not the total); for a
 * two-dimension table, the margin of `dimension` (the other dimension at « total »).
 */
export function serie(t: Tableau | undefined, dimension: string, court = false): Barre[] {
  if (!t) return [];
  const dim = t.dimensions.find((d) => d.code === dimension);
  if (!dim) return [];
  const autres = t.dimensions.filter((d) => d.code !== dimension);
  // Abbreviated months say their year (« janv. 25 ») when the period spans several years.
  const plusieursAnnees = new Set(dim.valeurs.map((v) => v.code.slice(0, 4))).size > 1;
  return dim.valeurs.map((v) => {
    const c = t.cellules.find((x) => x.dimensions[dimension] === v.code && autres.every((a) => x.dimensions[a.code] === TOTAL));
    const b: Barre = {
      code: v.code,
      libelle: v.libelle,
      valeur: c && !c.masque && typeof c.valeur === "number" ? c.valeur : null,
      masque: !!c?.masque,
    };
    if (dimension === "mois") {
      b.libelleLong = libelleMois(v.code);
      b.libelle = court ? libelleMois(v.code, true) + (plusieursAnnees ? ` ${v.code.slice(2, 4)}` : "") : b.libelleLong;
    }
    return b;
  });
}

/** The smallest "round" number (1, 2 or 5 × 10ⁿ) at least `max`: the end of the chart's axis. */
export function maximumArrondi(max: number): number {
  if (!(max > 0)) return 1;
  const puissance = 10 ** Math.floor(Math.log10(max));
  for (const pas of [1, 2, 5, 10]) {
    if (pas * puissance >= max) return pas * puissance;
  }
  return 10 * puissance;
}

/** Each bar's length in % of the axis (0 for no value; a non-zero value is at least 1 % so it shows). */
export function longueurs(barres: Barre[]): { echelle: number; longueurs: number[] } {
  const max = Math.max(0, ...barres.map((b) => b.valeur ?? 0));
  const echelle = maximumArrondi(max);
  return {
    echelle,
    longueurs: barres.map((b) => {
      if (!b.valeur || b.valeur <= 0) return 0;
      return Math.max(1, Math.round((1000 * b.valeur) / echelle) / 10);
    }),
  };
}

/** The chart in words: "Santé mentale : 3 ; Habitat adapté : 0 ; …" (its text alternative). */
export function texteAlternatif(titre: string, barres: Barre[]): string {
  if (barres.length === 0) return `${titre} : aucune donnée.`;
  const parties = barres.map((b) => `${b.libelleLong ?? b.libelle} : ${b.masque ? "masqué" : formatNombre(b.valeur)}`);
  return `${titre}. ${parties.join(" ; ")}.`;
}

// --- the document ----------------------------------------------------------------

export interface Section {
  titre: string;
  tableaux: Tableau[];
}

const SECTIONS: { titre: string; prefixes: string[] }[] = [
  { titre: "File active", prefixes: ["file_active"] },
  { titre: "Entrées et sorties", prefixes: ["entrees_", "sorties_"] },
  { titre: "Activité au regard des conventions", prefixes: ["activite"] },
  { titre: "Orientations et décisions de la commission", prefixes: ["orientations_", "decisions", "refus_", "delai_orientation"] },
  { titre: "Accompagnement", prefixes: ["delai_mandatement", "rendez_vous", "domaines_", "suivis_", "charge_"] },
];

/** The document's tables grouped by theme, in the API's order; a table no theme claims goes last. */
export function sections(doc: DocumentIndicateurs): Section[] {
  const out: Section[] = SECTIONS.map((s) => ({ titre: s.titre, tableaux: [] }));
  const autres: Tableau[] = [];
  for (const t of doc.tableaux) {
    const i = SECTIONS.findIndex((s) => s.prefixes.some((p) => t.code.startsWith(p)));
    const section = out[i];
    if (section) section.tableaux.push(t);
    else autres.push(t);
  }
  if (autres.length) out.push({ titre: "Autres indicateurs", tableaux: autres });
  return out.filter((s) => s.tableaux.length > 0);
}

/** True when no counted figure of the document is above zero (nothing in this scope yet). */
export function documentVide(doc: DocumentIndicateurs): boolean {
  const comptages: Unite[] = ["mesures", "menages", "personnes", "orientations", "decisions", "rendez_vous"];
  return doc.tableaux.filter((t) => comptages.includes(t.unite)).every((t) => t.cellules.every((c) => !c.valeur));
}

/** The file name the server chose (Content-Disposition), or `defaut`. */
export function nomDeFichier(contentDisposition: string | null | undefined, defaut: string): string {
  if (!contentDisposition) return defaut;
  const etoile = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(contentDisposition);
  if (etoile?.[1]) {
    try {
      return decodeURIComponent(etoile[1].trim());
    } catch {
      /* fall through to the plain filename */
    }
  }
  const simple = /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/.exec(contentDisposition);
  const nom = simple?.[1] ?? simple?.[2];
  // Never a path: a name only.
  return nom ? nom.replace(/[/\\]/g, "_") : defaut;
}
