/**
 * « Importer des dossiers » (api/imports/): an association's responsable downloads the
 * template, drops the filled file, reads the dry run's report line by line, then imports
 * all or nothing. The history lists every attempt.
 *
 * A large file (above ANCRAGE_IMPORT_LIGNES_SYNCHRONES lines) is answered 202: the worker runs
 * it in the background and the screen polls its progress (lines read, checked, written). The
 * task lives in the database: leaving the screen and coming back finds it again in the history.
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Stepper } from "@codegouvfr/react-dsfr/Stepper";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useEffect, useRef, useState, type ChangeEvent } from "react";

import { api } from "../../api/client";
import { isProblem, messageErreur } from "../../api/problem";
import type { components } from "../../api/schema";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDateHeure } from "../../lib/dates";
import { useRequete } from "../../lib/useRequete";
import { nomDeFichier } from "../indicateurs/tableaux";

type Rapport = components["schemas"]["RapportImport"];
type Historique = components["schemas"]["ImportPublic"];

const FEUILLES_CSV = [
  ["menages", "Ménages et personnes"],
  ["ressources_dettes", "Ressources et dettes"],
  ["mesures", "Mesures"],
  ["rendez_vous", "Rendez-vous"],
] as const;

const STATUTS: Record<Historique["statut"], string> = {
  essai_valide: "Essai sans erreur",
  essai_erreurs: "Essai avec erreurs",
  importe: "Importé",
  refuse: "Refusé (rien écrit)",
  en_attente: "En attente du traitement",
  en_cours: "En cours",
  echec: "Échec (rien écrit)",
};

/** A background task still waiting or running: the screen polls it. */
const enFond = (h: Historique) => h.statut === "en_attente" || h.statut === "en_cours";
const INTERVALLE_MS = 1500;

function etape(t: Historique): { numero: number; titre: string; suivante?: string; faites: number } {
  if (t.statut === "en_attente") return { numero: 1, titre: "En attente du traitement", suivante: "Vérification des lignes", faites: 0 };
  if (t.lignes_verifiees < t.nb_lignes) return { numero: 2, titre: "Vérification des lignes", suivante: "Écriture", faites: t.lignes_verifiees };
  return { numero: 3, titre: t.essai ? "Écriture à blanc (rien n'est gardé)" : "Écriture (tout ou rien)", faites: t.lignes_ecrites };
}

