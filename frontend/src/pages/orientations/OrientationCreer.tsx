/**
 * « Nouvelle orientation »: refer a household (already on file) to a
 * dispositif, as a draft or submitted to the commission at once.
 * Reached from a household's file (?menage=<id>) or from the referrals list
 * (the household is then searched here).
 */
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import type { ErreursChamps } from "../../api/problem";
import { $api, echecLecture } from "../../api/requetes";
import { NomCommune } from "../../components/ChampCommune";
import { ChampListe, ChampTexte, ResumeErreurs } from "../../components/Champs";
import { Titre } from "../../components/Titre";
import { jourParis } from "../../lib/dates";
import { options, ORIGINES_ORIENTATION } from "../../lib/libelles";
import {
  CLES_FORMULAIRE_ORIENTATION,
  erreursProbleme,
  optionsCibles,
  orientationVide,
  preciserChoixVides,
  versPayloadOrientation,
  type AccesMaintien,
  type OrientationForm,
} from "./orientation";

const ACCES_MAINTIEN: Record<AccesMaintien, string> = {
  acces: "Accès au logement",
  maintien: "Maintien dans le logement",
};

/** The household referred: fixed when coming from its file, otherwise searched by name or reference. */
function ChoixMenage({ valeur, onChange, erreurs }: { valeur: string; onChange: (v: string) => void; erreurs: ErreursChamps }) {
  const [saisie, setSaisie] = useState("");
  const [q, setQ] = useState("");
  const lus = $api.useQuery("get", "/api/v1/menages", { params: { query: { q: q || undefined, limit: 50 } } });
  const menages = { donnees: lus.data, chargement: lus.isFetching };
  const items = menages.donnees?.items ?? [];
  return (
    <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
      <div className="fr-col-12 fr-col-md-6">
        <Input
          label="Rechercher le ménage"
          hintText="Nom, prénom ou référence du dossier"
          nativeInputProps={{
            value: saisie,
            onChange: (e) => setSaisie(e.target.value),
            onKeyDown: (e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                setQ(saisie.trim());
              }
            },
          }}
        />
      </div>
      <div className="fr-col-12 fr-col-md-2 fr-mb-3w">
        <Button type="button" priority="secondary" onClick={() => setQ(saisie.trim())}>
          Chercher
        </Button>
      </div>
      <ChampListe
        className="fr-col-12"
        cle="menage_id"
        label="Ménage orienté"
        erreurs={erreurs}
        vide={menages.chargement ? "Chargement…" : items.length ? "Choisir un ménage" : "Aucun ménage trouvé"}
        hint={menages.donnees && menages.donnees.total > items.length ? `${items.length} premiers sur ${menages.donnees.total} : précisez la recherche` : undefined}
        valeur={valeur}
        onChange={onChange}
        options={items.map((m) => ({ value: m.id, label: `${m.reference} — ${m.demandeur_prenom} ${m.demandeur_nom.toUpperCase()}` }))}
      />
    </div>
  );
}

