/**
 * The commission's desk (its tableau de bord section): what waits for a session,
 * the next sittings with their agendas, and the decisions to record now.
 */
import { Table } from "@codegouvfr/react-dsfr/Table";
import { Link } from "react-router";

import { api } from "../../api/client";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { formatDate } from "../../lib/dates";
import { STATUTS_ORIENTATION } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";
import { aDeciderMaintenant, joursAttente } from "./attente";

const APERCU = 5;

function EnAttente() {
  const { donnees, erreur, chargement } = useRequete(() => api.GET("/api/v1/commissions/attente", { params: { query: { limit: APERCU } } }), []);
  if (chargement) return <Chargement libelle="Chargement de la liste d'attente…" />;
  if (erreur || !donnees) return <ErreurChargement message={erreur ?? "Réponse vide"} />;
  if (donnees.total === 0) return <p>Aucune orientation n'attend de séance.</p>;
  return (
    <>
      <p>
        {`${donnees.total} orientation${donnees.total > 1 ? "s attendent" : " attend"} une séance ; les plus anciennes :`}
      </p>
      <Table
        caption="Orientations en attente d'une séance"
        noCaption
        headers={["Orientation", "Statut", "Reçue le", "Attente"]}
        data={donnees.items.map((o) => [
          <Link key="ref" to={`/orientations/${o.id}`} className="fr-link">
            {o.reference}
          </Link>,
          STATUTS_ORIENTATION[o.statut],
          formatDate(o.date_reception),
          joursAttente(o.jours_attente),
        ])}
      />
      <Link to="/commission/attente" className="fr-link fr-icon-arrow-right-line fr-link--icon-right">
        Toute la liste d'attente
      </Link>
    </>
  );
}

function Seances() {
  const { donnees, erreur, chargement } = useRequete(() => api.GET("/api/v1/commissions", { params: { query: { ouvertes: true, limit: 20 } } }), []);
  if (chargement) return <Chargement libelle="Chargement des séances…" />;
  if (erreur || !donnees) return <ErreurChargement message={erreur ?? "Réponse vide"} />;
  const aDecider = aDeciderMaintenant(donnees.items);
  const prochaines = donnees.items.filter((s) => !s.decidable).slice(0, APERCU);
  return (
    <div className="fr-grid-row fr-grid-row--gutters">
      <div className="fr-col-12 fr-col-md-6">
        <h3 className="fr-h5">Décisions à enregistrer</h3>
        {aDecider.length === 0 ? (
          <p>Aucune séance tenue n'attend de décision.</p>
        ) : (
          <ul>
            {aDecider.map((s) => (
              <li key={s.id}>
                <Link to={`/commission/${s.id}`} className="fr-link">{`Séance du ${formatDate(s.date)}`}</Link>
                {` : ${s.a_decider} orientation${s.a_decider > 1 ? "s" : ""} à décider`}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="fr-col-12 fr-col-md-6">
        <h3 className="fr-h5">Prochaines séances</h3>
        {prochaines.length === 0 ? (
          <p>
            Aucune séance à venir. <Link to="/commission">Créer une session</Link>
          </p>
        ) : (
          <ul>
            {prochaines.map((s) => (
              <li key={s.id}>
                <Link to={`/commission/${s.id}`} className="fr-link">{`Séance du ${formatDate(s.date)}`}</Link>
                {`${s.lieu ? ` (${s.lieu})` : ""} : ${s.ordre_du_jour.length === 0 ? "ordre du jour vide" : `${s.ordre_du_jour.length} orientation${s.ordre_du_jour.length > 1 ? "s" : ""} à l'ordre du jour`}`}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

export function BureauCommission() {
  return (
    <>
      <Seances />
      <h3 className="fr-h5 fr-mt-2w">En attente d'une séance</h3>
      <EnAttente />
    </>
  );
}
