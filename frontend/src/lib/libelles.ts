/**
 * French labels of the API's value lists. Typed as Record<enum, string>: when
 * the API adds a value, `npm run gen:api` then the build fail here until it has
 * a label.
 */
import type {
  AccesMaintien,
  Composition,
  DomaineIntervention,
  ModaliteLogement,
  MotifFin,
  LienPersonne,
  MotifRefus,
  OrigineOrientation,
  RoleUtilisateur,
  Sexe,
  SituationLogement,
  SituationProfessionnelle,
  StadeProcedure,
  StatutMesure,
  StatutOrientation,
  StatutRendezVous,
  TypeAlerte,
  TypeDette,
  TypeOrganisation,
  TypeRendezVous,
  TypeRessource,
  Unite,
} from "../api/types";

export const COMPOSITIONS: Record<Composition, string> = {
  homme_seul: "Homme seul",
  femme_seule: "Femme seule",
  couple_sans_enfant: "Couple sans enfant",
  femme_seule_avec_enfants: "Femme seule avec enfant(s)",
  homme_seul_avec_enfants: "Homme seul avec enfant(s)",
  couple_avec_enfants: "Couple avec enfant(s)",
  groupe_adultes: "Groupe d'adultes",
  groupe_avec_enfants: "Groupe avec enfant(s)",
};

export const LIENS: Record<LienPersonne, string> = {
  demandeur: "Demandeur",
  conjoint: "Conjoint(e)",
  enfant: "Enfant",
  autre: "Autre",
};

export const SEXES: Record<Sexe, string> = {
  femme: "Femme",
  homme: "Homme",
  non_renseigne: "Non renseigné",
};

export const SITUATIONS_LOGEMENT: Record<SituationLogement, string> = {
  locataire_parc_public: "Locataire du parc public",
  locataire_parc_prive: "Locataire du parc privé",
  proprietaire: "Propriétaire",
  sous_locataire: "Sous-locataire (IML, bail glissant)",
  logement_transition: "Logement de transition",
  heberge_tiers: "Hébergé chez des tiers",
  hebergement: "Hébergement (CHRS, urgence, hôtel)",
  structure: "Structure (FJT, résidence sociale, maison relais)",
  sans_logement: "Sans logement",
  detention: "Détention",
  hopital: "Hôpital",
  autre: "Autre",
};

/** Seed 002's words (« ont un emploi », « au foyer, invalides, handicapés ou retraités »…). */
export const SITUATIONS_PROFESSIONNELLES: Record<SituationProfessionnelle, string> = {
  emploi: "En emploi",
  au_foyer_invalide_retraite: "Au foyer, invalide, handicapé ou retraité",
  etudiant_stagiaire_apprenti: "Étudiant, stagiaire ou apprenti",
  sans_emploi: "Sans emploi",
};

export const STADES_PROCEDURE: Record<StadeProcedure, string> = {
  aucune: "Aucune procédure",
  impayes: "Impayés",
  commandement_payer: "Commandement de payer",
  assignation: "Assignation",
  jugement_resiliation: "Jugement de résiliation du bail",
  commandement_quitter: "Commandement de quitter les lieux",
  concours_force_publique_demande: "Concours de la force publique demandé",
  concours_force_publique_accorde: "Concours de la force publique accordé",
  expulsion_realisee: "Expulsion réalisée",
};

export const TYPES_RESSOURCE: Record<TypeRessource, string> = {
  salaire: "Salaire",
  prime_activite: "Prime d'activité",
  are: "ARE (allocation chômage)",
  rsa: "RSA",
  aah: "AAH",
  ass: "ASS",
  allocations_familiales: "Allocations familiales",
  ij: "Indemnités journalières",
  retraite: "Retraite",
  pension_invalidite: "Pension d'invalidité",
  garantie_jeunes_cej: "Garantie jeunes / CEJ",
  bourse: "Bourse",
  aucune: "Aucune ressource",
  autre: "Autre",
};

export const TYPES_DETTE: Record<TypeDette, string> = {
  loyer: "Loyer",
  energie: "Énergie",
  eau: "Eau",
  caf_indu: "CAF (indu)",
  impots: "Impôts",
  credit_consommation: "Crédit à la consommation",
  telephonie: "Téléphonie",
  amendes: "Amendes",
  autre: "Autre",
};

export const TYPES_ORGANISATION: Record<TypeOrganisation, string> = {
  association: "Association",
  gie: "GIE / commission",
  bailleur: "Bailleur social",
  prescripteur: "Prescripteur (CCAS, CDAS, SIAO…)",
  financeur: "Financeur (DDETS, département)",
  admin: "Administration de la plateforme",
};

export const ROLES: Record<RoleUtilisateur | "client", string> = {
  agent: "Agent",
  responsable: "Responsable",
  client: "Client API",
};

export const TYPES_ALERTE: Record<TypeAlerte, string> = {
  premier_rdv_en_attente: "Premier rendez-vous en attente",
  fin_prevue_proche: "Fin prévue proche",
  duree_maximale_depassee: "Durée maximale dépassée",
  suivi_du: "Suivi à 6 mois à faire",
  rdv_a_renseigner: "Rendez-vous à renseigner",
};

