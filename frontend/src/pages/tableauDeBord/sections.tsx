/**
 * Sections of the tableau de bord, shown to the principals with the capability named.
 * Alerts, mesures and rendez-vous are the association's (api/alertes,
 * api/mesures/access.py, api/rendez_vous/access.py): an agent sees their own,
 * a responsable the whole association's.
 * A Composant loads its own data through `api` and shows its loading and empty states.
 */
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useRef, useState, type ComponentType, type FormEvent } from "react";
import { Link } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { messageFormulaire } from "../../api/problem";
import { $api, echecLecture } from "../../api/requetes";
import type { Alerte, MesureResume } from "../../api/types";
import { useMoi } from "../../auth/AuthContext";
import { ChampTexte } from "../../components/Champs";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { formatDate, formatDateHeure, jourParis } from "../../lib/dates";
import { STATUTS_MESURE, TYPES_ALERTE, TYPES_RENDEZ_VOUS } from "../../lib/libelles";
import { BureauCommission } from "../commissions/BureauCommission";
import { Administration, ChiffresCles, MesOrientations, MonEquipe } from "./bureaux";
import type { Capacite } from "../../navigation";

export interface SectionTableauDeBord {
  titre: string;
  capacite: Capacite;
  /** …unless the principal has one of these (a funder's figures are not an association's desk). */
  sauf?: readonly Capacite[];
  Composant: ComponentType;
}

const LIMITE = 10;

/** A person first, her file's reference under it (the reference is what the phone call quotes). */
function Personne({ nom, reference }: { nom?: string | null; reference: string }) {
  return (
    <>
      {nom ?? reference}
      {nom && <span className="fr-text--xs fr-mb-0 ancrage-reference">{reference}</span>}
    </>
  );
}

/** What to do about an alert: open the rendez-vous to report, plan the first one, or open the mesure. */
function ActionAlerte({ alerte }: { alerte: Alerte }) {
  if (alerte.rendez_vous_id)
    return (
      <Link to={`/rendez-vous/${alerte.rendez_vous_id}`} className="fr-link">
        Renseigner le rendez-vous
      </Link>
    );
  if (alerte.type === "premier_rdv_en_attente")
    return (
      <Link to={`/rendez-vous/nouveau?mesure=${alerte.mesure_id}`} className="fr-link">
        Planifier
      </Link>
    );
  return (
    <Link to={`/mesures/${alerte.mesure_id}`} className="fr-link">
      Ouvrir la mesure {alerte.mesure_reference}
    </Link>
  );
}

/** An agent's own records; a responsable's whole association (undefined = no filter). */
function useReferent(): string | undefined {
  const moi = useMoi();
  return moi.role === "responsable" ? undefined : moi.id;
}

