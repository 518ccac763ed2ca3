/**
 * Rapports: the reports the caller may read (its own drafts and deposited reports; for a
 * commission or a funder, the deposited reports of its dispositifs), and a new draft from
 * a model (api/rapports).
 */
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";

import { api } from "../../api/client";
import { messageErreur } from "../../api/problem";
import { useMoi } from "../../auth/AuthContext";
import { Chargement } from "../../components/Chargement";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDate } from "../../lib/dates";
import { useRequete } from "../../lib/useRequete";

export default function Rapports() {
  const moi = useMoi();
  const auteur = moi.organisation.type === "association" || moi.organisation.type === "gie";
  const rapports = useRequete(() => api.GET("/api/v1/rapports", { params: { query: { limit: 100 } } }), []);
  const modeles = useRequete(
    () => (auteur ? api.GET("/api/v1/rapports/modeles") : Promise.resolve({ data: [], response: new Response() })),
    [auteur],
  );
  const dispositifs = useRequete(() => api.GET("/api/v1/dispositifs", { params: { query: { limit: 100 } } }), []);
  const navigate = useNavigate();
  const [modeleId, setModeleId] = useState("");
  const [dispositifId, setDispositifId] = useState("");
  const [annee, setAnnee] = useState(String(new Date().getFullYear() - 1));
  const [erreur, setErreur] = useState<string | null>(null);

  async function creer(e: FormEvent) {
    e.preventDefault();
    setErreur(null);
    const { data, error, response } = await api.POST("/api/v1/rapports", {
      body: { modele_id: modeleId, dispositif_id: dispositifId, annee: Number(annee) },
    });
    if (data) navigate(`/rapports/${data.id}`);
    else setErreur(messageErreur(error, response.status));
  }

  return (
    <>
      <Titre>Rapports</Titre>
      {rapports.chargement && <Chargement />}
      {rapports.erreur && <ErreurChargement message={rapports.erreur} />}
      {rapports.donnees && (
        <div className="fr-table">
          <table>
            <caption>Rapports ({rapports.donnees.total})</caption>
            <thead>
              <tr>
                <th scope="col">Titre</th>
                <th scope="col">Période</th>
                <th scope="col">Statut</th>
              </tr>
            </thead>
            <tbody>
              {rapports.donnees.items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/rapports/${r.id}`}>{r.titre}</Link>
                  </td>
                  <td>
                    du {formatDate(r.du)} au {formatDate(r.au)}
                  </td>
                  <td>{r.statut === "depose" ? `Déposé le ${formatDate(r.depose_le ?? "")}` : "Brouillon"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {auteur && modeles.donnees && dispositifs.donnees && (
        <form onSubmit={creer} aria-labelledby="titre-nouveau">
          <h2 id="titre-nouveau">Nouveau rapport</h2>
          <Select label="Modèle" nativeSelectProps={{ value: modeleId, onChange: (e) => setModeleId(e.target.value), required: true }}>
            <option value="">Choisir un modèle</option>
            {modeles.donnees.map((m) => (
              <option key={m.id} value={m.id}>
                {m.nom} (v{m.version})
              </option>
            ))}
          </Select>
          <Select label="Dispositif" nativeSelectProps={{ value: dispositifId, onChange: (e) => setDispositifId(e.target.value), required: true }}>
            <option value="">Choisir un dispositif</option>
            {dispositifs.donnees.items.map((d) => (
              <option key={d.id} value={d.id}>
                {d.nom}
              </option>
            ))}
          </Select>
          <Input label="Année" nativeInputProps={{ type: "number", min: 2000, max: 2100, value: annee, onChange: (e) => setAnnee(e.target.value) }} />
          {erreur && <p className="fr-error-text">{erreur}</p>}
          <Button type="submit">Créer le brouillon</Button>
        </form>
      )}
    </>
  );
}
