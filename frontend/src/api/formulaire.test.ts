import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";

import { enregistrerVersion, envoiEnCours, etatApres, issueEnvoi, refusLocal, type Reponse, type Version } from "./formulaire";

interface Menage {
  id: string;
  nom: string;
}

function reponse<T>(statut: number, corps: unknown, entetes: Record<string, string> = {}): Reponse<T> {
  const response = new Response(null, { status: statut, headers: entetes });
  return statut < 400 ? { data: corps as T, response } : { error: corps, response };
}

const champInvalide = {
  type: "/problemes/validation",
  title: "Données invalides",
  status: 422,
  detail: "Requête invalide : body.nom (champ obligatoire).",
  errors: [
    { champ: "body.nom", message: "champ obligatoire", valeur: "" },
    { champ: "body", message: "il faut exactement un demandeur", valeur: null },
  ],
};

const perime = {
  type: "/problemes/version-perimee",
  title: "Version périmée",
  status: 412,
  detail: "Le dossier a été modifié depuis votre lecture (version 4) : relisez-le.",
};

describe("issueEnvoi", () => {
  it("says 412 is a change made meanwhile, with the API's sentence", () => {
    expect(issueEnvoi(reponse(412, perime), { clesAffichees: ["nom"] })).toEqual({ type: "perime", message: perime.detail });
    expect(issueEnvoi(reponse(412, ""), {})).toEqual({
      type: "perime",
      message: "Le dossier a été modifié par quelqu'un d'autre entre-temps : rechargez-le.",
    });
  });

  it("puts each field's message under its field, the others above the form", () => {
    const issue = issueEnvoi(reponse(422, champInvalide), { clesAffichees: ["nom"] });
    expect(issue).toEqual({
      type: "refus",
      statut: 422,
      erreurs: { nom: "champ obligatoire", "": "il faut exactement un demandeur" },
      echec: { message: champInvalide.detail, orphelines: { "": "il faut exactement un demandeur" }, probleme: champInvalide },
    });
  });

  it("says to look at the fields when all of them are shown, and lets a screen rename keys and word a refusal", () => {
    const seul = { ...champInvalide, errors: [champInvalide.errors[0]!] };
    const issue = issueEnvoi(reponse(422, seul), {
      clesAffichees: ["nom_demandeur"],
      adapterErreurs: (e) => ({ nom_demandeur: e["nom"]! }),
    });
    expect(issue).toMatchObject({ erreurs: { nom_demandeur: "champ obligatoire" }, echec: { message: "Certaines données sont invalides : corrigez les champs signalés." } });
    const propre = issueEnvoi(reponse(409, { ...seul, status: 409 }), {
      clesAffichees: ["nom"],
      messageRefus: ({ statut, orphelines }) => (statut === 409 && Object.keys(orphelines).length === 0 ? "Voyez le champ signalé." : undefined),
    });
    expect(propre).toMatchObject({ type: "refus", echec: { message: "Voyez le champ signalé." } });
  });

  it("turns a network failure into a sentence, without field", () => {
    expect(issueEnvoi({ exception: new TypeError("Failed to fetch") })).toMatchObject({
      type: "refus",
      statut: null,
      erreurs: {},
      echec: { message: "Le serveur ne répond pas : vérifiez votre connexion puis réessayez." },
    });
  });

  it("reads the new ETag of a success, and accepts a 204 without body", () => {
    expect(issueEnvoi(reponse<Menage>(200, { id: "m1", nom: "B" }, { ETag: '"5"' }))).toEqual({ type: "succes", donnees: { id: "m1", nom: "B" }, etag: '"5"' });
    expect(issueEnvoi(reponse(204, undefined))).toEqual({ type: "succes", donnees: undefined, etag: null });
  });
});

describe("enregistrerVersion", () => {
  const cle = ["ressource", "/api/v1/menages/{menage_id}", { params: { path: { menage_id: "m1" } } }];
  const base: Version<Menage> = { donnees: { id: "m1", nom: "A" }, etag: '"4"' };

  function monter() {
    const client = new QueryClient();
    client.setQueryData(cle, base);
    const envois: string[] = [];
    return { client, envois };
  }

  it("sends If-Match with the version read, and a success becomes the version read with its new ETag", async () => {
    const { client, envois } = monter();
    const { issue, base: suite } = await enregistrerVersion({
      base,
      valeurs: { nom: "B" },
      envoyer: async (v, entetes, ressource) => {
        envois.push(entetes["If-Match"]);
        return reponse<Menage>(200, { ...ressource, nom: v.nom }, { ETag: '"5"' });
      },
      client,
      cle,
    });
    expect(envois).toEqual(['"4"']);
    expect(issue.type).toBe("succes");
    expect(suite).toEqual({ donnees: { id: "m1", nom: "B" }, etag: '"5"' });
    expect(client.getQueryData(cle)).toEqual(suite);

    // The next save is based on the new version.
    await enregistrerVersion({
      base: suite,
      valeurs: { nom: "C" },
      envoyer: async (_v, entetes) => {
        envois.push(entetes["If-Match"]);
        return reponse<Menage>(412, perime);
      },
      client,
      cle,
    });
    expect(envois).toEqual(['"4"', '"5"']);
  });

  it("keeps the version read on 412 and on a refused field", async () => {
    const { client } = monter();
    const a = await enregistrerVersion({ base, valeurs: {}, envoyer: async () => reponse<Menage>(412, perime), client, cle });
    expect(a.issue).toEqual({ type: "perime", message: perime.detail });
    expect(a.base).toBe(base);
    const b = await enregistrerVersion({
      base,
      valeurs: {},
      envoyer: async () => reponse<Menage>(422, champInvalide),
      options: { clesAffichees: ["nom"] },
      client,
      cle,
    });
    expect(b.issue).toMatchObject({ type: "refus", erreurs: { nom: "champ obligatoire" } });
    expect(b.base).toBe(base);
    expect(client.getQueryData(cle)).toEqual(base);
  });
});

describe("etatApres and refusLocal", () => {
  it("shows a refusal decided by the screen like the API's: the field's message and the sentence above", () => {
    expect(etatApres(refusLocal({ menage_id: "Choisissez le ménage à orienter." }, "Choisissez le ménage à orienter."))).toEqual({
      erreurs: { menage_id: "Choisissez le ménage à orienter." },
      echec: { message: "Choisissez le ménage à orienter.", orphelines: {} },
      perime: null,
    });
  });

  it("forgets the refusal after a success, and shows a 412 without field errors", () => {
    expect(etatApres({ type: "succes", donnees: 1, etag: null })).toEqual({ erreurs: {}, echec: null, perime: null });
    expect(etatApres(issueEnvoi(reponse(412, perime)))).toEqual({ erreurs: {}, echec: null, perime: perime.detail });
    const refus = etatApres(issueEnvoi(reponse(422, champInvalide), { clesAffichees: ["nom"] }));
    expect(refus.erreurs).toEqual({ nom: "champ obligatoire", "": "il faut exactement un demandeur" });
    expect(refus.echec?.orphelines).toEqual({ "": "il faut exactement un demandeur" });
  });
});

describe("envoiEnCours", () => {
  it("names the send running (the button pressed), nothing once it is over or when it has no name", () => {
    expect(envoiEnCours(true, { nom: "brouillon" })).toBe("brouillon");
    expect(envoiEnCours(false, { nom: "brouillon" })).toBeNull();
    expect(envoiEnCours(true, {})).toBeNull();
    expect(envoiEnCours(true, undefined)).toBeNull();
  });
});
