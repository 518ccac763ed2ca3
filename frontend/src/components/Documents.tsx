/**
 * The « Documents » section of a household, referral or mesure: the documents the
 * reader may read (the API decides), an upload with its progress, and a preview of
 * PDFs and images in the page (fetched with the session's token, shown from a blob).
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";

import { useEnvoi, type Reponse } from "../api/formulaire";
import { messageErreur } from "../api/problem";
import { $api, echecLecture } from "../api/requetes";
import type { components } from "../api/schema";
import { jeton } from "../api/session";
import { formatDate, jourParis } from "../lib/dates";
import { Chargement } from "./Chargement";
import { ErreurChargement } from "./ErreurChargement";

type DocumentPublic = components["schemas"]["DocumentPublic"];
type TypeDocument = components["schemas"]["TypeDocument"];
export type Rattachement = { menage_id: string } | { orientation_id: string } | { mesure_id: string };

const TYPES: [TypeDocument, string][] = [
  ["rapport_social", "Rapport social"],
  ["evaluation", "Évaluation"],
  ["justificatif_ressources", "Justificatif de ressources"],
  ["dette_locative", "Dette locative"],
  ["adhesion_signee", "Adhésion signée"],
  ["decision", "Décision"],
  ["autre", "Autre"],
];

function taille(octets: number): string {
  return octets < 1024 * 1024 ? `${Math.max(1, Math.round(octets / 1024))} Ko` : `${(octets / 1024 / 1024).toFixed(1)} Mo`;
}

/** multipart upload through XMLHttpRequest: fetch() reports no upload progress. */
function televerser(formulaire: FormData, progression: (p: number) => void): Promise<{ statut: number; corps: unknown }> {
  return new Promise((resoudre, rejeter) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/documents");
    const t = jeton.get();
    if (t) xhr.setRequestHeader("Authorization", `Bearer ${t}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && progression(Math.round((100 * e.loaded) / e.total));
    xhr.onload = () => {
      let corps: unknown = null;
      try {
        corps = JSON.parse(xhr.responseText);
      } catch {
        corps = null;
      }
      resoudre({ statut: xhr.status, corps });
    };
    xhr.onerror = () => rejeter(new Error("Le serveur est injoignable."));
    xhr.send(formulaire);
  });
}

function Apercu({ document, fermer }: { document: DocumentPublic; fermer: () => void }) {
  const lu = $api.useQuery("get", "/api/v1/documents/{document_id}/contenu", { params: { path: { document_id: document.id } }, parseAs: "blob" });
  const erreur = echecLecture(lu.error)?.message ?? null;
  const contenu: unknown = lu.data;
  const [url, setUrl] = useState<string | null>(null);
  // The blob is shown through an object URL, released when the preview closes or changes.
  useEffect(() => {
    if (!(contenu instanceof Blob)) return;
    const lien = URL.createObjectURL(contenu);
    setUrl(lien);
    return () => {
      URL.revokeObjectURL(lien);
      setUrl(null);
    };
  }, [contenu]);
  return (
    <div className="fr-mt-2w fr-p-2w" style={{ border: "1px solid var(--border-default-grey)" }}>
      <div className="fr-grid-row fr-grid-row--middle fr-mb-1w">
        <p className="fr-mb-0 fr-col">
          <strong>{document.titre}</strong>
        </p>
        <Button priority="tertiary" size="small" onClick={fermer}>
          Fermer l'aperçu
        </Button>
      </div>
      {erreur && <ErreurChargement message={erreur} />}
      {!url && !erreur && <Chargement />}
      {url && document.format === "pdf" && (
        <iframe title={`Aperçu : ${document.titre}`} src={url} style={{ width: "100%", height: "70vh", border: 0 }} />
      )}
      {url && document.format !== "pdf" && <img src={url} alt={document.titre} style={{ maxWidth: "100%" }} />}
    </div>
  );
}

/** ``niveau``: the heading's level (4 inside a commission session's agenda, where each
 * referral shows its own documents). */
export function Documents({
  rattachement,
  peutDeposer = true,
  niveau = 2,
}: {
  rattachement: Rattachement;
  peutDeposer?: boolean;
  niveau?: 2 | 4;
}) {
  const idTitre = useId();
  const Titre = niveau === 2 ? "h2" : "h4";
  const lu = $api.useQuery("get", "/api/v1/documents", { params: { query: { ...rattachement, limit: 100 } } });
  const { data: donnees, isPending: chargement } = lu;
  const erreur = echecLecture(lu.error)?.message;
  const [apercu, setApercu] = useState<DocumentPublic | null>(null);
  const [progression, setProgression] = useState<number | null>(null);
  const [message, setMessage] = useState<{ succes: boolean; texte: string } | null>(null);
  // A refusal: the API's detail (or the usual sentence) in the message zone.
  const { envoyer } = useEnvoi({
    adapterErreurs: () => ({}),
    messageRefus: ({ probleme, statut }) => (probleme ? probleme.detail : messageErreur(probleme, statut)),
    surRefus: (echec) => setMessage({ succes: false, texte: echec.message }),
  });
  const fichierRef = useRef<HTMLInputElement>(null);

  const deposer = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formulaire = new FormData(e.currentTarget);
    for (const [k, v] of Object.entries(rattachement)) formulaire.set(k, v as string);
    formulaire.set("confidentiel", formulaire.get("confidentiel") ? "true" : "false");
    setMessage(null);
    setProgression(0);
    const form = e.currentTarget;
    const fait = await envoyer(async (): Promise<Reponse<unknown>> => {
      const { statut, corps } = await televerser(formulaire, setProgression);
      const ok = statut >= 200 && statut < 300;
      return { data: ok ? corps : undefined, error: ok ? undefined : corps, response: new Response(null, { status: statut }) };
    });
    setProgression(null);
    if (!fait) return;
    setMessage({ succes: true, texte: "Le document est déposé." });
    form.reset();
    void lu.refetch();
  };

  return (
    <section className={niveau === 2 ? "fr-mb-4w" : "fr-mb-2w"} aria-labelledby={idTitre}>
      <Titre id={idTitre} className={niveau === 2 ? "fr-h4" : "fr-h6 fr-mb-1w"}>
        Documents
      </Titre>
      {chargement && !donnees && <Chargement />}
      {erreur && <ErreurChargement message={erreur} />}
      {donnees && donnees.items.length === 0 && <p>Aucun document que vous puissiez lire.</p>}
      {donnees && donnees.items.length > 0 && (
        <ul className="fr-raw-list">
          {donnees.items.map((d) => (
            <li key={d.id} className="fr-mb-1w">
              <strong>{d.titre}</strong> — {d.type_libelle}, du {formatDate(d.date_document)} ({d.format.toUpperCase()},{" "}
              {taille(d.taille)}){d.confidentiel && <span className="fr-badge fr-badge--sm fr-ml-1w">Confidentiel</span>}
              {d.analyse === "non_analysee" && (
                <span className="fr-badge fr-badge--warning fr-badge--sm fr-ml-1w">Non analysé par l'antivirus</span>
              )}{" "}
              {d.apercu && (
                <Button priority="tertiary" size="small" onClick={() => setApercu(d)}>
                  Aperçu
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {apercu && <Apercu document={apercu} fermer={() => setApercu(null)} />}
      {peutDeposer && (
        <form onSubmit={(e) => void deposer(e)} className="fr-mt-3w" aria-label="Déposer un document">
          <div className="fr-grid-row fr-grid-row--gutters">
            <div className="fr-col-12 fr-col-md-6 fr-input-group">
              <label className="fr-label" htmlFor="doc-fichier">
                Fichier
                <span className="fr-hint-text">PDF, JPEG, PNG, DOCX ou ODT ; analysé par l'antivirus au dépôt.</span>
              </label>
              <input ref={fichierRef} className="fr-upload" type="file" id="doc-fichier" name="fichier" required accept=".pdf,.jpg,.jpeg,.png,.docx,.odt" />
            </div>
            <div className="fr-col-12 fr-col-md-6 fr-select-group">
              <label className="fr-label" htmlFor="doc-type">
                Type
              </label>
              <select className="fr-select" id="doc-type" name="type" defaultValue="evaluation">
                {TYPES.map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
              </select>
            </div>
            <div className="fr-col-12 fr-col-md-6 fr-input-group">
              <label className="fr-label" htmlFor="doc-titre">
                Titre
              </label>
              <input className="fr-input" id="doc-titre" name="titre" required maxLength={200} />
            </div>
            <div className="fr-col-12 fr-col-md-6 fr-input-group">
              <label className="fr-label" htmlFor="doc-date">
                Date du document
              </label>
              <input className="fr-input" type="date" id="doc-date" name="date_document" required defaultValue={jourParis()} />
            </div>
          </div>
          <div className="fr-checkbox-group fr-mb-2w">
            <input type="checkbox" id="doc-confidentiel" name="confidentiel" value="true" />
            <label className="fr-label" htmlFor="doc-confidentiel">
              Confidentiel : le garder dans mon organisation (la commission ne le verra pas)
            </label>
          </div>
          {progression !== null && (
            <p role="status">
              Envoi… <progress max={100} value={progression} aria-label="Progression de l'envoi" /> {progression} %
            </p>
          )}
          <div aria-live="polite">
            {message && (
              <Alert severity={message.succes ? "success" : "error"} small description={message.texte} className="fr-mb-2w" />
            )}
          </div>
          <Button type="submit" disabled={progression !== null}>
            Déposer
          </Button>
        </form>
      )}
    </section>
  );
}
