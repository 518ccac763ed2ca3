import { describe, expect, it } from "vitest";

import type { MesurePublic, Moi, StatutMesure } from "../../api/types";
import {
  actionsPermises,
  derogationNecessaire,
  detailEvenement,
  dureeRestante,
  erreursAction,
  filtresDepuis,
  formulaireAction,
  payloadAction,
  payloadSituation,
  peutDevenirReferent,
  peutModifier,
} from "./mesure";

const ASSO = "11111111-1111-1111-1111-111111111111";
const AUTRE_ASSO = "22222222-2222-2222-2222-222222222222";
const MOI = "33333333-3333-3333-3333-333333333333";

function moi(type: Moi["organisation"]["type"] = "association", organisation = ASSO, genre: Moi["type"] = "utilisateur"): Moi {
  // The capabilities GET /auth/me gives (tests/auth/test_capacites.py): only an association changes a mesure.
  const porteur = type === "association";
  const capacites = {
    lire_menages: true,
    ouvrir_menage: true,
    lire_orientations: true,
    orienter: true,
    organiser_commission: type === "gie",
    lire_mesures: true,
    modifier_mesures: porteur,
    reaffecter_mesures: false,
    rendez_vous: porteur,
    alertes: porteur,
    indicateurs: true,
    rapports: false,
    importer: false,
    webhooks: false,
    gerer_comptes: false,
    administrer: false,
    faits_lus: [],
    faits_modifies: [],
  };
  return { id: MOI, nom: "Claire Martin", role: "agent", type: genre, organisation: { id: organisation, nom: "Espoir 35", type }, capacites };
}

function mesure(statut: StatutMesure, extra: Partial<MesurePublic> = {}): MesurePublic {
  return {
    vue: "complete",
    id: "m1",
    reference: "S-2026-000001",
    menage_id: "men1",
    menage_reference: "M-2026-000001",
    dispositif_id: "d1",
    association_id: ASSO,
    orientation_id: null,
    referent_id: null,
    statut,
    cible_code: "reassurance_locataire",
    cible_libelle: "Réassurance du locataire",
    type_accompagnement_code: "evaluation",
    type_accompagnement_libelle: "Évaluation",
    acces_maintien: "maintien",
    date_mandatement: "2026-01-10",
    date_debut: statut === "mandatee" ? null : "2026-01-15",
    date_fin_prevue: statut === "mandatee" ? null : "2029-01-15",
    date_limite: "2029-01-15",
    date_fin: null,
    motif_fin: null,
    situation_sortie: null,
    adhesion_date: null,
    adhesion_modalite: null,
    derogation_duree_motif: null,
    modalite_logement: null,
    modalite_date_debut: null,
    modalite_date_fin: null,
    date_glissement: null,
    domaines: [],
    entree_statut_occupation: null,
    entree_composition: null,
    entree_commune_insee: null,
    entree_nb_procedures_expulsion: 0,
    entree_stade_procedure: null,
    entree_situation_professionnelle: null,
    entree_dette_locative: 0,
    entree_ressources: [],
    entree_dettes: [],
    suivi_date_prevue: null,
    suivi_realise_le: null,
    suivi_joint: null,
    suivi_situation: null,
    suivi_commentaire: null,
    cree_le: "2026-01-10T09:00:00Z",
    modifie_le: "2026-01-10T09:00:00Z",
    version: 1,
    ...extra,
  };
}

describe("actionsPermises", () => {
  it("follows the lifecycle: one way forward per state, the end from any stage", () => {
    expect(actionsPermises(mesure("mandatee"), moi())).toEqual(["demarrer", "reorienter", "changer-referent", "terminer"]);
    expect(actionsPermises(mesure("en_evaluation"), moi())).toEqual(["activer", "prolonger", "reorienter", "changer-referent", "terminer"]);
    expect(actionsPermises(mesure("active"), moi())).toEqual(["suspendre", "prolonger", "reorienter", "changer-referent", "terminer"]);
    expect(actionsPermises(mesure("suspendue"), moi())).toEqual(["reprendre", "prolonger", "reorienter", "changer-referent", "terminer"]);
  });
  it("offers only the suivi à 6 mois once the mesure has ended", () => {
    expect(actionsPermises(mesure("terminee"), moi())).toEqual(["suivi"]);
  });
  it("never offers an action that the API would refuse in that state", () => {
    for (const s of ["mandatee", "en_evaluation", "active", "suspendue", "terminee"] as const) {
      const a = actionsPermises(mesure(s), moi());
      expect(a.includes("suspendre")).toBe(s === "active");
      expect(a.includes("reprendre")).toBe(s === "suspendue");
      expect(a.includes("activer")).toBe(s === "en_evaluation");
      expect(a.includes("terminer")).toBe(s !== "terminee");
    }
  });
  it("gives nothing to the commission or to another association: they read only", () => {
    expect(actionsPermises(mesure("active"), moi("gie", "gie-1"))).toEqual([]);
    expect(actionsPermises(mesure("active"), moi("association", AUTRE_ASSO))).toEqual([]);
    expect(peutModifier(mesure("active"), moi("gie", "gie-1"))).toBe(false);
    expect(peutModifier(mesure("terminee"), moi())).toBe(true);
  });
});

