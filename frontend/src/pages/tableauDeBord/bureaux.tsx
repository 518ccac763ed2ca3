/**
 * Each partner's desk (issue 14): the work waiting, as links into it, not shortcuts.
 * The responsable's team, the referrals a bailleur (or any prescriber) follows, a
 * funder's key figures and reports, the platform admin's failures to look at.
 * Each section reads what the access policy lets its reader see, nothing more: a funder
 * reads aggregates only (the indicators' statistical secrecy applies), never a name.
 */
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useEffect, useState } from "react";
import { Link } from "react-router";

import { api } from "../../api/client";
import { messageErreur } from "../../api/problem";
import type { StatutOrientation } from "../../api/types";
import { useMoi } from "../../auth/AuthContext";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { formatDate, formatDateHeure, jourParis } from "../../lib/dates";
import { STATUTS_ORIENTATION } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";
import { TableCharge } from "../equipe/Equipe";

/** Responsable: each référent's load, the files nobody follows, a link to reassign. */
export function MonEquipe() {
  const { donnees, erreur, chargement } = useRequete(() => api.GET("/api/v1/equipe/charge"), []);
  if (chargement) return <Chargement libelle="Chargement de la charge de l'équipe…" />;
  if (erreur || !donnees) return <ErreurChargement message={erreur ?? "Chargement impossible."} />;
  return (
    <>
      <TableCharge charge={donnees} />
      <p>
        {donnees.sans_referent_total === 0
          ? "Toutes les mesures en cours ont un référent. "
          : `${donnees.sans_referent_total} mesure${donnees.sans_referent_total > 1 ? "s" : ""} en cours sans référent. `}
        <Link to="/equipe" className="fr-link">
          Voir l'équipe et réaffecter des mesures
        </Link>
      </p>
    </>
  );
}

const STATUTS_SUIVIS: StatutOrientation[] = ["soumise", "en_commission", "attente_infos", "ajournee", "liste_attente", "acceptee", "refusee"];

/** The last visit of this desk, kept in this browser; the new one is noted as it opens. */
function useDerniereVisite(cle: string): string | null {
  const [avant] = useState(() => {
    try {
      return window.localStorage.getItem(cle);
    } catch {
      return null;
    }
  });
  useEffect(() => {
    try {
      window.localStorage.setItem(cle, new Date().toISOString());
    } catch {
      // private browsing: no memory of the last visit, the desk still works
    }
  }, [cle]);
  return avant;
}

function CompteStatut({ statut }: { statut: StatutOrientation }) {
  const { donnees } = useRequete(() => api.GET("/api/v1/orientations", { params: { query: { statut, limit: 1 } } }), [statut]);
  return <>{donnees ? String(donnees.total) : "…"}</>;
}

/** A prescriber (a bailleur): its referrals by status, what changed since the last visit. */
export function MesOrientations() {
  const moi = useMoi();
  const depuis = useDerniereVisite(`ancrage:visite-orientations:${moi.id}`);
  const changees = useRequete(
    () =>
      depuis
        ? api.GET("/api/v1/orientations", { params: { query: { modifie_depuis: depuis, limit: 20 } } })
        : api.GET("/api/v1/orientations", { params: { query: { limit: 10 } } }),
    [depuis],
  );
  return (
    <>
      <Table
        caption="Mes orientations par statut"
        noCaption
        fixed
        headers={STATUTS_SUIVIS.map((s) => STATUTS_ORIENTATION[s])}
        data={[STATUTS_SUIVIS.map((s) => (
          <Link key={s} to={`/orientations?statut=${s}`} className="fr-link">
            <CompteStatut statut={s} />
            <span className="fr-sr-only"> : {STATUTS_ORIENTATION[s]}</span>
          </Link>
        ))]}
      />
      <h3 className="fr-h6">{depuis ? `Changements depuis votre dernière visite (${formatDateHeure(depuis)})` : "Dernières orientations"}</h3>
      {changees.chargement ? (
        <Chargement libelle="Chargement des orientations…" />
      ) : changees.erreur ? (
        <ErreurChargement message={changees.erreur} />
      ) : !changees.donnees || changees.donnees.total === 0 ? (
        <p>{depuis ? "Aucune de vos orientations n'a changé depuis." : "Aucune orientation pour l'instant."}</p>
      ) : (
        <Table
          caption="Orientations changées"
          noCaption
          fixed
          headers={["Orientation", "Statut", "Reçue le", "Décidée le"]}
          data={changees.donnees.items.map((o) => [
            <Link key="o" to={`/orientations/${o.id}`} className="fr-link">
              {o.reference}
              {o.external_ref ? ` (${o.external_ref})` : ""}
            </Link>,
            STATUTS_ORIENTATION[o.statut],
            formatDate(o.date_reception),
            formatDate(o.date_decision),
          ])}
        />
      )}
    </>
  );
}