export default function OrientationCreer() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const menageFixe = params.get("menage") ?? "";
  const [valeurs, setValeurs] = useState<OrientationForm>(() => orientationVide(menageFixe));
  // Two buttons (draft, submission): `enCours` says which one is sending.
  const { envoyer: envoyerApi, enCours, erreurs, echec, refuser } = useEnvoi({ clesAffichees: CLES_FORMULAIRE_ORIENTATION });
  const envoi = enCours as "brouillon" | "soumission" | null;

  const lu = $api.useQuery("get", "/api/v1/menages/{menage_id}", { params: { path: { menage_id: menageFixe } } }, { enabled: Boolean(menageFixe) });
  const menage = { donnees: lu.data, erreur: echecLecture(lu.error)?.message };
  const d = $api.useQuery("get", "/api/v1/dispositifs", { params: { query: { actifs_le: jourParis(), limit: 100 } } });
  const dispositifs = { donnees: d.data, chargement: d.isPending, erreur: echecLecture(d.error)?.message };
  const dispositif = dispositifs.donnees?.items.find((x) => x.id === valeurs.dispositif_id);
  const maj = <K extends keyof OrientationForm>(cle: K) => (v: OrientationForm[K]) => setValeurs((f) => ({ ...f, [cle]: v }));

  const envoyer = async (soumettre: boolean) => {
    if (!valeurs.menage_id) {
      refuser({ menage_id: "Choisissez le ménage à orienter." }, "Choisissez le ménage à orienter.");
      return;
    }
    const fait = await envoyerApi(() => api.POST("/api/v1/orientations", { body: versPayloadOrientation(valeurs, soumettre) }), {
      nom: soumettre ? "soumission" : "brouillon",
      // The problem's own `champ`, and the API's "null" on an empty choice worded by its field.
      adapterErreurs: (_brutes, probleme) => preciserChoixVides(erreursProbleme(probleme), valeurs),
    });
    if (!fait) return;
    const o = fait.donnees;
    navigate(`/orientations/${o.id}`, {
      state: { message: soumettre ? `Orientation ${o.reference} soumise à la commission.` : `Brouillon ${o.reference} enregistré.` },
    });
  };

  const soumettreFormulaire = (e: FormEvent) => {
    e.preventDefault();
    void envoyer(true);
  };

  const m = menage.donnees;
  const demandeur = m?.personnes.find((p) => p.lien === "demandeur");

  return (
    <>
      <Titre sousTitre="Orienter un ménage vers un dispositif : la commission du dispositif décidera.">Nouvelle orientation</Titre>
      {echec && <ResumeErreurs titre="L'orientation n'a pas été enregistrée" message={echec.message} orphelines={echec.orphelines} />}
      <form onSubmit={soumettreFormulaire} noValidate aria-label="Nouvelle orientation">
        <fieldset className="fr-fieldset" aria-labelledby="legende-menage">
          <legend id="legende-menage" className="fr-fieldset__legend fr-h4">
            Ménage
          </legend>
          <div className="fr-fieldset__element">
            {menageFixe ? (
              <p>
                {m ? (
                  <>
                    <Link to={`/menages/${m.id}`} className="fr-link">
                      Dossier {m.reference}
                    </Link>
                    {demandeur ? ` — ${demandeur.prenom} ${demandeur.nom.toUpperCase()}` : ""}
                    {" — commune "}
                    {m.commune_insee ? <NomCommune code={m.commune_insee} /> : "non renseignée"}
                  </>
                ) : menage.erreur ? (
                  <span className="fr-error-text">{menage.erreur}</span>
                ) : (
                  "Chargement du dossier…"
                )}
              </p>
            ) : (
              <ChoixMenage valeur={valeurs.menage_id} onChange={maj("menage_id")} erreurs={erreurs} />
            )}
            {erreurs["menage_id"] && menageFixe && <p className="fr-error-text">{erreurs["menage_id"]}</p>}
          </div>
        </fieldset>

        <fieldset className="fr-fieldset" aria-labelledby="legende-orientation">
          <legend id="legende-orientation" className="fr-fieldset__legend fr-h4">
            Orientation
          </legend>
          <div className="fr-fieldset__element">
            <div className="fr-grid-row fr-grid-row--gutters">
              <ChampListe
                className="fr-col-12"
                cle="dispositif_id"
                label="Dispositif"
                erreurs={erreurs}
                vide={dispositifs.chargement ? "Chargement des dispositifs…" : "Choisir un dispositif"}
                hint={dispositifs.erreur ?? undefined}
                valeur={valeurs.dispositif_id}
                onChange={(v) => setValeurs((f) => ({ ...f, dispositif_id: v, cible_proposee_code: "" }))}
                options={(dispositifs.donnees?.items ?? []).map((d) => ({ value: d.id, label: d.nom }))}
              />
              <ChampListe className="fr-col-12 fr-col-md-6" cle="origine" label="Origine de la demande" erreurs={erreurs}
                vide="Choisir l'origine" valeur={valeurs.origine} onChange={maj("origine")} options={options(ORIGINES_ORIENTATION)} />
              <ChampListe className="fr-col-12 fr-col-md-6" cle="acces_maintien" label="Accès ou maintien" erreurs={erreurs}
                vide="Choisir" valeur={valeurs.acces_maintien} onChange={maj("acces_maintien")} options={options(ACCES_MAINTIEN)} />
              <ChampListe className="fr-col-12 fr-col-md-6" cle="cible_proposee_code" label="Cible proposée" erreurs={erreurs}
                hint={dispositif ? "Facultative : la commission retient la cible" : "Choisissez d'abord le dispositif"}
                vide="Aucune" valeur={valeurs.cible_proposee_code} onChange={maj("cible_proposee_code")} options={optionsCibles(dispositif)} />
              <ChampTexte className="fr-col-12 fr-col-md-6" cle="prescripteur_nom" label="Personne qui oriente" erreurs={erreurs}
                hint="Facultatif : nom et fonction" valeur={valeurs.prescripteur_nom} onChange={maj("prescripteur_nom")} autoComplete="off" maxLength={200} />
              <ChampTexte className="fr-col-12 fr-col-md-6" cle="external_ref" label="Référence dans votre système" erreurs={erreurs}
                hint="Facultative ; une même référence ne peut servir qu'une fois" valeur={valeurs.external_ref} onChange={maj("external_ref")}
                autoComplete="off" maxLength={100} />
              <div className="fr-col-12">
                <Input
                  label="Motifs de l'orientation"
                  hintText="Situation, difficultés, attentes du ménage (visible de la commission)"
                  textArea
                  {...(erreurs["motifs"] ? { state: "error" as const, stateRelatedMessage: erreurs["motifs"] } : {})}
                  nativeTextAreaProps={{ name: "motifs", value: valeurs.motifs, rows: 5, maxLength: 5000, onChange: (e) => maj("motifs")(e.target.value) }}
                />
              </div>
            </div>
          </div>
        </fieldset>

        <div className="ancrage-pied-formulaire fr-mt-4w">
          <Button type="submit" disabled={envoi !== null} iconId="fr-icon-send-plane-line">
            {envoi === "soumission" ? "Envoi…" : "Soumettre à la commission"}
          </Button>
          <Button type="button" priority="secondary" disabled={envoi !== null} onClick={() => void envoyer(false)}>
            {envoi === "brouillon" ? "Enregistrement…" : "Enregistrer le brouillon"}
          </Button>
          <Link to={menageFixe ? `/menages/${menageFixe}` : "/orientations"} className="fr-link">
            Annuler
          </Link>
        </div>
      </form>
    </>
  );
}