describe("peutDevenirReferent", () => {
  it("is offered to a person of the carrying association who is not référent yet, while the mesure runs", () => {
    expect(peutDevenirReferent(mesure("mandatee"), moi())).toBe(true);
    expect(peutDevenirReferent(mesure("mandatee", { referent_id: MOI }), moi())).toBe(false);
    expect(peutDevenirReferent(mesure("terminee"), moi())).toBe(false);
    expect(peutDevenirReferent(mesure("active"), moi("association", ASSO, "client"))).toBe(false);
    expect(peutDevenirReferent(mesure("active"), moi("gie", "gie-1"))).toBe(false);
  });
});

describe("payloadAction", () => {
  const m = mesure("mandatee");
  const f = () => formulaireAction(m, "2026-11-23");

  it("starts with the day's date, the adhésion, and sends only the action's fields", () => {
    const x = { ...f(), adhesion_date: "2026-11-20", adhesion_modalite: " en CCAPEX ", motif: "ignoré" };
    expect(payloadAction("demarrer", x, m)).toEqual({
      date_debut: "2026-11-23",
      evaluation: true,
      adhesion_date: "2026-11-20",
      adhesion_modalite: "en CCAPEX",
      date_fin_prevue: null,
      commentaire: null,
    });
    expect(payloadAction("demarrer", { ...x, evaluation: "non" }, m)).toMatchObject({ evaluation: false });
  });
  it("leaves an empty required field out, so that the API names it", () => {
    expect(payloadAction("terminer", { ...f(), date_fin: "" }, m)).toEqual({ commentaire: null });
    expect(payloadAction("prolonger", f(), m)).toEqual({ derogation_motif: null, commentaire: null });
    expect(payloadAction("changer-referent", f(), m)).toEqual({ commentaire: null });
  });
  it("ends with motif and situation de sortie", () => {
    const x = { ...f(), motif_fin: "relogement" as const, situation_sortie: "locataire_parc_public" as const, commentaire: "Bail signé." };
    expect(payloadAction("terminer", x, m)).toEqual({
      date_fin: "2026-11-23",
      motif_fin: "relogement",
      situation_sortie: "locataire_parc_public",
      commentaire: "Bail signé.",
    });
  });
  it("suspends and resumes with an optional motif", () => {
    expect(payloadAction("suspendre", { ...f(), motif: "Hospitalisation" }, m)).toEqual({ date_effet: "2026-11-23", motif: "Hospitalisation", commentaire: null });
    expect(payloadAction("reprendre", f(), m)).toEqual({ date_effet: "2026-11-23", motif: null, commentaire: null });
  });
  it("réoriente with what changes only", () => {
    const x = { ...f(), cible_code: "sante_mentale", motif: "Troubles repérés" };
    expect(payloadAction("reorienter", x, m)).toEqual({
      date_effet: "2026-11-23",
      cible_code: "sante_mentale",
      type_accompagnement_code: null,
      motif: "Troubles repérés",
      commentaire: null,
    });
  });
  it("records the suivi: the situation only when the household was reached", () => {
    expect(payloadAction("suivi", { ...f(), joint: "non", situation: "autre" }, m)).toEqual({ realise_le: "2026-11-23", joint: false, situation: null, commentaire: null });
    expect(payloadAction("suivi", { ...f(), joint: "oui", situation: "proprietaire" }, m)).toMatchObject({ joint: true, situation: "proprietaire" });
    expect(payloadAction("suivi", f(), m)).not.toHaveProperty("joint");
  });
  it("keeps the adhésion already recorded when activating", () => {
    const deja = mesure("en_evaluation", { adhesion_date: "2026-01-15" });
    expect(payloadAction("activer", formulaireAction(deja, "2026-11-23"), deja)).toMatchObject({ adhesion_date: "2026-01-15" });
  });
});

describe("erreursAction", () => {
  it("puts a conflict that names its field next to that field", () => {
    const probleme = { type: "x", title: "Adhésion du ménage requise", status: 409, detail: "Renseignez adhesion_date.", champ: "adhesion_date" };
    expect(erreursAction(probleme)).toEqual({ adhesion_date: "Renseignez adhesion_date." });
  });
  it("reads pydantic's field list", () => {
    const probleme = { type: "x", title: "Données invalides", status: 422, detail: "…", errors: [{ champ: "body.motif_fin", message: "champ obligatoire" }] };
    expect(erreursAction(probleme)).toEqual({ motif_fin: "champ obligatoire" });
  });
});

describe("payloadSituation", () => {
  it("sends domaines in the list's order and drops the glissement date outside an IML bail glissant", () => {
    const f = { domaines: ["sante", "budget_dettes"] as const, modalite_logement: "bail_direct" as const, modalite_date_debut: "", modalite_date_fin: "", date_glissement: "2026-05-01" };
    expect(payloadSituation({ ...f, domaines: [...f.domaines] })).toEqual({
      domaines: ["budget_dettes", "sante"],
      modalite_logement: "bail_direct",
      modalite_date_debut: null,
      modalite_date_fin: null,
      date_glissement: null,
    });
    expect(payloadSituation({ ...f, domaines: [], modalite_logement: "iml_bail_glissant" })).toMatchObject({ date_glissement: "2026-05-01" });
  });
});

