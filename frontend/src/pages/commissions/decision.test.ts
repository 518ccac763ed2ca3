import { describe, expect, it } from "vitest";

import type { ProblemDetails } from "../../api/problem";
import type { StatutOrientation } from "../../api/types";
import {
  associationsConventionnees,
  decisionsPossibles,
  decisionVide,
  erreursDecision,
  nomFichier,
  versDecision,
  versDecisions,
  type ConventionPublic,
} from "./decision";

const enCommission: StatutOrientation[] = ["acceptee", "ajournee", "annulee", "attente_infos", "liste_attente", "refus_beneficiaire", "refusee"];

describe("decisionsPossibles", () => {
  it("offers every outcome to a referral in commission, acceptance first", () => {
    const d = decisionsPossibles({ transitions_permises: enCommission });
    expect(d[0]).toBe("acceptee");
    expect(d).toHaveLength(7);
  });
  it("offers only acceptance from the waiting list", () => {
    expect(decisionsPossibles({ transitions_permises: ["acceptee"] })).toEqual(["acceptee"]);
  });
  it("offers no decision to a submitted referral (it must be put on the agenda) nor a final one", () => {
    expect(decisionsPossibles({ transitions_permises: ["en_commission"] })).toEqual([]);
    expect(decisionsPossibles({ transitions_permises: [] })).toEqual([]);
  });
});

describe("versDecision", () => {
  const base = { ...decisionVide(), association_id: "a1", cible_code: "c", type_accompagnement_code: "t", motif_refus: "hors_cible" as const };

  it("sends nothing when no decision is chosen", () => {
    expect(versDecision("o1", decisionVide())).toBeNull();
  });
  it("sends association, cible and type for an acceptance, no refusal motif", () => {
    const d = versDecision("o1", { ...base, vers_statut: "acceptee", commentaire: "  " });
    expect(d).toEqual({ orientation_id: "o1", vers_statut: "acceptee", commentaire: null, association_id: "a1", cible_code: "c", type_accompagnement_code: "t" });
  });
  it("sends the motif for a refusal and nothing of an acceptance", () => {
    const d = versDecision("o1", { ...base, vers_statut: "refusee", commentaire: " Hors territoire " });
    expect(d).toEqual({ orientation_id: "o1", vers_statut: "refusee", commentaire: "Hors territoire", motif_refus: "hors_cible" });
  });
  it("sends an empty required field as null so that the API names it", () => {
    expect(versDecision("o1", { ...decisionVide(), vers_statut: "refusee" })?.motif_refus).toBeNull();
    expect(versDecision("o1", { ...decisionVide(), vers_statut: "acceptee" })?.association_id).toBeNull();
  });
  it("sends only the status and comment for an adjournment", () => {
    expect(versDecision("o1", { ...base, vers_statut: "ajournee" })).toEqual({ orientation_id: "o1", vers_statut: "ajournee", commentaire: null });
  });
});

describe("decisionVide", () => {
  it("takes the proposed cible as default, never the masked one", () => {
    expect(decisionVide({ cible_proposee_code: "sante_mentale" }).cible_code).toBe("sante_mentale");
    expect(decisionVide({ cible_proposee_code: "confidentielle" }).cible_code).toBe("");
  });
});

describe("versDecisions", () => {
  it("keeps the agenda's order and skips referrals without a decision", () => {
    const f = { b: { ...decisionVide(), vers_statut: "ajournee" as const }, a: decisionVide(), c: { ...decisionVide(), vers_statut: "annulee" as const } };
    expect(versDecisions(["a", "b", "c"], f).map((d) => d.orientation_id)).toEqual(["b", "c"]);
  });
});

describe("erreursDecision", () => {
  it("splits a 422 by decision index", () => {
    const p: ProblemDetails = {
      type: "x", title: "Données invalides", status: 422, detail: "d",
      errors: [{ champ: "body.decisions.1.motif_refus", message: "obligatoire" }, { champ: "body.decisions.0.commentaire", message: "trop long" }],
    };
    expect(erreursDecision(p, 1)).toEqual({ motif_refus: "obligatoire" });
    expect(erreursDecision(p, 0)).toEqual({ commentaire: "trop long" });
  });
  it("puts a service rule's bare field on the decision it names only", () => {
    const p = { type: "x", title: "t", status: 422, detail: "d", decision: 2, errors: [{ champ: "association_id", message: "obligatoire pour accepter" }] } as ProblemDetails;
    expect(erreursDecision(p, 2)).toEqual({ association_id: "obligatoire pour accepter" });
    expect(erreursDecision(p, 0)).toEqual({});
  });
  it("shows a missing convention next to the association", () => {
    const p = { type: "x", title: "t", status: 409, detail: "pas de convention", decision: 0, association_id: "a1" } as ProblemDetails;
    expect(erreursDecision(p, 0)).toEqual({ association_id: "pas de convention" });
  });
});

describe("associationsConventionnees", () => {
  const conv = (association_id: string, communes: string[], date_fin = "2035-12-31") =>
    ({ association_id, communes, date_debut: "2020-01-01", date_fin }) as ConventionPublic;

  it("puts first the associations whose current convention covers the household's commune", () => {
    const r = associationsConventionnees([conv("b", ["29019"]), conv("a", ["35238"])], { a: "Espoir 35", b: "Brest Logement" }, "35238", "2026-11-23");
    expect(r.map((x) => x.value)).toEqual(["a", "b"]);
    expect(r[0]!.label).toBe("Espoir 35");
    expect(r[1]!.label).toContain("ne couvrant pas");
  });
  it("does not count an expired convention as covering", () => {
    const r = associationsConventionnees([conv("a", ["35238"], "2021-12-31")], { a: "Espoir 35" }, "35238", "2026-11-23");
    expect(r[0]!.couvre).toBe(false);
  });
});

describe("nomFichier", () => {
  it("reads the file name of Content-Disposition", () => {
    expect(nomFichier('attachment; filename="pv-commission-2026-11-23.csv"', "pv.csv")).toBe("pv-commission-2026-11-23.csv");
    expect(nomFichier(null, "pv.csv")).toBe("pv.csv");
  });
});
