/**
 * The dispositif and convention forms' state and their conversion to and from
 * the API. Kept free of React so the rules (empty → null, numbers, communes
 * typed as a list, codes derived from labels, sensitive flag) are unit-tested.
 */
import type { ConventionCreate, ConventionPublic, ConventionUpdate, DispositifCreate, DispositifPublic, DispositifUpdate } from "../../api/types";
import { nombre, nouvelleCle } from "../menages/formulaire";

export interface CibleForm {
  cle: string;
  code: string;
  libelle: string;
  sensible: boolean;
}

export interface TypeForm {
  cle: string;
  code: string;
  libelle: string;
  duree_max_mois: string;
}

export interface CommuneForm {
  cle: string;
  code: string;
}

export interface DispositifForm {
  /** Set when editing: the code and the organisations are then fixed. */
  id?: string;
  code: string;
  nom: string;
  financeur_id: string;
  commission_id: string;
  duree_max_mois: string;
  adhesion_requise: boolean;
  creation_directe: boolean;
  date_debut: string;
  date_fin: string;
  cibles: CibleForm[];
  types_accompagnement: TypeForm[];
  communes: CommuneForm[];
}

export const cibleVide = (): CibleForm => ({ cle: nouvelleCle(), code: "", libelle: "", sensible: false });
export const typeVide = (): TypeForm => ({ cle: nouvelleCle(), code: "", libelle: "", duree_max_mois: "" });
export const communeVide = (code = ""): CommuneForm => ({ cle: nouvelleCle(), code });

export function dispositifVide(): DispositifForm {
  return {
    code: "",
    nom: "",
    financeur_id: "",
    commission_id: "",
    duree_max_mois: "",
    adhesion_requise: true,
    creation_directe: false,
    date_debut: "",
    date_fin: "",
    cibles: [cibleVide()],
    types_accompagnement: [typeVide()],
    communes: [communeVide()],
  };
}

/**
 * A code the API accepts (lowercase letters, digits, _) from a label:
 * "Santé mentale" → "sante_mentale". The person may still change it.
 */
export function codeDepuisLibelle(libelle: string): string {
  return libelle
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 50);
}

/**
 * Communes typed or pasted as text ("35238, 35288 35047") → one code per row,
 * uppercased (2a004 → 2A004), without blanks.
 */
export function decouperCommunes(texte: string): string[] {
  return texte
    .split(/[\s,;]+/)
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== "");
}

const texte = (v: string): string | null => (v.trim() === "" ? null : v.trim());
const communes = (lignes: CommuneForm[]): string[] => lignes.map((c) => c.code.trim().toUpperCase()).filter((c) => c !== "");

export function depuisDispositif(d: DispositifPublic): DispositifForm {
  return {
    id: d.id,
    code: d.code,
    nom: d.nom,
    financeur_id: d.financeur_id,
    commission_id: d.commission_id,
    duree_max_mois: d.duree_max_mois === null || d.duree_max_mois === undefined ? "" : String(d.duree_max_mois),
    adhesion_requise: d.adhesion_requise ?? true,
    creation_directe: d.creation_directe ?? false,
    date_debut: d.date_debut,
    date_fin: d.date_fin ?? "",
    cibles: d.cibles.map((c) => ({ cle: nouvelleCle(), code: c.code, libelle: c.libelle, sensible: c.sensible })),
    types_accompagnement: d.types_accompagnement.map((t) => ({
      cle: nouvelleCle(),
      code: t.code,
      libelle: t.libelle,
      duree_max_mois: t.duree_max_mois === null || t.duree_max_mois === undefined ? "" : String(t.duree_max_mois),
    })),
    communes: d.communes.length ? d.communes.map((c) => communeVide(c)) : [communeVide()],
  };
}

/** Cibles and types in the order shown (ordre 1, 2, 3…); a code left blank is derived from the label. */
function listes(f: DispositifForm) {
  return {
    cibles: f.cibles.map((c, i) => ({
      code: c.code.trim() || codeDepuisLibelle(c.libelle),
      libelle: c.libelle.trim(),
      sensible: c.sensible,
      ordre: i + 1,
    })),
    types_accompagnement: f.types_accompagnement.map((t, i) => ({
      code: t.code.trim() || codeDepuisLibelle(t.libelle),
      libelle: t.libelle.trim(),
      duree_max_mois: nombre(t.duree_max_mois),
      ordre: i + 1,
    })),
    communes: communes(f.communes),
  };
}

/** The body of POST /dispositifs. */
export function versDispositifCreate(f: DispositifForm): DispositifCreate {
  return {
    code: f.code.trim(),
    nom: f.nom.trim(),
    financeur_id: f.financeur_id,
    commission_id: f.commission_id,
    duree_max_mois: nombre(f.duree_max_mois),
    adhesion_requise: f.adhesion_requise,
    creation_directe: f.creation_directe,
    date_debut: f.date_debut,
    date_fin: texte(f.date_fin),
    ...listes(f),
  };
}

/** The body of PATCH /dispositifs/{id}: every editable field (lists replace the previous ones, by code). */
export function versDispositifUpdate(f: DispositifForm): DispositifUpdate {
  return {
    nom: f.nom.trim(),
    duree_max_mois: nombre(f.duree_max_mois),
    adhesion_requise: f.adhesion_requise,
    creation_directe: f.creation_directe,
    date_fin: texte(f.date_fin),
    ...listes(f),
  };
}

/**
 * The API names a commune's error by its position among the communes sent
 * (blank rows are not sent): map it back to the row on screen.
 */
export function clesCommunes(lignes: CommuneForm[]): Map<number, number> {
  const out = new Map<number, number>();
  let envoyee = 0;
  lignes.forEach((c, i) => {
    if (c.code.trim() !== "") out.set(envoyee++, i);
  });
  return out;
}

