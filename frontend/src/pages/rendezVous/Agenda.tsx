/**
 * The agenda: the rendez-vous of a week (Monday to Sunday, Paris time), as
 * seven days side by side (one under the other on a small screen) or as a
 * plain table. The week, the view and the scope live in the address
 * (?semaine=AAAA-MM-JJ&vue=liste&perimetre=association) so that « back » and
 * a bookmark give the same screen.
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { SegmentedControl } from "@codegouvfr/react-dsfr/SegmentedControl";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { Link, useLocation, useSearchParams } from "react-router";

import { api } from "../../api/client";
import type { RendezVousPublic } from "../../api/types";
import { useMoi } from "../../auth/AuthContext";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { jourParis } from "../../lib/dates";
import { STATUTS_RENDEZ_VOUS, TYPES_RENDEZ_VOUS } from "../../lib/libelles";
import { useRequete } from "../../lib/useRequete";
import { AdresseAgenda } from "./AdresseAgenda";
import { ajouterJours, dateFr, estDateIso, grouperParJour, horaire, jourLong, jourParisDe, libelleSemaine, lundiDe, NOMS_JOURS, rangDansSemaine } from "./agenda";

const PAGE = 100;
/** A week holds far fewer; the bound keeps a runaway loop from hammering the API. */
const MAXIMUM = 1000;

/** Every rendez-vous of the week (the API pages by 100). */
async function chargerSemaine(lundi: string, referent: string | undefined) {
  const items: RendezVousPublic[] = [];
  for (let offset = 0; offset < MAXIMUM; offset += PAGE) {
    const { data, error, response } = await api.GET("/api/v1/rendez-vous", {
      params: { query: { du: lundi, au: ajouterJours(lundi, 6), referent_id: referent, limit: PAGE, offset } },
    });
    if (!data) return { data: undefined, error, response };
    items.push(...data.items);
    if (items.length >= data.total || data.items.length === 0) return { data: { items, total: data.total }, response };
  }
  throw new Error("trop de rendez-vous");
}

/** Planned but already over: the worker has to say how it went. */
function aRenseigner(r: RendezVousPublic, maintenant: number): boolean {
  return r.statut === "planifie" && Date.parse(r.fin) < maintenant;
}

function Etiquettes({ r, maintenant }: { r: RendezVousPublic; maintenant: number }) {
  if (aRenseigner(r, maintenant))
    return (
      <Badge severity="warning" small noIcon>
        À renseigner
      </Badge>
    );
  if (r.statut === "planifie") return null;
  return (
    <Badge severity={r.statut === "realise" ? "success" : "info"} small noIcon>
      {STATUTS_RENDEZ_VOUS[r.statut]}
    </Badge>
  );
}

