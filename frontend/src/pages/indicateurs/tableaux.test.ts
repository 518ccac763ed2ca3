import { describe, expect, it } from "vitest";

import type { Tableau } from "../../api/types";
import {
  celluleOuvrable,
  formatNombre,
  formatPourcentage,
  grille,
  libelleCellule,
  libelleMois,
  longueurs,
  maximumArrondi,
  nomDeFichier,
  serie,
  texteAlternatif,
  texteCellule,
} from "./tableaux";

// Intl separates thousands with a narrow no-break space (U+202F): compare with plain spaces.
const espaces = (s: string) => s.replace(/\s/g, " ");

const cible: Tableau = {
  code: "file_active_cible",
  titre: "File active par cible",
  definition: "Mesures en cours, par cible.",
  unite: "mesures",
  detail_disponible: true,
  dimensions: [
    {
      code: "cible",
      titre: "Cible",
      valeurs: [
        { code: "habitat", libelle: "Habitat adapté" },
        { code: "sante_mentale", libelle: "Santé mentale" },
      ],
    },
  ],
  cellules: [
    { dimensions: { cible: "habitat" }, cle: "cible=habitat", valeur: 3, pourcentage: 75 },
    { dimensions: { cible: "sante_mentale" }, cle: "cible=sante_mentale", valeur: 1, pourcentage: 25 },
    { dimensions: { cible: "total" }, cle: "total", valeur: 4, total: true, pourcentage: 100 },
  ],
};

const ageCible: Tableau = {
  code: "file_active_age_cible",
  titre: "File active par cible et tranche d'âge",
  definition: "",
  unite: "mesures",
  detail_disponible: true,
  dimensions: [
    cible.dimensions[0]!,
    {
      code: "tranche_age",
      titre: "Tranche d'âge",
      valeurs: [
        { code: "30-40", libelle: "30 à 40 ans" },
        { code: "60-70", libelle: "60 à 70 ans" },
      ],
    },
  ],
  cellules: [
    { dimensions: { cible: "habitat", tranche_age: "30-40" }, cle: "cible=habitat;tranche_age=30-40", valeur: 3 },
    { dimensions: { cible: "habitat", tranche_age: "60-70" }, cle: "cible=habitat;tranche_age=60-70", valeur: 0 },
    { dimensions: { cible: "habitat", tranche_age: "total" }, cle: "cible=habitat", valeur: 3, total: true },
    { dimensions: { cible: "sante_mentale", tranche_age: "30-40" }, cle: "cible=sante_mentale;tranche_age=30-40", valeur: null, masque: true },
    { dimensions: { cible: "sante_mentale", tranche_age: "60-70" }, cle: "cible=sante_mentale;tranche_age=60-70", valeur: 0 },
    { dimensions: { cible: "sante_mentale", tranche_age: "total" }, cle: "cible=sante_mentale", valeur: 1, total: true },
    { dimensions: { cible: "total", tranche_age: "30-40" }, cle: "tranche_age=30-40", valeur: 4, total: true },
    { dimensions: { cible: "total", tranche_age: "60-70" }, cle: "tranche_age=60-70", valeur: 0, total: true },
    { dimensions: { cible: "total", tranche_age: "total" }, cle: "total", valeur: 4, total: true },
  ],
};

describe("number formatting", () => {
  it("groups thousands and keeps one decimal, French style", () => {
    expect(espaces(formatNombre(1234))).toBe("1 234");
    expect(espaces(formatNombre(1234.56))).toBe("1 234,6");
    expect(formatNombre(0)).toBe("0");
    expect(formatNombre(null)).toBe("—");
  });

  it("writes percentages with a comma and a no-break space", () => {
    expect(formatPourcentage(12.5)).toBe("12,5\u00a0%");
    expect(formatPourcentage(null)).toBe("—");
  });

  it("says « masqué » for a cell under statistical secrecy", () => {
    expect(texteCellule({ dimensions: {}, cle: "x", valeur: null, masque: true })).toBe("masqué");
    expect(texteCellule(undefined)).toBe("—");
  });

  it("spells months out", () => {
    expect(libelleMois("2026-03")).toBe("mars 2026");
    expect(libelleMois("2026-12", true)).toBe("déc.");
    expect(libelleMois("autre")).toBe("autre");
  });
});

describe("grille", () => {
  it("lays one dimension as rows, the total last, with the % column", () => {
    const g = grille(cible);
    expect(g.lignes.map((l) => l.libelle)).toEqual(["Habitat adapté", "Santé mentale", "Total"]);
    expect(g.lignes[2]?.total).toBe(true);
    expect(g.lignes[0]?.cellules[0]?.valeur).toBe(3);
    expect(g.colonnes.map((c) => c.libelle)).toEqual(["Mesures"]);
    expect(g.avecPourcentage).toBe(true);
  });

  it("lays two dimensions as rows × columns with margins", () => {
    const g = grille(ageCible);
    expect(g.colonnes.map((c) => c.libelle)).toEqual(["30 à 40 ans", "60 à 70 ans", "Total"]);
    expect(g.lignes.map((l) => l.cellules.map((c) => c?.valeur ?? "∅"))).toEqual([
      [3, 0, 3],
      ["∅", 0, 1],
      [4, 0, 4],
    ]);
  });
});

