import { Button } from "@codegouvfr/react-dsfr/Button";
import { Checkbox } from "@codegouvfr/react-dsfr/Checkbox";
import { Input } from "@codegouvfr/react-dsfr/Input";
import type { FormEvent, ReactNode } from "react";

import type { ErreursChamps } from "../../api/problem";
import type { StatutRendezVous, TypeRendezVous } from "../../api/types";
import { ChampListe, ChampRecherche, ChampTexte } from "../../components/Champs";
import { STATUTS_MESURE, STATUTS_RENDEZ_VOUS, TYPES_RENDEZ_VOUS, options } from "../../lib/libelles";
import { STATUTS_PERMIS, type MesureChoix, type RendezVousForm } from "./formulaire";

interface Props {
  valeurs: RendezVousForm;
  setValeurs: (f: (v: RendezVousForm) => RendezVousForm) => void;
  erreurs: ErreursChamps;
  /** Creation: the mesures to choose from. Update: absent (a rendez-vous stays with its mesure). */
  mesures?: MesureChoix[];
  /** Update: the statut the rendez-vous has now (what it may become follows from it). */
  statutActuel?: StatutRendezVous;
  envoi: boolean;
  bloque?: boolean;
  libelleEnvoi: string;
  onSubmit: () => void;
  annuler: ReactNode;
}

function etat(erreurs: ErreursChamps, cle: string) {
  const message = erreurs[cle];
  return message ? ({ state: "error", stateRelatedMessage: message } as const) : ({ state: "default" } as const);
}

function ZoneTexte({ cle, label, hint, erreurs, valeur, onChange, rows = 4, maxLength }: {
  cle: string; label: string; hint?: string; erreurs: ErreursChamps; valeur: string; onChange: (v: string) => void; rows?: number; maxLength?: number;
}) {
  return (
    <Input
      label={label}
      hintText={hint}
      textArea
      {...etat(erreurs, cle)}
      nativeTextAreaProps={{ name: cle, value: valeur, rows, maxLength, onChange: (e) => onChange(e.target.value) }}
    />
  );
}

export function libelleMesure(m: MesureChoix): string {
  const qui = m.demandeur ? `${m.demandeur} — ${m.menage_reference}` : `ménage ${m.menage_reference}`;
  return `${qui} — mesure ${m.reference} (${STATUTS_MESURE[m.statut].toLowerCase()})`;
}

