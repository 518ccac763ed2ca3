/**
 * A commission session, composed of its parts (./seance/): the head (state, members
 * present, procès-verbal, closing), the agenda and its decisions, and the waiting
 * list to put on the agenda. This screen only holds the page's messages.
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { useState } from "react";
import { Link, useLocation, useParams } from "react-router";

import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate } from "../../lib/dates";
import { AInscrire } from "./seance/AInscrire";
import { ActionsSeance, EtatSeance, MembresPresents } from "./seance/EnTeteSeance";
import { OrdreDuJour } from "./seance/OrdreDuJour";
import { useSeance } from "./seance/useSeance";

export default function CommissionSession() {
  const { sessionId = "" } = useParams();
  const location = useLocation();
  const [message, setMessage] = useState<string | null>((location.state as { message?: string } | null)?.message ?? null);
  const [echec, setEchec] = useState<string | null>(null);
  const { session, dispositif, conventions, noms, ordre, recharger } = useSeance(sessionId);
  const s = session.donnees;

  const apres = (msg: string) => {
    setMessage(msg);
    setEchec(null);
    recharger();
  };

  if (session.chargement && !s) return <Chargement libelle="Chargement de la session…" />;
  if (session.statut === 404) return <ErreurChargement titre="Session introuvable" message="Cette session n'existe pas ou ne vous est pas accessible." />;
  if (session.erreur || !s) return <ErreurChargement message={session.erreur ?? "Réponse vide"} />;

  return (
    <>
      <nav role="navigation" className="fr-breadcrumb" aria-label="vous êtes ici :">
        <ol className="fr-breadcrumb__list">
          <li>
            <Link className="fr-breadcrumb__link" to="/commission">
              Commission
            </Link>
          </li>
          <li>
            <a className="fr-breadcrumb__link" aria-current="page">
              Session du {formatDate(s.date)}
            </a>
          </li>
        </ol>
      </nav>
      <Titre sousTitre={`${dispositif?.nom ?? "…"}${s.lieu ? ` — ${s.lieu}` : ""}`}>{`Session du ${formatDate(s.date)}`}</Titre>
      <p>
        <EtatSeance s={s} />
      </p>
      {message && <Alert severity="success" small description={message} className="fr-mb-3w" closable onClose={() => setMessage(null)} />}
      {echec && <Alert severity="error" title="L'opération n'a pas abouti" description={echec} className="fr-mb-3w" />}

      <section className="fr-mb-3w" aria-labelledby="titre-membres">
        <h2 id="titre-membres" className="fr-h4">
          Membres présents
        </h2>
        <MembresPresents key={s.membres_presents.join("|")} s={s} onEnregistre={apres} />
      </section>
      <ActionsSeance s={s} onClos={apres} onEchec={setEchec} />

      <section className="fr-mb-5w" aria-labelledby="titre-ordre-du-jour">
        <h2 id="titre-ordre-du-jour" className="fr-h3">
          Ordre du jour ({s.ordre_du_jour.length})
        </h2>
        {ordre.erreur && <ErreurChargement message={ordre.erreur} />}
        {!ordre.lignes && !ordre.erreur && s.ordre_du_jour.length > 0 && <Chargement libelle="Chargement de l'ordre du jour…" />}
        {s.ordre_du_jour.length === 0 && <p>Aucune orientation inscrite pour l'instant.</p>}
        <OrdreDuJour s={s} lignes={ordre.lignes ?? []} dispositif={dispositif} conventions={conventions} noms={noms} onDecide={apres} />
      </section>

      {!s.close && (
        <section aria-labelledby="titre-a-inscrire">
          <h2 id="titre-a-inscrire" className="fr-h3">
            Préparer l'ordre du jour : orientations en attente
          </h2>
          <AInscrire sessionId={s.id} dispositifId={s.dispositif_id} onInscrit={apres} />
        </section>
      )}
    </>
  );
}