/** Errors keyed as the API names them → keyed by the row on screen (communes.N). */
export function erreursCommunesSurLignes(erreurs: Record<string, string>, lignes: CommuneForm[]): Record<string, string> {
  const positions = clesCommunes(lignes);
  const out: Record<string, string> = {};
  for (const [cle, msg] of Object.entries(erreurs)) {
    const m = /^communes\.(\d+)$/.exec(cle);
    const ligne = m ? positions.get(Number(m[1])) : undefined;
    out[m && ligne !== undefined ? `communes.${ligne}` : cle] = msg;
  }
  return out;
}

export function clesDispositif(f: DispositifForm): string[] {
  const cles = [
    "code", "nom", "financeur_id", "commission_id", "duree_max_mois", "adhesion_requise", "creation_directe",
    "date_debut", "date_fin", "cibles", "types_accompagnement", "communes",
  ];
  f.cibles.forEach((_, i) => cles.push(`cibles.${i}.code`, `cibles.${i}.libelle`, `cibles.${i}.sensible`));
  f.types_accompagnement.forEach((_, i) =>
    cles.push(`types_accompagnement.${i}.code`, `types_accompagnement.${i}.libelle`, `types_accompagnement.${i}.duree_max_mois`),
  );
  f.communes.forEach((_, i) => cles.push(`communes.${i}`));
  return cles;
}

// --- Conventions ---------------------------------------------------------------

/** A funder of a convention and its share, in %, as typed (« 33,33 »). */
export interface FinanceurForm {
  cle: string;
  financeur_id: string;
  part: string;
}

export const financeurVide = (financeurId = "", part = ""): FinanceurForm => ({ cle: nouvelleCle(), financeur_id: financeurId, part });

/** A share typed the French way (« 33,33 ») as a number; anything else is sent as typed, for the API to name it. */
export function part(v: string): number | null {
  const nettoye = v.replace(/[\s\u00a0\u202f%]/g, "").replace(",", ".");
  if (nettoye === "") return null;
  return /^\d+(\.\d+)?$/.test(nettoye) ? Number(nettoye) : (nettoye as unknown as number);
}

/** The sum of the shares typed so far, in % (to two decimals), or null if one is not a number. */
export function totalParts(financeurs: FinanceurForm[]): number | null {
  let total = 0;
  for (const f of financeurs) {
    const p = part(f.part);
    if (typeof p !== "number") return null;
    total += Math.round(p * 100);
  }
  return total / 100;
}

export interface ConventionForm {
  id?: string;
  dispositif_id: string;
  association_id: string;
  date_debut: string;
  date_fin: string;
  objectif_menages: string;
  mois_mesures_finances: string;
  budget_euros: string;
  communes: CommuneForm[];
  /** Empty on a new convention: the dispositif's funder at 100 %. */
  financeurs: FinanceurForm[];
}

export function conventionVide(dispositifId = ""): ConventionForm {
  return {
    dispositif_id: dispositifId,
    association_id: "",
    date_debut: "",
    date_fin: "",
    objectif_menages: "",
    mois_mesures_finances: "",
    budget_euros: "",
    communes: [communeVide()],
    financeurs: [],
  };
}

export function depuisConvention(c: ConventionPublic): ConventionForm {
  const n = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));
  return {
    id: c.id,
    dispositif_id: c.dispositif_id,
    association_id: c.association_id,
    date_debut: c.date_debut,
    date_fin: c.date_fin,
    objectif_menages: n(c.objectif_menages),
    mois_mesures_finances: n(c.mois_mesures_finances),
    budget_euros: n(c.budget_euros),
    communes: c.communes.length ? c.communes.map((x) => communeVide(x)) : [communeVide()],
    financeurs: c.financeurs.map((f) => financeurVide(f.financeur_id, String(f.part).replace(".", ","))),
  };
}

export function versConventionCreate(f: ConventionForm): ConventionCreate {
  return {
    dispositif_id: f.dispositif_id,
    association_id: f.association_id,
    date_debut: f.date_debut,
    date_fin: f.date_fin,
    // An empty target is sent as null: the API then names the field.
    objectif_menages: nombre(f.objectif_menages) as number,
    mois_mesures_finances: nombre(f.mois_mesures_finances),
    budget_euros: nombre(f.budget_euros),
    communes: communes(f.communes),
    // None named: the API puts the dispositif's funder at 100 % (on PATCH: unchanged).
    ...(f.financeurs.length
      ? { financeurs: f.financeurs.map((x) => ({ financeur_id: x.financeur_id, part: part(x.part) as number })) }
      : {}),
  };
}

export function versConventionUpdate(f: ConventionForm): ConventionUpdate {
  const { dispositif_id: _d, association_id: _a, financeurs, ...reste } = versConventionCreate(f);
  return financeurs ? { ...reste, financeurs } : reste;
}

export function clesConvention(f: ConventionForm): string[] {
  return [
    "dispositif_id", "association_id", "date_debut", "date_fin", "objectif_menages", "mois_mesures_finances",
    "budget_euros", "communes", ...f.communes.map((_, i) => `communes.${i}`),
    "financeurs", ...f.financeurs.flatMap((_, i) => [`financeurs.${i}`, `financeurs.${i}.financeur_id`, `financeurs.${i}.part`]),
  ];
}

// --- Webhooks ------------------------------------------------------------------

/** A signing secret for a new webhook: 32 random bytes, hex (64 characters; the API wants 24 at least). */
export function genererSecret(octets = 32): string {
  const tampon = new Uint8Array(octets);
  crypto.getRandomValues(tampon);
  return Array.from(tampon, (o) => o.toString(16).padStart(2, "0")).join("");
}
