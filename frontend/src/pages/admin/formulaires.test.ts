import { describe, expect, it } from "vitest";

import type { ConventionPublic, DispositifPublic } from "../../api/types";
import {
  clesDispositif,
  codeDepuisLibelle,
  communeVide,
  clesConvention,
  conventionVide,
  financeurVide,
  totalParts,
  decouperCommunes,
  depuisConvention,
  depuisDispositif,
  dispositifVide,
  erreursCommunesSurLignes,
  genererSecret,
  versConventionCreate,
  versConventionUpdate,
  versDispositifCreate,
  versDispositifUpdate,
} from "./formulaires";

const DISPOSITIF: DispositifPublic = {
  id: "d1",
  code: "300_logements_35",
  nom: "300 logements accompagnés",
  financeur_id: "f1",
  commission_id: "g1",
  duree_max_mois: 36,
  adhesion_requise: true,
  creation_directe: false,
  date_debut: "2014-01-01",
  date_fin: null,
  cibles: [
    { code: "reassurance_locataire", libelle: "Réassurance du locataire", sensible: false, ordre: 1 },
    { code: "sante_mentale", libelle: "Santé mentale", sensible: true, ordre: 2 },
  ],
  types_accompagnement: [{ code: "evaluation", libelle: "Évaluation", duree_max_mois: 3, ordre: 1 }],
  communes: ["35047", "35238"],
  cree_le: "2026-11-23T10:00:00Z",
};

describe("codeDepuisLibelle", () => {
  it("turns a French label into a code the API accepts", () => {
    expect(codeDepuisLibelle("Santé mentale")).toBe("sante_mentale");
    expect(codeDepuisLibelle("  Sortants de prison (18-25 ans) ")).toBe("sortants_de_prison_18_25_ans");
    expect(codeDepuisLibelle("Capacité à habiter")).toBe("capacite_a_habiter");
    expect(codeDepuisLibelle("Œuvre")).toBe("oeuvre");
    expect(codeDepuisLibelle("x".repeat(80))).toHaveLength(50);
  });
});

describe("decouperCommunes", () => {
  it("splits pasted codes on spaces, commas, semicolons and new lines, uppercased", () => {
    expect(decouperCommunes("35238, 35288;35047\n2a004  ")).toEqual(["35238", "35288", "35047", "2A004"]);
    expect(decouperCommunes("  ")).toEqual([]);
  });
});

describe("dispositif form ↔ payload", () => {
  it("sends a new dispositif with ordered cibles, derived codes, numbers and communes without blanks", () => {
    const f = dispositifVide();
    f.code = " mon_dispositif ";
    f.nom = " Mon dispositif ";
    f.financeur_id = "f1";
    f.commission_id = "g1";
    f.duree_max_mois = "24";
    f.date_debut = "2026-01-01";
    f.cibles = [
      { cle: "a", code: "", libelle: " Réassurance du locataire ", sensible: false },
      { cle: "b", code: "violences", libelle: "Violences conjugales", sensible: true },
    ];
    f.types_accompagnement = [{ cle: "t", code: "", libelle: "Évaluation", duree_max_mois: "" }];
    f.communes = [communeVide("35238"), communeVide(" "), communeVide("2a004")];
    expect(versDispositifCreate(f)).toEqual({
      code: "mon_dispositif",
      nom: "Mon dispositif",
      financeur_id: "f1",
      commission_id: "g1",
      duree_max_mois: 24,
      adhesion_requise: true,
      creation_directe: false,
      date_debut: "2026-01-01",
      date_fin: null,
      cibles: [
        { code: "reassurance_du_locataire", libelle: "Réassurance du locataire", sensible: false, ordre: 1 },
        { code: "violences", libelle: "Violences conjugales", sensible: true, ordre: 2 },
      ],
      types_accompagnement: [{ code: "evaluation", libelle: "Évaluation", duree_max_mois: null, ordre: 1 }],
      communes: ["35238", "2A004"],
    });
  });

  it("reads a dispositif back and sends only the editable fields on PATCH, keeping codes and the sensitive flag", () => {
    const f = depuisDispositif(DISPOSITIF);
    expect(f.id).toBe("d1");
    expect(f.duree_max_mois).toBe("36");
    expect(f.cibles.map((c) => [c.code, c.sensible])).toEqual([
      ["reassurance_locataire", false],
      ["sante_mentale", true],
    ]);
    f.cibles.reverse();
    const corps = versDispositifUpdate(f);
    expect(corps).not.toHaveProperty("code");
    expect(corps).not.toHaveProperty("financeur_id");
    expect(corps).not.toHaveProperty("date_debut");
    expect(corps.cibles?.map((c) => [c.code, c.ordre, c.sensible])).toEqual([
      ["sante_mentale", 1, true],
      ["reassurance_locataire", 2, false],
    ]);
    expect(corps.types_accompagnement).toEqual([{ code: "evaluation", libelle: "Évaluation", duree_max_mois: 3, ordre: 1 }]);
    expect(corps.communes).toEqual(["35047", "35238"]);
    expect(corps.date_fin).toBeNull();
  });

  it("sends a non-number as typed so that the API names the field", () => {
    const f = depuisDispositif(DISPOSITIF);
    f.duree_max_mois = "trois";
    expect(versDispositifUpdate(f).duree_max_mois).toBe("trois");
  });

  it("starts a new form with one empty row of each list", () => {
    const f = dispositifVide();
    expect([f.cibles.length, f.types_accompagnement.length, f.communes.length]).toEqual([1, 1, 1]);
    expect(clesDispositif(f)).toEqual(expect.arrayContaining(["cibles.0.libelle", "types_accompagnement.0.duree_max_mois", "communes.0"]));
  });
});