function VueSemaine({ lundi, rdvs, aujourdhui }: { lundi: string; rdvs: RendezVousPublic[]; aujourdhui: string }) {
  const maintenant = Date.now();
  const jours = grouperParJour(lundi, rdvs);
  return (
    <div className="ancrage-semaine">
      {[...jours.entries()].map(([jour, liste]) => {
        const id = `jour-${jour}`;
        return (
          <section key={jour} aria-labelledby={id} className={`ancrage-jour${jour === aujourdhui ? " ancrage-jour--aujourdhui" : ""}`}>
            <h3 id={id} className="fr-text--md fr-text--bold fr-mb-1w ancrage-jour__titre">
              {/* « mardi 24/11/2026 » for a screen reader; the date on its own line on screen. */}
              <span className="ancrage-jour__nom">{NOMS_JOURS[rangDansSemaine(jour)]}</span> <span className="ancrage-jour__date">{dateFr(jour)}</span>
              {jour === aujourdhui && <span className="fr-sr-only"> (aujourd'hui)</span>}
            </h3>
            {jour === aujourdhui && <p className="fr-text--xs fr-mb-1w">Aujourd'hui</p>}
            {liste.length === 0 ? (
              <p className="fr-text--sm fr-mb-1w ancrage-jour__vide">Aucun rendez-vous</p>
            ) : (
              <ul className="ancrage-jour__liste">
                {liste.map((r) => (
                  <li key={r.id}>
                    <Link to={`/rendez-vous/${r.id}`} className={`ancrage-rdv ancrage-rdv--${r.statut}`}>
                      <span className="ancrage-rdv__heure">{horaire(r.debut, r.fin)}</span>
                      <span>{TYPES_RENDEZ_VOUS[r.type]}</span>
                      {r.demandeur && <strong>{r.demandeur}</strong>}
                      <span>{r.menage_reference}</span>
                      {r.lieu && <span className="ancrage-rdv__lieu">{r.lieu}</span>}
                      <Etiquettes r={r} maintenant={maintenant} />
                    </Link>
                  </li>
                ))}
              </ul>
            )}
            <Link to={`/rendez-vous/nouveau?date=${jour}`} className="fr-link fr-text--xs ancrage-jour__ajout">
              <span aria-hidden="true">+ </span>
              <span className="fr-sr-only">Ajouter un rendez-vous le {jourLong(jour)}</span>
              <span aria-hidden="true">Ajouter</span>
            </Link>
          </section>
        );
      })}
    </div>
  );
}

function VueListe({ lundi, rdvs }: { lundi: string; rdvs: RendezVousPublic[] }) {
  const maintenant = Date.now();
  if (rdvs.length === 0) return <p>Aucun rendez-vous cette semaine.</p>;
  return (
    <Table
      caption={`Rendez-vous, ${libelleSemaine(lundi).toLowerCase()}`}
      fixed
      headers={["Jour", "Horaire", "Type", "Ménage", "Mesure", "Lieu", "Statut"]}
      data={[...grouperParJour(lundi, rdvs).values()].flat().map((r) => [
        <Link key="jour" to={`/rendez-vous/${r.id}`} className="fr-link">
          {jourLong(jourParisDe(r.debut))}
        </Link>,
        horaire(r.debut, r.fin),
        TYPES_RENDEZ_VOUS[r.type],
        r.demandeur ? `${r.demandeur} (${r.menage_reference})` : r.menage_reference,
        r.mesure_reference,
        r.lieu ?? "—",
        aRenseigner(r, maintenant) ? "Planifié, à renseigner" : STATUTS_RENDEZ_VOUS[r.statut],
      ])}
    />
  );
}

export default function Agenda() {
  const moi = useMoi();
  const location = useLocation();
  const message = (location.state as { message?: string } | null)?.message;
  const [params, setParams] = useSearchParams();
  const aujourdhui = jourParis();
  const demandee = params.get("semaine");
  const lundi = lundiDe(estDateIso(demandee) ? demandee : aujourdhui);
  const vue = params.get("vue") === "liste" ? "liste" : "semaine";
  const perimetre = params.get("perimetre") === "association" ? "association" : "moi";
  const referent = perimetre === "moi" ? moi.id : undefined;

  const { donnees, erreur, chargement } = useRequete(() => chargerSemaine(lundi, referent), [lundi, referent]);

  const changer = (cle: string, valeur: string | null) =>
    setParams((p) => {
      const suivant = new URLSearchParams(p);
      if (valeur === null) suivant.delete(cle);
      else suivant.set(cle, valeur);
      return suivant;
    });

  const rdvs = donnees?.items ?? [];
  const cetteSemaine = lundiDe(aujourdhui);

  return (
    <>
      <Titre>Rendez-vous</Titre>
      {message && <Alert severity="success" small description={message} className="fr-mb-3w" />}

      <div className="ancrage-barre-agenda fr-mb-2w">
        <div className="ancrage-pied-formulaire">
          <Button type="button" priority="secondary" size="small" iconId="fr-icon-arrow-left-s-line" onClick={() => changer("semaine", ajouterJours(lundi, -7))}>
            Semaine précédente
          </Button>
          <Button type="button" priority="secondary" size="small" disabled={lundi === cetteSemaine} onClick={() => changer("semaine", null)}>
            Cette semaine
          </Button>
          <Button type="button" priority="secondary" size="small" iconId="fr-icon-arrow-right-s-line" iconPosition="right" onClick={() => changer("semaine", ajouterJours(lundi, 7))}>
            Semaine suivante
          </Button>
        </div>
        <Button linkProps={{ to: "/rendez-vous/nouveau" }} iconId="fr-icon-add-line">
          Nouveau rendez-vous
        </Button>
      </div>

      <div className="ancrage-pied-formulaire fr-mb-2w">
        <SegmentedControl
          small
          legend="Affichage"
          inlineLegend
          name="vue"
          segments={[
            { label: "Semaine", nativeInputProps: { checked: vue === "semaine", onChange: () => changer("vue", null) } },
            { label: "Liste", nativeInputProps: { checked: vue === "liste", onChange: () => changer("vue", "liste") } },
          ]}
        />
        <SegmentedControl
          small
          legend="Rendez-vous de"
          inlineLegend
          name="perimetre"
          segments={[
            { label: "Mes mesures", nativeInputProps: { checked: perimetre === "moi", onChange: () => changer("perimetre", null) } },
            { label: "Toute l'association", nativeInputProps: { checked: perimetre === "association", onChange: () => changer("perimetre", "association") } },
          ]}
        />
      </div>

      <h2 className="fr-h4 fr-mb-1w" aria-live="polite">
        {libelleSemaine(lundi)}
      </h2>
      {chargement ? (
        <Chargement libelle="Chargement des rendez-vous…" />
      ) : erreur ? (
        <ErreurChargement message={erreur} />
      ) : (
        <>
          <p role="status" className="fr-text--sm">
            {rdvs.length === 0
              ? "Aucun rendez-vous cette semaine"
              : `${rdvs.length} rendez-vous cette semaine`}
            {perimetre === "association" ? " pour toute l'association." : " pour les mesures dont vous êtes référent·e."}
          </p>
          {vue === "semaine" ? <VueSemaine lundi={lundi} rdvs={rdvs} aujourdhui={aujourdhui} /> : <VueListe lundi={lundi} rdvs={rdvs} />}
        </>
      )}

      <AdresseAgenda />
    </>
  );
}
