/**
 * The referral form's state and its conversion to the API (POST /orientations),
 * plus what a problem of the API means for this form. Kept free of React so the
 * rules are unit-tested.
 */
import { erreursParChamp, type ErreursChamps, type ProblemDetails } from "../../api/problem";
import type { components } from "../../api/schema";
import type { OrigineOrientation, StatutOrientation } from "../../api/types";

type S = components["schemas"];
export type OrientationCreate = S["OrientationCreate"];
export type AccesMaintien = S["AccesMaintien"];
export type DispositifPublic = S["DispositifPublic"];

export interface OrientationForm {
  menage_id: string;
  dispositif_id: string;
  origine: OrigineOrientation | "";
  acces_maintien: AccesMaintien | "";
  cible_proposee_code: string;
  prescripteur_nom: string;
  external_ref: string;
  motifs: string;
}

export function orientationVide(menageId = ""): OrientationForm {
  return {
    menage_id: menageId,
    dispositif_id: "",
    origine: "",
    acces_maintien: "",
    cible_proposee_code: "",
    prescripteur_nom: "",
    external_ref: "",
    motifs: "",
  };
}

const texte = (v: string): string | null => (v.trim() === "" ? null : v.trim());

/**
 * The body of POST /orientations. A required choice left empty is sent as
 * null: the API then names the field ("champ obligatoire") next to it.
 */
export function versPayloadOrientation(f: OrientationForm, soumettre: boolean): OrientationCreate {
  return {
    menage_id: texte(f.menage_id),
    dispositif_id: (texte(f.dispositif_id) ?? null) as string,
    origine: (f.origine || null) as OrigineOrientation,
    acces_maintien: (f.acces_maintien || null) as AccesMaintien,
    cible_proposee_code: texte(f.cible_proposee_code),
    prescripteur_nom: texte(f.prescripteur_nom),
    external_ref: texte(f.external_ref),
    motifs: texte(f.motifs),
    soumettre,
  };
}

export const CLES_FORMULAIRE_ORIENTATION = [
  "menage_id",
  "dispositif_id",
  "origine",
  "acces_maintien",
  "cible_proposee_code",
  "prescripteur_nom",
  "external_ref",
  "motifs",
] as const;

/**
 * Field errors of a refused call. Besides the 422 list, a 409 may name its field
 * in `champ` (a referral already sent with this external_ref, a household
 * without commune): its detail then shows next to that field.
 */
export function erreursProbleme(probleme: ProblemDetails | null | undefined): ErreursChamps {
  const out = erreursParChamp(probleme);
  const champ = (probleme as { champ?: unknown } | null | undefined)?.champ;
  if (probleme && typeof champ === "string" && probleme.detail && !out[champ]) out[champ] = probleme.detail;
  return out;
}

/** The dispositif's cibles in their order, for a <select>. */
export function optionsCibles(d: DispositifPublic | undefined): { value: string; label: string }[] {
  return [...(d?.cibles ?? [])].sort((a, b) => a.ordre - b.ordre).map((c) => ({ value: c.code, label: c.libelle }));
}

/** The dispositif's types of support in their order, for a <select>. */
export function optionsTypes(d: DispositifPublic | undefined): { value: string; label: string }[] {
  return [...(d?.types_accompagnement ?? [])]
    .sort((a, b) => (a.ordre ?? 0) - (b.ordre ?? 0))
    .map((t) => ({ value: t.code, label: t.duree_max_mois ? `${t.libelle} (${t.duree_max_mois} mois au plus)` : t.libelle }));
}

/** What the prescriber may do itself (api/orientations/graphe.py, PAR_PRESCRIPTEUR). */
export const PAR_PRESCRIPTEUR: readonly StatutOrientation[] = ["soumise", "refus_beneficiaire", "annulee"];

/**
 * The steps offered on the referral's page to its prescriber: those the graph
 * allows from the current status (transitions_permises) that are the
 * prescriber's. A draft can only be submitted (the graph has no brouillon →
 * annulee); once in commission, the household's refusal or a withdrawal.
 */
export function actionsPrescripteur(permises: readonly StatutOrientation[]): StatutOrientation[] {
  return PAR_PRESCRIPTEUR.filter((s) => permises.includes(s));
}

const LISTES_OBLIGATOIRES: Partial<Record<keyof OrientationForm, string>> = {
  dispositif_id: "Choisissez le dispositif vers lequel orienter le ménage.",
  origine: "Choisissez l'origine de la demande.",
  acces_maintien: "Choisissez : accès ou maintien dans le logement.",
};

/**
 * A required list left on its empty choice: the API answers "UUID attendu" or
 * the list of permitted values; the person reads what to do instead.
 */
export function preciserChoixVides(erreurs: ErreursChamps, f: OrientationForm): ErreursChamps {
  const out = { ...erreurs };
  for (const [cle, message] of Object.entries(LISTES_OBLIGATOIRES)) {
    if (out[cle] && !f[cle as keyof OrientationForm]) out[cle] = message!;
  }
  return out;
}
