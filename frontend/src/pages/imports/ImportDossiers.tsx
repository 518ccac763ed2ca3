/**
 * « Importer des dossiers » (api/imports/): an association's responsable downloads the
 * template, drops the filled file, reads the dry run's report line by line, then imports
 * all or nothing. The history lists every attempt.
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { useState, type ChangeEvent } from "react";

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
};

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

  const choisir = (e: ChangeEvent<HTMLInputElement>) => {
    setFichiers(Array.from(e.target.files ?? []));
    setRapport(null);
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
      if (data) {
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

  const essaiValide = rapport !== null && rapport.erreurs.length === 0;

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
            <Button disabled={fichiers.length === 0 || enCours !== null} onClick={() => envoyer(true)}>
              {enCours === "essai" ? "Vérification…" : "Essai à blanc (rien n'est écrit)"}
            </Button>
          </li>
          <li>
            <Button priority="secondary" disabled={!essaiValide || enCours !== null} onClick={() => envoyer(false)}>
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

      {rapport && (
        <section className="fr-mt-4w" aria-labelledby="titre-rapport" aria-live="polite">
          <h2 id="titre-rapport" className="fr-h4">3. Rapport de l'essai</h2>
          {rapport.erreurs.length === 0 ? (
            <Alert
              severity="success"
              title="Aucune erreur"
              description={`${rapport.nb_lignes} ligne(s) vérifiée(s). Vous pouvez importer : tout sera écrit en une fois.`}
            />
          ) : (
            <Alert
              severity="warning"
              title={`${rapport.erreurs.length} erreur(s) : rien ne peut être importé`}
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
              STATUTS[h.statut],
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
