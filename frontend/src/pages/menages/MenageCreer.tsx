import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { api } from "../../api/client";
import { echecFormulaire, type ErreursChamps, erreursParChamp, messageErreur, type ProblemDetails } from "../../api/problem";
import { ResumeErreurs } from "../../components/Champs";
import { Titre } from "../../components/Titre";
import { clesAffichees, formulaireVide, versPayload } from "./formulaire";
import { MenageFormulaire } from "./MenageFormulaire";

export default function MenageCreer() {
  const navigate = useNavigate();
  const [valeurs, setValeurs] = useState(formulaireVide);
  const [erreurs, setErreurs] = useState<ErreursChamps>({});
  const [echec, setEchec] = useState<{ message: string; orphelines: ErreursChamps } | null>(null);
  const [doublon, setDoublon] = useState<ProblemDetails | null>(null);
  const [envoi, setEnvoi] = useState(false);

  const envoyer = async (doublonConfirme: boolean) => {
    setEnvoi(true);
    try {
      const { data, error, response } = await api.POST("/api/v1/menages", {
        body: { ...versPayload(valeurs), doublon_confirme: doublonConfirme },
      });
      if (data) {
        navigate(`/menages/${data.id}`, { state: { message: `Dossier ${data.reference} ouvert.` } });
        return;
      }
      const probleme = error as ProblemDetails | undefined;
      if (response.status === 409 && probleme?.existant_id) {
        setErreurs({});
        setEchec(null);
        setDoublon(probleme);
        return;
      }
      const parChamp = erreursParChamp(probleme);
      setDoublon(null);
      setErreurs(parChamp);
      setEchec(echecFormulaire(parChamp, clesAffichees(valeurs), probleme as ProblemDetails, response.status));
    } catch (e) {
      setEchec({ message: messageErreur(e), orphelines: {} });
    } finally {
      setEnvoi(false);
    }
  };

  return (
    <>
      <Titre sousTitre="Les champs à corriger sont signalés à l'enregistrement, sous chacun d'eux.">Nouveau ménage</Titre>
      {echec && <ResumeErreurs titre="Le dossier n'a pas été ouvert" message={echec.message} orphelines={echec.orphelines} />}
      {doublon && (
        <div className="fr-mb-3w">
          <Alert
            severity="warning"
            title="Ce ménage existe peut-être déjà"
            description={
              <>
                <span className="fr-mb-1w" style={{ display: "block" }}>
                  Un dossier existe déjà pour un demandeur de mêmes nom, prénom et date de naissance
                  ({doublon.existant_reference}). S'il s'agit de la même personne, ouvrez ce dossier plutôt que d'en créer un
                  second.
                </span>
                <Link to={`/menages/${doublon.existant_id}`} className="fr-link fr-mr-3w">
                  Ouvrir le dossier {doublon.existant_reference}
                </Link>
                <Button type="button" priority="secondary" size="small" disabled={envoi} onClick={() => void envoyer(true)}>
                  C'est une autre personne : ouvrir un nouveau dossier
                </Button>
              </>
            }
          />
        </div>
      )}
      <MenageFormulaire
        valeurs={valeurs}
        setValeurs={setValeurs}
        erreurs={erreurs}
        envoi={envoi}
        libelleEnvoi="Ouvrir le dossier"
        onSubmit={() => void envoyer(false)}
        annuler={
          <Link to="/menages" className="fr-link">
            Annuler
          </Link>
        }
      />
    </>
  );
}
