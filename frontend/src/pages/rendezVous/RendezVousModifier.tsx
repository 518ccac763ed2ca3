/**
 * /rendez-vous/:rdvId: a rendez-vous, to move, to mark as held, cancelled or
 * missed, and to write its compte rendu. Saved under If-Match: when a
 * colleague saved it meanwhile (412) nothing is overwritten.
 */
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { api } from "../../api/client";
import { echecFormulaire, type ErreursChamps, erreursParChamp, messageErreur, type ProblemDetails } from "../../api/problem";
import type { RendezVousPublic } from "../../api/types";
import { Chargement } from "../../components/Chargement";
import { ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { formatDateHeure } from "../../lib/dates";
import { STATUTS_RENDEZ_VOUS } from "../../lib/libelles";
import { heureParisDe, jourLong, jourParisDe, lundiDe } from "./agenda";
import { CLES_AFFICHEES, depuisRendezVous, erreursDuFormulaire, versModification, type RendezVousForm } from "./formulaire";
import { RendezVousFormulaire } from "./RendezVousFormulaire";

export default function RendezVousModifier() {
  const { rdvId = "" } = useParams();
  const navigate = useNavigate();
  const [rdv, setRdv] = useState<RendezVousPublic | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [valeurs, setValeurs] = useState<RendezVousForm | null>(null);
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
      .GET("/api/v1/rendez-vous/{rdv_id}", { params: { path: { rdv_id: rdvId } } })
      .then(({ data, error, response }) => {
        if (!actuel) return;
        if (!data) {
          setErreurLecture(response.status === 404 ? "Ce rendez-vous n'existe pas ou vous n'y avez pas accès." : messageErreur(error, response.status));
          return;
        }
        setRdv(data);
        // The version this edit is based on: sent back in If-Match.
        setEtag(response.headers.get("ETag"));
        setValeurs(depuisRendezVous(data));
        setErreurs({});
        setEchec(null);
        setPerime(false);
      })
      .catch((e: unknown) => actuel && setErreurLecture(messageErreur(e)));
    return () => {
      actuel = false;
    };
  }, [rdvId, tour]);

  const enregistrer = async () => {
    if (!valeurs || !rdv) return;
    setEnvoi(true);
    try {
      const { data, error, response } = await api.PATCH("/api/v1/rendez-vous/{rdv_id}", {
        params: { path: { rdv_id: rdvId }, header: { "If-Match": etag ?? "" } },
        body: versModification(rdv, valeurs),
      });
      if (data) {
        const jour = jourParisDe(data.debut);
        navigate(`/rendez-vous?semaine=${lundiDe(jour)}`, {
          state: { message: `Rendez-vous du ${jourLong(jour)} à ${heureParisDe(data.debut)} enregistré (${STATUTS_RENDEZ_VOUS[data.statut].toLowerCase()}).` },
        });
        return;
      }
      if (response.status === 412) {
        setPerime(true);
        setErreurs({});
        setEchec(null);
        return;
      }
      const probleme = error as ProblemDetails | undefined;
      const parChamp = erreursDuFormulaire(erreursParChamp(probleme));
      setErreurs(parChamp);
      setEchec(echecFormulaire(parChamp, CLES_AFFICHEES, probleme, response.status));
    } catch (e) {
      setEchec({ message: messageErreur(e), orphelines: {} });
    } finally {
      setEnvoi(false);
    }
  };

  if (erreurLecture) return <ErreurChargement message={erreurLecture} />;
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
      {perime && (
        <div className="fr-mb-3w" role="alert">
          <Alert
            severity="warning"
            title="Le rendez-vous a changé entre-temps"
            description={
              <>
                <span style={{ display: "block" }} className="fr-mb-1w">
                  Quelqu'un d'autre a enregistré ce rendez-vous depuis que vous l'avez ouvert : vos modifications n'ont pas été enregistrées,
                  pour ne pas effacer les siennes. Rechargez-le pour partir de sa dernière version, puis refaites vos modifications (copiez
                  d'abord votre compte rendu si vous l'avez rédigé).
                </span>
                <Button type="button" size="small" onClick={() => setTour((t) => t + 1)}>
                  Recharger le rendez-vous
                </Button>
              </>
            }
          />
        </div>
      )}
      {echec && <ResumeErreurs titre="Les modifications n'ont pas été enregistrées" message={echec.message} orphelines={echec.orphelines} />}
      <RendezVousFormulaire
        valeurs={valeurs}
        setValeurs={(f) => setValeurs((v) => (v ? f(v) : v))}
        erreurs={erreurs}
        statutActuel={rdv.statut}
        envoi={envoi}
        bloque={perime}
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
