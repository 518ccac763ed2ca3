/** Short names for the API's schemas (generated in schema.d.ts by `npm run gen:api`). */
import type { components } from "./schema";

type S = components["schemas"];

export type Moi = S["Moi"];
export type TypeOrganisation = S["TypeOrganisation"];
export type RoleUtilisateur = S["RoleUtilisateur"];
export type Composition = S["Composition"];
export type LienPersonne = S["LienPersonne"];
export type Sexe = S["Sexe"];
export type SituationLogement = S["SituationLogement"];
export type StadeProcedure = S["StadeProcedure"];
export type TypeDette = S["TypeDette"];
export type TypeRessource = S["TypeRessource"];
export type MenagePublic = S["MenagePublic"];
export type MenageResume = S["MenageResume"];
export type MenageCreate = S["MenageCreate"];
export type MenageUpdate = S["MenageUpdate"];
export type OrganisationPublic = S["OrganisationPublic"];
export type UtilisateurPublic = S["UtilisateurPublic"];
export type ClientApiPublic = S["ClientApiPublic"];
export type ClientApiCree = S["ClientApiCree"];
export type Alerte = S["Alerte"];
export type TypeAlerte = S["TypeAlerte"];
export type StatutMesure = S["StatutMesure"];
export type MesureResume = S["MesureResume"];
export type RendezVousPublic = S["RendezVousPublic"];
export type RendezVousCreate = S["RendezVousCreate"];
export type RendezVousUpdate = S["RendezVousUpdate"];
export type JetonCalendrier = S["JetonPublic"];
export type StatutRendezVous = S["StatutRendezVous"];
export type TypeRendezVous = S["TypeRendezVous"];
export type StatutOrientation = S["StatutOrientation"];
export type OrigineOrientation = S["OrigineOrientation"];
export type OrientationPublic = S["OrientationPublic"];
export type MotifRefus = S["MotifRefus"];
<<<<<<< HEAD
<<<<<<< HEAD
export type MesurePublic = S["MesurePublic"];
export type MesureStatut = S["MesureStatut"];
export type MesureUpdate = S["MesureUpdate"];
export type EvenementMesure = S["api__mesures__schemas__EvenementPublic"];
export type AccesMaintien = S["AccesMaintien"];
export type ModaliteLogement = S["ModaliteLogement"];
export type DomaineIntervention = S["DomaineIntervention"];
export type MotifFin = S["MotifFin"];
export type DispositifPublic = S["DispositifPublic"];
export type Demarrage = S["Demarrage"];
export type Activation = S["Activation"];
export type ChangementStatut = S["ChangementStatut"];
export type Reorientation = S["Reorientation"];
export type Prolongation = S["Prolongation"];
export type ChangementReferent = S["ChangementReferent"];
export type FinMesure = S["Fin"];
export type SuiviMesure = S["Suivi"];
=======
export type DispositifPublic = S["DispositifPublic"];
export type DispositifCreate = S["DispositifCreate"];
export type DispositifUpdate = S["DispositifUpdate"];
export type ConventionPublic = S["ConventionPublic"];
export type ConventionCreate = S["ConventionCreate"];
export type ConventionUpdate = S["ConventionUpdate"];
export type WebhookPublic = S["WebhookPublic"];
export type LivraisonPublic = S["LivraisonPublic"];
>>>>>>> fe-admin
=======
export type DispositifPublic = S["DispositifPublic"];
export type ConventionPublic = S["ConventionPublic"];
export type DocumentIndicateurs = S["DocumentIndicateurs"];
export type ParametresIndicateurs = S["Parametres"];
export type Tableau = S["Tableau"];
export type Cellule = S["Cellule"];
export type Dimension = S["Dimension"];
export type Unite = S["Unite"];
export type DetailCellule = S["DetailCellule"];
export type ElementDetail = S["ElementDetail"];
>>>>>>> fe-indicateurs
