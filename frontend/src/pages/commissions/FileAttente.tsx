/** « Liste d'attente »: every referral waiting for a session, the longest waiting first. */
import { Pagination } from "@codegouvfr/react-dsfr/Pagination";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { Link, useSearchParams } from "react-router";

import { api } from "../../api/client";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate } from "../../lib/dates";
import { ORIGINES_ORIENTATION, STATUTS_ORIENTATION } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";
import { joursAttente } from "./attente";

const PAR_PAGE = 50;

export default function FileAttente() {
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const dispositifs = useRequete(() => api.GET("/api/v1/dispositifs", { params: { query: { limit: 100 } } }), []);
  const liste = useRequete(
    () => api.GET("/api/v1/commissions/attente", { params: { query: { limit: PAR_PAGE, offset: (page - 1) * PAR_PAGE } } }),
    [page],
  );
  const noms = Object.fromEntries((dispositifs.donnees?.items ?? []).map((d) => [d.id, d.nom]));
  const pages = liste.donnees ? Math.max(1, Math.ceil(liste.donnees.total / PAR_PAGE)) : 1;
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
              Liste d'attente
            </a>
          </li>
        </ol>
      </nav>
      <Titre sousTitre="Orientations reçues, ajournées, en attente d'informations ou sans séance pour les décider : inscrivez-les à l'ordre du jour d'une session.">
        Orientations en attente d'une séance
      </Titre>
      {liste.chargement && <Chargement libelle="Chargement de la liste d'attente…" />}
      {liste.erreur && <ErreurChargement message={liste.erreur} />}
      {liste.donnees && !liste.chargement && (
        <>
          <p role="status" aria-live="polite">
            {liste.donnees.total === 0
              ? "Aucune orientation n'attend de séance."
              : `${liste.donnees.total} orientation${liste.donnees.total > 1 ? "s" : ""}, la plus ancienne d'abord`}
          </p>
          {liste.donnees.items.length > 0 && (
            <Table
              caption="Orientations en attente d'une séance"
              noCaption
              headers={["Orientation", "Dispositif", "Statut", "Origine", "Reçue le", "Attente"]}
              data={liste.donnees.items.map((o) => [
                <Link key="ref" to={`/orientations/${o.id}`} className="fr-link">
                  {o.reference}
                </Link>,
                noms[o.dispositif_id] ?? "—",
                STATUTS_ORIENTATION[o.statut],
                ORIGINES_ORIENTATION[o.origine],
                formatDate(o.date_reception),
                joursAttente(o.jours_attente),
              ])}
            />
          )}
          {pages > 1 && <Pagination count={pages} defaultPage={page} getPageLinkProps={(n) => ({ to: `?page=${n}` })} showFirstLast className="fr-mt-2w" />}
        </>
      )}
    </>
  );
}
