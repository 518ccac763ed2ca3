/**
 * /rendez-vous/nouveau?mesure=<id>&date=<AAAA-MM-JJ>: plan (or record) a
 * rendez-vous. The mesure's page links here with its id; otherwise the user
 * chooses among their mesures.
 */
import { useEffect, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { api } from "../../api/client";
import { useEnvoi } from "../../api/formulaire";
import { messageErreur } from "../../api/problem";
import { useMoi } from "../../auth/AuthContext";
import { Chargement } from "../../components/Chargement";
import { ResumeErreurs } from "../../components/Champs";
import { ErreurChargement } from "../../components/ErreurChargement";
import { Titre } from "../../components/Titre";
import { estDateIso, jourLong, lundiDe } from "./agenda";
import { CLES_AFFICHEES, erreursDuFormulaire, formulaireVide, mesuresAChoisir, versCreation, type MesureChoix } from "./formulaire";
import { RendezVousFormulaire } from "./RendezVousFormulaire";

async function chargerMesures(referent: string | undefined, demandee: string | null) {
  const [liste, une] = await Promise.all([
    api.GET("/api/v1/mesures", { params: { query: { referent_id: referent, limit: 100 } } }),
    demandee ? api.GET("/api/v1/mesures/{mesure_id}", { params: { path: { mesure_id: demandee } } }) : Promise.resolve(null),
  ]);
  if (!liste.data) return { erreur: messageErreur(liste.error, liste.response.status) };
  if (une && !une.data) return { erreur: `La mesure demandée : ${messageErreur(une.error, une.response.status)}` };
  // The association always gets the complete view (with the household's reference).
  const miennes: MesureChoix[] = liste.data.items.flatMap((m) => (m.vue === "complete" ? [m] : []));
  const choisie: MesureChoix | null = une?.data?.vue === "complete" ? une.data : null;
  return { mesures: mesuresAChoisir(miennes, choisie) };
}

export default function RendezVousCreer() {
  const moi = useMoi();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const mesureDemandee = params.get("mesure");
  const date = params.get("date");
  const [valeurs, setValeurs] = useState(() => formulaireVide(mesureDemandee ?? "", estDateIso(date) ? date : ""));
  const [mesures, setMesures] = useState<MesureChoix[] | null>(null);
  const [erreurLecture, setErreurLecture] = useState<string | null>(null);
  const { envoyer, envoi, erreurs, echec } = useEnvoi({ clesAffichees: CLES_AFFICHEES, adapterErreurs: erreursDuFormulaire });
  const referent = moi.role === "responsable" ? undefined : moi.id;

  useEffect(() => {
    let actuel = true;
    chargerMesures(referent, mesureDemandee)
      .then((r) => {
        if (!actuel) return;
        if (r.erreur !== undefined) setErreurLecture(r.erreur);
        else {
          setMesures(r.mesures);
          const m = r.mesures.find((x) => x.id === mesureDemandee);
          if (m) setValeurs((v) => ({ ...v, est_suivi: m.statut === "terminee" }));
        }
      })
      .catch((e: unknown) => actuel && setErreurLecture(messageErreur(e)));
    return () => {
      actuel = false;
    };
  }, [referent, mesureDemandee]);

  const enregistrer = async () => {
    const fait = await envoyer(() => api.POST("/api/v1/rendez-vous", { body: versCreation(valeurs) }));
    if (!fait) return;
    navigate(`/rendez-vous?semaine=${lundiDe(valeurs.date)}`, {
      state: { message: `Rendez-vous du ${jourLong(valeurs.date)} à ${valeurs.heure} enregistré (ménage ${fait.donnees.menage_reference}).` },
    });
  };

  if (erreurLecture) return <ErreurChargement message={erreurLecture} />;
  if (!mesures) return <Chargement libelle="Chargement de vos mesures…" />;

  return (
    <>
      <Titre sousTitre="Date et heure de Paris. Le compte rendu peut être écrit maintenant ou après le rendez-vous.">Nouveau rendez-vous</Titre>
      {echec && <ResumeErreurs titre="Le rendez-vous n'a pas été enregistré" message={echec.message} orphelines={echec.orphelines} />}
      <RendezVousFormulaire
        valeurs={valeurs}
        setValeurs={setValeurs}
        erreurs={erreurs}
        mesures={mesures}
        envoi={envoi}
        libelleEnvoi="Enregistrer le rendez-vous"
        onSubmit={() => void enregistrer()}
        annuler={
          <Link to="/rendez-vous" className="fr-link">
            Annuler
          </Link>
        }
      />
    </>
  );
}
