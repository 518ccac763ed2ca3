import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useState } from "react";
import { Link, useLocation, useParams } from "react-router";

import { api } from "../../api/client";
import { messageErreur } from "../../api/problem";
import type { MenagePublic } from "../../api/types";
import { useMoi } from "../../auth/AuthContext";
import { NomCommune } from "../../components/ChampCommune";
import { Chargement } from "../../components/Chargement";
import { Documents } from "../../components/Documents";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { age, formatDate, formatDateHeure, formatEuros } from "../../lib/dates";
import {
  COMPOSITIONS,
  LIENS,
  SEXES,
  SITUATIONS_LOGEMENT,
  SITUATIONS_PROFESSIONNELLES,
  STADES_PROCEDURE,
  TYPES_DETTE,
  TYPES_RESSOURCE,
} from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";
import { ImpressionEnTete } from "./Impression";
import { QuiAConsulte } from "./QuiAConsulte";
import { RappelsRendezVous } from "./RappelsRendezVous";
import { SECTIONS_FICHE } from "./sectionsFiche";

/** « Exporter pour le ménage »: what this organisation holds on the household (RGPD, art. 15
 * and 20), as the API gives it, saved as a JSON file the worker hands over. */
async function exporter(menageId: string, reference: string, setMessage: (m: string) => void) {
  const { data, error, response } = await api.GET("/api/v1/menages/{menage_id}/export", { params: { path: { menage_id: menageId } } });
  if (!data) {
    setMessage(messageErreur(error, response.status));
    return;
  }
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `export-${reference}.json`;
  a.click();
  URL.revokeObjectURL(url);
  setMessage("");
}

function Bailleur({ id }: { id: string }) {
  const { donnees } = useRequete(() => api.GET("/api/v1/organisations/{organisation_id}", { params: { path: { organisation_id: id } } }), [id]);
  return <>{donnees?.nom ?? "…"}</>;
}

function Ligne({ terme, children }: { terme: string; children: React.ReactNode }) {
  return (
    <div className="fr-col-12 fr-col-md-6 fr-mb-2w">
      <dt className="fr-text--sm fr-mb-0" style={{ color: "var(--text-mention-grey)" }}>
        {terme}
      </dt>
      <dd style={{ marginLeft: 0 }}>{children}</dd>
    </div>
  );
}

function Situation({ m }: { m: MenagePublic }) {
  return (
    <dl className="fr-grid-row">
      <Ligne terme="Composition">{COMPOSITIONS[m.composition]}</Ligne>
      <Ligne terme="Statut d'occupation">{m.statut_occupation ? SITUATIONS_LOGEMENT[m.statut_occupation] : "Non renseigné"}</Ligne>
      <Ligne terme="Bailleur">{m.bailleur_id ? <Bailleur id={m.bailleur_id} /> : "Aucun"}</Ligne>
      <Ligne terme="Commune"><NomCommune code={m.commune_insee} /></Ligne>
      <Ligne terme="Adresse">{m.adresse ?? "—"}</Ligne>
      <Ligne terme="Téléphone">{m.telephone ?? "—"}</Ligne>
      <Ligne terme="Courriel">{m.courriel ?? "—"}</Ligne>
      <Ligne terme="Situation socio-professionnelle">
        {m.situation_professionnelle ? SITUATIONS_PROFESSIONNELLES[m.situation_professionnelle] : "Non renseignée"}
      </Ligne>
      <Ligne terme="Procédures d'expulsion">
        {m.nb_procedures_expulsion}
        {m.stade_procedure ? ` — ${STADES_PROCEDURE[m.stade_procedure]}` : ""}
      </Ligne>
    </dl>
  );
}

