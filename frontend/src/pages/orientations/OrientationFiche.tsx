import { Table } from "@codegouvfr/react-dsfr/Table";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router";

import { api } from "../../api/client";
import { useMoi } from "../../auth/AuthContext";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate, formatDateHeure } from "../../lib/dates";
import { MOTIFS_REFUS, ORIGINES_ORIENTATION, STATUTS_ORIENTATION } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";
import { TYPES_LECTEURS_MENAGE } from "../../navigation";

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
  const { donnees: o, erreur, statut, chargement } = useRequete(
    () => api.GET("/api/v1/orientations/{orientation_id}", { params: { path: { orientation_id: orientationId } } }),
    [orientationId],
  );
  if (chargement) return <Chargement libelle="Chargement de l'orientation…" />;
  if (statut === 404) return <ErreurChargement titre="Orientation introuvable" message="Cette orientation n'existe pas ou ne vous est pas accessible." />;
  if (erreur || !o) return <ErreurChargement message={erreur ?? "Réponse vide"} />;
  const lienMenage = TYPES_LECTEURS_MENAGE.includes(moi.organisation.type);
  return (
    <>
      <Titre>{`Orientation ${o.reference}`}</Titre>
      <p className="fr-mb-3w">
        <Link to="/orientations" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
          Toutes les orientations
        </Link>
      </p>
      <dl className="fr-grid-row">
        <Ligne terme="Statut">{STATUTS_ORIENTATION[o.statut]}</Ligne>
        <Ligne terme="Origine">{ORIGINES_ORIENTATION[o.origine]}</Ligne>
        <Ligne terme="Prescripteur">{o.prescripteur_nom ?? "—"}</Ligne>
        <Ligne terme="Accès ou maintien">{o.acces_maintien === "acces" ? "Accès au logement" : "Maintien dans le logement"}</Ligne>
        <Ligne terme="Reçue le">{formatDate(o.date_reception)}</Ligne>
        <Ligne terme="Décision le">{formatDate(o.date_decision)}</Ligne>
        <Ligne terme="Cible">{o.cible_libelle ?? "—"}</Ligne>
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
      <section aria-labelledby="historique">
        <h2 id="historique" className="fr-h4">
          Historique
        </h2>
        <Evenements orientationId={o.id} />
      </section>
    </>
  );
}