/** The value of a table's total (every dimension at « total », or its only cell). */
function totalTable(t: { dimensions: unknown[]; cellules: { dimensions: Record<string, string>; valeur?: number | null; masque?: boolean }[] } | undefined) {
  if (!t) return undefined;
  const c = t.cellules.find((x) => Object.values(x.dimensions).every((v) => v === "total")) ?? (t.cellules.length === 1 ? t.cellules[0] : undefined);
  return c;
}

/** A funder: its dispositifs' key figures this year (aggregates only) and the reports deposited. */
export function ChiffresCles() {
  const au = jourParis();
  const du = `${au.slice(0, 4)}-01-01`;
  const doc = useRequete(
    () => api.GET("/api/v1/indicateurs", { params: { query: { du, au } } }).then((r) => ({ ...r, data: typeof r.data === "object" ? r.data : undefined })),
    [du, au],
  );
  const rapports = useRequete(() => api.GET("/api/v1/rapports", { params: { query: { statut: "depose", limit: 5 } } }), []);
  const chiffres: [string, string][] = [
    ["file_active", "File active au " + formatDate(au)],
    ["entrees_par_mois", `Entrées depuis le ${formatDate(du)}`],
    ["sorties_par_mois", `Sorties depuis le ${formatDate(du)}`],
  ];
  const tableaux = doc.donnees?.tableaux ?? [];
  const taux = tableaux.find((t) => t.cellules.some((c) => c.dimensions.indicateur === "taux_activite"));
  const autreDim = taux?.dimensions.find((d) => d.code !== "indicateur");
  return (
    <>
      {doc.chargement ? (
        <Chargement libelle="Calcul des chiffres clés…" />
      ) : doc.erreur ? (
        <ErreurChargement message={doc.erreur} />
      ) : (
        <>
          <ul className="ancrage-chiffres">
            {chiffres.map(([code, libelle]) => {
              const c = totalTable(tableaux.find((t) => t.code === code));
              return (
                <li key={code}>
                  <span className="fr-h3 fr-mb-0">{c?.masque ? "masqué" : (c?.valeur ?? "—")}</span> {libelle}
                  {c?.masque && <span className="fr-text--xs fr-mb-0">secret statistique : moins de ménages que le seuil</span>}
                </li>
              );
            })}
          </ul>
          {taux && autreDim && (
            <Table
              caption="Taux d'activité par convention"
              headers={[autreDim.titre, "Taux d'activité"]}
              data={taux.cellules
                .filter((c) => c.dimensions.indicateur === "taux_activite" && c.dimensions[autreDim.code] !== "total")
                .map((c) => [
                  autreDim.valeurs.find((v) => v.code === c.dimensions[autreDim.code])?.libelle ?? c.dimensions[autreDim.code] ?? "—",
                  c.masque ? "masqué" : c.valeur == null ? "—" : `${String(c.valeur).replace(".", ",")} %`,
                ])}
            />
          )}
          <p>
            <Link to={`/indicateurs?du=${du}&au=${au}`} className="fr-link">
              Tous les indicateurs de l'année
            </Link>
          </p>
        </>
      )}
      <h3 className="fr-h6">Derniers rapports déposés</h3>
      {rapports.chargement ? (
        <Chargement libelle="Chargement des rapports…" />
      ) : rapports.erreur ? (
        <ErreurChargement message={rapports.erreur} />
      ) : !rapports.donnees || rapports.donnees.total === 0 ? (
        <p>Aucun rapport déposé pour l'instant.</p>
      ) : (
        <ul>
          {rapports.donnees.items.map((r) => (
            <li key={r.id}>
              <Link to={`/rapports/${r.id}`} className="fr-link">
                {r.titre}
              </Link>{" "}
              — du {formatDate(r.du)} au {formatDate(r.au)}, déposé le {formatDate(r.depose_le?.slice(0, 10))}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The webhook deliveries given up after their last try (policy: webhook_en_echec), to send again
 * once the partner has fixed its receiver. */
function WebhooksEnEchec() {
  const echecs = useRequete(() => api.GET("/api/v1/webhooks/echecs", { params: { query: { limit: 20 } } }), []);
  const [message, setMessage] = useState<string | null>(null);
  const relancer = async (id: string) => {
    try {
      const { data, error, response } = await api.POST("/api/v1/webhooks/echecs/{livraison_id}/relancer", { params: { path: { livraison_id: id } } });
      setMessage(data ? `Livraison de ${data.orientation_reference} à ${data.organisation_nom} remise dans la file.` : messageErreur(error, response.status));
      echecs.recharger();
    } catch (e) {
      setMessage(messageErreur(e));
    }
  };
  return (
    <>
      <h3 className="fr-h6">Webhooks en échec</h3>
      {message && (
        <p role="status" className="fr-text--sm">
          {message}
        </p>
      )}
      {echecs.chargement ? (
        <Chargement libelle="Chargement des livraisons de webhooks en échec…" />
      ) : echecs.erreur ? (
        <ErreurChargement message={echecs.erreur} />
      ) : !echecs.donnees || echecs.donnees.total === 0 ? (
        <p>Aucune livraison de webhook abandonnée : les systèmes des partenaires ont tout reçu.</p>
      ) : (
        <Table
          caption="Webhooks en échec"
          noCaption
          fixed
          headers={["Dernier essai le", "Organisation", "Adresse cible", "Orientation", "Essais", "Dernière erreur", "Action"]}
          data={echecs.donnees.items.map((e) => [
            formatDateHeure(e.dernier_essai_le ?? e.cree_le),
            e.organisation_nom,
            <span key="url" className="ancrage-reference">{e.url}</span>,
            <Link key="o" to={`/orientations/${e.orientation_id}`} className="fr-link">
              {e.orientation_reference}
            </Link>,
            String(e.tentatives),
            e.derniere_erreur ?? "—",
            e.webhook_actif ? (
              <Button key="r" type="button" size="small" priority="secondary" onClick={() => void relancer(e.id)}>
                Relancer
              </Button>
            ) : (
              "Webhook supprimé"
            ),
          ])}
        />
      )}
    </>
  );
}

/** The platform admin: partners and accounts (links), the e-mails and webhook deliveries given up on, to resend. */
export function Administration() {
  const organisations = useRequete(() => api.GET("/api/v1/organisations", { params: { query: { limit: 1 } } }), []);
  const comptes = useRequete(() => api.GET("/api/v1/utilisateurs", { params: { query: { limit: 1 } } }), []);
  const echecs = useRequete(() => api.GET("/api/v1/notifications/echecs", { params: { query: { limit: 20 } } }), []);
  const [message, setMessage] = useState<string | null>(null);
  const relancer = async (id: string) => {
    try {
      const { data, error, response } = await api.POST("/api/v1/notifications/echecs/{envoi_id}/relancer", { params: { path: { envoi_id: id } } });
      setMessage(data ? `Courriel à ${data.destinataire} remis dans la file.` : messageErreur(error, response.status));
      echecs.recharger();
    } catch (e) {
      setMessage(messageErreur(e));
    }
  };
  return (
    <>
      <ul>
        <li>
          <Link to="/admin/organisations" className="fr-link">
            {organisations.donnees ? `${organisations.donnees.total} organisations` : "Organisations"}
          </Link>
        </li>
        <li>
          <Link to="/admin/utilisateurs" className="fr-link">
            {comptes.donnees ? `${comptes.donnees.total} comptes` : "Comptes"}
          </Link>
        </li>
        <li>
          <Link to="/admin/clients-api" className="fr-link">
            Clients API des bailleurs
          </Link>
        </li>
      </ul>
      <h3 className="fr-h6">Courriels abandonnés</h3>
      {message && (
        <p role="status" className="fr-text--sm">
          {message}
        </p>
      )}
      {echecs.chargement ? (
        <Chargement libelle="Chargement des courriels en échec…" />
      ) : echecs.erreur ? (
        <ErreurChargement message={echecs.erreur} />
      ) : !echecs.donnees || echecs.donnees.total === 0 ? (
        <p>Aucun courriel abandonné : tous les envois sont partis.</p>
      ) : (
        <Table
          caption="Courriels abandonnés"
          noCaption
          fixed
          headers={["Créé le", "Destinataire", "Sujet", "Tentatives", "Dernière erreur", "Action"]}
          data={echecs.donnees.items.map((e) => [
            formatDateHeure(e.cree_le),
            e.destinataire,
            e.sujet,
            String(e.tentatives),
            e.derniere_erreur ?? "—",
            <Button key="r" type="button" size="small" priority="secondary" onClick={() => void relancer(e.id)}>
              Relancer
            </Button>,
          ])}
        />
      )}
      <WebhooksEnEchec />
    </>
  );
}
