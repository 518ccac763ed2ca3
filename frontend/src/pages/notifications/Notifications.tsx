/** My notifications (read / unread) and, type by type, when I want an e-mail. */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useState } from "react";
import { Link } from "react-router";

import { api } from "../../api/client";
import { messageErreur } from "../../api/problem";
import type { components } from "../../api/schema";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDateHeure } from "../../lib/dates";
import { useRequete } from "../../lib/useRequete";

type Frequence = components["schemas"]["Frequence"];

const FREQUENCES: [Frequence, string][] = [
  ["immediat", "Tout de suite"],
  ["quotidien", "Résumé quotidien"],
  ["hebdomadaire", "Résumé hebdomadaire"],
  ["jamais", "Jamais par courriel"],
];

/** Tells the header's counter to read again. */
export function signalerNotifications(): void {
  window.dispatchEvent(new Event("ancrage:notifications"));
}

function Preferences() {
  const { donnees, erreur, recharger } = useRequete(() => api.GET("/api/v1/notifications/preferences"), []);
  const [message, setMessage] = useState<string | null>(null);
  if (erreur) return <ErreurChargement message={erreur} />;
  if (!donnees) return <Chargement />;
  const changer = (type: components["schemas"]["TypeNotification"], frequence: Frequence) => {
    api
      .PUT("/api/v1/notifications/preferences", { body: [{ type, frequence }] })
      .then(({ error, response }) => {
        setMessage(error ? messageErreur(error, response.status) : "Préférence enregistrée.");
        recharger();
      })
      .catch((e: unknown) => setMessage(messageErreur(e)));
  };
  return (
    <section aria-labelledby="titre-preferences" className="fr-mt-6w">
      <h2 id="titre-preferences" className="fr-h4">
        Quand être prévenu par courriel
      </h2>
      <p className="fr-text--sm">
        Les courriels ne contiennent ni nom, ni adresse, ni situation d'un ménage : une phrase et un lien vers Ancrage.
      </p>
      {donnees.map((p) => (
        <div key={p.type} className="fr-select-group">
          <label className="fr-label" htmlFor={`pref-${p.type}`}>
            {p.libelle}
          </label>
          <select
            className="fr-select"
            id={`pref-${p.type}`}
            value={p.frequence}
            onChange={(e) => changer(p.type, e.target.value as Frequence)}
          >
            {FREQUENCES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
      ))}
      <div aria-live="polite">{message && <Alert severity="info" small description={message} />}</div>
    </section>
  );
}

export default function Notifications() {
  const [nonLues, setNonLues] = useState(false);
  const { donnees, erreur, chargement, recharger } = useRequete(
    () => api.GET("/api/v1/notifications", { params: { query: { non_lues: nonLues, limit: 100 } } }),
    [nonLues],
  );
  const marquer = (id: string, lue: boolean) => {
    const chemin = lue ? "/api/v1/notifications/{notification_id}/lue" : "/api/v1/notifications/{notification_id}/non-lue";
    void api.POST(chemin, { params: { path: { notification_id: id } } }).then(() => {
      recharger();
      signalerNotifications();
    });
  };
  return (
    <>
      <Titre sousTitre="Ce qui vous concerne : décisions, mandatements, ordres du jour, alertes de vos dossiers.">
        Notifications
      </Titre>
      <div className="fr-grid-row fr-grid-row--middle fr-mb-2w">
        <div className="fr-toggle fr-col">
          <input type="checkbox" className="fr-toggle__input" id="non-lues" checked={nonLues} onChange={(e) => setNonLues(e.target.checked)} />
          <label className="fr-toggle__label" htmlFor="non-lues">
            Non lues seulement
          </label>
        </div>
        <Button
          priority="secondary"
          size="small"
          onClick={() => void api.POST("/api/v1/notifications/tout-lu").then(() => (recharger(), signalerNotifications()))}
        >
          Tout marquer comme lu
        </Button>
      </div>
      {chargement && !donnees && <Chargement />}
      {erreur && <ErreurChargement message={erreur} />}
      {donnees && donnees.items.length === 0 && <p>Aucune notification.</p>}
      {donnees && donnees.items.length > 0 && (
        <ul className="fr-raw-list">
          {donnees.items.map((n) => (
            <li key={n.id} className="fr-py-2w" style={{ borderBottom: "1px solid var(--border-default-grey)" }}>
              <p className="fr-mb-1v">
                {!n.lue && <span className="fr-badge fr-badge--new fr-badge--sm fr-mr-1w">Non lue</span>}
                <Link to={n.lien} onClick={() => !n.lue && marquer(n.id, true)}>
                  {n.phrase}
                </Link>
              </p>
              <p className="fr-text--xs fr-mb-0">
                {formatDateHeure(n.cree_le)} ·{" "}
                <button type="button" className="fr-link fr-text--xs" onClick={() => marquer(n.id, !n.lue)}>
                  {n.lue ? "Marquer comme non lue" : "Marquer comme lue"}
                </button>
              </p>
            </li>
          ))}
        </ul>
      )}
      <Preferences />
    </>
  );
}
