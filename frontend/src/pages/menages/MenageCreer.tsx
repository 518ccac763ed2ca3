import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { ResumeErreurs } from "../../components/Champs";
import { Titre } from "../../components/Titre";
import { clesAffichees, formulaireVide, versPayload } from "./formulaire";
import { MenageFormulaire } from "./MenageFormulaire";

export default function MenageCreer() {
  const navigate = useNavigate();
  const [valeurs, setValeurs] = useState(formulaireVide);
  const { envoyer, envoi, erreurs, echec } = useEnvoi({ clesAffichees: clesAffichees(valeurs) });
  // A possible duplicate is not an error: the screen offers to open it, or to go on.
  const doublon = echec?.probleme?.status === 409 && echec.probleme.existant_id ? echec.probleme : null;

  const ouvrir = async (doublonConfirme: boolean) => {
    const fait = await envoyer(() => api.POST("/api/v1/menages", { body: { ...versPayload(valeurs), doublon_confirme: doublonConfirme } }));
    if (fait) navigate(`/menages/${fait.donnees.id}`, { state: { message: `Dossier ${fait.donnees.reference} ouvert.` } });
  };

  return (
    <>
      <Titre sousTitre="Les champs à corriger sont signalés à l'enregistrement, sous chacun d'eux.">Nouveau ménage</Titre>
      {echec && !doublon && <ResumeErreurs titre="Le dossier n'a pas été ouvert" message={echec.message} orphelines={echec.orphelines} />}
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
                <Button type="button" priority="secondary" size="small" disabled={envoi} onClick={() => void ouvrir(true)}>
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
        onSubmit={() => void ouvrir(false)}
        annuler={
          <Link to="/menages" className="fr-link">
            Annuler
          </Link>
        }
      />
    </>
  );
}
