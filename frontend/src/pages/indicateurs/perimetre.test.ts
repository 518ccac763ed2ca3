import { describe, expect, it } from "vitest";

import {
  celluleDepuisUrl,
  choixDesDates,
  choixPeriodes,
  datesDuChoix,
  estDateIso,
  perimetreDepuisUrl,
  PERIODE_DATES,
  PERIODE_EN_COURS,
  requeteApi,
  versUrl,
} from "./perimetre";

const AUJOURDHUI = "2026-11-23";
const D = "a2366d4b-5e73-46d8-a690-3dfe24fcae0b";
const A = "de034fc9-bc8a-4b2b-9665-f77d967e8c20";

describe("perimetreDepuisUrl", () => {
  it("defaults to the current year up to today", () => {
    expect(perimetreDepuisUrl(new URLSearchParams(), AUJOURDHUI, true)).toEqual({ du: "2026-01-01", au: "2026-11-23" });
  });

  it("reads dispositif, association and dates", () => {
    const p = perimetreDepuisUrl(new URLSearchParams({ dispositif: D, association: A, du: "2025-01-01", au: "2025-12-31" }), AUJOURDHUI, true);
    expect(p).toEqual({ dispositif: D, association: A, du: "2025-01-01", au: "2025-12-31" });
  });

  it("drops the association for whom may not choose one (an association sees its own)", () => {
    const p = perimetreDepuisUrl(new URLSearchParams({ association: A }), AUJOURDHUI, false);
    expect(p.association).toBeUndefined();
  });

  it("ignores malformed values instead of failing", () => {
    const p = perimetreDepuisUrl(new URLSearchParams({ dispositif: "42", du: "2026-02-30", au: "hier" }), AUJOURDHUI, true);
    expect(p).toEqual({ du: "2026-01-01", au: "2026-11-23" });
  });

  it("starts the period on January 1st of « au » when « du » is missing", () => {
    expect(perimetreDepuisUrl(new URLSearchParams({ au: "2024-06-30" }), AUJOURDHUI, true)).toEqual({ du: "2024-01-01", au: "2024-06-30" });
  });
});

describe("versUrl and requeteApi", () => {
  it("writes the dates always, the choices only when made, and round-trips", () => {
    const p = { dispositif: D, du: "2025-01-01", au: "2025-12-31" };
    const url = versUrl(p);
    expect(url.toString()).toBe(`dispositif=${D}&du=2025-01-01&au=2025-12-31`);
    expect(perimetreDepuisUrl(url, AUJOURDHUI, true)).toEqual(p);
  });

  it("carries the open figure", () => {
    const url = versUrl({ du: "2026-01-01", au: "2026-11-23" }, { table: "file_active_cible", cellule: "cible=sante_mentale" });
    expect(celluleDepuisUrl(url)).toEqual({ table: "file_active_cible", cellule: "cible=sante_mentale" });
    expect(celluleDepuisUrl(new URLSearchParams({ table: "x" }))).toBeNull();
  });

  it("leaves empty choices out of the API query", () => {
    expect(requeteApi({ du: "2026-01-01", au: "2026-11-23" })).toEqual({ du: "2026-01-01", au: "2026-11-23" });
    expect(requeteApi({ association: A, du: "2026-01-01", au: "2026-11-23" })).toEqual({ association: A, du: "2026-01-01", au: "2026-11-23" });
  });
});

describe("period presets", () => {
  it("offers this year to date, last year, older calendar years, then chosen dates", () => {
    const choix = choixPeriodes(AUJOURDHUI, 4);
    expect(choix.map((c) => c.value)).toEqual([PERIODE_EN_COURS, "2025", "2024", "2023", PERIODE_DATES]);
    expect(choix[1]?.label).toBe("Année précédente (2025)");
  });

  it("gives the dates of a preset", () => {
    expect(datesDuChoix(PERIODE_EN_COURS, AUJOURDHUI)).toEqual({ du: "2026-01-01", au: "2026-11-23" });
    expect(datesDuChoix("2025", AUJOURDHUI)).toEqual({ du: "2025-01-01", au: "2025-12-31" });
    expect(datesDuChoix(PERIODE_DATES, AUJOURDHUI)).toBeNull();
  });

  it("recognises a preset from its dates", () => {
    expect(choixDesDates("2026-01-01", "2026-11-23", AUJOURDHUI)).toBe(PERIODE_EN_COURS);
    expect(choixDesDates("2024-01-01", "2024-12-31", AUJOURDHUI)).toBe("2024");
    expect(choixDesDates("2024-01-01", "2024-06-30", AUJOURDHUI)).toBe(PERIODE_DATES);
  });

  it("checks calendar dates", () => {
    expect(estDateIso("2024-02-29")).toBe(true);
    expect(estDateIso("2025-02-29")).toBe(false);
    expect(estDateIso("29/02/2024")).toBe(false);
  });
});
