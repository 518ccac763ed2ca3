import { describe, expect, it } from "vitest";

import { cleCommune, codeTape, communeVoulue, libelleCommune, type CommunePublic } from "./communes";

const c = (code: string, nom: string, codes_postaux: string[], departement = "35"): CommunePublic => ({
  code,
  nom,
  codes_postaux,
  departement,
  departement_nom: "Ille-et-Vilaine",
  epci: null,
  epci_nom: null,
});
const rennes = c("35238", "Rennes", ["35000", "35200", "35700"]);
const chateau = c("11309", "Rennes-le-Château", ["11190"], "11");

describe("communes", () => {
  it("compares names as the API does", () => {
    expect(cleCommune("  St-Malo ")).toBe("saint malo");
    expect(cleCommune("QUIMPERLÉ")).toBe("quimperle");
  });
  it("reads an INSEE code typed as such", () => {
    expect(codeTape("2a004")).toBe("2A004");
    expect(codeTape("35238")).toBe("35238");
    expect(codeTape("Rennes")).toBeNull();
    expect(codeTape("3523")).toBeNull();
  });
  it("accepts « Rennes » for Rennes, not for Rennes-le-Château", () => {
    expect(communeVoulue("rennes", [rennes, chateau])?.code).toBe("35238");
    expect(communeVoulue("35200", [rennes])?.code).toBe("35238");
    expect(communeVoulue("renn", [rennes, chateau])).toBeNull(); // ambiguous: the person chooses
    expect(communeVoulue("", [rennes])).toBeNull();
  });
  it("shows the name with its département", () => {
    expect(libelleCommune(rennes)).toBe("Rennes (35)");
  });
});
