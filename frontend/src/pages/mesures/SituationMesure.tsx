/** Domaines d'intervention and modalité de logement: read, and changed by the carrying association (PATCH, If-Match). */
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Tag } from "@codegouvfr/react-dsfr/Tag";
import { useState, type FormEvent } from "react";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import type { DomaineIntervention, MesurePublic, ModaliteLogement } from "../../api/types";
import { ChampListe, ChampTexte, ResumeErreurs } from "../../components/Champs";
import { formatDate } from "../../lib/dates";
import { DOMAINES_INTERVENTION, MODALITES_LOGEMENT, options } from "../../lib/libelles";
import { depuisMesure, payloadSituation, type FormSituation } from "./mesure";

const CHAMPS = ["domaines", "modalite_logement", "modalite_date_debut", "modalite_date_fin", "date_glissement"];

interface Props {
  mesure: MesurePublic;
  etag: string | null;
  modifiable: boolean;
  onEnregistre: (m: MesurePublic, etag: string | null) => void;
  onPerime: () => void;
}

export function SituationMesure({ mesure, etag, modifiable, onEnregistre, onPerime }: Props) {
  const [f, setF] = useState<FormSituation | null>(null);
  const { envoyer, envoi, erreurs, echec, effacer } = useEnvoi({
    clesAffichees: CHAMPS,
    surPerime: () => {
      setF(null);
      onPerime();
    },
  });

  const ouvrir = () => {
    setF(depuisMesure(mesure));
    effacer();
  };

  const basculer = (d: DomaineIntervention) =>
    setF((x) => (x ? { ...x, domaines: x.domaines.includes(d) ? x.domaines.filter((y) => y !== d) : [...x.domaines, d] } : x));

  const enregistrer = async (e: FormEvent) => {
    e.preventDefault();
    if (!f) return;
    const fait = await envoyer(() =>
      api.PATCH("/api/v1/mesures/{mesure_id}", {
        params: { path: { mesure_id: mesure.id }, header: { "If-Match": etag ?? "" } },
        body: payloadSituation(f),
      }),
    );
    if (fait) {
      setF(null);
      onEnregistre(fait.donnees, fait.etag);
    }
  };

  if (!f) {
    return (
      <>
        <h3 className="fr-h6 fr-mb-1w">Domaines d'intervention</h3>
        {mesure.domaines.length === 0 ? (
          <p>Aucun domaine renseigné.</p>
        ) : (
          <ul className="fr-tags-group" aria-label="Domaines d'intervention">
            {mesure.domaines.map((d) => (
              <li key={d}>
                <Tag small>{DOMAINES_INTERVENTION[d]}</Tag>
              </li>
            ))}
          </ul>
        )}
        <h3 className="fr-h6 fr-mb-1w">Modalité de logement</h3>
        <p>
          {mesure.modalite_logement ? MODALITES_LOGEMENT[mesure.modalite_logement] : "Non renseignée"}
          {mesure.modalite_date_debut || mesure.modalite_date_fin
            ? ` — du ${formatDate(mesure.modalite_date_debut)} au ${formatDate(mesure.modalite_date_fin)}`
            : ""}
          {mesure.date_glissement ? ` — glissement du bail le ${formatDate(mesure.date_glissement)}` : ""}
        </p>
        {modifiable && (
          <Button type="button" priority="secondary" iconId="fr-icon-edit-line" onClick={ouvrir}>
            Modifier les domaines et le logement
          </Button>
        )}
      </>
    );
  }

  return (
    <form onSubmit={enregistrer} noValidate aria-label="Modifier les domaines et le logement">
      {echec && <ResumeErreurs titre="Les modifications n'ont pas été enregistrées" message={echec.message} orphelines={echec.orphelines} />}
      <Checkbox
        legend="Domaines d'intervention"
        hintText="Ce sur quoi la mesure travaille ; plusieurs à la fois"
        orientation="horizontal"
        small
        {...(erreurs["domaines"] ? { state: "error", stateRelatedMessage: erreurs["domaines"] } : {})}
        options={options(DOMAINES_INTERVENTION).map((o) => ({
          label: o.label,
          nativeInputProps: { name: "domaines", value: o.value, checked: f.domaines.includes(o.value), onChange: () => basculer(o.value) },
        }))}
      />
      <div className="fr-grid-row fr-grid-row--gutters">
        <ChampListe<ModaliteLogement> className="fr-col-12 fr-col-md-6" cle="modalite_logement" label="Modalité de logement" erreurs={erreurs}
          vide="Non renseignée" valeur={f.modalite_logement} options={options(MODALITES_LOGEMENT)}
          onChange={(v) => setF((x) => (x ? { ...x, modalite_logement: v } : x))} />
        <ChampTexte className="fr-col-12 fr-col-md-3" cle="modalite_date_debut" label="Début de la modalité" erreurs={erreurs} type="date"
          valeur={f.modalite_date_debut} onChange={(v) => setF((x) => (x ? { ...x, modalite_date_debut: v } : x))} />
        <ChampTexte className="fr-col-12 fr-col-md-3" cle="modalite_date_fin" label="Fin de la modalité" erreurs={erreurs} type="date"
          valeur={f.modalite_date_fin} onChange={(v) => setF((x) => (x ? { ...x, modalite_date_fin: v } : x))} />
        {f.modalite_logement === "iml_bail_glissant" && (
          <ChampTexte className="fr-col-12 fr-col-md-3" cle="date_glissement" label="Date du glissement du bail" erreurs={erreurs} type="date"
            valeur={f.date_glissement} onChange={(v) => setF((x) => (x ? { ...x, date_glissement: v } : x))} />
        )}
      </div>
      <div className="ancrage-pied-formulaire">
        <Button type="submit" disabled={envoi}>
          {envoi ? "Enregistrement…" : "Enregistrer les domaines et le logement"}
        </Button>
        <Button type="button" priority="tertiary" onClick={() => setF(null)}>
          Annuler
        </Button>
      </div>
    </form>
  );
}
