/** The fields of one decision (outcome, then what that outcome needs), and a decision already taken. */
import { Input } from "@codegouvfr/react-dsfr/Input";
import { useMemo } from "react";

import type { ErreursChamps } from "../../../api/problem";
import type { OrientationPublic, StatutOrientation } from "../../../api/types";
import { ChampListe } from "../../../components/Champs";
import { formatDate } from "../../../lib/dates";
import { MOTIFS_REFUS, options, STATUTS_ORIENTATION } from "../../../lib/libelles";
import { optionsCibles, optionsTypes, type DispositifPublic } from "../../orientations/orientation";
import { associationsConventionnees, decisionsPossibles, LIBELLES_DECISION, type ConventionPublic, type DecisionForm } from "../decision";
import type { Ligne } from "./useSeance";

export function ChampsDecision({
  ligne,
  f,
  setF,
  erreurs,
  dispositif,
  conventions,
  noms,
  date,
}: {
  ligne: Ligne;
  f: DecisionForm;
  setF: (f: DecisionForm) => void;
  erreurs: ErreursChamps;
  dispositif: DispositifPublic | undefined;
  conventions: readonly ConventionPublic[];
  noms: Record<string, string>;
  date: string;
}) {
  const possibles = decisionsPossibles(ligne.o);
  const maj = <K extends keyof DecisionForm>(cle: K) => (v: DecisionForm[K]) => setF({ ...f, [cle]: v });
  const associations = useMemo(
    () => associationsConventionnees(conventions, noms, ligne.menage?.commune_insee, date),
    [conventions, noms, ligne.menage?.commune_insee, date],
  );
  return (
    <div className="fr-grid-row fr-grid-row--gutters">
      <ChampListe<StatutOrientation> className="fr-col-12 fr-col-md-3" cle="vers_statut" label="Décision" erreurs={erreurs}
        vide="Choisir une décision" valeur={f.vers_statut} onChange={maj("vers_statut")}
        options={possibles.map((d) => ({ value: d, label: LIBELLES_DECISION[d] ?? STATUTS_ORIENTATION[d] }))} />
      {f.vers_statut === "acceptee" && (
        <>
          <ChampListe className="fr-col-12 fr-col-md-3" cle="association_id" label="Association mandatée" erreurs={erreurs}
            hint={associations.length === 0 ? "Aucune association conventionnée sur ce dispositif" : undefined}
            vide="Choisir l'association" valeur={f.association_id} onChange={maj("association_id")}
            options={associations.map(({ value, label }) => ({ value, label }))} />
          <ChampListe className="fr-col-12 fr-col-md-3" cle="cible_code" label="Cible retenue" erreurs={erreurs}
            vide="Choisir la cible" valeur={f.cible_code} onChange={maj("cible_code")} options={optionsCibles(dispositif)} />
          <ChampListe className="fr-col-12 fr-col-md-3" cle="type_accompagnement_code" label="Type d'accompagnement" erreurs={erreurs}
            vide="Choisir le type" valeur={f.type_accompagnement_code} onChange={maj("type_accompagnement_code")} options={optionsTypes(dispositif)} />
        </>
      )}
      {f.vers_statut === "refusee" && (
        <ChampListe className="fr-col-12 fr-col-md-3" cle="motif_refus" label="Motif du refus" erreurs={erreurs}
          vide="Choisir le motif" valeur={f.motif_refus} onChange={maj("motif_refus")} options={options(MOTIFS_REFUS)} />
      )}
      {f.vers_statut && (
        <div className="fr-col-12">
          <Input
            label="Commentaire de la commission"
            hintText="Facultatif ; figure au procès-verbal"
            textArea
            {...(erreurs["commentaire"] ? { state: "error" as const, stateRelatedMessage: erreurs["commentaire"] } : {})}
            nativeTextAreaProps={{ name: "commentaire", value: f.commentaire, rows: 2, maxLength: 2000, onChange: (e) => maj("commentaire")(e.target.value) }}
          />
        </div>
      )}
    </div>
  );
}

export function Resultat({ o, noms, dispositif }: { o: OrientationPublic; noms: Record<string, string>; dispositif: DispositifPublic | undefined }) {
  const type = dispositif?.types_accompagnement.find((t) => t.code === o.type_accompagnement_code)?.libelle;
  return (
    <p className="fr-mb-0">
      <strong>Décision : {STATUTS_ORIENTATION[o.statut]}</strong>
      {o.statut === "acceptee" && (
        <>
          {" "}
          — {noms[o.association_id ?? ""] ?? "association"}, {o.cible_libelle ?? o.cible_code}
          {type ? `, ${type}` : ""}
        </>
      )}
      {o.statut === "refusee" && o.motif_refus && <> — {MOTIFS_REFUS[o.motif_refus]}</>}
      {o.date_decision && <> (le {formatDate(o.date_decision)})</>}
    </p>
  );
}
