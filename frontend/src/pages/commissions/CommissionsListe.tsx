/** « Commission »: the sessions of the commission's dispositifs, and a new session. */
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Pagination } from "@codegouvfr/react-dsfr/Pagination";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { $api, echecLecture } from "../../api/requetes";
import { useMoi } from "../../auth/AuthContext";
import { Chargement } from "../../components/Chargement";
import { ChampListe, ChampTexte, ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate, jourParis } from "../../lib/dates";

const PAR_PAGE = 20;

function NouvelleSession({ dispositifs }: { dispositifs: { value: string; label: string }[] }) {
  const navigate = useNavigate();
  const [valeurs, setValeurs] = useState({ dispositif_id: "", date: jourParis(), lieu: "" });
  const { envoyer, envoi, erreurs, echec } = useEnvoi({ clesAffichees: ["dispositif_id", "date", "lieu"] });
  const dispositifId = valeurs.dispositif_id || (dispositifs.length === 1 ? dispositifs[0]!.value : "");

  const creer = async (e: FormEvent) => {
    e.preventDefault();
    const fait = await envoyer(() =>
      api.POST("/api/v1/commissions", {
        body: { dispositif_id: dispositifId || (null as unknown as string), date: valeurs.date || (null as unknown as string), lieu: valeurs.lieu.trim() || null },
      }),
    );
    if (fait) navigate(`/commission/${fait.donnees.id}`, { state: { message: `Session du ${formatDate(fait.donnees.date)} créée.` } });
  };

  return (
    <form onSubmit={creer} noValidate aria-label="Nouvelle session">
      {echec && <ResumeErreurs titre="La session n'a pas été créée" message={echec.message} orphelines={echec.orphelines} />}
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <ChampListe className="fr-col-12 fr-col-md-5" cle="dispositif_id" label="Dispositif" erreurs={erreurs}
          vide={dispositifs.length === 1 ? undefined : "Choisir un dispositif"} valeur={dispositifId}
          onChange={(v) => setValeurs((f) => ({ ...f, dispositif_id: v }))} options={dispositifs} />
        <ChampTexte className="fr-col-12 fr-col-md-2" cle="date" label="Date de la session" type="date" erreurs={erreurs}
          valeur={valeurs.date} onChange={(v) => setValeurs((f) => ({ ...f, date: v }))} />
        <ChampTexte className="fr-col-12 fr-col-md-3" cle="lieu" label="Lieu (facultatif)" erreurs={erreurs}
          valeur={valeurs.lieu} onChange={(v) => setValeurs((f) => ({ ...f, lieu: v }))} maxLength={200} />
        <div className="fr-col-12 fr-col-md-2 fr-mb-3w">
          <Button type="submit" disabled={envoi} iconId="fr-icon-add-line">
            {envoi ? "Création…" : "Créer la session"}
          </Button>
        </div>
      </div>
    </form>
  );
}

export default function CommissionsListe() {
  const moi = useMoi();
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const d = $api.useQuery("get", "/api/v1/dispositifs", { params: { query: { limit: 100 } } });
  const lues = $api.useQuery("get", "/api/v1/commissions", { params: { query: { limit: PAR_PAGE, offset: (page - 1) * PAR_PAGE } } });
  const dispositifs = { donnees: d.data, chargement: d.isPending, erreur: echecLecture(d.error)?.message };
  const sessions = { donnees: lues.data, chargement: lues.isFetching, erreur: echecLecture(lues.error)?.message };
  const miens = (dispositifs.donnees?.items ?? []).filter((d) => d.commission_id === moi.organisation.id);
  const noms = Object.fromEntries((dispositifs.donnees?.items ?? []).map((d) => [d.id, d.nom]));
  const pages = sessions.donnees ? Math.max(1, Math.ceil(sessions.donnees.total / PAR_PAGE)) : 1;

  return (
    <>
      <Titre sousTitre="Les sessions de commission de vos dispositifs : ordre du jour, décisions et procès-verbal.">Commission</Titre>
      <p>
        <Link to="/commission/attente" className="fr-link fr-icon-time-line fr-link--icon-left">
          Orientations en attente d'une séance
        </Link>
      </p>

      <section className="fr-mb-5w" aria-labelledby="titre-nouvelle-session">
        <h2 id="titre-nouvelle-session" className="fr-h4">
          Nouvelle session
        </h2>
        {dispositifs.chargement ? (
          <Chargement libelle="Chargement des dispositifs…" />
        ) : dispositifs.erreur ? (
          <ErreurChargement message={dispositifs.erreur} />
        ) : miens.length === 0 ? (
          <p>Votre organisation n'est la commission d'aucun dispositif.</p>
        ) : (
          <NouvelleSession dispositifs={miens.map((d) => ({ value: d.id, label: d.nom }))} />
        )}
      </section>

      <section aria-labelledby="titre-sessions">
        <h2 id="titre-sessions" className="fr-h4">
          Sessions
        </h2>
        {sessions.chargement && <Chargement libelle="Chargement des sessions…" />}
        {sessions.erreur && <ErreurChargement message={sessions.erreur} />}
        {sessions.donnees && !sessions.chargement && (
          <>
            <p role="status" aria-live="polite">
              {sessions.donnees.total === 0
                ? "Aucune session pour l'instant."
                : `${sessions.donnees.total} session${sessions.donnees.total > 1 ? "s" : ""}, les plus récentes d'abord`}
            </p>
            {sessions.donnees.items.length > 0 && (
              <Table
                caption="Sessions de commission"
                noCaption
                fixed
                headers={["Date", "Dispositif", "Lieu", "Orientations inscrites", "État"]}
                data={sessions.donnees.items.map((s) => [
                  <Link key="date" to={`/commission/${s.id}`} className="fr-link" aria-label={`Session du ${formatDate(s.date)}`}>
                    {formatDate(s.date)}
                  </Link>,
                  noms[s.dispositif_id] ?? "—",
                  s.lieu ?? "—",
                  String(s.ordre_du_jour.length),
                  s.close ? (
                    <Badge key="etat" small severity="info" noIcon>
                      Close
                    </Badge>
                  ) : (
                    <Badge key="etat" small severity="success" noIcon>
                      Ouverte
                    </Badge>
                  ),
                ])}
              />
            )}
            {pages > 1 && (
              <Pagination count={pages} defaultPage={page} getPageLinkProps={(n) => ({ to: `?page=${n}` })} showFirstLast className="fr-mt-2w" />
            )}
          </>
        )}
      </section>
    </>
  );
}
