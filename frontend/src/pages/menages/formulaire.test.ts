import { describe, expect, it } from "vitest";

import type { MenagePublic } from "../../api/types";
import { clesAffichees, depuisMenage, formulaireVide, nombre, versPayload } from "./formulaire";

describe("nombre", () => {
  it("reads integers with French spacing", () => {
    expect(nombre("1 200")).toBe(1200);
    expect(nombre("1\u202f200")).toBe(1200);
    expect(nombre("")).toBeNull();
  });
  it("sends anything else as typed, for the API to name the field", () => {
    expect(nombre("12,5")).toBe("12,5");
  });
});

describe("versPayload", () => {
  it("drops empty fields to null and uppercases the INSEE code", () => {
    const f = formulaireVide();
    f.personnes[0] = { ...f.personnes[0]!, nom: " Le Goff ", prenom: "Maëlle", date_naissance: "1979-03-14" };
    f.commune_insee = "2a004";
    f.ressources = [{ cle: "r", type: "rsa", montant_mensuel: "607" }];
    f.dettes = [{ cle: "d", type: "loyer", montant: "" }];
    expect(versPayload(f)).toEqual({
      composition: null,
      statut_occupation: null,
      bailleur_id: null,
      commune_insee: "2A004",
      adresse: null,
      telephone: null,
      courriel: null,
      nb_procedures_expulsion: null,
      stade_procedure: null,
      situation_professionnelle: null,
      personnes: [{ nom: "Le Goff", prenom: "Maëlle", date_naissance: "1979-03-14", sexe: "non_renseigne", lien: "demandeur" }],
      ressources: [{ type: "rsa", montant_mensuel: 607 }],
      dettes: [{ type: "loyer", montant: null }],
    });
  });

  it("keeps the persons' ids on an edit so the API keeps them", () => {
    const m: MenagePublic = {
      id: "m1",
      reference: "M-2026-000001",
      organisation_id: "o1",
      composition: "femme_seule_avec_enfants",
      statut_occupation: "locataire_parc_public",
      bailleur_id: null,
      commune_insee: "35238",
      adresse: null,
      telephone: null,
      courriel: null,
      nb_procedures_expulsion: 1,
      stade_procedure: "assignation",
      personnes: [
        { id: "p1", nom: "Le Goff", prenom: "Maëlle", date_naissance: "1979-03-14", sexe: "femme", lien: "demandeur" },
        { id: "p2", nom: "Le Goff", prenom: "Tom", date_naissance: null, sexe: "homme", lien: "enfant" },
      ],
      ressources: [{ type: "aah", montant_mensuel: null }],
      dettes: [{ type: "loyer", montant: 2400 }],
      cree_le: "2026-11-01T10:00:00Z",
      modifie_le: "2026-11-01T10:00:00Z",
      version: 3,
    };
    const corps = versPayload(depuisMenage(m));
    expect(corps.personnes.map((p) => [p.id, p.prenom, p.date_naissance])).toEqual([
      ["p1", "Maëlle", "1979-03-14"],
      ["p2", "Tom", null],
    ]);
    expect(corps.nb_procedures_expulsion).toBe(1);
    expect(corps.ressources).toEqual([{ type: "aah", montant_mensuel: null }]);
    expect(corps.dettes).toEqual([{ type: "loyer", montant: 2400 }]);
    expect(corps.composition).toBe("femme_seule_avec_enfants");
  });
});

describe("clesAffichees", () => {
  it("lists a key per field of each row, as the API names them", () => {
    const f = formulaireVide();
    f.dettes = [{ cle: "d", type: "loyer", montant: "" }];
    const cles = clesAffichees(f);
    expect(cles).toContain("personnes.0.date_naissance");
    expect(cles).toContain("dettes.0.montant");
    expect(cles).not.toContain("personnes.1.nom");
    expect(cles).not.toContain("");
  });
});
