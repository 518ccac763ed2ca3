/**
 * « Rappels de rendez-vous » on the household file: the household's consent (SMS and/or
 * e-mail, the number or address, the number to call, its date), recorded or withdrawn by
 * the association that carries it. Shown only to those the API lets read it.
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useState, type FormEvent } from "react";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { messageErreur } from "../../api/problem";
import { $api } from "../../api/requetes";
import type { components } from "../../api/schema";
import { ChampTexte } from "../../components/Champs";
import { formatDate, formatDateHeure, jourParis } from "../../lib/dates";
import { telephoneLisible } from "./rappels";

type Consentement = components["schemas"]["ConsentementPublic"];

function Resume({ c }: { c: Consentement }) {
  const canaux = [
    c.sms ? `par SMS au ${telephoneLisible(c.telephone)}` : null,
    c.courriel ? `par courriel à ${c.adresse_courriel}` : null,
  ].filter(Boolean);
  return (
    <p>
      Le ménage accepte les rappels de ses rendez-vous {canaux.join(" et ")} depuis le {formatDate(c.date_consentement)}. Numéro
      indiqué dans les rappels : <strong>{telephoneLisible(c.telephone_a_appeler)}</strong>.
    </p>
  );
}

export function RappelsRendezVous({ menageId }: { menageId: string }) {
  const chemin = { params: { path: { menage_id: menageId } } };
  const lu = $api.useQuery("get", "/api/v1/menages/{menage_id}/rappels", chemin);
  const donnees = lu.data;
  const [edition, setEdition] = useState(false);
  const [sms, setSms] = useState(true);
  const [courriel, setCourriel] = useState(false);
  const [telephone, setTelephone] = useState("");
  const [adresse, setAdresse] = useState("");
  const [aAppeler, setAAppeler] = useState("");
  const [date, setDate] = useState(jourParis());
  const [message, setMessage] = useState<{ succes: boolean; texte: string } | null>(null);
  // A refusal: the API's sentence in the message zone, field errors under their fields.
  const { envoyer, erreurs, effacer } = useEnvoi({
    messageRefus: ({ probleme, statut }) => messageErreur(probleme, statut),
    surRefus: (echec) => setMessage({ succes: false, texte: echec.message }),
  });

  // Not the carrying association (403), or nothing to show (404, not read yet): the section is not there.
  if (!donnees) return null;
  const actuel = donnees.en_vigueur;

  const ouvrir = () => {
    setSms(actuel ? actuel.sms : true);
    setCourriel(actuel ? actuel.courriel : false);
    setTelephone(telephoneLisible(actuel?.telephone));
    setAdresse(actuel?.adresse_courriel ?? "");
    setAAppeler(telephoneLisible(actuel?.telephone_a_appeler));
    setDate(jourParis());
    effacer();
    setMessage(null);
    setEdition(true);
  };

  const enregistrer = async (e: FormEvent) => {
    e.preventDefault();
    const fait = await envoyer(() =>
      api.PUT("/api/v1/menages/{menage_id}/rappels", {
        ...chemin,
        body: {
          sms,
          courriel,
          telephone: sms ? telephone : null,
          adresse_courriel: courriel ? adresse : null,
          telephone_a_appeler: aAppeler,
          date_consentement: date,
        },
      }),
    );
    if (!fait) return;
    setEdition(false);
    setMessage({ succes: true, texte: "Le consentement est enregistré." });
    void lu.refetch();
  };

  const retirer = async () => {
    const fait = await envoyer(() => api.DELETE("/api/v1/menages/{menage_id}/rappels", chemin), { adapterErreurs: () => ({}) });
    if (!fait) return;
    setMessage({ succes: true, texte: "Le consentement est retiré : plus aucun rappel ne sera envoyé." });
    void lu.refetch();
  };

  const anciens = donnees.historique.filter((c) => !c.en_vigueur);
  return (
    <section className="fr-mb-4w" aria-labelledby="titre-rappels">
      <h2 id="titre-rappels" className="fr-h4">
        Rappels de rendez-vous
      </h2>
      {actuel ? <Resume c={actuel} /> : <p>Le ménage n'a pas accepté de rappels de rendez-vous.</p>}
      <p className="fr-text--sm">
        Un rappel part la veille du rendez-vous, et quand il est fixé, déplacé ou annulé. Il ne dit que la date, l'heure, le
        lieu (tel qu'il est saisi sur le rendez-vous) et le numéro à appeler : jamais l'objet du rendez-vous, et pas le nom de
        l'association si la cible de la mesure est sensible.
      </p>
      <div aria-live="polite">
        {message && <Alert severity={message.succes ? "success" : "error"} small description={message.texte} className="fr-mb-2w" />}
      </div>
      {!edition && (
        <ul className="fr-btns-group fr-btns-group--inline-md">
          <li>
            <Button priority={actuel ? "secondary" : "primary"} onClick={ouvrir}>
              {actuel ? "Modifier le consentement" : "Enregistrer le consentement du ménage"}
            </Button>
          </li>
          {actuel && (
            <li>
              <Button priority="tertiary" onClick={() => void retirer()}>
                Retirer le consentement
              </Button>
            </li>
          )}
        </ul>
      )}
      {edition && (
        <form onSubmit={(e) => void enregistrer(e)} aria-label="Consentement aux rappels">
          <fieldset className="fr-fieldset">
            <legend className="fr-fieldset__legend">Le ménage accepte les rappels</legend>
            <div className="fr-checkbox-group fr-mb-1w">
              <input type="checkbox" id="rappel-sms" checked={sms} onChange={(e) => setSms(e.target.checked)} />
              <label className="fr-label" htmlFor="rappel-sms">
                par SMS
              </label>
            </div>
            <div className="fr-checkbox-group fr-mb-1w">
              <input type="checkbox" id="rappel-courriel" checked={courriel} onChange={(e) => setCourriel(e.target.checked)} />
              <label className="fr-label" htmlFor="rappel-courriel">
                par courriel
              </label>
            </div>
            {erreurs.sms && <p className="fr-error-text">{erreurs.sms}</p>}
          </fieldset>
          {sms && (
            <ChampTexte cle="telephone" label="Téléphone du ménage (SMS)" erreurs={erreurs} valeur={telephone} onChange={setTelephone} type="tel" />
          )}
          {courriel && (
            <ChampTexte cle="adresse_courriel" label="Adresse courriel du ménage" erreurs={erreurs} valeur={adresse} onChange={setAdresse} type="email" />
          )}
          <ChampTexte
            cle="telephone_a_appeler"
            label="Numéro à appeler"
            hint="Celui de l'association ou du référent : il figure dans chaque rappel."
            erreurs={erreurs}
            valeur={aAppeler}
            onChange={setAAppeler}
            type="tel"
            required
          />
          <ChampTexte cle="date_consentement" label="Date du consentement" erreurs={erreurs} valeur={date} onChange={setDate} type="date" max={jourParis()} />
          <ul className="fr-btns-group fr-btns-group--inline-md">
            <li>
              <Button type="submit">Enregistrer</Button>
            </li>
            <li>
              <Button priority="secondary" type="button" onClick={() => setEdition(false)}>
                Annuler
              </Button>
            </li>
          </ul>
        </form>
      )}
      {anciens.length > 0 && (
        <details className="fr-mt-2w">
          <summary>Consentements précédents ({anciens.length})</summary>
          <ul>
            {anciens.map((c) => (
              <li key={c.id}>
                Donné le {formatDate(c.date_consentement)}, retiré ou remplacé le {formatDateHeure(c.retire_le)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