describe("dureeRestante", () => {
  it("counts months and days to the planned end", () => {
    expect(dureeRestante({ statut: "active", date_fin_prevue: "2027-05-05" }, "2026-11-23")).toBe("5 mois et 12 jours");
    expect(dureeRestante({ statut: "active", date_fin_prevue: "2026-12-23" }, "2026-11-23")).toBe("1 mois");
    expect(dureeRestante({ statut: "active", date_fin_prevue: "2026-11-24" }, "2026-11-23")).toBe("1 jour");
    expect(dureeRestante({ statut: "active", date_fin_prevue: "2026-11-23" }, "2026-11-23")).toBe("Fin prévue aujourd'hui");
  });
  it("says when the end is past, not started, or over", () => {
    expect(dureeRestante({ statut: "suspendue", date_fin_prevue: "2026-11-20" }, "2026-11-23")).toBe("Fin prévue dépassée de 3 jours");
    expect(dureeRestante({ statut: "mandatee", date_fin_prevue: null }, "2026-11-23")).toMatch(/non fixée/);
    expect(dureeRestante({ statut: "terminee", date_fin_prevue: "2027-01-01" }, "2026-11-23")).toBe("Mesure terminée");
  });
  it("clamps to the month's last day (31/01 + 1 month = 28/02)", () => {
    expect(dureeRestante({ statut: "active", date_fin_prevue: "2027-03-01" }, "2027-01-31")).toBe("1 mois et 1 jour");
  });
});

describe("detailEvenement", () => {
  it("says what each event changed, in words", () => {
    expect(detailEvenement({ type: "fin", motif: "relogement", donnees: { situation_sortie: "locataire_parc_public", suivi_date_prevue: "2027-05-23" } })).toBe(
      "Motif : Relogement ; situation de sortie : Locataire du parc public ; suivi prévu le 23/05/2027",
    );
    expect(detailEvenement({ type: "prolongation", motif: null, donnees: { ancienne_fin_prevue: "2029-01-15", nouvelle_fin_prevue: "2029-06-30", derogation_motif: "Relogement imminent" } })).toBe(
      "Fin prévue : 15/01/2029 → 30/06/2029 ; dérogation : Relogement imminent",
    );
    expect(detailEvenement({ type: "changement_referent", motif: null, donnees: { ancien_referent_id: null, nouveau_referent_id: MOI } }, { [MOI]: "Claire Martin" })).toBe(
      "Référent : aucun → Claire Martin",
    );
    expect(detailEvenement({ type: "changement_referent", motif: null, donnees: { ancien_referent_id: MOI, nouveau_referent_id: "inconnu" } }, { [MOI]: "Claire Martin" })).toBe(
      "Nouveau référent désigné par l'association",
    );
    expect(detailEvenement({ type: "changement_referent", motif: null, donnees: { ancien_referent_id: null, nouveau_referent_id: MOI } })).toBe(
      "Premier référent désigné par l'association",
    );
    expect(detailEvenement({ type: "modification", motif: null, donnees: { domaines: ["budget_dettes", "sante"] } })).toBe("Domaines : Budget et dettes, Santé");
    expect(detailEvenement({ type: "reorientation", motif: "Troubles", donnees: { ancienne_cible: "a", nouvelle_cible: "b" } }, {}, { a: "Réassurance", b: "Santé mentale" })).toBe(
      "Cible : Réassurance → Santé mentale ; motif : Troubles",
    );
    expect(detailEvenement({ type: "suspension", motif: "Hospitalisation", donnees: null })).toBe("Motif : Hospitalisation");
    expect(detailEvenement({ type: "mandatement", motif: null, donnees: null })).toBe("—");
  });
});

describe("derogationNecessaire", () => {
  it("is true only past the dispositif's limit", () => {
    expect(derogationNecessaire("2029-01-16", "2029-01-15")).toBe(true);
    expect(derogationNecessaire("2029-01-15", "2029-01-15")).toBe(false);
    expect(derogationNecessaire("2040-01-01", null)).toBe(false);
  });
});

describe("filtresDepuis", () => {
  it("reads the address bar, ignores unknown statuses, and turns « mes » into the référent", () => {
    const p = new URLSearchParams("statut=active&mes=1&reference=%20S-2026%20&page=3&dispositif=d1");
    expect(filtresDepuis(p, MOI)).toEqual({ statut: "active", dispositif_id: "d1", referent_id: MOI, reference: "S-2026", page: 3 });
    expect(filtresDepuis(new URLSearchParams("statut=inconnu&page=-2"), MOI)).toEqual({
      statut: undefined,
      dispositif_id: undefined,
      referent_id: undefined,
      reference: undefined,
      page: 1,
    });
  });
});
