/**
 * Indicateurs: the tables the funders expect (docs/indicateurs.md), on a
 * scope kept in the URL (dispositif, association, period), with three small
 * charts, the files behind a figure where the role allows it, and the CSV and
 * XLSX downloads of the same document.
 */
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useCallback, useRef, useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";

import { api } from "../../api/client";
import { messageErreur } from "../../api/problem";
import type { Cellule, ConventionPublic, DispositifPublic, DocumentIndicateurs, OrganisationPublic, Tableau } from "../../api/types";
import { useMoi } from "../../auth/AuthContext";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate, formatDateHeure, jourParis } from "../../lib/dates";
import { useRequete, type EtatRequete } from "../../lib/useRequete";
import { Barres } from "./Barres";
import { DetailCellule } from "./DetailCellule";
import { associationsConventionnees, dispositifsDuPerimetre, nomsParId, toutesLesPages } from "./listes";
import {
  celluleDepuisUrl,
  choixDesDates,
  choixPeriodes,
  datesDuChoix,
  PERIODE_DATES,
  perimetreDepuisUrl,
  requeteApi,
  versUrl,
  type CelluleChoisie,
  type Perimetre,
} from "./perimetre";
import { idFigure, TableIndicateur } from "./TableIndicateur";
import { documentVide, formatNombre, nomDeFichier, sections, serie } from "./tableaux";

type Format = "csv" | "xlsx";