export function RendezVousFormulaire({ valeurs, setValeurs, erreurs, mesures, statutActuel, envoi, bloque = false, libelleEnvoi, onSubmit, annuler }: Props) {
  const maj = <K extends keyof RendezVousForm>(cle: K) => (v: RendezVousForm[K]) => setValeurs((f) => ({ ...f, [cle]: v }));
  const permis = statutActuel ? STATUTS_PERMIS[statutActuel] : STATUTS_PERMIS.planifie;
  const mesureChoisie = mesures?.find((m) => m.id === valeurs.mesure_id);

  const soumettre = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };

  return (
    <form onSubmit={soumettre} noValidate>
      <fieldset className="fr-fieldset" aria-labelledby="legende-rdv">
        <legend id="legende-rdv" className="fr-fieldset__legend fr-h4">
          Rendez-vous
        </legend>
        <div className="fr-fieldset__element">
          <div className="fr-grid-row fr-grid-row--gutters">
            {mesures && (
              <ChampRecherche
                className="fr-col-12"
                cle="mesure_id"
                label="Ménage et mesure"
                hint={
                  mesures.length === 0
                    ? "Aucune mesure ne vous est confiée."
                    : "Tapez un nom ou une référence, puis choisissez dans la liste (les mesures dont vous êtes référent·e)."
                }
                erreurs={erreurs}
                required
                valeur={valeurs.mesure_id}
                onChange={(v) => {
                  const m = mesures.find((x) => x.id === v);
                  // An ended mesure takes only the 6-month follow-up contact.
                  setValeurs((f) => ({ ...f, mesure_id: v, est_suivi: m?.statut === "terminee" }));
                }}
                options={mesures.map((m) => ({ value: m.id, label: libelleMesure(m) }))}
              />
            )}
            {mesureChoisie?.statut === "terminee" && (
              <p className="fr-col-12 fr-text--sm fr-mb-0">
                Cette mesure est terminée : le rendez-vous est enregistré comme le contact du suivi à 6 mois.
              </p>
            )}
            <ChampTexte className="fr-col-12 fr-col-md-4" cle="date" label="Date" hint="jj/mm/aaaa" erreurs={erreurs} type="date"
              required valeur={valeurs.date} onChange={maj("date")} />
            <ChampTexte className="fr-col-12 fr-col-md-4" cle="heure" label="Heure de début" hint="Heure de Paris, hh:mm" erreurs={erreurs}
              type="time" step={300} required valeur={valeurs.heure} onChange={maj("heure")} />
            <ChampTexte className="fr-col-12 fr-col-md-4" cle="duree_minutes" label="Durée (minutes)" hint="60 si vide ; 1440 au plus"
              erreurs={erreurs} inputMode="numeric" valeur={valeurs.duree_minutes} onChange={maj("duree_minutes")} />
            <ChampListe<TypeRendezVous> className="fr-col-12 fr-col-md-6" cle="type" label="Type de rendez-vous" erreurs={erreurs}
              vide="Choisir un type" required valeur={valeurs.type} onChange={maj("type")} options={options(TYPES_RENDEZ_VOUS)} />
            <ChampTexte className="fr-col-12 fr-col-md-6" cle="lieu" label="Lieu" hint="Par exemple : domicile, permanence de Villejean"
              erreurs={erreurs} maxLength={300} valeur={valeurs.lieu} onChange={maj("lieu")} autoComplete="off" />
          </div>
        </div>
      </fieldset>

      <fieldset className="fr-fieldset" aria-labelledby="legende-participants">
        <legend id="legende-participants" className="fr-fieldset__legend fr-h4">
          Participants
        </legend>
        <div className="fr-fieldset__element">
          <Checkbox
            className="fr-mb-3w"
            {...etat(erreurs, "bailleur")}
            options={[
              {
                label: "Le bailleur participe (rencontre tripartite)",
                nativeInputProps: { name: "bailleur", checked: valeurs.bailleur, onChange: (e) => maj("bailleur")(e.target.checked) },
              },
            ]}
          />
          <ZoneTexte cle="autres" label="Autres partenaires présents" hint="Un par ligne, 10 au plus ; par exemple : CCAS de Rennes"
            erreurs={erreurs} rows={3} valeur={valeurs.autres} onChange={maj("autres")} />
        </div>
      </fieldset>

      <fieldset className="fr-fieldset" aria-labelledby="legende-compte-rendu">
        <legend id="legende-compte-rendu" className="fr-fieldset__legend fr-h4">
          Après le rendez-vous
        </legend>
        <div className="fr-fieldset__element">
          <ChampListe<StatutRendezVous>
            cle="statut"
            label="Statut"
            hint={
              permis.length === 1
                ? "Un rendez-vous réalisé, annulé ou manqué garde son statut."
                : "« Réalisé » et « Absent » seulement une fois la date passée."
            }
            erreurs={erreurs}
            valeur={valeurs.statut}
            onChange={(v) => v && maj("statut")(v)}
            options={permis.map((s) => ({ value: s, label: STATUTS_RENDEZ_VOUS[s] }))}
          />
          <ZoneTexte cle="compte_rendu" label="Compte rendu"
            hint="Ce qui a été vu, décidé, à faire. Visible seulement dans votre association ; 10 000 caractères au plus."
            erreurs={erreurs} rows={8} maxLength={10000} valeur={valeurs.compte_rendu} onChange={maj("compte_rendu")} />
        </div>
      </fieldset>

      <div className="ancrage-pied-formulaire fr-mt-4w">
        <Button type="submit" disabled={envoi || bloque}>
          {envoi ? "Enregistrement…" : libelleEnvoi}
        </Button>
        {annuler}
      </div>
    </form>
  );
}
