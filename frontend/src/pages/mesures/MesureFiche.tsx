import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useState, type ReactNode } from "react";
import { Link, useParams } from "react-router";

import { useEnvoi } from "../../api/formulaire";
import { messageErreur } from "../../api/problem";
import { $api, echecLecture, invalider } from "../../api/requetes";
import type { DispositifPublic, MesurePublic } from "../../api/types";
import { useMoi } from "../../auth/AuthContext";
import { Chargement } from "../../components/Chargement";
import { Documents } from "../../components/Documents";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate, formatDateHeure, jourParis } from "../../lib/dates";
import { ACCES_MAINTIEN, MOTIFS_FIN, SITUATIONS_LOGEMENT, TYPES_EVENEMENT_MESURE } from "../../lib/libelles";
import { BadgeStatut } from "./BadgeStatut";
import { FormulaireAction } from "./FormulaireAction";
import {
  actionsPermises,
  changementStatut,
  detailEvenement,
  dureeRestante,
  estPorteur,
  LIBELLES_ACTIONS,
  MESSAGE_VERSION_PERIMEE,
  messageSucces,
  peutDevenirReferent,
  peutModifier,
  type ActionMesure,
} from "./mesure";
import { SituationMesure } from "./SituationMesure";
import { envoyerAction, useMesure } from "./useMesure";

function Ligne({ terme, children }: { terme: string; children: ReactNode }) {
  return (
    <div className="fr-col-12 fr-col-md-4 fr-mb-2w">
      <dt className="fr-text--sm fr-mb-0" style={{ color: "var(--text-mention-grey)" }}>
        {terme}
      </dt>
      <dd style={{ marginLeft: 0 }}>{children}</dd>
    </div>
  );
}

function Historique({ mesure, noms, codes, nomOrganisation }: {
  mesure: MesurePublic;
  noms: Record<string, string>;
  codes: Record<string, string>;
  nomOrganisation: (id: string | null | undefined) => string;
}) {
  const lu = $api.useQuery("get", "/api/v1/mesures/{mesure_id}/evenements", { params: { path: { mesure_id: mesure.id } } });
  const { data: donnees, isPending: chargement } = lu;
  const erreur = echecLecture(lu.error)?.message;
  if (chargement && !donnees) return <Chargement libelle="Chargement de l'historique…" />;
  if (erreur) return <ErreurChargement message={erreur} />;
  if (!donnees || donnees.length === 0) return <p>Aucun événement.</p>;
  // Newest first: what happened last is what the person looks for.
  const evenements = [...donnees].reverse();
  return (
    <Table
      caption="Historique de la mesure"
      noCaption
      headers={["Le", "Événement", "Statut", "Date d'effet", "Détail", "Commentaire", "Par"]}
      data={evenements.map((e) => [
        formatDateHeure(e.quand),
        TYPES_EVENEMENT_MESURE[e.type] ?? e.type,
        changementStatut(e),
        formatDate(e.date_effet),
        detailEvenement(e, noms, codes),
        e.commentaire ?? "—",
        e.auteur_id && noms[e.auteur_id] ? noms[e.auteur_id] : nomOrganisation(e.organisation_id),
      ])}
    />
  );
}

