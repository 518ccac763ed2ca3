import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useState, type ReactNode } from "react";
import { Link, useLocation, useParams } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { $api, echecLecture } from "../../api/requetes";
import type { OrientationPublic, StatutOrientation } from "../../api/types";
import { Documents } from "../../components/Documents";
import { useMoi } from "../../auth/AuthContext";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate, formatDateHeure } from "../../lib/dates";
import { MOTIFS_REFUS, ORIGINES_ORIENTATION, STATUTS_ORIENTATION } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";
import { actionsPrescripteur } from "./orientation";

const LIBELLES_ACTION: Partial<Record<StatutOrientation, string>> = {
  soumise: "Soumettre à la commission",
  refus_beneficiaire: "Enregistrer le refus du bénéficiaire",
  annulee: "Annuler l'orientation",
};

/**
 * The prescriber's own steps (submit a draft; once in commission, the
 * household's refusal or a withdrawal), through POST /transitions with
 * If-Match: the ETag of the read this page shows ("<version>").
 */
function Actions({ o, onFait }: { o: OrientationPublic; onFait: (message: string) => void }) {
  const [commentaire, setCommentaire] = useState("");
  const { envoyer, envoi, echec, perime } = useEnvoi();
  const actions = actionsPrescripteur(o.transitions_permises);
  if (actions.length === 0) return null;

  const faire = async (vers: StatutOrientation) => {
    const fait = await envoyer(() =>
      api.POST("/api/v1/orientations/{orientation_id}/transitions", {
        params: { path: { orientation_id: o.id }, header: { "If-Match": `"${o.version}"` } },
        body: { vers_statut: vers, commentaire: commentaire.trim() || null },
      }),
    );
    if (!fait) return;
    setCommentaire("");
    onFait(`Orientation ${fait.donnees.reference} : ${STATUTS_ORIENTATION[fait.donnees.statut].toLowerCase()}.`);
  };

  return (
    <section className="fr-mb-4w" aria-labelledby="titre-actions">
      <h2 id="titre-actions" className="fr-h4">
        Actions
      </h2>
      {(echec || perime) && (
        <Alert
          severity="error"
          title="L'action n'a pas été enregistrée"
          description={echec?.message ?? perime ?? ""}
          className="fr-mb-2w"
        />
      )}
      <Input
        label="Commentaire (facultatif)"
        hintText="Visible de la commission et de votre organisation"
        textArea
        nativeTextAreaProps={{ name: "commentaire", value: commentaire, rows: 2, maxLength: 2000, onChange: (e) => setCommentaire(e.target.value) }}
      />
      <div className="ancrage-pied-formulaire">
        {actions.map((a) => (
          <Button key={a} type="button" priority={a === "soumise" ? "primary" : "secondary"} disabled={envoi} onClick={() => void faire(a)}>
            {LIBELLES_ACTION[a] ?? a}
          </Button>
        ))}
        {perime && (
          <Button type="button" priority="tertiary" onClick={() => onFait("")}>
            Recharger l'orientation
          </Button>
        )}
      </div>
    </section>
  );
}

/** The dispositif's name, or (with `cible`) the label of one of its cibles. */
function Dispositif({ id, cible }: { id: string; cible?: string }) {
  const { donnees } = useRequete(() => api.GET("/api/v1/dispositifs/{dispositif_id}", { params: { path: { dispositif_id: id } } }), [id]);
  if (cible !== undefined) return <>{donnees?.cibles.find((c) => c.code === cible)?.libelle ?? cible}</>;
  return <>{donnees?.nom ?? "…"}</>;
}

function Organisation({ id }: { id: string }) {
  const { donnees } = useRequete(() => api.GET("/api/v1/organisations/{organisation_id}", { params: { path: { organisation_id: id } } }), [id]);
  return <>{donnees?.nom ?? "…"}</>;
}

function Ligne({ terme, children }: { terme: string; children: ReactNode }) {
  return (
    <div className="fr-col-12 fr-col-md-6 fr-mb-2w">
      <dt className="fr-text--sm fr-mb-0" style={{ color: "var(--text-mention-grey)" }}>
        {terme}
      </dt>
      <dd style={{ marginLeft: 0 }}>{children}</dd>
    </div>
  );
}

