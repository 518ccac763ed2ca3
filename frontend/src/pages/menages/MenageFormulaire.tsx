import { Button } from "@codegouvfr/react-dsfr/Button";
import type { FormEvent, ReactNode } from "react";

import { api } from "../../api/client";
import type { ErreursChamps } from "../../api/problem";
import type { LienPersonne, Sexe, TypeDette, TypeRessource } from "../../api/types";
import { ChampCommune } from "../../components/ChampCommune";
import { ChampListe, ChampTexte } from "../../components/Champs";
import {
  COMPOSITIONS,
  LIENS,
  options,
  SEXES,
  SITUATIONS_LOGEMENT,
  SITUATIONS_PROFESSIONNELLES,
  STADES_PROCEDURE,
  TYPES_DETTE,
  TYPES_RESSOURCE,
} from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";
import { nouvelleCle, personneVide, type MenageForm } from "./formulaire";

interface Props {
  valeurs: MenageForm;
  setValeurs: (f: (v: MenageForm) => MenageForm) => void;
  erreurs: ErreursChamps;
  envoi: boolean;
  /** Saving is not possible right now (e.g. the file changed meanwhile). */
  bloque?: boolean;
  libelleEnvoi: string;
  onSubmit: () => void;
  annuler: ReactNode;
}

function ErreurListe({ message }: { message?: string }) {
  return message ? (
    <p className="fr-error-text fr-mb-2w" role="alert">
      {message}
    </p>
  ) : null;
}

