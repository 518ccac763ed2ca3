import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { api } from "../../api/client";
import { echecFormulaire, type ErreursChamps, erreursParChamp, messageErreur, type ProblemDetails } from "../../api/problem";
import { Chargement } from "../../components/Chargement";
import { ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { clesAffichees, depuisMenage, versPayload, type MenageForm } from "./formulaire";
import { MenageFormulaire } from "./MenageFormulaire";

export default function MenageModifier() {
  const { menageId = "" } = useParams();
  const navigate = useNavigate();
  const [reference, setReference] = useState("");
  const [etag, setEtag] = useState<string | null>(null);
  const [valeurs, setValeurs] = useState<MenageForm | null>(null);
  const [erreurLecture, setErreurLecture] = useState<string | null>(null);
  const [erreurs, setErreurs] = useState<ErreursChamps>({});
  const [echec, setEchec] = useState<{ message: string; orphelines: ErreursChamps } | null>(null);
  const [perime, setPerime] = useState(false);
  const [envoi, setEnvoi] = useState(false);
  const [tour, setTour] = useState(0);

  useEffect(() => {
    let actuel = true;
    setValeurs(null);
    api
      .GET("/api/v1/menages/{menage_id}", { params: { path: { menage_id: menageId } } })
      .then(({ data, error, response }) => {
        if (!actuel) return;
        if (!data) {
          setErreurLecture(messageErreur(error, response.status));
          return;
        }
        setReference(data.reference);
        // The version this edit is based on: sent back in If-Match.
        setEtag(response.headers.get("ETag"));
        setValeurs(depuisMenage(data));
        setErreurs({});
        setEchec(null);
        setPerime(false);
      })
      .catch((e: unknown) => actuel && setErreurLecture(messageErreur(e)));
    return () => {
      actuel = false;
    };
  }, [menageId, tour]);

  const enregistrer = async () => {
    if (!valeurs) return;
    setEnvoi(true);
    try {
      const { data, error, response } = await api.PATCH("/api/v1/menages/{menage_id}", {
        params: { path: { menage_id: menageId }, header: { "If-Match": etag ?? "" } },
        body: versPayload(valeurs),
      });
      if (data) {
        navigate(`/menages/${data.id}`, { state: { message: `Dossier ${data.reference} enregistré.` } });
        return;
      }
      if (response.status === 412) {
        setPerime(true);
        setEchec(null);
        return;
      }
      const probleme = error as ProblemDetails | undefined;
      const parChamp = erreursParChamp(probleme);
      setErreurs(parChamp);
      setEchec(echecFormulaire(parChamp, clesAffichees(valeurs), probleme as ProblemDetails, response.status));
    } catch (e) {
      setEchec({ message: messageErreur(e), orphelines: {} });
    } finally {
      setEnvoi(false);
    }
  };

  if (erreurLecture) return <ErreurChargement message={erreurLecture} />;
  if (!valeurs) return <Chargement libelle="Lecture du dossier…" />;

  return (
    <>
      <Titre>{`Modifier le dossier ${reference}`}</Titre>
      {perime && (
        <div className="fr-mb-3w">
          <Alert
            severity="warning"
            title="Le dossier a changé entre-temps"
            description={
              <>
                <span style={{ display: "block" }} className="fr-mb-1w">
                  Quelqu'un d'autre a enregistré ce dossier depuis que vous l'avez ouvert. Rechargez-le pour partir de sa
                  dernière version, puis refaites vos modifications.
                </span>
                <Button type="button" size="small" onClick={() => setTour((t) => t + 1)}>
                  Recharger le dossier
                </Button>
              </>
            }
          />
        </div>
      )}
      {echec && <ResumeErreurs titre="Les modifications n'ont pas été enregistrées" message={echec.message} orphelines={echec.orphelines} />}
      <MenageFormulaire
        valeurs={valeurs}
        setValeurs={(f) => setValeurs((v) => (v ? f(v) : v))}
        erreurs={erreurs}
        envoi={envoi}
        bloque={perime}
        libelleEnvoi="Enregistrer"
        onSubmit={() => void enregistrer()}
        annuler={
          <Link to={`/menages/${menageId}`} className="fr-link">
            Annuler
          </Link>
        }
      />
    </>
  );
}
