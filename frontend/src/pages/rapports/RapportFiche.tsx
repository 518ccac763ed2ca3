/**
 * One report: its narrative sections written beside the preview of the whole document (the
 * computed blocks as the PDF will show them), PDF and DOCX downloads, the deposit (which
 * freezes it, after a confirmation), and for a deposited report the figures that changed since.
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";

import { api } from "../../api/client";
import { messageErreur } from "../../api/problem";
import type { RapportPublic } from "../../api/types";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate } from "../../lib/dates";
import { useRequete } from "../../lib/useRequete";
import { enregistrer } from "./telecharger";

type Format = "html" | "pdf" | "docx";

export default function RapportFiche() {
  const { rapportId = "" } = useParams();
  const [rapport, setRapport] = useState<RapportPublic | undefined>();
  const [erreurLecture, setErreurLecture] = useState<string | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [textes, setTextes] = useState<Record<string, string>>({});
  const [apercu, setApercu] = useState<string | null>(null);
  const [tour, setTour] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [erreur, setErreur] = useState<string | null>(null);
  const [confirmer, setConfirmer] = useState(false);
  const [occupe, setOccupe] = useState<string | null>(null);

  useEffect(() => {
    let actuel = true;
    api
      .GET("/api/v1/rapports/{rapport_id}", { params: { path: { rapport_id: rapportId } } })
      .then(({ data, error, response }) => {
        if (!actuel) return;
        if (!data) {
          setErreurLecture(messageErreur(error, response.status));
          return;
        }
        setRapport(data);
        setTextes(data.narration);
        // The version the texts are based on: sent back in If-Match.
        setEtag(response.headers.get("ETag"));
      })
      .catch((e: unknown) => actuel && setErreurLecture(messageErreur(e)));
    return () => {
      actuel = false;
    };
  }, [rapportId]);

  useEffect(() => {
    let actuel = true;
    setApercu(null);
    api
      .GET("/api/v1/rapports/{rapport_id}/document", { params: { path: { rapport_id: rapportId }, query: { format: "html" } }, parseAs: "text" })
      .then(({ data }) => {
        if (actuel && typeof data === "string") setApercu(data);
      });
    return () => {
      actuel = false;
    };
  }, [rapportId, tour]);

  const ecarts = useRequete(
    () =>
      rapport?.statut === "depose"
        ? api.GET("/api/v1/rapports/{rapport_id}/ecarts", { params: { path: { rapport_id: rapportId } } })
        : Promise.resolve({ data: undefined, response: new Response() }),
    [rapport?.statut, rapportId],
  );
  // The files that moved: given to the report's author only (a funder reads the figures).
  const avecDossiers = (ecarts.donnees?.ecarts ?? []).some((e) => e.dossiers != null);

  if (erreurLecture) return <ErreurChargement message={erreurLecture} />;
  if (!rapport) return <Chargement />;

  async function enregistrerTextes() {
    setErreur(null);
    setMessage(null);
    const { data, error, response } = await api.PATCH("/api/v1/rapports/{rapport_id}", {
      params: { path: { rapport_id: rapportId }, header: { "If-Match": etag ?? "" } },
      body: { narration: textes },
    });
    if (data) {
      setRapport(data);
      setEtag(response.headers.get("ETag"));
      setMessage("Sections enregistrées.");
      setTour((t) => t + 1);
    } else setErreur(messageErreur(error, response.status));
  }

  async function telecharger(format: Format) {
    setOccupe(`Préparation du ${format.toUpperCase()}…`);
    const { data, error, response } = await api.GET("/api/v1/rapports/{rapport_id}/document", {
      params: { path: { rapport_id: rapportId }, query: { format } },
      parseAs: "blob",
    });
    setOccupe(null);
    if (data instanceof Blob) enregistrer(data, `${rapport?.titre ?? "rapport"}.${format}`);
    else setErreur(messageErreur(error, response.status));
  }

  async function deposer() {
    setOccupe("Dépôt en cours : calcul des chiffres et rendu des documents…");
    setErreur(null);
    const { data, error, response } = await api.POST("/api/v1/rapports/{rapport_id}/deposer", {
      params: { path: { rapport_id: rapportId }, header: { "If-Match": etag ?? "" } },
    });
    setOccupe(null);
    setConfirmer(false);
    if (data) {
      setRapport(data);
      setEtag(response.headers.get("ETag"));
      setMessage(`Rapport déposé le ${formatDate(data.depose_le ?? "")}.`);
      setTour((t) => t + 1);
    } else setErreur(messageErreur(error, response.status));
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
