import { describe, expect, it } from "vitest";

import { type Entree, libelleEntree, lienEntree, plusRecentesDabord } from "./Chronologie";

const entree = (e: Partial<Entree>): Entree => ({
  nature: "mesure",
  quand: "2026-01-10T09:00:00Z",
  date_effet: "2026-01-10",
  objet_id: "m1",
  objet_reference: "S-2026-000001",
  evenement: "demarrage",
  ...e,
});

describe("chronologie", () => {
  it("puts the newest first, by effective date then recording time", () => {
    const a = entree({ date_effet: "2026-01-02", quand: "2026-03-01T00:00:00Z", evenement: "mandatement" });
    const b = entree({ date_effet: "2026-01-05" });
    const c = entree({ date_effet: "2026-01-05", quand: "2026-01-05T10:00:00Z", evenement: "fin" });
    expect(plusRecentesDabord([a, b, c]).map((e) => e.evenement)).toEqual(["demarrage", "fin", "mandatement"]);
  });
  it("says each entry in words and links it to its referral, mesure or rendez-vous", () => {
    expect(libelleEntree(entree({ nature: "orientation", evenement: "acceptee" }))).toBe("Acceptée");
    expect(libelleEntree(entree({ evenement: "fin" }))).toBe("Fin de la mesure");
    expect(libelleEntree(entree({ nature: "rendez_vous", evenement: "visite_domicile", vers_statut: "realise" }))).toMatch(/^Visite à domicile \(/);
    expect(lienEntree(entree({ nature: "orientation", objet_id: "o1" }))).toBe("/orientations/o1");
    expect(lienEntree(entree({ nature: "rendez_vous", objet_id: "r1" }))).toBe("/rendez-vous/r1");
  });
  it("says an alert set aside or put off, and links it to its mesure", () => {
    const alerte = entree({ nature: "alerte", evenement: "suivi_du", details: { libelle: "Suivi à 6 mois dû", jusqu_au: null } });
    expect(libelleEntree(alerte)).toBe("Alerte « Suivi à 6 mois dû » écartée");
    expect(libelleEntree({ ...alerte, details: { libelle: "Suivi à 6 mois dû", jusqu_au: "2026-03-01" } })).toBe(
      "Alerte « Suivi à 6 mois dû » reportée au 01/03/2026",
    );
    expect(lienEntree(alerte)).toBe("/mesures/m1");
  });
});