/** Setting one alert aside, with the reason (kept), for good or until a date (a report). */
function Ecarter({ alerte, onFait, onAnnuler }: { alerte: Alerte; onFait: (message: string) => void; onAnnuler: () => void }) {
  const [motif, setMotif] = useState("");
  const [jusquAu, setJusquAu] = useState("");
  // Every field error under its field; the sentence above says why in general.
  const { envoyer, envoi, erreurs, echec } = useEnvoi({ messageRefus: ({ probleme, statut }) => messageFormulaire(probleme, statut, {}) });
  const titre = useRef<HTMLHeadingElement>(null);
  useEffect(() => titre.current?.focus(), []);
  const soumettre = async (e: FormEvent) => {
    e.preventDefault();
    const fait = await envoyer(() =>
      api.POST("/api/v1/alertes/ecarter", {
        body: {
          type: alerte.type,
          mesure_id: alerte.mesure_id,
          rendez_vous_id: alerte.rendez_vous_id ?? null,
          date_reference: alerte.date_reference,
          motif: motif.trim(),
          jusqu_au: jusquAu || null,
        },
      }),
    );
    if (fait) onFait(fait.donnees.jusqu_au ? `Alerte reportée au ${formatDate(fait.donnees.jusqu_au)}.` : "Alerte écartée ; le motif est gardé.");
  };
  return (
    <form onSubmit={(e) => void soumettre(e)} className="fr-p-3w fr-mb-3w fr-background-alt--grey" aria-labelledby="ecarter-titre">
      <h3 id="ecarter-titre" ref={titre} tabIndex={-1} className="fr-h6">
        Écarter l'alerte « {TYPES_ALERTE[alerte.type]} » — {alerte.demandeur ?? alerte.menage_reference}
      </h3>
      <p className="fr-text--sm">{alerte.message}</p>
      {echec && <p className="fr-error-text fr-mb-2w" role="alert">{echec.message}</p>}
      <ChampTexte cle="motif" label="Motif" hint="Pourquoi cette alerte ne demande plus d'action (gardé)." erreurs={erreurs} valeur={motif} onChange={setMotif} required minLength={3} maxLength={500} />
      <ChampTexte
        cle="jusqu_au"
        label="Reporter jusqu'au (facultatif)"
        hint="L'alerte reviendra ce jour-là ; sans date, elle est écartée pour de bon."
        erreurs={erreurs}
        valeur={jusquAu}
        onChange={setJusquAu}
        type="date"
        min={jourParis()}
      />
      <div className="ancrage-pied-formulaire">
        <Button type="submit" disabled={envoi}>
          {envoi ? "Envoi…" : jusquAu ? "Reporter l'alerte" : "Écarter l'alerte"}
        </Button>
        <Button type="button" priority="secondary" onClick={onAnnuler}>
          Annuler
        </Button>
      </div>
    </form>
  );
}

const cleAlerte = (a: Alerte) => `${a.type}:${a.mesure_id}:${a.rendez_vous_id ?? ""}:${a.date_reference}`;

function Alertes() {
  const moi = useMoi();
  const perimetre = moi.role === "responsable" ? "association" : "moi";
  const lu = $api.useQuery("get", "/api/v1/alertes", { params: { query: { perimetre } } });
  const { data: donnees, isPending: chargement } = lu;
  const erreur = echecLecture(lu.error)?.message;
  const [aEcarter, setAEcarter] = useState<Alerte | null>(null);
  const [fait, setFait] = useState<string | null>(null);
  if (chargement && !donnees) return <Chargement libelle="Chargement des alertes…" />;
  if (erreur) return <ErreurChargement message={erreur} />;
  const statut = fait && (
    <p role="status" className="fr-text--sm">
      {fait}
    </p>
  );
  if (!donnees || donnees.total === 0)
    return (
      <>
        {statut}
        <p>Aucune alerte : rien ne demande votre attention.</p>
      </>
    );
  return (
    <>
      {statut}
      <p role="status">
        {donnees.total} alerte{donnees.total > 1 ? "s" : ""}
        {perimetre === "association" ? " pour l'association" : ""}
        {donnees.total > donnees.items.length ? ` (les ${donnees.items.length} plus anciennes)` : ""}
      </p>
      {aEcarter && (
        <Ecarter
          key={cleAlerte(aEcarter)}
          alerte={aEcarter}
          onAnnuler={() => setAEcarter(null)}
          onFait={(m) => {
            setAEcarter(null);
            setFait(m);
            void lu.refetch();
          }}
        />
      )}
      <Table
        caption="Alertes"
        noCaption
        fixed
        headers={["Date", "Ménage", "Alerte", "Message", "Action"]}
        data={donnees.items.map((a) => [
          formatDate(a.date_reference),
          <Personne key="menage" nom={a.demandeur} reference={a.menage_reference} />,
          <Badge key="type" severity={a.date_reference < jourParis() ? "error" : "warning"} small noIcon>
            {TYPES_ALERTE[a.type]}
          </Badge>,
          a.message,
          <div key="action" className="ancrage-actions-alerte">
            <ActionAlerte alerte={a} />
            <Button
              type="button"
              priority="tertiary no outline"
              size="small"
              nativeButtonProps={{ "aria-label": `Écarter ou reporter l'alerte « ${TYPES_ALERTE[a.type]} » de ${a.demandeur ?? a.menage_reference}` }}
              onClick={() => {
                setFait(null);
                setAEcarter(a);
              }}
            >
              Écarter
            </Button>
          </div>,
        ])}
      />
    </>
  );
}