describe("which figures open the files behind them", () => {
  it("only counted, visible, non-zero cells of a table whose detail is allowed", () => {
    const [habitat, habitat60] = ageCible.cellules;
    expect(celluleOuvrable(ageCible, habitat)).toBe(true);
    expect(celluleOuvrable(ageCible, habitat60)).toBe(false);
    expect(celluleOuvrable(ageCible, ageCible.cellules[3])).toBe(false);
    expect(celluleOuvrable({ ...ageCible, detail_disponible: false }, habitat)).toBe(false);
  });

  it("names a cell in words", () => {
    expect(libelleCellule(ageCible, ageCible.cellules[0]!)).toBe("Habitat adapté, 30 à 40 ans");
    expect(libelleCellule(ageCible, ageCible.cellules[6]!)).toBe("total cible, 30 à 40 ans");
  });
});

describe("bar charts", () => {
  it("takes one dimension's values, or the margin of a two-dimension table", () => {
    expect(serie(cible, "cible").map((b) => b.valeur)).toEqual([3, 1]);
    expect(serie(ageCible, "tranche_age")).toEqual([
      { code: "30-40", libelle: "30 à 40 ans", valeur: 4, masque: false },
      { code: "60-70", libelle: "60 à 70 ans", valeur: 0, masque: false },
    ]);
    expect(serie(undefined, "cible")).toEqual([]);
  });

  it("abbreviates months for the axis, with the year when the period spans several", () => {
    const mois = (codes: string[]): Tableau => ({
      ...cible,
      code: "sorties_par_mois",
      dimensions: [{ code: "mois", titre: "Mois", valeurs: codes.map((c) => ({ code: c, libelle: c })) }],
      cellules: codes.map((c, i) => ({ dimensions: { mois: c }, cle: `mois=${c}`, valeur: i })),
    });
    expect(serie(mois(["2026-01", "2026-02"]), "mois", true).map((b) => b.libelle)).toEqual(["janv.", "févr."]);
    expect(serie(mois(["2025-12", "2026-01"]), "mois", true).map((b) => b.libelle)).toEqual(["déc. 25", "janv. 26"]);
    const barres = serie(mois(["2026-01", "2026-02"]), "mois", true);
    expect(texteAlternatif("Sorties", barres)).toBe("Sorties. janvier 2026 : 0 ; février 2026 : 1.");
  });

  it("rounds the axis up to 1, 2 or 5 × 10ⁿ", () => {
    expect(maximumArrondi(0)).toBe(1);
    expect(maximumArrondi(1)).toBe(1);
    expect(maximumArrondi(3)).toBe(5);
    expect(maximumArrondi(7)).toBe(10);
    expect(maximumArrondi(12)).toBe(20);
    expect(maximumArrondi(250)).toBe(500);
    expect(maximumArrondi(0.3)).toBeCloseTo(0.5);
  });

  it("scales bars against the axis, a small non-zero value still visible", () => {
    const barres = [3, 1, 0, 1000].map((v, i) => ({ code: String(i), libelle: String(i), valeur: v, masque: false }));
    expect(longueurs(barres.slice(0, 3))).toEqual({ echelle: 5, longueurs: [60, 20, 0] });
    expect(longueurs([barres[1]!, barres[3]!]).longueurs).toEqual([1, 100]);
    expect(longueurs([{ code: "m", libelle: "m", valeur: null, masque: true }])).toEqual({ echelle: 1, longueurs: [0] });
  });

  it("has a text alternative listing every bar", () => {
    const barres = serie(ageCible, "cible");
    expect(texteAlternatif("Par cible", barres)).toBe("Par cible. Habitat adapté : 3 ; Santé mentale : 1.");
    expect(texteAlternatif("Vide", [])).toBe("Vide : aucune donnée.");
  });
});

describe("nomDeFichier", () => {
  it("takes the server's file name", () => {
    expect(nomDeFichier('attachment; filename="indicateurs_2026-01-01_2026-11-23.csv"', "x.csv")).toBe("indicateurs_2026-01-01_2026-11-23.csv");
    expect(nomDeFichier("attachment; filename*=UTF-8''bilan%20%C3%A9t%C3%A9.xlsx", "x.xlsx")).toBe("bilan été.xlsx");
    expect(nomDeFichier("attachment; filename=a/b.csv", "x.csv")).toBe("a_b.csv");
    expect(nomDeFichier(null, "x.csv")).toBe("x.csv");
  });
});
