import { describe, expect, it } from "vitest";

import type { RendezVousPublic } from "../../api/types";
import { debutLocal, depuisRendezVous, duree, erreursDuFormulaire, formulaireVide, mesuresAChoisir, versCreation, versModification } from "./formulaire";

const existant: RendezVousPublic = {
  id: "r1",
  mesure_id: "m1",
  mesure_reference: "MES-2026-00001",
  menage_reference: "MEN-2026-00001",
  debut: "2026-11-24T09:00:00Z",
  fin: "2026-11-24T10:00:00Z",
  duree_minutes: 60,
  type: "visite_domicile",
  lieu: "Domicile",
  statut: "planifie",
  participants: { personnes: ["p1"], bailleur: false, autres: ["CCAS de Rennes"] },
  compte_rendu: null,
  est_suivi: false,
  cree_par_id: null,
  cree_le: "2026-11-20T09:00:00Z",
  modifie_le: "2026-11-20T09:00:00Z",
  version: 1,
};

describe("the rendez-vous form", () => {
  it("sends the Paris date and time without offset", () => {
    expect(debutLocal("2026-11-24", "10:00")).toBe("2026-11-24T10:00:00");
    expect(debutLocal("2026-11-24", "")).toBe("2026-11-24");
    expect(debutLocal("", "10:00")).toBe("");
  });

  it("reads durations, leaving the API to refuse what is not one", () => {
    expect(duree("")).toBeNull();
    expect(duree(" 90 ")).toBe(90);
    expect(duree("1h")).toBe("1h");
  });

  it("builds the creation body (empty → null, partners one per line)", () => {
    const f = { ...formulaireVide("m1", "2026-11-24", "10:00"), type: "telephone" as const, autres: "CCAS\n\n  Banque de France  \n" };
    expect(versCreation(f)).toEqual({
      mesure_id: "m1",
      debut: "2026-11-24T10:00:00",
      duree_minutes: 60,
      type: "telephone",
      lieu: null,
      participants: { personnes: [], bailleur: false, autres: ["CCAS", "Banque de France"] },
      statut: "planifie",
      compte_rendu: null,
      est_suivi: false,
    });
  });

  it("leaves out a type not chosen, for the API to say it is required", () => {
    expect("type" in JSON.parse(JSON.stringify(versCreation(formulaireVide("m1", "2026-11-24", "10:00"))))).toBe(false);
  });

  it("reads a rendez-vous in Paris time", () => {
    const f = depuisRendezVous(existant);
    expect(f.date).toBe("2026-11-24");
    expect(f.heure).toBe("10:00");
    expect(f.autres).toBe("CCAS de Rennes");
  });

  it("sends on update only what changed, keeping the persons present", () => {
    const f = depuisRendezVous(existant);
    expect(versModification(existant, f)).toEqual({});
    expect(versModification(existant, { ...f, compte_rendu: "  Point sur le FSL.  ", statut: "realise" })).toEqual({
      compte_rendu: "Point sur le FSL.",
      statut: "realise",
    });
    expect(versModification(existant, { ...f, heure: "14:30" })).toEqual({ debut: "2026-11-24T14:30:00" });
    expect(versModification(existant, { ...f, bailleur: true })).toEqual({
      participants: { personnes: ["p1"], bailleur: true, autres: ["CCAS de Rennes"] },
    });
    expect(versModification(existant, { ...f, lieu: "" })).toEqual({ lieu: null });
  });

  it("shows the API's errors next to the fields that caused them", () => {
    expect(erreursDuFormulaire({ debut: "ne peut pas précéder le mandatement", "participants.autres.1": "trop long", fin: "x" })).toEqual({
      date: "ne peut pas précéder le mandatement ; x",
      autres: "trop long",
    });
  });

  it("offers the mesure named in the address even when it is not the user's", () => {
    const a = { id: "a", reference: "A", menage_reference: "MA", statut: "active" as const };
    const b = { id: "b", reference: "B", menage_reference: "MB", statut: "terminee" as const };
    expect(mesuresAChoisir([a], b).map((m) => m.id)).toEqual(["b", "a"]);
    expect(mesuresAChoisir([a, b], b).map((m) => m.id)).toEqual(["a", "b"]);
    expect(mesuresAChoisir([a], null).map((m) => m.id)).toEqual(["a"]);
  });
});
