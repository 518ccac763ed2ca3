import { describe, expect, it } from "vitest";

import type { ProblemDetails } from "../../api/problem";
import { actionsPrescripteur, erreursProbleme, optionsCibles, orientationVide, preciserChoixVides, versPayloadOrientation, type DispositifPublic } from "./orientation";

describe("versPayloadOrientation", () => {
  it("trims texts, drops empty optional fields and says whether to submit", () => {
    const f = { ...orientationVide("m1"), dispositif_id: "d1", origine: "association" as const, acces_maintien: "maintien" as const, motifs: "  Impayés  ", external_ref: " " };
    expect(versPayloadOrientation(f, true)).toEqual({
      menage_id: "m1", dispositif_id: "d1", origine: "association", acces_maintien: "maintien",
      cible_proposee_code: null, prescripteur_nom: null, external_ref: null, motifs: "Impayés", soumettre: true,
    });
    expect(versPayloadOrientation(f, false).soumettre).toBe(false);
  });
  it("sends an unchosen required list as null so that the API names the field", () => {
    const p = versPayloadOrientation(orientationVide("m1"), false);
    expect(p.origine).toBeNull();
    expect(p.acces_maintien).toBeNull();
    expect(p.dispositif_id).toBeNull();
  });
});

describe("erreursProbleme", () => {
  it("shows a 409 next to the field it names", () => {
    const p = { type: "x", title: "Conflit", status: 409, detail: "déjà envoyée (O-2026-000001)", champ: "external_ref" } as ProblemDetails;
    expect(erreursProbleme(p)).toEqual({ external_ref: "déjà envoyée (O-2026-000001)" });
  });
  it("keeps the 422 list by field", () => {
    const p: ProblemDetails = { type: "x", title: "t", status: 422, detail: "d", errors: [{ champ: "body.origine", message: "valeur invalide" }] };
    expect(erreursProbleme(p)).toEqual({ origine: "valeur invalide" });
  });
});

describe("actionsPrescripteur", () => {
  it("lets a draft be submitted only (the graph has no draft → annulee)", () => {
    expect(actionsPrescripteur(["soumise"])).toEqual(["soumise"]);
  });
  it("offers withdrawal and the household's refusal in commission, never a commission decision", () => {
    expect(actionsPrescripteur(["acceptee", "ajournee", "annulee", "refus_beneficiaire", "refusee"])).toEqual(["refus_beneficiaire", "annulee"]);
  });
});

describe("optionsCibles", () => {
  it("orders the cibles", () => {
    const d = { cibles: [{ code: "b", libelle: "B", sensible: false, ordre: 2 }, { code: "a", libelle: "A", sensible: false, ordre: 1 }] } as DispositifPublic;
    expect(optionsCibles(d).map((o) => o.value)).toEqual(["a", "b"]);
  });
});

describe("preciserChoixVides", () => {
  it("says what to choose when a required list was left empty, keeps the API's message otherwise", () => {
    const erreurs = { origine: "valeur non permise", dispositif_id: "dispositif inconnu", motifs: "trop long" };
    const f = { ...orientationVide("m1"), dispositif_id: "d-supprime" };
    expect(preciserChoixVides(erreurs, f)).toEqual({
      origine: "Choisissez l'origine de la demande.",
      dispositif_id: "dispositif inconnu",
      motifs: "trop long",
    });
  });
});