function MesMesures() {
  const referent = useReferent();
  const lu = $api.useQuery("get", "/api/v1/mesures", { params: { query: { referent_id: referent, limit: LIMITE } } });
  const { data: donnees, isPending: chargement } = lu;
  const erreur = echecLecture(lu.error)?.message;
  if (chargement) return <Chargement libelle="Chargement des mesures…" />;
  if (erreur) return <ErreurChargement message={erreur} />;
  // The association always gets the complete view; the short one (vue "statut") is for others.
  const mesures = (donnees?.items ?? []).filter((m): m is MesureResume => "date_mandatement" in m);
  if (!donnees || donnees.total === 0) return <p>Aucune mesure ne vous est confiée.</p>;
  return (
    <>
      <p role="status">
        {donnees.total} mesure{donnees.total > 1 ? "s" : ""}
        {donnees.total > LIMITE ? ` (les ${LIMITE} premières)` : ""}
      </p>
      <Table
        caption="Mes mesures"
        noCaption
        fixed
        headers={["Mesure", "Ménage", "Statut", "Mandatée le", "Fin prévue"]}
        data={mesures.map((m) => [
          <Link key="mesure" to={`/mesures/${m.id}`} className="fr-link">
            {m.reference}
          </Link>,
          <Link key="menage" to={`/menages/${m.menage_id}`} className="fr-link">
            {m.demandeur ?? m.menage_reference}
          </Link>,
          STATUTS_MESURE[m.statut],
          formatDate(m.date_mandatement),
          formatDate(m.date_fin_prevue),
        ])}
      />
    </>
  );
}

function MesRendezVous() {
  const referent = useReferent();
  const du = jourParis();
  const lu = $api.useQuery("get", "/api/v1/rendez-vous", { params: { query: { referent_id: referent, du, statut: "planifie", limit: LIMITE } } });
  const { data: donnees, isPending: chargement } = lu;
  const erreur = echecLecture(lu.error)?.message;
  if (chargement) return <Chargement libelle="Chargement des rendez-vous…" />;
  if (erreur) return <ErreurChargement message={erreur} />;
  if (!donnees || donnees.total === 0) return <p>Aucun rendez-vous à venir.</p>;
  return (
    <Table
      caption="Mes prochains rendez-vous"
      noCaption
      fixed
      headers={["Date", "Ménage", "Type", "Lieu", "Mesure"]}
      data={donnees.items.map((r) => [
        <Link key="date" to={`/rendez-vous/${r.id}`} className="fr-link">
          {formatDateHeure(r.debut)}
        </Link>,
        <Personne key="menage" nom={r.demandeur} reference={r.menage_reference} />,
        TYPES_RENDEZ_VOUS[r.type],
        r.lieu ?? "—",
        <Link key="mesure" to={`/mesures/${r.mesure_id}`} className="fr-link">
          {r.mesure_reference}
        </Link>,
      ])}
    />
  );
}

export const SECTIONS: readonly SectionTableauDeBord[] = [
  { titre: "Alertes", capacite: "alertes", Composant: Alertes },
  { titre: "Mon équipe", capacite: "reaffecter_mesures", Composant: MonEquipe },
  { titre: "Mes mesures", capacite: "modifier_mesures", Composant: MesMesures },
  { titre: "Mes prochains rendez-vous", capacite: "rendez_vous", Composant: MesRendezVous },
  { titre: "Commission", capacite: "organiser_commission", Composant: BureauCommission },
  { titre: "Mes orientations", capacite: "orienter", sauf: ["alertes", "organiser_commission"], Composant: MesOrientations },
  { titre: "Chiffres clés de l'année", capacite: "indicateurs", sauf: ["lire_menages", "administrer"], Composant: ChiffresCles },
  { titre: "Administration", capacite: "administrer", Composant: Administration },
];