/** Saves a downloaded file under its name (a plain link could not carry the bearer token). */
function enregistrer(blob: Blob, nom: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = nom;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

function idSection(i: number): string {
  return `section-${i + 1}`;
}

export default function Indicateurs() {
  const moi = useMoi();
  const type = moi.organisation.type;
  // An association sees its own mesures: no association to choose (api/indicateurs/access.py).
  const associationChoisissable = type !== "association";
  const [params, setParams] = useSearchParams();
  const aujourdhui = jourParis();
  const perimetre = perimetreDepuisUrl(params, aujourdhui, associationChoisissable);
  const cleScope = JSON.stringify(requeteApi(perimetre));
  const choix = celluleDepuisUrl(params);

  const dispositifs = useRequete(() => toutesLesPages((limit, offset) => api.GET("/api/v1/dispositifs", { params: { query: { limit, offset } } })), []);
  const conventions = useRequete(() => toutesLesPages((limit, offset) => api.GET("/api/v1/conventions", { params: { query: { limit, offset } } })), []);
  const organisations = useRequete(
    () =>
      associationChoisissable
        ? toutesLesPages((limit, offset) => api.GET("/api/v1/organisations", { params: { query: { type: "association", limit, offset } } }))
        : Promise.resolve({ data: [], response: new Response() }),
    [associationChoisissable],
  );
  const listes = { dispositifs, conventions, organisations };
  // « Recalculer »: the next request asks for a fresh computation (a funder's document is
  // kept up to ANCRAGE_INDICATEURS_CACHE_SECONDES, docs/exploitation.md).
  const frais = useRef(false);
  const document_ = useRequete(() => {
    const headers = frais.current ? { "Cache-Control": "no-cache" } : undefined;
    frais.current = false;
    // Without `format` the API answers JSON; the type also lists the CSV's string.
    return api.GET("/api/v1/indicateurs", { params: { query: requeteApi(perimetre) }, headers }).then((r) => ({
      ...r,
      data: typeof r.data === "object" ? { doc: r.data, calculeLe: r.response.headers.get("Last-Modified") } : undefined,
    }));
  }, [cleScope]);
  const recalculer = () => {
    frais.current = true;
    document_.recharger();
  };

  const appliquer = (p: Perimetre) => setParams(versUrl(p));
  const lien = useCallback(
    (t: Tableau, c: Cellule) => `?${versUrl(perimetre, { table: t.code, cellule: c.cle }).toString()}`,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [cleScope],
  );
  const fermer = (c: CelluleChoisie) => {
    setParams(versUrl(perimetre), { preventScrollReset: true });
    // Back to the figure that was opened.
    requestAnimationFrame(() => document.getElementById(idFigure(c.table, c.cellule))?.focus());
  };

  return (
    <>
      <Titre>Indicateurs</Titre>
      <p>
        Les tables des bilans d'activité, calculées à partir des dossiers : la file active à une date, les flux sur une période.
        {type === "association" || type === "gie" ? " Un chiffre souligné ouvre la liste des dossiers qui le composent." : ""}
      </p>
      <FormulairePerimetre key={cleScope} listes={listes} perimetre={perimetre} associationChoisissable={associationChoisissable} aujourdhui={aujourdhui} appliquer={appliquer} />

      {document_.chargement && <Chargement libelle="Calcul des indicateurs…" />}
      {document_.erreur && <ErreurChargement titre="Indicateurs indisponibles" message={document_.erreur} />}
      {document_.donnees && !document_.chargement && (
        <Document
          doc={document_.donnees.doc}
          calculeLe={document_.donnees.calculeLe}
          recalculer={recalculer}
          perimetre={perimetre}
          choix={choix}
          lien={lien}
          fermer={fermer}
        />
      )}
    </>
  );
}

function Document({
  doc,
  calculeLe,
  recalculer,
  perimetre,
  choix,
  lien,
  fermer,
}: {
  doc: DocumentIndicateurs;
  calculeLe: string | null;
  recalculer: () => void;
  perimetre: Perimetre;
  choix: CelluleChoisie | null;
  lien: (t: Tableau, c: Cellule) => string;
  fermer: (c: CelluleChoisie) => void;
}) {
  const p = doc.parametres;
  const parCode = new Map<string, Tableau>(doc.tableaux.map((t) => [t.code, t]));
  const tableCible = parCode.get("file_active_cible");
  const tableAge = parCode.get("file_active_age_cible");
  const tableSorties = parCode.get("sorties_par_mois");
  const groupes = sections(doc);
  const tableChoisie = choix ? parCode.get(choix.table) : undefined;

  return (
    <>
      <Telechargements perimetre={perimetre} />
      <div className="fr-callout fr-mb-4w">
        <p className="fr-callout__text fr-text--md" role="status">
          Périmètre : {p.perimetre}. File active au {formatDate(p.au)} ; flux du {formatDate(p.du)} au {formatDate(p.au)}.
        </p>
        {calculeLe && (
          <p className="fr-text--sm fr-mb-0 fr-mt-1w">
            Chiffres calculés le {formatDateHeure(calculeLe)}.{" "}
            <Button priority="tertiary" size="small" iconId="fr-icon-refresh-line" onClick={recalculer}>
              Recalculer
            </Button>
          </p>
        )}
        {p.secret_statistique_seuil > 0 && (
          <p className="fr-text--sm fr-mb-0 fr-mt-1w">
            Secret statistique : les effectifs de 1 à {formatNombre(p.secret_statistique_seuil - 1)} sont masqués ; les totaux restent exacts.
          </p>
        )}
        {documentVide(doc) && <p className="fr-text--sm fr-mb-0 fr-mt-1w">Aucune mesure ni orientation sur ce périmètre et cette période : les tables sont à zéro.</p>}
      </div>

      <h2>En un coup d'œil</h2>
      <div className="fr-grid-row fr-grid-row--gutters fr-mb-4w">
        {tableCible && (
          <div className="fr-col-12 fr-col-md-6">
            <Barres titre={`File active au ${formatDate(p.au)} par cible`} barres={serie(tableCible, "cible")} source={tableCible.titre} />
          </div>
        )}
        {tableAge && (
          <div className="fr-col-12 fr-col-md-6">
            <Barres titre={`File active au ${formatDate(p.au)} par tranche d'âge du demandeur`} barres={serie(tableAge, "tranche_age")} source={tableAge.titre} />
          </div>
        )}
        {tableSorties && (
          <div className="fr-col-12">
            <Barres titre={`Sorties par mois, du ${formatDate(p.du)} au ${formatDate(p.au)}`} barres={serie(tableSorties, "mois", true)} source={tableSorties.titre} colonnes />
          </div>
        )}
      </div>

      <nav className="fr-summary fr-mb-4w" aria-labelledby="sommaire-titre">
        <h2 className="fr-summary__title" id="sommaire-titre">
          Sommaire des tables
        </h2>
        <ol>
          {groupes.map((g, i) => (
            <li key={g.titre}>
              <a className="fr-summary__link" href={`#${idSection(i)}`}>
                {g.titre} ({g.tableaux.length} table{g.tableaux.length > 1 ? "s" : ""})
              </a>
            </li>
          ))}
        </ol>
      </nav>

      {choix && !tableChoisie && <ErreurChargement titre="Chiffre introuvable" message={`La table « ${choix.table} » n'existe pas dans ce document.`} />}
      {groupes.map((g, i) => (
        <section key={g.titre} aria-labelledby={idSection(i)}>
          <h2 id={idSection(i)}>{g.titre}</h2>
          <div className="fr-grid-row fr-grid-row--gutters">
            {g.tableaux.map((t) => (
              // One-dimension tables side by side; a cross table takes the whole width.
              <div key={t.code} className={t.dimensions.length > 1 ? "fr-col-12" : "fr-col-12 fr-col-lg-6"}>
                <TableIndicateur
                  tableau={t}
                  lien={lien}
                  detail={
                    choix && tableChoisie === t ? (
                      t.detail_disponible ? (
                        <DetailCellule perimetre={perimetre} choix={choix} tableau={t} fermer={() => fermer(choix)} />
                      ) : (
                        <div className="fr-alert fr-alert--info fr-alert--sm fr-mb-3w" role="status">
                          <p>Les dossiers derrière ce chiffre ne sont pas accessibles à votre organisation : les indicateurs lui sont donnés en agrégats seulement.</p>
                        </div>
                      )
                    ) : undefined
                  }
                />
              </div>
            ))}
          </div>
        </section>
      ))}
    </>
  );
}

function Telechargements({ perimetre }: { perimetre: Perimetre }) {
  const [enCours, setEnCours] = useState<Format | null>(null);
  const [erreur, setErreur] = useState<string | null>(null);
  const [fait, setFait] = useState<string | null>(null);

  const telecharger = async (format: Format) => {
    setEnCours(format);
    setErreur(null);
    setFait(null);
    try {
      const { data, error, response } = await api.GET("/api/v1/indicateurs", {
        params: { query: { ...requeteApi(perimetre), format } },
        parseAs: "blob",
      });
      if (data) {
        const nom = nomDeFichier(response.headers.get("Content-Disposition"), `indicateurs_${perimetre.du}_${perimetre.au}.${format}`);
        enregistrer(data, nom);
        setFait(`Fichier « ${nom} » téléchargé.`);
      } else {
        setErreur(messageErreur(error, response.status));
      }
    } catch (e) {
      setErreur(messageErreur(e));
    } finally {
      setEnCours(null);
    }
  };

  return (
    <div className="fr-mb-3w">
      <div className="ancrage-table-actions">
        <Button priority="secondary" iconId="fr-icon-download-line" disabled={enCours !== null} onClick={() => void telecharger("csv")}>
          {enCours === "csv" ? "Préparation du CSV…" : "Télécharger (CSV)"}
        </Button>
        <Button priority="secondary" iconId="fr-icon-download-line" disabled={enCours !== null} onClick={() => void telecharger("xlsx")}>
          {enCours === "xlsx" ? "Préparation du XLSX…" : "Télécharger (XLSX)"}
        </Button>
      </div>
      <p className="fr-text--xs fr-mt-1w fr-mb-0" aria-live="polite">
        {fait ?? "Le même document : CSV (une ligne par chiffre, séparateur « ; ») ou classeur XLSX (une feuille par table)."}
      </p>
      {erreur && <ErreurChargement titre="Téléchargement impossible" message={erreur} />}
    </div>
  );
}

interface Listes {
  dispositifs: EtatRequete<DispositifPublic[]>;
  conventions: EtatRequete<ConventionPublic[]>;
  organisations: EtatRequete<OrganisationPublic[]>;
}

function FormulairePerimetre({
  listes: { dispositifs, conventions, organisations },
  perimetre,
  associationChoisissable,
  aujourdhui,
  appliquer,
}: {
  listes: Listes;
  perimetre: Perimetre;
  associationChoisissable: boolean;
  aujourdhui: string;
  appliquer: (p: Perimetre) => void;
}) {
  const moi = useMoi();
  const [dispositif, setDispositif] = useState(perimetre.dispositif ?? "");
  const [association, setAssociation] = useState(perimetre.association ?? "");
  const [du, setDu] = useState(perimetre.du);
  const [au, setAu] = useState(perimetre.au);
  const [periode, setPeriode] = useState(() => choixDesDates(perimetre.du, perimetre.au, aujourdhui));
  const [erreurDates, setErreurDates] = useState<string | null>(null);

  const mesDispositifs = dispositifsDuPerimetre(moi.organisation.type, moi.organisation.id, dispositifs.donnees ?? [], conventions.donnees ?? []);
  const optionsDispositifs = mesDispositifs.map((d) => ({ value: d.id, label: d.nom }));
  const associations = associationsConventionnees(conventions.donnees ?? [], mesDispositifs, dispositif || undefined, nomsParId(organisations.donnees ?? []));
  // A choice from the URL not (yet) in the lists still shows, rather than a blank select.
  if (dispositif && dispositifs.donnees && !optionsDispositifs.some((d) => d.value === dispositif)) {
    optionsDispositifs.push({ value: dispositif, label: "Dispositif hors de la liste" });
  }
  if (association && conventions.donnees && !associations.some((a) => a.value === association)) {
    associations.push({ value: association, label: "Association hors de la liste" });
  }

  const choisirPeriode = (valeur: string) => {
    setPeriode(valeur);
    const dates = datesDuChoix(valeur, aujourdhui);
    if (dates) {
      setDu(dates.du);
      setAu(dates.au);
    }
    setErreurDates(null);
  };

  const valider = (e: FormEvent) => {
    e.preventDefault();
    if (!du || !au) {
      setErreurDates("Indiquez les deux dates de la période.");
      return;
    }
    if (du > au) {
      setErreurDates(`Le début de la période (${formatDate(du)}) doit précéder sa fin (${formatDate(au)}).`);
      return;
    }
    appliquer({ dispositif: dispositif || undefined, association: (associationChoisissable && association) || undefined, du, au });
  };

  const erreurListes = dispositifs.erreur ?? conventions.erreur ?? organisations.erreur;
  return (
    <form onSubmit={valider} className="fr-mb-4w" noValidate>
      <fieldset className="fr-fieldset">
        <legend id="perimetre-titre" className="fr-fieldset__legend fr-h5">
          Périmètre et période
        </legend>
        <div className="fr-fieldset__element">
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-6">
            <Select
              label="Dispositif"
              hint={dispositifs.chargement ? "Chargement des dispositifs…" : undefined}
              nativeSelectProps={{ name: "dispositif", value: dispositif, onChange: (e) => setDispositif(e.target.value) }}
            >
              <option value="">Tous les dispositifs de mon périmètre</option>
              {optionsDispositifs.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
            </Select>
          </div>
          {associationChoisissable && (
            <div className="fr-col-12 fr-col-md-6">
              <Select label="Association" nativeSelectProps={{ name: "association", value: association, onChange: (e) => setAssociation(e.target.value) }}>
                <option value="">Toutes les associations</option>
                {associations.map((a) => (
                  <option key={a.value} value={a.value}>
                    {a.label}
                  </option>
                ))}
              </Select>
            </div>
          )}
          <div className="fr-col-12 fr-col-md-4">
            <Select label="Période" nativeSelectProps={{ name: "periode", value: periode, onChange: (e) => choisirPeriode(e.target.value) }}>
              {choixPeriodes(aujourdhui).map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </Select>
          </div>
          <div className="fr-col-6 fr-col-md-4">
            <Input
              label="Du"
              hintText="Début des flux, inclus"
              state={erreurDates ? "error" : "default"}
              stateRelatedMessage={erreurDates ?? undefined}
              nativeInputProps={{
                type: "date",
                name: "du",
                value: du,
                required: true,
                onChange: (e) => {
                  setDu(e.target.value);
                  setPeriode(PERIODE_DATES);
                  setErreurDates(null);
                },
              }}
            />
          </div>
          <div className="fr-col-6 fr-col-md-4">
            <Input
              label="Au"
              hintText="File active à cette date, fin des flux, inclus"
              nativeInputProps={{
                type: "date",
                name: "au",
                value: au,
                required: true,
                onChange: (e) => {
                  setAu(e.target.value);
                  setPeriode(PERIODE_DATES);
                  setErreurDates(null);
                },
              }}
            />
          </div>
          <div className="fr-col-12">
            <Button type="submit">Afficher les indicateurs</Button>
          </div>
        </div>
        </div>
      </fieldset>
      {erreurListes && <ErreurChargement titre="Listes de choix indisponibles" message={erreurListes} />}
    </form>
  );
}
