import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Pagination } from "@codegouvfr/react-dsfr/Pagination";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { keepPreviousData } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { messageErreur, type ProblemDetails } from "../../api/problem";
import { $api, echecLecture } from "../../api/requetes";
import type { ClientApiCree, ClientApiPublic } from "../../api/types";
import { Chargement } from "../../components/Chargement";
import { ChampListe, ChampTexte, ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate } from "../../lib/dates";
import { TYPES_ORGANISATION } from "../../lib/libelles";
import { useOrganisations } from "./organisations";

const PAR_PAGE = 20;
const CHAMPS = ["nom", "organisation_id"];

export default function AdminClientsApi() {
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const orgs = useOrganisations();
  const nomOrg = (id: string) => orgs.find((o) => o.id === id)?.nom ?? "…";
  const lu = $api.useQuery(
    "get",
    "/api/v1/clients-api",
    { params: { query: { limit: PAR_PAGE, offset: (page - 1) * PAR_PAGE } } },
    { placeholderData: keepPreviousData },
  );
  const liste = { donnees: lu.data, chargement: lu.isPending, erreur: echecLecture(lu.error)?.message };
  const [nom, setNom] = useState("");
  const [organisationId, setOrganisationId] = useState("");
  const [cree, setCree] = useState<ClientApiCree | null>(null);
  const [copie, setCopie] = useState(false);
  const { envoyer, envoi, erreurs, echec } = useEnvoi({ clesAffichees: CHAMPS });
  // Switching a client on or off has no field: the API's sentence, above the form.
  const sansChamp = { adapterErreurs: () => ({}), messageRefus: ({ probleme, statut }: { probleme: ProblemDetails | undefined; statut: number }) => messageErreur(probleme, statut) };

  const creer = async (e: FormEvent) => {
    e.preventDefault();
    setCree(null);
    const fait = await envoyer(() => api.POST("/api/v1/clients-api", { body: { nom: nom.trim(), organisation_id: organisationId } }));
    if (!fait) return;
    setCree(fait.donnees);
    setCopie(false);
    setNom("");
    setOrganisationId("");
    void lu.refetch();
  };

  const basculer = async (c: ClientApiPublic) => {
    const fait = await envoyer(
      () => api.PATCH("/api/v1/clients-api/{client_id}", { params: { path: { client_id: c.id } }, body: { actif: !c.actif } }),
      sansChamp,
    );
    if (fait) void lu.refetch();
  };

  const pages = liste.donnees ? Math.max(1, Math.ceil(liste.donnees.total / PAR_PAGE)) : 1;

  return (
    <>
      <Titre sousTitre="Les systèmes d'information des partenaires (bailleurs) se connectent avec un identifiant et un secret.">
        Clients API
      </Titre>
      {cree && (
        <div className="fr-mb-4w">
          <Alert
            severity="warning"
            title={`Client « ${cree.nom} » créé : copiez son secret maintenant`}
            description={
              <>
                <span style={{ display: "block" }}>
                  Le secret ne sera plus jamais affiché. Transmettez-le au partenaire par un canal sûr.
                </span>
                <span style={{ display: "block" }} className="fr-mt-1w">
                  Identifiant : <code className="ancrage-secret">{cree.client_id}</code>
                </span>
                <span style={{ display: "block" }} className="fr-mt-1w">
                  Secret : <code className="ancrage-secret" data-testid="secret-client">{cree.client_secret}</code>
                </span>
                <Button type="button" size="small" priority="secondary" className="fr-mt-2w" iconId="fr-icon-clipboard-line"
                  onClick={() => void navigator.clipboard?.writeText(cree.client_secret).then(() => setCopie(true), () => undefined)}>
                  {copie ? "Secret copié" : "Copier le secret"}
                </Button>
              </>
            }
          />
        </div>
      )}
      {liste.chargement && !liste.donnees && <Chargement />}
      {liste.erreur && <ErreurChargement message={liste.erreur} />}
      {liste.donnees && (
        <>
          <p>{liste.donnees.total} client(s) API</p>
          {liste.donnees.items.length > 0 && (
            <Table
              caption="Clients API"
              noCaption
              headers={["Nom", "Identifiant", "Organisation", "Créé le", "État", "Action"]}
              data={liste.donnees.items.map((c) => [
                c.nom,
                <code key="id">{c.client_id}</code>,
                nomOrg(c.organisation_id),
                formatDate(c.cree_le),
                c.actif ? <Badge severity="success" small>Actif</Badge> : <Badge severity="error" small>Désactivé</Badge>,
                <Button key={c.id} size="small" priority="tertiary" onClick={() => void basculer(c)}>
                  {c.actif ? "Désactiver" : "Réactiver"}
                </Button>,
              ])}
            />
          )}
          {pages > 1 && <Pagination count={pages} defaultPage={page} getPageLinkProps={(n) => ({ to: `?page=${n}` })} />}
        </>
      )}
      <section className="fr-mt-6w" aria-labelledby="titre-nouveau-client">
        <h2 id="titre-nouveau-client" className="fr-h4">
          Nouveau client API
        </h2>
        {echec && <ResumeErreurs titre="Opération impossible" message={echec.message} orphelines={echec.orphelines} />}
        <form onSubmit={creer} noValidate>
          <div className="fr-grid-row fr-grid-row--gutters">
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="nom" label="Nom du système" hint="Par exemple : SI locatif Néotoa"
              erreurs={erreurs} valeur={nom} onChange={setNom} />
            <ChampListe className="fr-col-12 fr-col-md-6" cle="organisation_id" label="Organisation" erreurs={erreurs}
              vide="Choisir une organisation" valeur={organisationId} onChange={setOrganisationId}
              options={orgs.map((o) => ({ value: o.id, label: `${o.nom} (${TYPES_ORGANISATION[o.type]})` }))} />
          </div>
          <Button type="submit" disabled={envoi}>
            Créer le client
          </Button>
        </form>
      </section>
    </>
  );
}
