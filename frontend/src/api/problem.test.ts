import { describe, expect, it } from "vitest";

import {
  cleDeChamp,
  delaiAvantNouvelEssai,
  erreursOrphelines,
  erreursParChamp,
  formatDelai,
  messageErreur,
  messageFormulaire,
  phraseChamp,
  type ProblemDetails,
} from "./problem";

const validation: ProblemDetails = {
  type: "/problemes/validation",
  title: "Données invalides",
  status: 422,
  detail: "Requête invalide : body.personnes.0.date_naissance (date invalide).",
  errors: [
    { champ: "body.personnes.0.date_naissance", message: "date invalide (format attendu : AAAA-MM-JJ)", valeur: "14/03/1979" },
    { champ: "body.commune_insee", message: "format invalide (attendu : ^(\\d{5}|2[AB]\\d{3})$)", valeur: "3523" },
    { champ: "body.commune_insee", message: "texte trop court", valeur: "3523" },
    { champ: "bailleur_id", message: "doit désigner une organisation de type bailleur", valeur: "x" },
    { champ: "body", message: "il faut exactement un demandeur", valeur: null },
  ],
};

describe("cleDeChamp", () => {
  it("drops where FastAPI read the value from", () => {
    expect(cleDeChamp("body.personnes.0.nom")).toBe("personnes.0.nom");
    expect(cleDeChamp("query.limit")).toBe("limit");
  });
  it("keeps a service rule's field name as it is", () => {
    expect(cleDeChamp("bailleur_id")).toBe("bailleur_id");
  });
  it("maps the whole body to the empty key", () => {
    expect(cleDeChamp("body")).toBe("");
  });
});

describe("erreursParChamp", () => {
  it("gives each field its message, joining several", () => {
    expect(erreursParChamp(validation)).toEqual({
      "personnes.0.date_naissance": "date invalide (format attendu : AAAA-MM-JJ)",
      commune_insee: "format invalide (attendu : ^(\\d{5}|2[AB]\\d{3})$) ; texte trop court",
      bailleur_id: "doit désigner une organisation de type bailleur",
      "": "il faut exactement un demandeur",
    });
  });
  it("is empty for a problem without field errors or no problem", () => {
    expect(erreursParChamp({ type: "/problemes/doublon", title: "Doublon", status: 409, detail: "…" })).toEqual({});
    expect(erreursParChamp(undefined)).toEqual({});
  });
});

describe("erreursOrphelines", () => {
  it("keeps only the errors the form cannot show next to a field", () => {
    const erreurs = erreursParChamp(validation);
    expect(erreursOrphelines(erreurs, ["commune_insee", "personnes.0.date_naissance", "bailleur_id"])).toEqual({
      "": "il faut exactement un demandeur",
    });
  });
});

describe("throttling delay", () => {
  it("reads retry_after from the problem first, then the header", () => {
    const p: ProblemDetails = { type: "/problemes/trop-de-requetes", title: "Trop", status: 429, detail: "…", retry_after: 840 };
    expect(delaiAvantNouvelEssai(p, "10")).toBe(840);
    expect(delaiAvantNouvelEssai(undefined, "90")).toBe(90);
    expect(delaiAvantNouvelEssai(undefined, null)).toBeNull();
  });
  it("says it in minutes, rounded up, or in seconds under a minute", () => {
    expect(formatDelai(840)).toBe("dans 14 minutes");
    expect(formatDelai(61)).toBe("dans 2 minutes");
    expect(formatDelai(60)).toBe("dans 1 minute");
    expect(formatDelai(45)).toBe("dans 45 secondes");
  });
});

describe("messageErreur", () => {
  it("prefers the API's own detail", () => {
    expect(messageErreur(validation)).toBe(validation.detail);
  });
  it("falls back on a sentence per status, then on the network", () => {
    expect(messageErreur(undefined, 404)).toBe("Ce dossier n'existe pas ou vous n'y avez pas accès.");
    expect(messageErreur(new TypeError("Failed to fetch"))).toMatch(/ne répond pas/);
  });
});

describe("messageFormulaire", () => {
  it("says to look at the fields when each error is shown next to one", () => {
    expect(messageFormulaire(validation, 422, {})).toBe("Certaines données sont invalides : corrigez les champs signalés.");
  });
  it("keeps the API's detail when some errors have no field on screen", () => {
    expect(messageFormulaire(validation, 422, { "": "il faut exactement un demandeur" })).toBe(validation.detail);
  });
  it("keeps the API's detail for any other refusal", () => {
    const interdit: ProblemDetails = { type: "/problemes/role-insuffisant", title: "Rôle", status: 403, detail: "Votre organisation peut lire ce dossier mais pas le modifier." };
    expect(messageFormulaire(interdit, 403, {})).toBe(interdit.detail);
  });
});

describe("phraseChamp", () => {
  it("says what is wrong with the field's own label, in the user's words", () => {
    expect(phraseChamp("Nom", "champ obligatoire")).toBe("« Nom » est obligatoire.");
    expect(phraseChamp("Motif (facultatif)", "texte trop court (3 caractère(s) au moins)")).toBe("« Motif » : au moins 3 caractères.");
    expect(phraseChamp("Nom", "texte trop long (100 caractères au plus)")).toBe("« Nom » : 100 caractères au plus.");
  });
  it("keeps a message it does not know, capitalised, and each of several", () => {
    expect(phraseChamp("Du", "la date de début doit précéder la date de fin")).toBe("La date de début doit précéder la date de fin");
    expect(phraseChamp("Nom", "champ obligatoire ; doit être un texte")).toBe("« Nom » est obligatoire. Doit être un texte");
  });
});