export default function MenageFiche() {
  const { menageId = "" } = useParams();
  const location = useLocation();
  const moi = useMoi();
  const message = (location.state as { message?: string } | null)?.message;
  const [echecExport, setEchecExport] = useState("");
  const { donnees: m, erreur, chargement } = useRequete(
    () => api.GET("/api/v1/menages/{menage_id}", { params: { path: { menage_id: menageId } } }),
    [menageId],
  );

  if (chargement && !m) return <Chargement libelle="Lecture du dossier…" />;
  if (erreur || !m) return <ErreurChargement message={erreur ?? "Dossier introuvable."} />;

  const demandeur = m.personnes.find((p) => p.lien === "demandeur");
  const totalRessources = m.ressources.reduce((s, r) => s + (r.montant_mensuel ?? 0), 0);
  const totalDettes = m.dettes.reduce((s, d) => s + d.montant, 0);

  return (
    <>
      <nav role="navigation" className="fr-breadcrumb" aria-label="vous êtes ici :">
        <ol className="fr-breadcrumb__list">
          <li>
            <Link className="fr-breadcrumb__link" to="/menages">
              Ménages
            </Link>
          </li>
          <li>
            <a className="fr-breadcrumb__link" aria-current="page">
              {m.reference}
            </a>
          </li>
        </ol>
      </nav>
      <ImpressionEnTete organisation={moi.organisation.nom} />
      {message && <Alert severity="success" small description={message} className="fr-mb-3w" closable />}
      {echecExport && <Alert severity="error" small description={`L'export n'a pas abouti : ${echecExport}`} className="fr-mb-3w" />}
      <div className="fr-grid-row fr-grid-row--middle fr-mb-2w" style={{ justifyContent: "space-between" }}>
        <div>
          <Titre sousTitre={demandeur ? `${demandeur.prenom} ${demandeur.nom.toUpperCase()}` : undefined}>{`Dossier ${m.reference}`}</Titre>
        </div>
        <div className="ancrage-pied-formulaire ancrage-sans-impression">
          {/* Offered to who holds the file (the API's « modifiable »): a commission reading the household
              as submitted, or a bailleur once an association carries it, is not offered what it does not hold. */}
          {moi.capacites.orienter && m.modifiable && (
            <Button linkProps={{ to: `/orientations/nouvelle?menage=${m.id}` }} iconId="fr-icon-send-plane-line">
              Orienter ce ménage
            </Button>
          )}
          {m.modifiable && (
            <Button linkProps={{ to: `/menages/${m.id}/modifier` }} iconId="fr-icon-edit-line" priority="secondary">
              Modifier
            </Button>
          )}
          <Button iconId="fr-icon-download-line" priority="tertiary" onClick={() => void exporter(m.id, m.reference, setEchecExport)}>
            Exporter pour le ménage
          </Button>
          <Button iconId="fr-icon-printer-line" priority="tertiary" onClick={() => window.print()}>
            Imprimer
          </Button>
        </div>
      </div>
      {m.vue === "transmis" ? (
        <Alert
          severity="info"
          small
          className="fr-mb-3w"
          description={
            m.transmis_le
              ? `Le ménage tel que votre organisation l'a transmis (ou tel qu'il a été soumis à la commission) le ${formatDate(m.transmis_le)}. L'association qui l'accompagne tient le dossier depuis : ce qu'elle y a ajouté reste chez elle.`
              : "Le ménage tel que votre organisation l'a connu : l'association qui l'accompagne tient le dossier, ce qu'elle y a ajouté reste chez elle."
          }
        />
      ) : (
        <p className="fr-text--sm">
          Ouvert le {formatDate(m.cree_le)} — dernière modification le {formatDateHeure(m.modifie_le)}
        </p>
      )}

      <section className="fr-mb-4w" aria-labelledby="titre-situation">
        <h2 id="titre-situation" className="fr-h4">
          Situation
        </h2>
        <Situation m={m} />
      </section>

      <section className="fr-mb-4w" aria-labelledby="titre-personnes">
        <h2 id="titre-personnes" className="fr-h4">
          Personnes ({m.personnes.length})
        </h2>
        <Table
          caption="Personnes du ménage"
          noCaption
          fixed
          headers={["Nom", "Prénom", "Date de naissance", "Âge", "Sexe", "Lien"]}
          data={m.personnes.map((p) => {
            const ans = age(p.date_naissance);
            return [p.nom.toUpperCase(), p.prenom, formatDate(p.date_naissance), ans === null ? "—" : `${ans} ans`, SEXES[p.sexe], LIENS[p.lien]];
          })}
        />
      </section>

      <div className="fr-grid-row fr-grid-row--gutters">
        <section className="fr-col-12 fr-col-md-6 fr-mb-4w" aria-labelledby="titre-ressources">
          <h2 id="titre-ressources" className="fr-h4">
            Ressources mensuelles
          </h2>
          {m.ressources.length === 0 ? (
            <p>Aucune ressource renseignée.</p>
          ) : (
            <Table
              caption="Ressources mensuelles"
              noCaption
              headers={["Type", "Montant mensuel"]}
              data={[
                ...m.ressources.map((r) => [TYPES_RESSOURCE[r.type], formatEuros(r.montant_mensuel)]),
                [<strong key="t">Total</strong>, <strong key="m">{formatEuros(totalRessources)}</strong>],
              ]}
            />
          )}
        </section>
        <section className="fr-col-12 fr-col-md-6 fr-mb-4w" aria-labelledby="titre-dettes">
          <h2 id="titre-dettes" className="fr-h4">
            Dettes
          </h2>
          {m.dettes.length === 0 ? (
            <p>Aucune dette renseignée.</p>
          ) : (
            <Table
              caption="Dettes"
              noCaption
              headers={["Type", "Montant"]}
              data={[
                ...m.dettes.map((d) => [TYPES_DETTE[d.type], formatEuros(d.montant)]),
                [<strong key="t">Total</strong>, <strong key="m">{formatEuros(totalDettes)}</strong>],
              ]}
            />
          )}
        </section>
      </div>

      {SECTIONS_FICHE.filter((s) => moi.capacites[s.capacite]).map(({ titre, Composant }) => (
        <section key={titre} className="fr-mb-4w" aria-label={titre}>
          <h2 className="fr-h4">{titre}</h2>
          <Composant menage={m} />
        </section>
      ))}
      <QuiAConsulte menage={m} />
      {m.modifiable && <RappelsRendezVous menageId={m.id} />}
      <Documents rattachement={{ menage_id: m.id }} peutDeposer={m.modifiable} />
    </>
  );
}