/** The progress of a background task, polled until it ends; then its report goes up. */
function Progression({ tache, onFin, onProgres }: { tache: Historique; onFin: (fin: Rapport) => void; onProgres: () => void }) {
  const [etat, setEtat] = useState<Historique>(tache);
  const dernier = useRef<Historique>(tache);
  const [erreur, setErreur] = useState<string | null>(null);
  useEffect(() => {
    let actif = true;
    let minuterie: number | undefined;
    const interroger = async () => {
      try {
        const { data, error, response } = await api.GET("/api/v1/imports/{import_id}", {
          params: { path: { import_id: tache.id } },
        });
        if (!actif) return;
        if (data) {
          // The history's row follows, when something moved.
          const avant = dernier.current;
          if (avant.statut !== data.statut || avant.lignes_ecrites !== data.lignes_ecrites) onProgres();
          dernier.current = data;
          setEtat(data);
          setErreur(null);
          if (!enFond(data)) {
            onFin(data);
            return;
          }
        } else setErreur(messageErreur(error, response.status));
      } catch (e) {
        if (actif) setErreur(messageErreur(e));
      }
      if (actif) minuterie = window.setTimeout(() => void interroger(), INTERVALLE_MS);
    };
    minuterie = window.setTimeout(() => void interroger(), INTERVALLE_MS);
    return () => {
      actif = false;
      window.clearTimeout(minuterie);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tache.id]);
  const { numero, titre, suivante, faites } = etape(etat);
  const pourcent = etat.nb_lignes > 0 ? Math.round((100 * faites) / etat.nb_lignes) : 0;
  return (
    <section className="fr-mt-4w" aria-labelledby="titre-progression">
      <h2 id="titre-progression" className="fr-h4">
        {etat.essai ? "Essai à blanc en cours" : "Import en cours"} : « {etat.nom_fichier} »
      </h2>
      <p className="fr-text--sm">
        Gros fichier ({etat.nb_lignes} lignes) : il est traité en tâche de fond. Vous pouvez quitter cet écran et revenir ;
        l'historique des imports montre sa progression puis son résultat.
      </p>
      <Stepper currentStep={numero} stepCount={3} title={titre} nextTitle={suivante} />
      <label className="fr-label" htmlFor="progression-import">
        {`${faites} / ${etat.nb_lignes} lignes (${pourcent} %)`}
      </label>
      <progress id="progression-import" className="ancrage-progression" max={etat.nb_lignes || 1} value={faites}>
        {pourcent} %
      </progress>
      <ul className="fr-text--sm fr-mt-1w" aria-live="polite">
        <li>{`Lignes lues : ${etat.lignes_lues}`}</li>
        <li>{`Lignes vérifiées : ${etat.lignes_verifiees}`}</li>
        <li>{`Lignes écrites${etat.essai ? " (à blanc)" : ""} : ${etat.lignes_ecrites}`}</li>
      </ul>
      {erreur && <Alert severity="warning" small description={`Progression indisponible pour l'instant : ${erreur}`} />}
    </section>
  );
}

const NATURES: Record<string, string> = { menage: "Ménages", mesure: "Mesures", rendez_vous: "Rendez-vous" };

function enregistrer(blob: Blob, nom: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = nom;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

type Correspondance = Record<string, Record<string, string>>;

/** What a 422 gives when a sheet's required columns are not found: the file's headers,
 * the sheet's columns and what was recognised, to propose the mapping. */
type AAssocier = {
  feuille: string;
  feuille_nom: string;
  entetes: string[];
  colonnes_attendues: { cle: string; libelle: string; obligatoire: boolean }[];
  associees: Record<string, string>;
};

function aAssocier(erreur: unknown): AAssocier | null {
  if (!isProblem(erreur)) return null;
  const p = erreur as Record<string, unknown>;
  return typeof p.feuille === "string" && Array.isArray(p.entetes) && Array.isArray(p.colonnes_attendues)
    ? (p as unknown as AAssocier)
    : null;
}

function formulaire(fichiers: File[], correspondance: Correspondance): FormData {
  const f = new FormData();
  for (const fichier of fichiers) f.append("fichiers", fichier, fichier.name);
  if (Object.keys(correspondance).length > 0) f.append("correspondance", JSON.stringify(correspondance));
  return f;
}

function Correspondances({
  demande,
  initiale,
  onValider,
  desactive,
}: {
  demande: AAssocier;
  initiale: Record<string, string>;
  onValider: (colonnes: Record<string, string>) => void;
  desactive: boolean;
}) {
  const [choix, setChoix] = useState<Record<string, string>>({ ...demande.associees, ...initiale });
  const pris = new Set(Object.values(choix).filter(Boolean));
  const manquantes = demande.colonnes_attendues.filter((c) => c.obligatoire && !pris.has(c.cle));
  return (
    <section className="fr-mt-4w" aria-labelledby="titre-correspondance">
      <h2 id="titre-correspondance" className="fr-h4">{`Associer les colonnes de « ${demande.feuille_nom} »`}</h2>
      <p className="fr-text--sm">
        Les en-têtes de votre fichier ne sont pas ceux du modèle. Dites à quelle colonne attendue correspond chacune des vôtres ;
        cette correspondance sera gardée pour votre prochain import.
      </p>
      {demande.entetes.map((entete, i) => (
        <div key={entete} className="fr-select-group">
          <label className="fr-label" htmlFor={`correspondance-${i}`}>{`Colonne « ${entete} » du fichier`}</label>
          <select
            id={`correspondance-${i}`}
            className="fr-select"
            value={choix[entete] ?? ""}
            onChange={(e) => setChoix({ ...choix, [entete]: e.target.value })}
          >
            <option value="">— Ne pas importer —</option>
            {demande.colonnes_attendues.map((c) => (
              <option key={c.cle} value={c.cle} disabled={pris.has(c.cle) && choix[entete] !== c.cle}>
                {`${c.libelle} (${c.cle})${c.obligatoire ? " — obligatoire" : ""}`}
              </option>
            ))}
          </select>
        </div>
      ))}
      {manquantes.length > 0 && (
        <p className="fr-message fr-message--error" role="status">
          {`Colonne(s) obligatoire(s) encore sans correspondance : ${manquantes.map((c) => c.libelle).join(", ")}.`}
        </p>
      )}
      <Button
        disabled={desactive || manquantes.length > 0}
        onClick={() => onValider(Object.fromEntries(Object.entries(choix).filter(([, cle]) => cle)))}
      >
        Refaire l'essai avec ces colonnes
      </Button>
    </section>
  );
}

function Bilan({ rapport }: { rapport: Historique }) {
  return (
    <Table
      caption="Bilan par nature"
      headers={["Nature", "Créés", "Modifiés", "Inchangés"]}
      data={Object.entries(rapport.bilan).map(([nature, c]) => [
        NATURES[nature] ?? nature,
        String(c.cree ?? 0),
        String(c.modifie ?? 0),
        String(c.inchange ?? 0),
      ])}
    />
  );
}

export default function ImportDossiers() {
  const [fichiers, setFichiers] = useState<File[]>([]);
  const [rapport, setRapport] = useState<Rapport | null>(null);
  const [erreur, setErreur] = useState<string | null>(null);
  const [enCours, setEnCours] = useState<"essai" | "import" | "modele" | null>(null);
  const [importe, setImporte] = useState<Rapport | null>(null);
  const [demande, setDemande] = useState<AAssocier | null>(null);
  // The mapping sent with each upload; without one, the API applies the association's kept one.
  const [correspondance, setCorrespondance] = useState<Correspondance>({});
  const historique = useRequete(() => api.GET("/api/v1/imports"), []);
  // A background task being followed: the one just deposited, or one found running on return.
  const [tache, setTache] = useState<Historique | null>(null);
  useEffect(() => {
    const courante = historique.donnees?.find(enFond);
    if (courante && tache === null && enCours === null) setTache(courante);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [historique.donnees]);

  const terminer = (fin: Rapport) => {
    setTache(null);
    historique.recharger();
    if (fin.statut === "echec") setErreur(fin.message ?? "La tâche s'est arrêtée : rien n'a été écrit.");
    else if (fin.statut === "importe") {
      setImporte(fin);
      setRapport(null);
    } else setRapport(fin);
  };

  const choisir = (e: ChangeEvent<HTMLInputElement>) => {
    const choisis = Array.from(e.target.files ?? []);
    setFichiers(choisis);
    // The same file chosen again (after leaving the screen during a background dry run):
    // its report stands, the import may follow (the API checks it all again anyway).
    const memes = rapport !== null && rapport.essai && rapport.nom_fichier === choisis.map((f) => f.name).join(", ");
    if (!memes) setRapport(null);
    setImporte(null);
    setErreur(null);
    setDemande(null);
  };

  const telechargerModele = async (feuille?: (typeof FEUILLES_CSV)[number][0]) => {
    setEnCours("modele");
    setErreur(null);
    try {
      const { data, error, response } = feuille
        ? await api.GET("/api/v1/imports/modele/{feuille}.csv", { params: { path: { feuille } }, parseAs: "blob" })
        : await api.GET("/api/v1/imports/modele.xlsx", { parseAs: "blob" });
      if (data) enregistrer(data, nomDeFichier(response.headers.get("Content-Disposition"), feuille ? `${feuille}.csv` : "modele.xlsx"));
      else setErreur(messageErreur(error, response.status));
    } catch (e) {
      setErreur(messageErreur(e));
    } finally {
      setEnCours(null);
    }
  };

  const envoyer = async (essai: boolean, colonnes: Correspondance = correspondance) => {
    setEnCours(essai ? "essai" : "import");
    setErreur(null);
    // A result on the screen is always the one of the last click: an earlier import's
    // « Import terminé » left under a new dry run would be read as this file's.
    setImporte(null);
    setDemande(null);
    if (essai) setRapport(null);
    try {
      const options = {
        body: formulaire(fichiers, colonnes) as unknown as { fichiers: string[] },
        bodySerializer: (corps: unknown) => corps as FormData,
      };
      const { data, error, response } = essai
        ? await api.POST("/api/v1/imports/essai", options)
        : await api.POST("/api/v1/imports", options);
      if (data && response.status === 202) {
        setTache(data);
        setRapport(null);
      } else if (data && "erreurs" in data) {
        if (essai) setRapport(data);
        else {
          setImporte(data);
          setRapport(null);
        }
      } else {
        const proposition = aAssocier(error);
        if (proposition) setDemande(proposition);
        else setErreur(messageErreur(error, response.status));
      }
      historique.recharger();
    } catch (e) {
      setErreur(messageErreur(e));
    } finally {
      setEnCours(null);
    }
  };

  const essaiValide =
    fichiers.length > 0 && rapport !== null && rapport.essai && rapport.nb_erreurs === 0 && rapport.erreurs.length === 0;

  return (
    <>
      <Titre>Importer des dossiers</Titre>
      <p>
        Reprenez votre file active depuis votre tableur : ménages et personnes, ressources et dettes, mesures en cours ou
        terminées avec leurs dates passées, rendez-vous passés. Vos propres références rendent l'import rejouable : déposer à
        nouveau le fichier corrigé met à jour ce qui a changé, sans doublon.
      </p>

      <section className="fr-mt-4w" aria-labelledby="titre-modele">
        <h2 id="titre-modele" className="fr-h4">1. Le modèle</h2>
        <p className="fr-text--sm">
          Une feuille par nature, une note sur chaque en-tête, des listes de valeurs et une ligne d'exemple. Les mêmes colonnes
          existent en CSV, un fichier par feuille.
        </p>
        <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm">
          <li>
            <Button priority="secondary" disabled={enCours !== null} onClick={() => telechargerModele()}>
              Modèle XLSX (toutes les feuilles)
            </Button>
          </li>
          {FEUILLES_CSV.map(([cle, nom]) => (
            <li key={cle}>
              <Button priority="tertiary" disabled={enCours !== null} onClick={() => telechargerModele(cle)}>
                {`${nom} (CSV)`}
              </Button>
            </li>
          ))}
        </ul>
      </section>

      <section className="fr-mt-4w" aria-labelledby="titre-depot">
        <h2 id="titre-depot" className="fr-h4">2. Déposer le fichier</h2>
        <div className="fr-upload-group">
          <label className="fr-label" htmlFor="fichiers-import">
            Classeur XLSX, ou fichiers CSV nommés comme les feuilles (menages.csv, mesures.csv…)
            <span className="fr-hint-text">Séparateur « ; » ou « , », UTF-8 ou Windows-1252. Dates jj/mm/aaaa.</span>
          </label>
          <input className="fr-upload" type="file" id="fichiers-import" name="fichiers" multiple accept=".xlsx,.csv" onChange={choisir} />
        </div>
        <ul className="fr-btns-group fr-btns-group--inline-md fr-mt-2w">
          <li>
            <Button disabled={fichiers.length === 0 || enCours !== null || tache !== null} onClick={() => envoyer(true)}>
              {enCours === "essai" ? "Vérification…" : "Essai à blanc (rien n'est écrit)"}
            </Button>
          </li>
          <li>
            <Button priority="secondary" disabled={!essaiValide || enCours !== null || tache !== null} onClick={() => envoyer(false)}>
              {enCours === "import" ? "Import…" : "Importer"}
            </Button>
          </li>
        </ul>
        {erreur && <Alert severity="error" title="Dépôt refusé" description={erreur} className="fr-mt-2w" />}
      </section>

      {demande && (
        <Correspondances
          key={`${demande.feuille}-${demande.entetes.join("|")}`}
          demande={demande}
          initiale={correspondance[demande.feuille] ?? {}}
          desactive={enCours !== null}
          onValider={(colonnes) => {
            const suivante = { ...correspondance, [demande.feuille]: colonnes };
            setCorrespondance(suivante);
            void envoyer(true, suivante);
          }}
        />
      )}

      {tache && <Progression key={tache.id} tache={tache} onFin={terminer} onProgres={historique.recharger} />}

      {rapport && (
        <section className="fr-mt-4w" aria-labelledby="titre-rapport" aria-live="polite">
          <h2 id="titre-rapport" className="fr-h4">{rapport.essai ? "3. Rapport de l'essai" : "Import refusé : rapport"}</h2>
          {rapport.erreurs.length === 0 && rapport.nb_erreurs > 0 ? (
            <Alert
              severity="warning"
              title={`${rapport.nb_erreurs} erreur(s) : rien n'a été importé`}
              description="Refaites l'essai à blanc pour lire le détail par ligne."
            />
          ) : rapport.erreurs.length === 0 ? (
            <Alert
              severity="success"
              title="Aucune erreur"
              description={
                fichiers.length > 0
                  ? `${rapport.nb_lignes} ligne(s) vérifiée(s). Vous pouvez importer : tout sera écrit en une fois.`
                  : `${rapport.nb_lignes} ligne(s) vérifiée(s). Pour importer, choisissez à nouveau le fichier « ${rapport.nom_fichier} ».`
              }
            />
          ) : (
            <Alert
              severity="warning"
              title={`${rapport.nb_erreurs || rapport.erreurs.length} erreur(s) : rien ne peut être importé`}
              description="Corrigez-les dans votre fichier puis refaites l'essai."
            />
          )}
          <Bilan rapport={rapport} />
          {rapport.erreurs.length > 0 && (
            <Table
              caption="Erreurs par ligne"
              headers={["Feuille", "Ligne", "Colonne", "Valeur", "Ce qui ne va pas"]}
              data={rapport.erreurs.map((e) => [
                e.feuille,
                e.ligne === null ? "—" : String(e.ligne),
                e.colonne ?? "—",
                e.valeur === null || e.valeur === undefined ? "(vide)" : String(e.valeur),
                e.message,
              ])}
            />
          )}
        </section>
      )}

      {importe && (
        <section className="fr-mt-4w" aria-live="polite">
          <Alert severity="success" title="Import terminé" description={`${importe.nb_lignes} ligne(s) importée(s) depuis « ${importe.nom_fichier} ».`} />
          <Bilan rapport={importe} />
        </section>
      )}

      <section className="fr-mt-6w" aria-labelledby="titre-historique">
        <h2 id="titre-historique" className="fr-h4">Historique des imports</h2>
        {historique.chargement && !historique.donnees && <Chargement />}
        {historique.erreur && <ErreurChargement message={historique.erreur} />}
        {historique.donnees && historique.donnees.length === 0 && <p>Aucun import pour l'instant.</p>}
        {historique.donnees && historique.donnees.length > 0 && (
          <Table
            caption="Historique des imports"
            noCaption
            headers={["Date", "Fichier", "Résultat", "Lignes", "Erreurs", "Ménages créés / modifiés", "Mesures créées / modifiées"]}
            data={historique.donnees.map((h) => [
              formatDateHeure(h.quand),
              h.nom_fichier,
              enFond(h) ? `${STATUTS[h.statut]} (${h.lignes_ecrites} / ${h.nb_lignes} lignes écrites)` : STATUTS[h.statut],
              String(h.nb_lignes),
              String(h.nb_erreurs),
              `${h.bilan.menage?.cree ?? 0} / ${h.bilan.menage?.modifie ?? 0}`,
              `${h.bilan.mesure?.cree ?? 0} / ${h.bilan.mesure?.modifie ?? 0}`,
            ])}
          />
        )}
      </section>
    </>
  );
}
