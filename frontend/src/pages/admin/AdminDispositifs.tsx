import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Pagination } from "@codegouvfr/react-dsfr/Pagination";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { Link, useLocation, useSearchParams } from "react-router";

import { api } from "../../api/client";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate, jourParis } from "../../lib/dates";
import { useRequete } from "../../lib/useRequete";
import { useOrganisations } from "./organisations";

const PAR_PAGE = 20;

export default function AdminDispositifs() {
  const [params] = useSearchParams();
  const { state } = useLocation() as { state: { message?: string } | null };
  const page = Math.max(1, Number(params.get("page")) || 1);
  const orgs = useOrganisations();
  const nomOrg = (id: string) => orgs.find((o) => o.id === id)?.nom ?? "…";
  const liste = useRequete(
    () => api.GET("/api/v1/dispositifs", { params: { query: { limit: PAR_PAGE, offset: (page - 1) * PAR_PAGE } } }),
    [page],
  );
  const aujourdhui = jourParis();
  const pages = liste.donnees ? Math.max(1, Math.ceil(liste.donnees.total / PAR_PAGE)) : 1;

  return (
    <>
      <div className="fr-grid-row fr-grid-row--middle fr-mb-2w" style={{ justifyContent: "space-between" }}>
        <Titre>Dispositifs</Titre>
        <Button linkProps={{ to: "/admin/dispositifs/nouveau" }} iconId="fr-icon-add-line">
          Nouveau dispositif
        </Button>
      </div>
      {state?.message && (
        <p role="status" className="fr-alert fr-alert--success fr-alert--sm fr-mb-3w">
          {state.message}
        </p>
      )}
      {liste.chargement && !liste.donnees && <Chargement />}
      {liste.erreur && <ErreurChargement message={liste.erreur} />}
      {liste.donnees && (
        <>
          <p>{liste.donnees.total === 0 ? "Aucun dispositif pour l'instant." : `${liste.donnees.total} dispositif(s)`}</p>
          {liste.donnees.items.length > 0 && (
            <Table
              caption="Dispositifs"
              noCaption
              headers={["Nom", "Code", "Période", "Financeur", "Commission", "Cibles", "Communes", "Action"]}
              data={liste.donnees.items.map((d) => {
                const ouvert = d.date_debut <= aujourdhui && (!d.date_fin || d.date_fin >= aujourdhui);
                const sensibles = d.cibles.filter((c) => c.sensible).length;
                return [
                  <Link key="nom" to={`/admin/dispositifs/${d.id}`} className="fr-link">
                    {d.nom}
                  </Link>,
                  <code key="code">{d.code}</code>,
                  <span key="periode">
                    {formatDate(d.date_debut)} → {d.date_fin ? formatDate(d.date_fin) : "sans fin"}{" "}
                    {ouvert ? <Badge severity="success" small>Ouvert</Badge> : <Badge small>Fermé</Badge>}
                  </span>,
                  nomOrg(d.financeur_id),
                  nomOrg(d.commission_id),
                  `${d.cibles.length}${sensibles ? ` dont ${sensibles} sensible${sensibles > 1 ? "s" : ""}` : ""}`,
                  String(d.communes.length),
                  <span key="actions" className="ancrage-table-actions">
                    <Button size="small" priority="tertiary" linkProps={{ to: `/admin/dispositifs/${d.id}` }} title={`Modifier ${d.nom}`}>
                      Modifier
                    </Button>
                    <Button size="small" priority="tertiary" linkProps={{ to: `/admin/conventions?dispositif=${d.id}` }}
                      title={`Conventions de ${d.nom}`}>
                      Conventions
                    </Button>
                  </span>,
                ];
              })}
            />
          )}
          {pages > 1 && <Pagination count={pages} defaultPage={page} getPageLinkProps={(n) => ({ to: `?page=${n}` })} />}
        </>
      )}
    </>
  );
}