export default function MesureFiche() {
  const { mesureId = "" } = useParams();
  const moi = useMoi();
  const lu = useMesure(mesureId);
  const [ouverte, setOuverte] = useState<ActionMesure | null>(null);
  const [succes, setSucces] = useState<string | null>(null);
  const [perime, setPerime] = useState(false);

  const complete = lu.mesure && lu.mesure.vue === "complete" ? lu.mesure : undefined;
  const porteur = complete ? estPorteur(complete, moi) : false;
  const dispositifId = complete?.dispositif_id;
  const associationId = complete?.association_id;
  const dispositif = { donnees: $api.useQuery("get", "/api/v1/dispositifs/{dispositif_id}", { params: { path: { dispositif_id: dispositifId ?? "" } } }, { enabled: Boolean(dispositifId) }).data };
  const association = {
    donnees: $api.useQuery("get", "/api/v1/organisations/{organisation_id}", { params: { path: { organisation_id: associationId ?? "" } } }, { enabled: Boolean(associationId) }).data,
  };
  // The association's people: to name the référent and authors, and to choose a new référent.
  const collegues = {
    donnees: $api.useQuery(
      "get",
      "/api/v1/utilisateurs",
      { params: { query: { organisation_id: associationId, limit: 100 } } },
      { enabled: porteur && Boolean(associationId) },
    ).data,
  };

  // After a change (or a 412), the history is read again with the mesure.
  const relireHistorique = () => void invalider("/api/v1/mesures/{mesure_id}/evenements");
  const apresChangement = (nouvelle: MesurePublic, etag: string | null, message: string) => {
    lu.remplacer(nouvelle, etag);
    setOuverte(null);
    setPerime(false);
    setSucces(message);
    relireHistorique();
  };
  const versionPerimee = () => {
    setOuverte(null);
    setSucces(null);
    setPerime(true);
    lu.recharger();
    relireHistorique();
  };
  // « Je deviens référent »: no field; a refusal is the API's sentence, a 412 the banner above.
  const designation = useEnvoi({
    adapterErreurs: () => ({}),
    messageRefus: ({ probleme, statut }) => messageErreur(probleme, statut),
    surPerime: versionPerimee,
  });

  if (lu.chargement && !lu.mesure) return <Chargement libelle="Lecture de la mesure…" />;
  if (lu.statut === 404) return <ErreurChargement titre="Mesure introuvable" message="Cette mesure n'existe pas ou ne vous est pas accessible." />;
  if (lu.erreur || !lu.mesure) return <ErreurChargement message={lu.erreur ?? "Réponse vide"} />;

  const m = lu.mesure;
  if (m.vue !== "complete") {
    return (
      <>
        <Titre>{`Mesure ${m.reference}`}</Titre>
        <p>
          Statut : <BadgeStatut statut={m.statut} />
        </p>
        <p>Votre organisation suit le statut de cette mesure, née de son orientation ; le reste est réservé à l'association et à la commission.</p>
      </>
    );
  }

  const disp: DispositifPublic | undefined = dispositif.donnees;
  const utilisateurs = collegues.donnees?.items ?? [];
  const noms: Record<string, string> = Object.fromEntries(utilisateurs.map((u) => [u.id, `${u.prenom} ${u.nom}`]));
  if (moi.type === "utilisateur") noms[moi.id] = noms[moi.id] ?? moi.nom;
  const codes: Record<string, string> = Object.fromEntries([
    ...(disp?.cibles ?? []).map((c) => [c.code, c.libelle]),
    ...(disp?.types_accompagnement ?? []).map((t) => [t.code, t.libelle]),
  ]);
  const nomAssociation = association.donnees?.nom ?? "…";
  const nomOrganisation = (id: string | null | undefined) =>
    id === m.association_id ? nomAssociation : id && disp && id === disp.commission_id ? "Commission du dispositif" : "—";
  const actions = actionsPermises(m, moi);
  const aujourdhui = jourParis();

  const devenirReferent = async () => {
    if (moi.type !== "utilisateur") return;
    const fait = await designation.envoyer(() => envoyerAction("changer-referent", m.id, lu.etag, { referent_id: moi.id }));
    if (fait) apresChangement(fait.donnees, fait.etag, `Vous êtes désormais référent(e) de la mesure ${fait.donnees.reference}.`);
  };

  let referent: ReactNode;
  if (!m.referent_id) referent = "Aucun référent désigné";
  else if (m.referent_id === moi.id) referent = <strong>Vous ({noms[m.referent_id] ?? moi.nom})</strong>;
  else referent = porteur ? (noms[m.referent_id] ?? "…") : "Désigné par l'association";

  return (
    <>
      <nav role="navigation" className="fr-breadcrumb" aria-label="vous êtes ici :">
        <ol className="fr-breadcrumb__list">
          <li>
            <Link className="fr-breadcrumb__link" to="/mesures">
              Mesures
            </Link>
          </li>
          <li>
            <a className="fr-breadcrumb__link" aria-current="page">
              {m.reference}
            </a>
          </li>
        </ol>
      </nav>
      <div aria-live="polite">
        {succes && (
          <Alert severity="success" small description={succes} className="fr-mb-3w" closable onClose={() => setSucces(null)} />
        )}
      </div>
      {perime && (
        <Alert severity="warning" title="La mesure a changé entre-temps" description={MESSAGE_VERSION_PERIMEE} className="fr-mb-3w" closable onClose={() => setPerime(false)} />
      )}
      <Titre sousTitre={disp ? `${disp.nom} — ${m.cible_libelle}` : m.cible_libelle}>{`Mesure ${m.reference}`}</Titre>
      <p className="fr-mb-3w">
        <BadgeStatut statut={m.statut} />
      </p>

      <div className="ancrage-pied-formulaire fr-mb-3w">
        {porteur && m.statut !== "terminee" && (
          <Button linkProps={{ to: `/rendez-vous/nouveau?mesure=${m.id}` }} iconId="fr-icon-calendar-line" priority="secondary">
            Planifier un rendez-vous
          </Button>
        )}
        {peutDevenirReferent(m, moi) && (
          <Button type="button" iconId="fr-icon-user-line" priority={m.referent_id ? "tertiary" : "primary"} onClick={() => void devenirReferent()}>
            Je deviens référent
          </Button>
        )}
      </div>
      {designation.echec && <ErreurChargement titre="Impossible de vous désigner référent" message={designation.echec.message} />}

      <section className="fr-mb-4w" aria-labelledby="titre-mesure-resume">
        <h2 id="titre-mesure-resume" className="fr-sr-only">
          Résumé de la mesure
        </h2>
        <dl className="fr-grid-row">
          <Ligne terme="Ménage">
            <Link to={`/menages/${m.menage_id}`} className="fr-link">
              {m.menage_reference}
            </Link>
          </Ligne>
          <Ligne terme="Dispositif">{disp?.nom ?? "…"}</Ligne>
          <Ligne terme="Association">{nomAssociation}</Ligne>
          <Ligne terme="Référent">{referent}</Ligne>
          <Ligne terme="Cible">{m.cible_libelle}</Ligne>
          <Ligne terme="Type d'accompagnement">{m.type_accompagnement_libelle}</Ligne>
          <Ligne terme="Accès ou maintien">{ACCES_MAINTIEN[m.acces_maintien]}</Ligne>
          <Ligne terme="Mandatée le">{formatDate(m.date_mandatement)}</Ligne>
          <Ligne terme="Début">{formatDate(m.date_debut)}</Ligne>
          <Ligne terme="Fin prévue">{formatDate(m.date_fin_prevue)}</Ligne>
          <Ligne terme="Durée restante">{dureeRestante(m, aujourdhui)}</Ligne>
          <Ligne terme="Fin au plus tard (durée maximale)">{formatDate(m.date_limite)}</Ligne>
          <Ligne terme="Adhésion du ménage">
            {m.adhesion_date ? `Le ${formatDate(m.adhesion_date)}${m.adhesion_modalite ? ` (${m.adhesion_modalite})` : ""}` : "Non renseignée"}
          </Ligne>
          {m.derogation_duree_motif && <Ligne terme="Dérogation à la durée maximale">{m.derogation_duree_motif}</Ligne>}
          {m.statut === "terminee" && (
            <>
              <Ligne terme="Fin le">{formatDate(m.date_fin)}</Ligne>
              <Ligne terme="Motif de fin">{m.motif_fin ? MOTIFS_FIN[m.motif_fin] : "—"}</Ligne>
              <Ligne terme="Situation de sortie">{m.situation_sortie ? SITUATIONS_LOGEMENT[m.situation_sortie] : "—"}</Ligne>
              <Ligne terme="Suivi à 6 mois">
                {m.suivi_realise_le
                  ? `Réalisé le ${formatDate(m.suivi_realise_le)} : ${m.suivi_joint ? `ménage joint${m.suivi_situation ? `, ${SITUATIONS_LOGEMENT[m.suivi_situation]}` : ""}` : "ménage non joint"}`
                  : `Prévu le ${formatDate(m.suivi_date_prevue)}`}
              </Ligne>
            </>
          )}
        </dl>
      </section>

      {actions.length > 0 && (
        <section className="fr-mb-4w" aria-labelledby="titre-actions">
          <h2 id="titre-actions" className="fr-h4">
            Actions
          </h2>
          <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm" aria-label="Actions possibles sur la mesure">
            {actions.map((a) => (
              <li key={a}>
                <Button
                  type="button"
                  priority={a === "terminer" ? "tertiary" : ouverte === a ? "primary" : "secondary"}
                  size="small"
                  onClick={() => setOuverte(ouverte === a ? null : a)}
                  nativeButtonProps={{ "aria-expanded": ouverte === a, "aria-controls": `formulaire-${a}` }}
                >
                  {LIBELLES_ACTIONS[a].bouton}
                </Button>
              </li>
            ))}
          </ul>
          {ouverte && actions.includes(ouverte) && (
            <FormulaireAction
              key={`${ouverte}-${m.version}`}
              action={ouverte}
              mesure={m}
              etag={lu.etag}
              dispositif={disp}
              collegues={utilisateurs}
              onSucces={(nouvelle, etag) => apresChangement(nouvelle, etag, messageSucces(ouverte, nouvelle))}
              onPerime={versionPerimee}
              onFermer={() => setOuverte(null)}
            />
          )}
        </section>
      )}

      <section className="fr-mb-4w" aria-labelledby="titre-domaines">
        <h2 id="titre-domaines" className="fr-h4">
          Domaines d'intervention et logement
        </h2>
        <SituationMesure
          key={m.version}
          mesure={m}
          etag={lu.etag}
          modifiable={peutModifier(m, moi)}
          onEnregistre={(nouvelle, etag) => apresChangement(nouvelle, etag, `Domaines et logement de la mesure ${nouvelle.reference} enregistrés.`)}
          onPerime={versionPerimee}
        />
      </section>

      <Documents rattachement={{ mesure_id: m.id }} />

      <section className="fr-mb-4w" aria-labelledby="titre-historique">
        <h2 id="titre-historique" className="fr-h4">
          Historique
        </h2>
        <Historique mesure={m} noms={noms} codes={codes} nomOrganisation={nomOrganisation} />
      </section>
    </>
  );
}
