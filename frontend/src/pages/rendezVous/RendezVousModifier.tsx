/**
 * /rendez-vous/:rdvId: a rendez-vous, to move, to mark as held, cancelled or
 * missed, and to write its compte rendu. Saved under If-Match: when a
 * colleague saved it meanwhile (412) nothing is overwritten.
 */
import { Link, useNavigate, useParams } from "react-router";

import { api } from "../../api/client";
import { useEdition } from "../../api/formulaire";
import { Chargement } from "../../components/Chargement";
import { ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { AlertePerime } from "../../components/Perime";
import { Titre } from "../../components/Titre";
import { formatDateHeure } from "../../lib/dates";
import { STATUTS_RENDEZ_VOUS } from "../../lib/libelles";
import { heureParisDe, jourLong, jourParisDe, lundiDe } from "./agenda";
import { CLES_AFFICHEES, depuisRendezVous, erreursDuFormulaire, versModification } from "./formulaire";
import { RendezVousFormulaire } from "./RendezVousFormulaire";

export default function RendezVousModifier() {
  const { rdvId = "" } = useParams();
  const navigate = useNavigate();
  const e = useEdition({
    chemin: "/api/v1/rendez-vous/{rdv_id}",
    init: { params: { path: { rdv_id: rdvId } } },
    versFormulaire: depuisRendezVous,
    envoyer: (valeurs, entetes, rdv) =>
      api.PATCH("/api/v1/rendez-vous/{rdv_id}", { params: { path: { rdv_id: rdvId }, header: entetes }, body: versModification(rdv, valeurs) }),
    clesAffichees: CLES_AFFICHEES,
    adapterErreurs: erreursDuFormulaire,
  });

  const enregistrer = async () => {
    const data = await e.enregistrer();
    if (!data) return;
    const jour = jourParisDe(data.debut);
    navigate(`/rendez-vous?semaine=${lundiDe(jour)}`, {
      state: { message: `Rendez-vous du ${jourLong(jour)} à ${heureParisDe(data.debut)} enregistré (${STATUTS_RENDEZ_VOUS[data.statut].toLowerCase()}).` },
    });
  };

  if (e.erreurLecture) {
    return <ErreurChargement message={e.statutLecture === 404 ? "Ce rendez-vous n'existe pas ou vous n'y avez pas accès." : e.erreurLecture} />;
  }
  const { valeurs, ressource: rdv } = e;
  if (!valeurs || !rdv) return <Chargement libelle="Lecture du rendez-vous…" />;

  const jour = jourParisDe(rdv.debut);
  return (
    <>
      <Titre>{`Rendez-vous du ${jourLong(jour)} à ${heureParisDe(rdv.debut)}`}</Titre>
      <ul className="fr-text--sm fr-mb-3w">
        <li>
          Mesure {rdv.mesure_reference}, ménage {rdv.menage_reference}
          {rdv.est_suivi ? " — contact du suivi à 6 mois" : ""}
        </li>
        <li>Statut : {STATUTS_RENDEZ_VOUS[rdv.statut]}</li>
        <li>
          Créé le {formatDateHeure(rdv.cree_le)}, modifié le {formatDateHeure(rdv.modifie_le)}
        </li>
      </ul>
      {e.perime && (
        <AlertePerime annoncer titre="Le rendez-vous a changé entre-temps" libelleBouton="Recharger le rendez-vous" onRecharger={e.recharger}>
          Quelqu'un d'autre a enregistré ce rendez-vous depuis que vous l'avez ouvert : vos modifications n'ont pas été enregistrées, pour
          ne pas effacer les siennes. Rechargez-le pour partir de sa dernière version, puis refaites vos modifications (copiez d'abord
          votre compte rendu si vous l'avez rédigé).
        </AlertePerime>
      )}
      {e.echec && <ResumeErreurs titre="Les modifications n'ont pas été enregistrées" message={e.echec.message} orphelines={e.echec.orphelines} />}
      <RendezVousFormulaire
        valeurs={valeurs}
        setValeurs={e.setValeurs}
        erreurs={e.erreurs}
        statutActuel={rdv.statut}
        envoi={e.envoi}
        bloque={!!e.perime}
        libelleEnvoi="Enregistrer"
        onSubmit={() => void enregistrer()}
        annuler={
          <Link to={`/rendez-vous?semaine=${lundiDe(jour)}`} className="fr-link">
            Retour à l'agenda
          </Link>
        }
      />
    </>
  );
}
