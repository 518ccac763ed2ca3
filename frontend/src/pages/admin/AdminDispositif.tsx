import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { $api, echecLecture } from "../../api/requetes";
import { Chargement } from "../../components/Chargement";
import { ChampListe, ChampTexte, ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate } from "../../lib/dates";
import {
  cibleVide,
  clesDispositif,
  codeDepuisLibelle,
  depuisDispositif,
  dispositifVide,
  erreursCommunesSurLignes,
  typeVide,
  versDispositifCreate,
  versDispositifUpdate,
  type DispositifForm,
} from "./formulaires";
import { ListeCommunes } from "./ListeCommunes";
import { useOrganisations } from "./organisations";

function ErreurListe({ message }: { message?: string }) {
  return message ? (
    <p className="fr-error-text fr-mb-2w" role="alert">
      {message}
    </p>
  ) : null;
}

/** Create (/admin/dispositifs/nouveau) or edit (/admin/dispositifs/:id) a dispositif. */
export default function AdminDispositif() {
  const { dispositifId = "nouveau" } = useParams();
  const creation = dispositifId === "nouveau";
  const navigate = useNavigate();
  const orgs = useOrganisations();
  const lu = $api.useQuery(
    "get",
    "/api/v1/dispositifs/{dispositif_id}",
    { params: { path: { dispositif_id: dispositifId } } },
    { enabled: !creation, refetchOnMount: "always" },
  );
  // The form starts from the dispositif read (or an empty one), and again when another is opened.
  const [form, setForm] = useState<{ pour: string; valeurs: DispositifForm } | null>(creation ? { pour: dispositifId, valeurs: dispositifVide() } : null);
  if (form?.pour !== dispositifId) {
    if (creation) setForm({ pour: dispositifId, valeurs: dispositifVide() });
    else if (lu.data && !lu.isFetching) setForm({ pour: dispositifId, valeurs: depuisDispositif(lu.data) });
    else if (form !== null) setForm(null);
  }
  const valeurs = form?.pour === dispositifId ? form.valeurs : null;
  const setValeurs = (f: (v: DispositifForm | null) => DispositifForm | null) =>
    setForm((e) => {
      if (!e) return e;
      const v = f(e.valeurs);
      return v ? { ...e, valeurs: v } : e;
    });
  const erreurLecture = creation ? null : (echecLecture(lu.error)?.message ?? null);
  const { envoyer, envoi, erreurs, echec } = useEnvoi();

  if (erreurLecture) return <ErreurChargement message={erreurLecture} />;
  if (!valeurs) return <Chargement libelle="Lecture du dispositif…" />;

  const maj = <K extends keyof DispositifForm>(cle: K) => (v: DispositifForm[K]) => setValeurs((f) => (f ? { ...f, [cle]: v } : f));
  const majListe = <L extends "cibles" | "types_accompagnement">(liste: L, i: number, champ: string, v: string | boolean) =>
    setValeurs((f) => (f ? { ...f, [liste]: f[liste].map((x, j) => (j === i ? { ...x, [champ]: v } : x)) } : f));
  const deplacer = (liste: "cibles" | "types_accompagnement", i: number, sens: -1 | 1) =>
    setValeurs((f) => {
      if (!f) return f;
      const copie = [...f[liste]] as typeof f[typeof liste];
      const j = i + sens;
      if (j < 0 || j >= copie.length) return f;
      [copie[i], copie[j]] = [copie[j]!, copie[i]!] as [never, never];
      return { ...f, [liste]: copie };
    });

  const nomOrg = (id: string) => orgs.find((o) => o.id === id)?.nom ?? "…";
  const optionsType = (type: string) => orgs.filter((o) => o.type === type && o.actif).map((o) => ({ value: o.id, label: o.nom }));

  const enregistrer = async (e: FormEvent) => {
    e.preventDefault();
    const fait = await envoyer(
      () =>
        valeurs.id
          ? api.PATCH("/api/v1/dispositifs/{dispositif_id}", { params: { path: { dispositif_id: valeurs.id } }, body: versDispositifUpdate(valeurs) })
          : api.POST("/api/v1/dispositifs", { body: versDispositifCreate(valeurs) }),
      // An error on a commune goes under its line of the list.
      { clesAffichees: clesDispositif(valeurs), adapterErreurs: (brutes) => erreursCommunesSurLignes(brutes, valeurs.communes) },
    );
    if (fait) {
      navigate("/admin/dispositifs", { state: { message: `Dispositif « ${fait.donnees.nom} » ${valeurs.id ? "enregistré" : "créé"}.` } });
      return;
    }
    document.getElementById("contenu")?.scrollIntoView();
  };

  return (
    <>
      <Titre sousTitre={valeurs.id ? `Code ${valeurs.code} — le code, les dates de début et les organisations ne se modifient pas.` : undefined}>
        {valeurs.id ? `Modifier le dispositif « ${valeurs.nom} »` : "Nouveau dispositif"}
      </Titre>
      {echec && <ResumeErreurs titre="Le dispositif n'a pas été enregistré" message={echec.message} orphelines={echec.orphelines} />}
      <form onSubmit={enregistrer} noValidate>
        <fieldset className="fr-fieldset" aria-labelledby="legende-general">
          <legend id="legende-general" className="fr-fieldset__legend fr-h4">
            Le dispositif
          </legend>
          <div className="fr-fieldset__element">
            <div className="fr-grid-row fr-grid-row--gutters">
              <ChampTexte className="fr-col-12 fr-col-md-8" cle="nom" label="Nom" erreurs={erreurs} valeur={valeurs.nom}
                onChange={maj("nom")} hint="Par exemple : 300 logements accompagnés (Ille-et-Vilaine)" />
              {valeurs.id ? (
                <div className="fr-col-12 fr-col-md-4">
                  <p className="fr-mb-1w">Code</p>
                  <p><code>{valeurs.code}</code></p>
                </div>
              ) : (
                <ChampTexte className="fr-col-12 fr-col-md-4" cle="code" label="Code" erreurs={erreurs} valeur={valeurs.code}
                  onChange={maj("code")} hint="Minuscules, chiffres et _ ; par exemple 300_logements_35"
                  onBlur={() => !valeurs.code.trim() && valeurs.nom.trim() && maj("code")(codeDepuisLibelle(valeurs.nom))} />
              )}
              {valeurs.id ? (
                <>
                  <div className="fr-col-12 fr-col-md-6">
                    <p className="fr-mb-1w">Financeur</p>
                    <p><strong>{nomOrg(valeurs.financeur_id)}</strong></p>
                  </div>
                  <div className="fr-col-12 fr-col-md-6">
                    <p className="fr-mb-1w">Commission (GIE)</p>
                    <p><strong>{nomOrg(valeurs.commission_id)}</strong></p>
                  </div>
                </>
              ) : (
                <>
                  <ChampListe className="fr-col-12 fr-col-md-6" cle="financeur_id" label="Financeur" erreurs={erreurs}
                    vide="Choisir un financeur" valeur={valeurs.financeur_id} onChange={maj("financeur_id")} options={optionsType("financeur")} />
                  <ChampListe className="fr-col-12 fr-col-md-6" cle="commission_id" label="Commission (GIE)" erreurs={erreurs}
                    hint="L'organisation qui décide des orientations" vide="Choisir une commission" valeur={valeurs.commission_id}
                    onChange={maj("commission_id")} options={optionsType("gie")} />
                </>
              )}
              {valeurs.id ? (
                <div className="fr-col-12 fr-col-md-4">
                  <p className="fr-mb-1w">Début</p>
                  <p><strong>{formatDate(valeurs.date_debut)}</strong></p>
                </div>
              ) : (
                <ChampTexte className="fr-col-12 fr-col-md-4" cle="date_debut" label="Début" erreurs={erreurs} type="date"
                  valeur={valeurs.date_debut} onChange={maj("date_debut")} />
              )}
              <ChampTexte className="fr-col-12 fr-col-md-4" cle="date_fin" label="Fin (facultative)" erreurs={erreurs} type="date"
                valeur={valeurs.date_fin} onChange={maj("date_fin")} />
              <ChampTexte className="fr-col-12 fr-col-md-4" cle="duree_max_mois" label="Durée maximale d'une mesure (mois)"
                hint="De 1 à 120 ; vide : pas de limite" erreurs={erreurs} inputMode="numeric" valeur={valeurs.duree_max_mois}
                onChange={maj("duree_max_mois")} />
            </div>
            <Checkbox
              className="fr-mt-2w"
              legend="Règles"
              options={[
                {
                  label: "Adhésion du ménage requise",
                  hintText: "Le ménage doit avoir donné son accord avant l'orientation",
                  nativeInputProps: { name: "adhesion_requise", checked: valeurs.adhesion_requise, onChange: (e) => maj("adhesion_requise")(e.target.checked) },
                },
                {
                  label: "Création directe",
                  hintText: "Une association peut ouvrir une mesure sans orientation préalable",
                  nativeInputProps: { name: "creation_directe", checked: valeurs.creation_directe, onChange: (e) => maj("creation_directe")(e.target.checked) },
                },
              ]}
            />
          </div>
        </fieldset>

        <fieldset className="fr-fieldset" aria-labelledby="legende-cibles">
          <legend id="legende-cibles" className="fr-fieldset__legend fr-h4">
            Cibles
            <span className="fr-hint-text">
              Une cible « sensible » (santé, justice, violences) n'est jamais montrée à un bailleur : il lit « cible confidentielle ».
            </span>
          </legend>
          <div className="fr-fieldset__element">
            <ErreurListe message={erreurs["cibles"]} />
            {valeurs.cibles.map((c, i) => (
              <div key={c.cle} className="ancrage-ligne-liste" role="group" aria-label={`Cible ${i + 1}`}>
                <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
                  <ChampTexte className="fr-col-12 fr-col-md-5" cle={`cibles.${i}.libelle`} label={`Cible ${i + 1} : libellé`} erreurs={erreurs}
                    valeur={c.libelle} onChange={(v) => majListe("cibles", i, "libelle", v)}
                    onBlur={() => !c.code.trim() && c.libelle.trim() && majListe("cibles", i, "code", codeDepuisLibelle(c.libelle))} />
                  <ChampTexte className="fr-col-12 fr-col-md-4" cle={`cibles.${i}.code`} label={`Cible ${i + 1} : code`} erreurs={erreurs}
                    hint="Déduit du libellé si vide" valeur={c.code} onChange={(v) => majListe("cibles", i, "code", v)} />
                  <div className="fr-col-12 fr-col-md-3">
                    <Checkbox
                      small
                      options={[
                        {
                          label: "Sensible",
                          nativeInputProps: { name: `cibles.${i}.sensible`, checked: c.sensible, onChange: (e) => majListe("cibles", i, "sensible", e.target.checked),
                            "aria-label": `Cible ${i + 1} sensible` },
                        },
                      ]}
                    />
                  </div>
                </div>
                <div className="ancrage-table-actions">
                  <Button type="button" priority="tertiary no outline" size="small" iconId="fr-icon-arrow-up-line" disabled={i === 0}
                    onClick={() => deplacer("cibles", i, -1)}>Monter<span className="fr-sr-only"> la cible {i + 1}</span></Button>
                  <Button type="button" priority="tertiary no outline" size="small" iconId="fr-icon-arrow-down-line" disabled={i === valeurs.cibles.length - 1}
                    onClick={() => deplacer("cibles", i, 1)}>Descendre<span className="fr-sr-only"> la cible {i + 1}</span></Button>
                  {valeurs.cibles.length > 1 && (
                    <Button type="button" priority="tertiary no outline" size="small" iconId="fr-icon-delete-line"
                      onClick={() => setValeurs((f) => (f ? { ...f, cibles: f.cibles.filter((_, j) => j !== i) } : f))}>
                      Retirer la cible {i + 1}
                    </Button>
                  )}
                </div>
              </div>
            ))}
            <Button type="button" priority="secondary" iconId="fr-icon-add-line"
              onClick={() => setValeurs((f) => (f ? { ...f, cibles: [...f.cibles, cibleVide()] } : f))}>
              Ajouter une cible
            </Button>
          </div>
        </fieldset>

        <fieldset className="fr-fieldset" aria-labelledby="legende-types">
          <legend id="legende-types" className="fr-fieldset__legend fr-h4">
            Types d'accompagnement
          </legend>
          <div className="fr-fieldset__element">
            <ErreurListe message={erreurs["types_accompagnement"]} />
            {valeurs.types_accompagnement.map((t, i) => (
              <div key={t.cle} className="ancrage-ligne-liste" role="group" aria-label={`Type d'accompagnement ${i + 1}`}>
                <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
                  <ChampTexte className="fr-col-12 fr-col-md-5" cle={`types_accompagnement.${i}.libelle`} label={`Type ${i + 1} : libellé`}
                    erreurs={erreurs} valeur={t.libelle} onChange={(v) => majListe("types_accompagnement", i, "libelle", v)}
                    onBlur={() => !t.code.trim() && t.libelle.trim() && majListe("types_accompagnement", i, "code", codeDepuisLibelle(t.libelle))} />
                  <ChampTexte className="fr-col-12 fr-col-md-4" cle={`types_accompagnement.${i}.code`} label={`Type ${i + 1} : code`}
                    hint="Déduit du libellé si vide" erreurs={erreurs} valeur={t.code} onChange={(v) => majListe("types_accompagnement", i, "code", v)} />
                  <ChampTexte className="fr-col-12 fr-col-md-3" cle={`types_accompagnement.${i}.duree_max_mois`} label={`Type ${i + 1} : durée max. (mois)`}
                    hint="Vide : celle du dispositif" erreurs={erreurs} inputMode="numeric" valeur={t.duree_max_mois}
                    onChange={(v) => majListe("types_accompagnement", i, "duree_max_mois", v)} />
                </div>
                {valeurs.types_accompagnement.length > 1 && (
                  <Button type="button" priority="tertiary no outline" size="small" iconId="fr-icon-delete-line"
                    onClick={() => setValeurs((f) => (f ? { ...f, types_accompagnement: f.types_accompagnement.filter((_, j) => j !== i) } : f))}>
                    Retirer le type {i + 1}
                  </Button>
                )}
              </div>
            ))}
            <Button type="button" priority="secondary" iconId="fr-icon-add-line"
              onClick={() => setValeurs((f) => (f ? { ...f, types_accompagnement: [...f.types_accompagnement, typeVide()] } : f))}>
              Ajouter un type d'accompagnement
            </Button>
          </div>
        </fieldset>

        <ListeCommunes communes={valeurs.communes} onChange={maj("communes")} erreurs={erreurs} />

        <div className="ancrage-pied-formulaire fr-mt-4w">
          <Button type="submit" disabled={envoi}>
            {envoi ? "Enregistrement…" : valeurs.id ? "Enregistrer" : "Créer le dispositif"}
          </Button>
          <Link to="/admin/dispositifs" className="fr-link">
            Annuler
          </Link>
        </div>
      </form>
    </>
  );
}