export function MenageFormulaire({ valeurs, setValeurs, erreurs, envoi, bloque = false, libelleEnvoi, onSubmit, annuler }: Props) {
  const bailleurs = useRequete(() => api.GET("/api/v1/organisations", { params: { query: { type: "bailleur", limit: 100 } } }), []);
  const maj = <K extends keyof MenageForm>(cle: K) => (v: MenageForm[K]) => setValeurs((f) => ({ ...f, [cle]: v }));

  const majPersonne = (i: number, champ: string, v: string) =>
    setValeurs((f) => ({ ...f, personnes: f.personnes.map((p, j) => (j === i ? { ...p, [champ]: v } : p)) }));
  const majRessource = (i: number, champ: string, v: string) =>
    setValeurs((f) => ({ ...f, ressources: f.ressources.map((r, j) => (j === i ? { ...r, [champ]: v } : r)) }));
  const majDette = (i: number, champ: string, v: string) =>
    setValeurs((f) => ({ ...f, dettes: f.dettes.map((d, j) => (j === i ? { ...d, [champ]: v } : d)) }));

  const soumettre = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };

  return (
    <form onSubmit={soumettre} noValidate>
      <fieldset className="fr-fieldset" aria-labelledby="legende-personnes">
        <legend id="legende-personnes" className="fr-fieldset__legend fr-h4">
          Personnes du ménage
        </legend>
        <div className="fr-fieldset__element">
          <ErreurListe message={erreurs["personnes"]} />
          {valeurs.personnes.map((p, i) => (
            <div key={p.cle} className="ancrage-ligne-liste" role="group" aria-label={`Personne ${i + 1}`}>
              <p className="fr-text--bold fr-mb-1w">
                Personne {i + 1}
                {p.lien === "demandeur" ? " (demandeur)" : ""}
              </p>
              <div className="fr-grid-row fr-grid-row--gutters">
                <ChampTexte className="fr-col-12 fr-col-md-3" cle={`personnes.${i}.nom`} label="Nom" erreurs={erreurs}
                  valeur={p.nom} onChange={(v) => majPersonne(i, "nom", v)} autoComplete="off" required />
                <ChampTexte className="fr-col-12 fr-col-md-3" cle={`personnes.${i}.prenom`} label="Prénom" erreurs={erreurs}
                  valeur={p.prenom} onChange={(v) => majPersonne(i, "prenom", v)} autoComplete="off" required />
                <ChampTexte className="fr-col-12 fr-col-md-2" cle={`personnes.${i}.date_naissance`} label="Date de naissance"
                  erreurs={erreurs} type="date" valeur={p.date_naissance} onChange={(v) => majPersonne(i, "date_naissance", v)} />
                <ChampListe<Sexe> className="fr-col-12 fr-col-md-2" cle={`personnes.${i}.sexe`} label="Sexe" erreurs={erreurs}
                  valeur={p.sexe} onChange={(v) => majPersonne(i, "sexe", v)} options={options(SEXES)} />
                <ChampListe<LienPersonne> className="fr-col-12 fr-col-md-2" cle={`personnes.${i}.lien`} label="Lien" erreurs={erreurs}
                  valeur={p.lien} onChange={(v) => majPersonne(i, "lien", v)} options={options(LIENS)} />
              </div>
              {valeurs.personnes.length > 1 && (
                <Button type="button" priority="tertiary" size="small" iconId="fr-icon-delete-line"
                  onClick={() => setValeurs((f) => ({ ...f, personnes: f.personnes.filter((_, j) => j !== i) }))}>
                  Retirer la personne {i + 1}
                </Button>
              )}
            </div>
          ))}
          <Button type="button" priority="secondary" iconId="fr-icon-add-line"
            onClick={() => setValeurs((f) => ({ ...f, personnes: [...f.personnes, personneVide(f.personnes.length ? "enfant" : "demandeur")] }))}>
            Ajouter une personne
          </Button>
        </div>
      </fieldset>

      <fieldset className="fr-fieldset" aria-labelledby="legende-situation">
        <legend id="legende-situation" className="fr-fieldset__legend fr-h4">
          Situation
        </legend>
        <div className="fr-fieldset__element">
          <div className="fr-grid-row fr-grid-row--gutters">
            <ChampListe className="fr-col-12 fr-col-md-6" cle="composition" label="Composition" erreurs={erreurs}
              hint="Liste SI-SIAO ; déduite des personnes si non choisie" vide="Déduire des personnes"
              valeur={valeurs.composition} onChange={maj("composition")} options={options(COMPOSITIONS)} />
            <ChampListe className="fr-col-12 fr-col-md-6" cle="statut_occupation" label="Statut d'occupation" erreurs={erreurs}
              vide="Non renseigné" valeur={valeurs.statut_occupation} onChange={maj("statut_occupation")}
              options={options(SITUATIONS_LOGEMENT)} />
            <ChampListe className="fr-col-12 fr-col-md-6" cle="bailleur_id" label="Bailleur" erreurs={erreurs} vide="Aucun"
              valeur={valeurs.bailleur_id} onChange={maj("bailleur_id")}
              options={(bailleurs.donnees?.items ?? []).map((o) => ({ value: o.id, label: o.nom }))} />
            <ChampCommune className="fr-col-12 fr-col-md-6" cle="commune_insee" label="Commune" erreurs={erreurs}
              valeur={valeurs.commune_insee} onChange={maj("commune_insee")} />
            <ChampTexte className="fr-col-12" cle="adresse" label="Adresse" erreurs={erreurs} valeur={valeurs.adresse}
              onChange={maj("adresse")} autoComplete="off" />
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="telephone" label="Téléphone" erreurs={erreurs} type="tel"
              valeur={valeurs.telephone} onChange={maj("telephone")} autoComplete="off" />
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="courriel" label="Courriel" erreurs={erreurs} type="email"
              valeur={valeurs.courriel} onChange={maj("courriel")} autoComplete="off" />
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="nb_procedures_expulsion" label="Procédures d'expulsion (nombre)"
              erreurs={erreurs} inputMode="numeric" valeur={valeurs.nb_procedures_expulsion} onChange={maj("nb_procedures_expulsion")} />
            <ChampListe className="fr-col-12 fr-col-md-6" cle="stade_procedure" label="Stade de la procédure" erreurs={erreurs}
              vide="Non renseigné" valeur={valeurs.stade_procedure} onChange={maj("stade_procedure")}
              options={options(STADES_PROCEDURE)} />
            <ChampListe className="fr-col-12 fr-col-md-6" cle="situation_professionnelle"
              label="Situation socio-professionnelle" erreurs={erreurs} vide="Non renseignée"
              valeur={valeurs.situation_professionnelle} onChange={maj("situation_professionnelle")}
              options={options(SITUATIONS_PROFESSIONNELLES)} />
          </div>
        </div>
      </fieldset>

      <fieldset className="fr-fieldset" aria-labelledby="legende-ressources">
        <legend id="legende-ressources" className="fr-fieldset__legend fr-h4">
          Ressources mensuelles
        </legend>
        <div className="fr-fieldset__element">
          <ErreurListe message={erreurs["ressources"]} />
          {valeurs.ressources.length === 0 && <p className="fr-text--sm">Aucune ressource saisie.</p>}
          {valeurs.ressources.map((r, i) => (
            <div key={r.cle} className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom" role="group" aria-label={`Ressource ${i + 1}`}>
              <ChampListe<TypeRessource> className="fr-col-12 fr-col-md-5" cle={`ressources.${i}.type`} label={`Ressource ${i + 1}`}
                erreurs={erreurs} valeur={r.type} onChange={(v) => majRessource(i, "type", v)} options={options(TYPES_RESSOURCE)} />
              <ChampTexte className="fr-col-12 fr-col-md-4" cle={`ressources.${i}.montant_mensuel`} label="Montant mensuel (€)"
                erreurs={erreurs} inputMode="numeric" valeur={r.montant_mensuel} onChange={(v) => majRessource(i, "montant_mensuel", v)} />
              <div className="fr-col-12 fr-col-md-3 fr-mb-3w">
                <Button type="button" priority="tertiary" size="small" iconId="fr-icon-delete-line"
                  onClick={() => setValeurs((f) => ({ ...f, ressources: f.ressources.filter((_, j) => j !== i) }))}>
                  Retirer
                </Button>
              </div>
            </div>
          ))}
          <Button type="button" priority="secondary" iconId="fr-icon-add-line"
            onClick={() => setValeurs((f) => ({ ...f, ressources: [...f.ressources, { cle: nouvelleCle(), type: "salaire", montant_mensuel: "" }] }))}>
            Ajouter une ressource
          </Button>
        </div>
      </fieldset>

      <fieldset className="fr-fieldset" aria-labelledby="legende-dettes">
        <legend id="legende-dettes" className="fr-fieldset__legend fr-h4">
          Dettes
        </legend>
        <div className="fr-fieldset__element">
          <ErreurListe message={erreurs["dettes"]} />
          {valeurs.dettes.length === 0 && <p className="fr-text--sm">Aucune dette saisie.</p>}
          {valeurs.dettes.map((d, i) => (
            <div key={d.cle} className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom" role="group" aria-label={`Dette ${i + 1}`}>
              <ChampListe<TypeDette> className="fr-col-12 fr-col-md-5" cle={`dettes.${i}.type`} label={`Dette ${i + 1}`}
                erreurs={erreurs} valeur={d.type} onChange={(v) => majDette(i, "type", v)} options={options(TYPES_DETTE)} />
              <ChampTexte className="fr-col-12 fr-col-md-4" cle={`dettes.${i}.montant`} label="Montant (€)" erreurs={erreurs}
                inputMode="numeric" valeur={d.montant} onChange={(v) => majDette(i, "montant", v)} />
              <div className="fr-col-12 fr-col-md-3 fr-mb-3w">
                <Button type="button" priority="tertiary" size="small" iconId="fr-icon-delete-line"
                  onClick={() => setValeurs((f) => ({ ...f, dettes: f.dettes.filter((_, j) => j !== i) }))}>
                  Retirer
                </Button>
              </div>
            </div>
          ))}
          <Button type="button" priority="secondary" iconId="fr-icon-add-line"
            onClick={() => setValeurs((f) => ({ ...f, dettes: [...f.dettes, { cle: nouvelleCle(), type: "loyer", montant: "" }] }))}>
            Ajouter une dette
          </Button>
        </div>
      </fieldset>

      <div className="ancrage-pied-formulaire fr-mt-4w">
        <Button type="submit" disabled={envoi || bloque}>
          {envoi ? "Enregistrement…" : libelleEnvoi}
        </Button>
        {annuler}
      </div>
    </form>
  );
}