function Evenements({ orientationId }: { orientationId: string }) {
  const { donnees, erreur, chargement } = useRequete(
    () => api.GET("/api/v1/orientations/{orientation_id}/evenements", { params: { path: { orientation_id: orientationId } } }),
    [orientationId],
  );
  if (chargement) return <Chargement libelle="Chargement de l'historique…" />;
  if (erreur) return <ErreurChargement message={erreur} />;
  if (!donnees || donnees.length === 0) return <p>Aucun événement.</p>;
  return (
    <Table
      caption="Historique de l'orientation"
      noCaption
      fixed
      headers={["Le", "De", "Vers", "Date d'effet", "Motif", "Commentaire"]}
      data={donnees.map((e) => [
        formatDateHeure(e.quand),
        e.de_statut ? STATUTS_ORIENTATION[e.de_statut] : "—",
        STATUTS_ORIENTATION[e.vers_statut],
        formatDate(e.date_effet),
        e.motif ?? "—",
        e.commentaire ?? "—",
      ])}
    />
  );
}

export default function OrientationFiche() {
  const { orientationId = "" } = useParams();
  const moi = useMoi();
  const location = useLocation();
  const [message, setMessage] = useState<string | null>((location.state as { message?: string } | null)?.message ?? null);
  const lu = $api.useQuery("get", "/api/v1/orientations/{orientation_id}", { params: { path: { orientation_id: orientationId } } });
  const o = lu.data;
  const erreur = echecLecture(lu.error);
  if (lu.isPending) return <Chargement libelle="Chargement de l'orientation…" />;
  if (erreur?.statut === 404) return <ErreurChargement titre="Orientation introuvable" message="Cette orientation n'existe pas ou ne vous est pas accessible." />;
  if (erreur || !o) return <ErreurChargement message={erreur?.message ?? "Réponse vide"} />;
  const lienMenage = moi.capacites.lire_menages;
  const prescripteur = o.prescripteur_organisation_id === moi.organisation.id;
  const commission = moi.organisation.type === "gie" && !prescripteur;
  return (
    <>
      <Titre>{`Orientation ${o.reference}`}</Titre>
      <p className="fr-mb-3w">
        <Link to="/orientations" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
          Toutes les orientations
        </Link>
      </p>
      {message && <Alert severity="success" small description={message} className="fr-mb-3w" closable onClose={() => setMessage(null)} />}
      <dl className="fr-grid-row">
        <Ligne terme="Statut">
          <strong data-testid="statut-orientation">{STATUTS_ORIENTATION[o.statut]}</strong>
        </Ligne>
        <Ligne terme="Dispositif">
          <Dispositif id={o.dispositif_id} />
        </Ligne>
        <Ligne terme="Origine">{ORIGINES_ORIENTATION[o.origine]}</Ligne>
        <Ligne terme="Prescripteur">{o.prescripteur_nom ?? "—"}</Ligne>
        <Ligne terme="Accès ou maintien">{o.acces_maintien === "acces" ? "Accès au logement" : "Maintien dans le logement"}</Ligne>
        <Ligne terme="Reçue le">{formatDate(o.date_reception)}</Ligne>
        <Ligne terme="Décision le">{formatDate(o.date_decision)}</Ligne>
        <Ligne terme="Cible proposée">{o.cible_proposee_code ? <Dispositif id={o.dispositif_id} cible={o.cible_proposee_code} /> : "—"}</Ligne>
        <Ligne terme="Cible retenue">{o.cible_libelle ?? "—"}</Ligne>
        <Ligne terme="Association mandatée">{o.association_id ? <Organisation id={o.association_id} /> : "—"}</Ligne>
        <Ligne terme="Session de commission">
          {o.session_commission_id && commission ? (
            <Link to={`/commission/${o.session_commission_id}`} className="fr-link">
              Ouvrir la session
            </Link>
          ) : o.session_commission_id ? (
            "Inscrite à une session"
          ) : (
            "—"
          )}
        </Ligne>
        <Ligne terme="Motif de refus">{o.motif_refus ? MOTIFS_REFUS[o.motif_refus] : "—"}</Ligne>
        <Ligne terme="Motifs de l'orientation">{o.motifs ?? "—"}</Ligne>
        <Ligne terme="Ménage">
          {lienMenage && o.menage_id ? (
            <Link to={`/menages/${o.menage_id}`} className="fr-link">
              Ouvrir le dossier du ménage
            </Link>
          ) : (
            "—"
          )}
        </Ligne>
      </dl>
      {prescripteur && (
        <Actions
          key={o.version}
          o={o}
          onFait={(m) => {
            setMessage(m || null);
            void lu.refetch();
          }}
        />
      )}
      <Documents rattachement={{ orientation_id: o.id }} />
      <section aria-labelledby="historique">
        <h2 id="historique" className="fr-h4">
          Historique
        </h2>
        <Evenements key={o.version} orientationId={o.id} />
      </section>
    </>
  );
}