export const STATUTS_MESURE: Record<StatutMesure, string> = {
  mandatee: "Mandatée",
  en_evaluation: "En évaluation",
  active: "Active",
  suspendue: "Suspendue",
  terminee: "Terminée",
};

export const STATUTS_RENDEZ_VOUS: Record<StatutRendezVous, string> = {
  planifie: "Planifié",
  realise: "Réalisé",
  annule: "Annulé",
  absent: "Absent (ménage non venu)",
};

export const TYPES_RENDEZ_VOUS: Record<TypeRendezVous, string> = {
  visite_domicile: "Visite à domicile",
  entretien_bureau: "Entretien au bureau",
  rencontre_tripartite: "Rencontre tripartite",
  accompagnement_physique: "Accompagnement physique",
  telephone: "Téléphone",
  visio: "Visio",
  atelier_collectif: "Atelier collectif",
  aller_vers: "Aller-vers",
};

export const STATUTS_ORIENTATION: Record<StatutOrientation, string> = {
  brouillon: "Brouillon",
  soumise: "Soumise",
  en_commission: "En commission",
  acceptee: "Acceptée",
  ajournee: "Ajournée",
  attente_infos: "En attente d'informations",
  liste_attente: "Liste d'attente",
  refusee: "Refusée",
  refus_beneficiaire: "Refus du bénéficiaire",
  annulee: "Annulée",
};

export const ORIGINES_ORIENTATION: Record<OrigineOrientation, string> = {
  bailleur: "Bailleur",
  ccas: "CCAS",
  cdas_travailleur_social: "CDAS (travailleur social)",
  famille: "Famille",
  association: "Association",
  ccapex: "CCAPEX",
  siao: "SIAO",
  autre: "Autre",
};

export const MOTIFS_REFUS: Record<MotifRefus, string> = {
  droit_commun: "Relève du droit commun",
  hors_cible: "Hors cible",
  territoire_non_couvert: "Territoire non couvert",
  financement_non_disponible: "Financement non disponible",
  parc_prive: "Parc privé",
  autre: "Autre",
};

export const ACCES_MAINTIEN: Record<AccesMaintien, string> = {
  acces: "Accès au logement",
  maintien: "Maintien dans le logement",
};

export const MODALITES_LOGEMENT: Record<ModaliteLogement, string> = {
  bail_direct: "Bail direct",
  sous_location_gla: "Sous-location / GLA",
  iml_bail_glissant: "IML bail glissant",
  logement_transition: "Logement de transition",
  hebergement: "Hébergement",
};

export const DOMAINES_INTERVENTION: Record<DomaineIntervention, string> = {
  acces_logement: "Accès au logement",
  maintien: "Maintien dans le logement",
  relogement: "Relogement",
  appropriation_logement: "Appropriation du logement",
  insertion_quartier: "Insertion dans le quartier",
  budget_dettes: "Budget et dettes",
  acces_droits: "Accès aux droits",
  sante: "Santé",
  emploi: "Emploi",
  parentalite: "Parentalité",
  vieillissement: "Vieillissement",
  mediation_locative: "Médiation locative",
};

export const MOTIFS_FIN: Record<MotifFin, string> = {
  objectifs_atteints: "Objectifs atteints",
  relogement: "Relogement",
  glissement_bail: "Glissement du bail",
  reorientation_autre_dispositif: "Réorientation vers un autre dispositif",
  non_adhesion: "Non-adhésion du ménage",
  sanction_fin_prise_en_charge: "Sanction / fin de prise en charge",
  demenagement: "Déménagement",
  deces: "Décès",
  duree_maximale_atteinte: "Durée maximale atteinte",
  autre: "Autre",
};

/** Events of a mesure (api/mesures/service.py); an unknown type shows as sent. */
export const TYPES_EVENEMENT_MESURE: Record<string, string> = {
  mandatement: "Mandatement",
  demarrage: "Démarrage",
  activation: "Fin de l'évaluation",
  suspension: "Suspension",
  reprise: "Reprise",
  reorientation: "Réorientation",
  prolongation: "Prolongation",
  changement_referent: "Changement de référent",
  modification: "Modification",
  fin: "Fin de la mesure",
  suivi: "Suivi à 6 mois",
};

/** Options for a <select>, in the list's order. */
export function options<K extends string>(libelles: Record<K, string>): { value: K; label: string }[] {
  return (Object.entries(libelles) as [K, string][]).map(([value, label]) => ({ value, label }));
}

/** Header of an indicator table's value column, by unit (« Valeur » where a table mixes counts and amounts). */
export const UNITES_INDICATEUR: Record<Unite, string> = {
  mesures: "Mesures",
  menages: "Ménages",
  personnes: "Personnes",
  orientations: "Orientations",
  decisions: "Décisions",
  rendez_vous: "Rendez-vous",
  mois_mesures: "Mois-mesures",
  jours: "Jours",
  ans: "Âge (années)",
  euros: "Valeur",
  ratio: "Valeur",
};
