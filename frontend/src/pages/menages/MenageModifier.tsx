import { Link, useNavigate, useParams } from "react-router";

import { api } from "../../api/client";
import { useEdition } from "../../api/formulaire";
import { Chargement } from "../../components/Chargement";
import { ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { AlertePerime } from "../../components/Perime";
import { Titre } from "../../components/Titre";
import { clesAffichees, depuisMenage, versPayload } from "./formulaire";
import { MenageFormulaire } from "./MenageFormulaire";

export default function MenageModifier() {
  const { menageId = "" } = useParams();
  const navigate = useNavigate();
  const e = useEdition({
    chemin: "/api/v1/menages/{menage_id}",
    init: { params: { path: { menage_id: menageId } } },
    versFormulaire: depuisMenage,
    envoyer: (valeurs, entetes) =>
      api.PATCH("/api/v1/menages/{menage_id}", { params: { path: { menage_id: menageId }, header: entetes }, body: versPayload(valeurs) }),
    clesAffichees,
  });

  const enregistrer = async () => {
    const m = await e.enregistrer();
    if (m) navigate(`/menages/${m.id}`, { state: { message: `Dossier ${m.reference} enregistré.` } });
  };

  if (e.erreurLecture) return <ErreurChargement message={e.erreurLecture} />;
  if (!e.valeurs || !e.ressource) return <Chargement libelle="Lecture du dossier…" />;

  return (
    <>
      <Titre>{`Modifier le dossier ${e.ressource.reference}`}</Titre>
      {e.perime && (
        <AlertePerime titre="Le dossier a changé entre-temps" libelleBouton="Recharger le dossier" onRecharger={e.recharger}>
          Quelqu'un d'autre a enregistré ce dossier depuis que vous l'avez ouvert. Rechargez-le pour partir de sa dernière version,
          puis refaites vos modifications.
        </AlertePerime>
      )}
      {e.echec && <ResumeErreurs titre="Les modifications n'ont pas été enregistrées" message={e.echec.message} orphelines={e.echec.orphelines} />}
      <MenageFormulaire
        valeurs={e.valeurs}
        setValeurs={e.setValeurs}
        erreurs={e.erreurs}
        envoi={e.envoi}
        bloque={!!e.perime}
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
