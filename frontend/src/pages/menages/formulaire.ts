/**
 * The household form's state and its conversion to and from the API. Kept
 * free of React so the rules (empty → absent, numbers, persons kept by id)
 * are unit-tested.
 */
import type {
  Composition,
  LienPersonne,
  MenageCreate,
  MenagePublic,
  Sexe,
  SituationLogement,
  SituationProfessionnelle,
  StadeProcedure,
  TypeDette,
  TypeRessource,
} from "../../api/types";

export interface PersonneForm {
  cle: string;
  id?: string;
  nom: string;
  prenom: string;
  date_naissance: string;
  sexe: Sexe;
  lien: LienPersonne;
}

export interface RessourceForm {
  cle: string;
  type: TypeRessource;
  montant_mensuel: string;
}

export interface DetteForm {
  cle: string;
  type: TypeDette;
  montant: string;
}

export interface MenageForm {
  composition: Composition | "";
  statut_occupation: SituationLogement | "";
  bailleur_id: string;
  commune_insee: string;
  adresse: string;
  telephone: string;
  courriel: string;
  nb_procedures_expulsion: string;
  stade_procedure: StadeProcedure | "";
  situation_professionnelle: SituationProfessionnelle | "";
  personnes: PersonneForm[];
  ressources: RessourceForm[];
  dettes: DetteForm[];
}

let compteur = 0;
/** A stable React key for a row that has no id yet. */
export function nouvelleCle(): string {
  compteur += 1;
  return `ligne-${compteur}`;
}

export function personneVide(lien: LienPersonne): PersonneForm {
  return { cle: nouvelleCle(), nom: "", prenom: "", date_naissance: "", sexe: "non_renseigne", lien };
}

export function formulaireVide(): MenageForm {
  return {
    composition: "",
    statut_occupation: "",
    bailleur_id: "",
    commune_insee: "",
    adresse: "",
    telephone: "",
    courriel: "",
    nb_procedures_expulsion: "",
    stade_procedure: "",
    situation_professionnelle: "",
    personnes: [personneVide("demandeur")],
    ressources: [],
    dettes: [],
  };
}

export function depuisMenage(m: MenagePublic): MenageForm {
  return {
    composition: m.composition,
    statut_occupation: m.statut_occupation ?? "",
    bailleur_id: m.bailleur_id ?? "",
    commune_insee: m.commune_insee ?? "",
    adresse: m.adresse ?? "",
    telephone: m.telephone ?? "",
    courriel: m.courriel ?? "",
    nb_procedures_expulsion: String(m.nb_procedures_expulsion),
    stade_procedure: m.stade_procedure ?? "",
    situation_professionnelle: m.situation_professionnelle ?? "",
    personnes: m.personnes.map((p) => ({
      cle: p.id,
      id: p.id,
      nom: p.nom,
      prenom: p.prenom,
      date_naissance: p.date_naissance ?? "",
      sexe: p.sexe,
      lien: p.lien,
    })),
    ressources: m.ressources.map((r) => ({
      cle: nouvelleCle(),
      type: r.type,
      montant_mensuel: r.montant_mensuel === null || r.montant_mensuel === undefined ? "" : String(r.montant_mensuel),
    })),
    dettes: m.dettes.map((d) => ({ cle: nouvelleCle(), type: d.type, montant: String(d.montant) })),
  };
}

const texte = (v: string): string | null => (v.trim() === "" ? null : v.trim());

/**
 * A number typed in a field: "" → null; "1 200" → 1200. Anything else is sent
 * as typed so that the API names the field and the value it refuses.
 */
export function nombre(v: string): number | null {
  const nettoye = v.replace(/[\s\u00a0\u202f]/g, "");
  if (nettoye === "") return null;
  return /^-?\d+$/.test(nettoye) ? Number(nettoye) : (nettoye as unknown as number);
}

/** The body of POST /menages (and, since lists replace, of PATCH too). */
export function versPayload(f: MenageForm): MenageCreate {
  return {
    composition: f.composition || null,
    statut_occupation: f.statut_occupation || null,
    bailleur_id: texte(f.bailleur_id),
    commune_insee: texte(f.commune_insee)?.toUpperCase() ?? null,
    adresse: texte(f.adresse),
    telephone: texte(f.telephone),
    courriel: texte(f.courriel),
    nb_procedures_expulsion: nombre(f.nb_procedures_expulsion),
    stade_procedure: f.stade_procedure || null,
    situation_professionnelle: f.situation_professionnelle || null,
    personnes: f.personnes.map((p) => ({
      ...(p.id ? { id: p.id } : {}),
      nom: p.nom.trim(),
      prenom: p.prenom.trim(),
      date_naissance: p.date_naissance || null,
      sexe: p.sexe,
      lien: p.lien,
    })),
    ressources: f.ressources.map((r) => ({ type: r.type, montant_mensuel: nombre(r.montant_mensuel) })),
    // An empty amount is sent as null: the API then names the field ("doit être un nombre entier").
    dettes: f.dettes.map((d) => ({ type: d.type, montant: nombre(d.montant) as number })),
  };
}

/** Every key next to which the form can show an error; the others go to the summary at the top. */
export function clesAffichees(f: MenageForm): string[] {
  const cles = [
    "composition", "statut_occupation", "bailleur_id", "commune_insee", "adresse", "telephone",
    "courriel", "nb_procedures_expulsion", "stade_procedure", "situation_professionnelle", "personnes", "ressources", "dettes",
  ];
  f.personnes.forEach((_, i) => {
    for (const c of ["nom", "prenom", "date_naissance", "sexe", "lien"]) cles.push(`personnes.${i}.${c}`);
  });
  f.ressources.forEach((_, i) => cles.push(`ressources.${i}.type`, `ressources.${i}.montant_mensuel`));
  f.dettes.forEach((_, i) => cles.push(`dettes.${i}.type`, `dettes.${i}.montant`));
  return cles;
}
