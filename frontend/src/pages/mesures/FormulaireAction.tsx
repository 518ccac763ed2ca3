/** The small form of one lifecycle action, shown under the actions' buttons. */
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { RadioButtons } from "@codegouvfr/react-dsfr/RadioButtons";
import { Fragment, useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";

import { useEnvoi } from "../../api/formulaire";
import type { ErreursChamps } from "../../api/problem";
import type { DispositifPublic, MesurePublic, MotifFin, SituationLogement, UtilisateurPublic } from "../../api/types";
import { ChampListe, ChampTexte, ResumeErreurs } from "../../components/Champs";
import { formatDate, jourParis } from "../../lib/dates";
import { MOTIFS_FIN, options, SITUATIONS_LOGEMENT } from "../../lib/libelles";
import {
  CHAMPS_ACTIONS,
  derogationNecessaire,
  erreursAction,
  formulaireAction,
  LIBELLES_ACTIONS,
  payloadAction,
  type ActionMesure,
  type FormAction,
} from "./mesure";
import { envoyerAction } from "./useMesure";

interface Props {
  action: ActionMesure;
  mesure: MesurePublic;
  etag: string | null;
  dispositif: DispositifPublic | undefined;
  collegues: UtilisateurPublic[];
  onSucces: (m: MesurePublic, etag: string | null) => void;
  onPerime: () => void;
  onFermer: () => void;
}

function etat(erreurs: ErreursChamps, cle: string) {
  const message = erreurs[cle];
  return message ? ({ state: "error", stateRelatedMessage: message } as const) : ({ state: "default" } as const);
}

export function FormulaireAction({ action, mesure, etag, dispositif, collegues, onSucces, onPerime, onFermer }: Props) {
  const [f, setF] = useState<FormAction>(() => formulaireAction(mesure, jourParis()));
  const { envoyer, envoi, erreurs, echec } = useEnvoi({
    clesAffichees: CHAMPS_ACTIONS[action],
    adapterErreurs: (_, probleme) => erreursAction(probleme),
    // A conflict about one shown field (the adhésion) is explained under that field.
    messageRefus: ({ probleme, statut, erreurs: parChamp, orphelines }) =>
      statut === 409 && Object.keys(parChamp).length > 0 && Object.keys(orphelines).length === 0
        ? `${probleme?.title ?? "Information manquante"} : voyez le champ signalé ci-dessous.`
        : undefined,
    surPerime: onPerime,
  });
  const titre = useRef<HTMLHeadingElement>(null);
  const libelles = LIBELLES_ACTIONS[action];
  const champs = CHAMPS_ACTIONS[action];
  const idTitre = `titre-action-${action}`;

  // Keyboard and screen-reader users land on the form they opened.
  useEffect(() => titre.current?.focus(), []);

  const maj = <K extends keyof FormAction>(cle: K) => (v: FormAction[K]) => setF((x) => ({ ...x, [cle]: v }));

  const soumettre = async (e: FormEvent) => {
    e.preventDefault();
    const fait = await envoyer(() => envoyerAction(action, mesure.id, etag, payloadAction(action, f, mesure)));
    if (fait) onSucces(fait.donnees, fait.etag);
  };

  const dureeMax = dispositif?.duree_max_mois;
  const champ: Record<keyof FormAction, () => ReactNode> = {
    date_debut: () => (
      <ChampTexte className="fr-col-12 fr-col-md-4" cle="date_debut" label="Date de début" erreurs={erreurs} type="date"
        valeur={f.date_debut} onChange={maj("date_debut")} required />
    ),
    evaluation: () => (
      <div className="fr-col-12">
        <RadioButtons
          legend="Première étape"
          name="evaluation"
          orientation="horizontal"
          {...etat(erreurs, "evaluation")}
          options={[
            { label: "Commencer par une évaluation", nativeInputProps: { checked: f.evaluation === "oui", onChange: () => maj("evaluation")("oui") } },
            { label: "Mesure directement active", nativeInputProps: { checked: f.evaluation === "non", onChange: () => maj("evaluation")("non") } },
          ]}
        />
      </div>
    ),
    adhesion_date: () => (
      <ChampTexte className="fr-col-12 fr-col-md-4" cle="adhesion_date" label="Date d'adhésion du ménage" erreurs={erreurs} type="date"
        hint={dispositif?.adhesion_requise === false ? "Facultative pour ce dispositif" : "Requise par ce dispositif pour que la mesure soit active"}
        valeur={f.adhesion_date} onChange={maj("adhesion_date")} />
    ),
    adhesion_modalite: () => (
      <ChampTexte className="fr-col-12 fr-col-md-8" cle="adhesion_modalite" label="Modalité de recueil de l'adhésion" erreurs={erreurs}
        hint="Par exemple : en CCAPEX, lors d'une visite à domicile" valeur={f.adhesion_modalite} onChange={maj("adhesion_modalite")} maxLength={200} />
    ),
    date_fin_prevue: () =>
      action === "prolonger" ? (
        <ChampTexte className="fr-col-12 fr-col-md-4" cle="date_fin_prevue" label="Nouvelle date de fin prévue" erreurs={erreurs} type="date"
          hint={`Fin prévue actuelle : ${formatDate(mesure.date_fin_prevue)}${mesure.date_limite ? ` ; durée maximale atteinte le ${formatDate(mesure.date_limite)}` : ""}`}
          valeur={f.date_fin_prevue} onChange={maj("date_fin_prevue")} required />
      ) : (
        <ChampTexte className="fr-col-12 fr-col-md-4" cle="date_fin_prevue" label="Fin prévue (facultatif)" erreurs={erreurs} type="date"
          hint={dureeMax ? `Par défaut : début + ${dureeMax} mois (durée maximale du dispositif)` : "Par défaut : aucune"}
          valeur={f.date_fin_prevue} onChange={maj("date_fin_prevue")} />
      ),
    date_effet: () => (
      <ChampTexte className="fr-col-12 fr-col-md-4" cle="date_effet" label="Date d'effet" erreurs={erreurs} type="date"
        valeur={f.date_effet} onChange={maj("date_effet")} required />
    ),
    motif: () => (
      <ChampTexte className="fr-col-12 fr-col-md-8" cle="motif" erreurs={erreurs} maxLength={60}
        label={action === "reorienter" ? "Motif de la réorientation" : action === "suspendre" ? "Motif de la suspension" : "Motif de la reprise (facultatif)"}
        hint={action === "suspendre" ? "Hospitalisation, incarcération, ménage injoignable… (60 caractères au plus)" : "60 caractères au plus"}
        valeur={f.motif} onChange={maj("motif")} required={action === "reorienter"} />
    ),
    cible_code: () => (
      <ChampListe className="fr-col-12 fr-col-md-6" cle="cible_code" label="Cible" erreurs={erreurs} valeur={f.cible_code}
        onChange={maj("cible_code")} options={(dispositif?.cibles ?? []).map((c) => ({ value: c.code, label: c.libelle }))}
        hint={`Actuelle : ${mesure.cible_libelle}`} />
    ),
    type_accompagnement_code: () => (
      <ChampListe className="fr-col-12 fr-col-md-6" cle="type_accompagnement_code" label="Type d'accompagnement" erreurs={erreurs}
        valeur={f.type_accompagnement_code} onChange={maj("type_accompagnement_code")}
        options={(dispositif?.types_accompagnement ?? []).map((t) => ({ value: t.code, label: t.libelle }))}
        hint={`Actuel : ${mesure.type_accompagnement_libelle}`} />
    ),
    derogation_motif: () => (
      <Input className="fr-col-12" label="Motif de la dérogation à la durée maximale" textArea
        hintText={derogationNecessaire(f.date_fin_prevue, mesure.date_limite) ? "Obligatoire : la nouvelle fin dépasse la durée maximale du dispositif" : "Seulement au-delà de la durée maximale du dispositif"}
        {...etat(erreurs, "derogation_motif")}
        nativeTextAreaProps={{ name: "derogation_motif", value: f.derogation_motif, onChange: (e) => maj("derogation_motif")(e.target.value), maxLength: 500, rows: 2 }} />
    ),
    referent_id: () => (
      <ChampListe className="fr-col-12 fr-col-md-6" cle="referent_id" label="Nouveau référent" erreurs={erreurs} vide="Choisir une personne de l'association"
        valeur={f.referent_id} onChange={maj("referent_id")}
        options={collegues.filter((u) => u.actif && u.id !== mesure.referent_id).map((u) => ({ value: u.id, label: `${u.prenom} ${u.nom}` }))} />
    ),
    date_fin: () => (
      <ChampTexte className="fr-col-12 fr-col-md-4" cle="date_fin" label="Date de fin" erreurs={erreurs} type="date"
        valeur={f.date_fin} onChange={maj("date_fin")} required />
    ),
    motif_fin: () => (
      <ChampListe<MotifFin> className="fr-col-12 fr-col-md-4" cle="motif_fin" label="Motif de fin" erreurs={erreurs} vide="Choisir un motif"
        valeur={f.motif_fin} onChange={maj("motif_fin")} options={options(MOTIFS_FIN)} required />
    ),
    situation_sortie: () => (
      <ChampListe<SituationLogement> className="fr-col-12 fr-col-md-4" cle="situation_sortie" label="Situation de logement à la sortie" erreurs={erreurs}
        vide="Choisir une situation" valeur={f.situation_sortie} onChange={maj("situation_sortie")} options={options(SITUATIONS_LOGEMENT)} required />
    ),
    realise_le: () => (
      <ChampTexte className="fr-col-12 fr-col-md-4" cle="realise_le" label="Suivi réalisé le" erreurs={erreurs} type="date"
        hint={mesure.suivi_date_prevue ? `Prévu le ${formatDate(mesure.suivi_date_prevue)}` : undefined}
        valeur={f.realise_le} onChange={maj("realise_le")} required />
    ),
    joint: () => (
      <div className="fr-col-12 fr-col-md-4">
        <RadioButtons
          legend="Le ménage a-t-il pu être joint ?"
          name="joint"
          orientation="horizontal"
          {...etat(erreurs, "joint")}
          options={[
            { label: "Oui", nativeInputProps: { checked: f.joint === "oui", onChange: () => maj("joint")("oui") } },
            { label: "Non", nativeInputProps: { checked: f.joint === "non", onChange: () => maj("joint")("non") } },
          ]}
        />
      </div>
    ),
    situation: () =>
      f.joint === "oui" ? (
        <ChampListe<SituationLogement> className="fr-col-12 fr-col-md-4" cle="situation" label="Situation de logement à 6 mois" erreurs={erreurs}
          vide="Choisir une situation" valeur={f.situation} onChange={maj("situation")} options={options(SITUATIONS_LOGEMENT)} required />
      ) : null,
    commentaire: () => (
      <Input className="fr-col-12" label="Commentaire (facultatif)" textArea {...etat(erreurs, "commentaire")}
        nativeTextAreaProps={{ name: "commentaire", value: f.commentaire, onChange: (e) => maj("commentaire")(e.target.value), maxLength: 2000, rows: 2 }} />
    ),
  };

  return (
    <form onSubmit={soumettre} noValidate aria-labelledby={idTitre} className="ancrage-ligne-liste fr-p-2w" id={`formulaire-${action}`}>
      <h3 id={idTitre} className="fr-h5" tabIndex={-1} ref={titre}>
        {libelles.titre}
      </h3>
      {echec && <ResumeErreurs titre="L'action n'a pas été enregistrée" message={echec.message} orphelines={echec.orphelines} />}
      <div className="fr-grid-row fr-grid-row--gutters">
        {champs.map((c) => (
          <Fragment key={c}>{champ[c]()}</Fragment>
        ))}
      </div>
      <div className="ancrage-pied-formulaire">
        <Button type="submit" disabled={envoi}>
          {envoi ? "Enregistrement…" : libelles.envoi}
        </Button>
        <Button type="button" priority="tertiary" onClick={onFermer}>
          Annuler
        </Button>
      </div>
    </form>
  );
}
