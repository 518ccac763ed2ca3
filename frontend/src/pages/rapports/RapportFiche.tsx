/**
 * One report: its narrative sections written beside the preview of the whole document (the
 * computed blocks as the PDF will show them), PDF and DOCX downloads, the deposit (which
 * freezes it, after a confirmation), and for a deposited report the figures that changed since.
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useState } from "react";
import { Link, useParams } from "react-router";

import { api } from "../../api/client";
import { useEnvoi, useRessource } from "../../api/formulaire";
import { messageErreur } from "../../api/problem";
import { $api } from "../../api/requetes";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate } from "../../lib/dates";
import { AlertePerime } from "../../components/Perime";
import { enregistrer } from "./telecharger";

type Format = "html" | "pdf" | "docx";

export default function RapportFiche() {
  const { rapportId = "" } = useParams();
  const r = useRessource("/api/v1/rapports/{rapport_id}", { params: { path: { rapport_id: rapportId } } });
  const rapport = r.donnees;
  // The texts being written start from the version read: again after a reload (412), and after
  // a save (the answer is the version read, its narration what was just saved).
  const [saisie, setSaisie] = useState<{ base: typeof rapport; textes: Record<string, string> } | null>(null);
  if (rapport && saisie?.base !== rapport) setSaisie({ base: rapport, textes: rapport.narration });
  const textes = saisie && saisie.base === rapport ? saisie.textes : {};
  const setTextes = (t: Record<string, string>) => setSaisie({ base: rapport, textes: t });
  const [message, setMessage] = useState<string | null>(null);
  const [confirmer, setConfirmer] = useState(false);
  const [occupe, setOccupe] = useState<string | null>(null);
  // No field on this page: a refusal is the API's sentence, in the message zone.
  const { envoyer, echec, perime, effacer } = useEnvoi({
    adapterErreurs: () => ({}),
    messageRefus: ({ probleme, statut }) => messageErreur(probleme, statut),
  });
  const erreur = echec?.message ?? null;

  const apercuLu = $api.useQuery("get", "/api/v1/rapports/{rapport_id}/document", {
    params: { path: { rapport_id: rapportId }, query: { format: "html" } },
    parseAs: "text",
  });
  const apercu = !apercuLu.isFetching && typeof apercuLu.data === "string" ? apercuLu.data : null;

  const ecartsLus = $api.useQuery(
    "get",
    "/api/v1/rapports/{rapport_id}/ecarts",
    { params: { path: { rapport_id: rapportId } } },
    { enabled: rapport?.statut === "depose" },
  );
  const ecarts = { donnees: ecartsLus.data };
  // The files that moved: given to the report's author only (a funder reads the figures).
  const avecDossiers = (ecarts.donnees?.ecarts ?? []).some((e) => e.dossiers != null);

  if (r.erreur) return <ErreurChargement message={r.erreur} />;
  if (!rapport) return <Chargement />;

  const recharger = () => {
    setMessage(null);
    effacer();
    r.recharger();
  };

  async function enregistrerTextes() {
    setMessage(null);
    // If-Match: the version the texts are based on.
    const fait = await envoyer(() =>
      api.PATCH("/api/v1/rapports/{rapport_id}", {
        params: { path: { rapport_id: rapportId }, header: { "If-Match": r.etag ?? "" } },
        body: { narration: textes },
      }),
    );
    if (!fait) return;
    r.remplacer(fait.donnees, fait.etag);
    setMessage("Sections enregistrées.");
    void apercuLu.refetch();
  }

  async function telecharger(format: Format) {
    setOccupe(`Préparation du ${format.toUpperCase()}…`);
    const fait = await envoyer(() =>
      api.GET("/api/v1/rapports/{rapport_id}/document", { params: { path: { rapport_id: rapportId }, query: { format } }, parseAs: "blob" }),
    );
    setOccupe(null);
    const fichier: unknown = fait?.donnees;
    if (fichier instanceof Blob) enregistrer(fichier, `${rapport?.titre ?? "rapport"}.${format}`);
  }

  async function deposer() {
    setOccupe("Dépôt en cours : calcul des chiffres et rendu des documents…");
    const fait = await envoyer(() =>
      api.POST("/api/v1/rapports/{rapport_id}/deposer", {
        params: { path: { rapport_id: rapportId }, header: { "If-Match": r.etag ?? "" } },
      }),
    );
    setOccupe(null);
    setConfirmer(false);
    if (!fait) return;
    r.remplacer(fait.donnees, fait.etag);
    setMessage(`Rapport déposé le ${formatDate(fait.donnees.depose_le ?? "")}.`);
    void apercuLu.refetch();
  }

  const narratives = rapport.sections.filter((s) => s.type === "texte");
  return (
    <>
      <Titre>{rapport.titre}</Titre>
      <p>
        Du {formatDate(rapport.du)} au {formatDate(rapport.au)} —{" "}
        {rapport.statut === "depose" ? `déposé le ${formatDate(rapport.depose_le ?? "")} (empreinte du PDF : ${rapport.pdf_sha256?.slice(0, 12)}…)` : "brouillon"}
      </p>
      {message && <Alert severity="success" small description={message} />}
      {erreur && <Alert severity="error" small description={erreur} />}
      {perime && (
        <AlertePerime titre="Le rapport a changé entre-temps" libelleBouton="Recharger le rapport" onRecharger={recharger} annoncer>
          {perime}
        </AlertePerime>
      )}
      {occupe && (
        <p role="status" aria-live="polite">
          {occupe}
        </p>
      )}
      <ul className="fr-btns-group fr-btns-group--inline">
        <li>
          <Button priority="secondary" onClick={() => telecharger("pdf")}>
            Télécharger le PDF
          </Button>
        </li>
        <li>
          <Button priority="secondary" onClick={() => telecharger("docx")}>
            Télécharger le DOCX
          </Button>
        </li>
        {rapport.modifiable && (
          <li>
            <Button onClick={() => setConfirmer(true)}>Déposer…</Button>
          </li>
        )}
      </ul>
      {confirmer && (
        <Alert
          severity="warning"
          title="Déposer ce rapport ?"
          description={
            <>
              <p>Le dépôt fige le rapport : ses chiffres, ses textes et son modèle ne changeront plus, et le financeur du dispositif pourra le lire.</p>
              <Button onClick={deposer}>Confirmer le dépôt</Button>{" "}
              <Button priority="tertiary" onClick={() => setConfirmer(false)}>
                Annuler
              </Button>
            </>
          }
        />
      )}
      <div className="fr-grid-row fr-grid-row--gutters">
        {rapport.modifiable && (
          <div className="fr-col-12 fr-col-md-5">
            <h2>Textes</h2>
            {narratives.map((s) => (
              <Input
                key={s.code}
                label={s.titre}
                hintText={"aide" in s ? s.aide : undefined}
                textArea
                nativeTextAreaProps={{ rows: 6, value: textes[s.code] ?? "", onChange: (e) => setTextes({ ...textes, [s.code]: e.target.value }) }}
              />
            ))}
            <Button onClick={enregistrerTextes}>Enregistrer les textes</Button>
          </div>
        )}
        <div className={rapport.modifiable ? "fr-col-12 fr-col-md-7" : "fr-col-12"}>
          <h2>Aperçu</h2>
          {apercu === null ? <Chargement /> : <iframe title="Aperçu du rapport" srcDoc={apercu} sandbox="" style={{ width: "100%", height: "70vh", border: "1px solid #ddd" }} />}
        </div>
      </div>
      {rapport.statut === "depose" && ecarts.donnees && (
        <div className="fr-table">
          <table>
            <caption>Écarts depuis le dépôt ({ecarts.donnees.ecarts.length})</caption>
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Valeur</th>
                <th scope="col">Période</th>
                <th scope="col">Déposé</th>
                <th scope="col">Aujourd'hui</th>
                {avecDossiers && <th scope="col">Dossiers qui ont bougé</th>}
              </tr>
            </thead>
            <tbody>
              {ecarts.donnees.ecarts.map((e) => (
                <tr key={`${e.table}-${e.cellule}-${e.periode}`}>
                  <td>{e.table_titre}</td>
                  <td>{e.libelle}</td>
                  <td>{e.periode}</td>
                  <td>{e.avant ?? "secret"}</td>
                  <td>{e.apres ?? "secret"}</td>
                  {avecDossiers && (
                    <td>
                      {(e.dossiers ?? []).map((d) => (
                        <div key={`${d.id}-${d.sens}`}>
                          {d.sens === "sort" ? "− " : "+ "}
                          <Link to={`/${d.type === "mesure" ? "mesures" : "orientations"}/${d.id}`}>{d.reference ?? "dossier supprimé"}</Link>
                          {(d.pourquoi ?? []).length > 0 && ` : ${(d.pourquoi ?? []).join(" ; ")}`}
                        </div>
                      ))}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