describe("erreursCommunesSurLignes", () => {
  it("maps the API's position among the sent communes back to the row on screen (blank rows are not sent)", () => {
    const lignes = [communeVide("35238"), communeVide(""), communeVide("3523"), communeVide("35047")];
    expect(erreursCommunesSurLignes({ "communes.1": "code commune INSEE invalide", nom: "requis" }, lignes)).toEqual({
      "communes.2": "code commune INSEE invalide",
      nom: "requis",
    });
  });
  it("keeps a key it cannot place", () => {
    expect(erreursCommunesSurLignes({ "communes.9": "x", communes: "commune « 35238 » en double" }, [communeVide("35238")])).toEqual({
      "communes.9": "x",
      communes: "commune « 35238 » en double",
    });
  });
});

describe("convention form ↔ payload", () => {
  it("sends numbers, null for an empty optional amount, and communes", () => {
    const f = conventionVide("d1");
    Object.assign(f, {
      association_id: "a1",
      date_debut: "2026-01-01",
      date_fin: "2028-12-31",
      objectif_menages: "40",
      mois_mesures_finances: "",
      budget_euros: "230 000",
      communes: [communeVide("35238"), communeVide("")],
    });
    expect(versConventionCreate(f)).toEqual({
      dispositif_id: "d1",
      association_id: "a1",
      date_debut: "2026-01-01",
      date_fin: "2028-12-31",
      objectif_menages: 40,
      mois_mesures_finances: null,
      budget_euros: 230000,
      communes: ["35238"],
    });
  });
  it("reads a convention back and never sends its dispositif or association on PATCH", () => {
    const c: ConventionPublic = {
      id: "c1",
      dispositif_id: "d1",
      association_id: "a1",
      date_debut: "2020-01-01",
      date_fin: "2035-12-31",
      objectif_menages: 40,
      mois_mesures_finances: null,
      budget_euros: 230000,
      communes: ["35238"],
      financeurs: [
        { financeur_id: "f1", part: 66.67 },
        { financeur_id: "f2", part: 33.33 },
      ],
      cree_le: "2026-11-23T10:00:00Z",
    };
    const f = depuisConvention(c);
    expect([f.objectif_menages, f.mois_mesures_finances, f.budget_euros]).toEqual(["40", "", "230000"]);
    const corps = versConventionUpdate(f);
    expect(corps).not.toHaveProperty("dispositif_id");
    expect(corps).not.toHaveProperty("association_id");
    expect(corps).toMatchObject({ objectif_menages: 40, budget_euros: 230000, communes: ["35238"] });
    // the shares read back the French way, sent back as numbers
    expect(f.financeurs.map((x) => x.part)).toEqual(["66,67", "33,33"]);
    expect(corps.financeurs).toEqual([
      { financeur_id: "f1", part: 66.67 },
      { financeur_id: "f2", part: 33.33 },
    ]);
  });
  it("sends no funder when none is named (the dispositif's, at 100 %) and totals the shares", () => {
    const f = conventionVide("d1");
    expect(versConventionCreate(f)).not.toHaveProperty("financeurs");
    f.financeurs = [financeurVide("f1", "33,34"), financeurVide("f2", "33,33 %"), financeurVide("f3", "33.33")];
    expect(versConventionCreate(f).financeurs?.map((x) => x.part)).toEqual([33.34, 33.33, 33.33]);
    expect(totalParts(f.financeurs)).toBe(100);
    f.financeurs = [{ ...f.financeurs[0]!, part: "beaucoup" }, ...f.financeurs.slice(1)];
    expect(totalParts(f.financeurs)).toBeNull();
    expect(versConventionCreate(f).financeurs?.[0]?.part).toBe("beaucoup"); // the API names the field
    expect(clesConvention(f)).toContain("financeurs.2.part");
  });
});

describe("genererSecret", () => {
  it("draws a long hex secret, different each time", () => {
    const a = genererSecret();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(genererSecret()).not.toBe(a);
  });
});
