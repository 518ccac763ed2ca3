"""Shapes of the mesure in the API: what each reader receives and what each action takes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.core.referentiels import SituationLogement, SituationProfessionnelle
from api.core.schemas import ModificationPartielle
from api.mesures.models import (
    AccesMaintien,
    DomaineIntervention,
    Mesure,
    ModaliteLogement,
    MotifFin,
    StatutMesure,
)


class RessourceEntree(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    type: str
    montant_mensuel: int | None


class DetteEntree(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    type: str
    montant: int


class MesureCreate(BaseModel):
    """Ouverture directe d'une mesure par l'association (dispositif à création directe)."""

    model_config = ConfigDict(extra="forbid")
    menage_id: uuid.UUID
    dispositif_id: uuid.UUID
    cible_code: str = Field(max_length=50, description="Code d'une cible du dispositif", examples=["habitat_adapte"])
    type_accompagnement_code: str = Field(max_length=50, description="Code d'un type d'accompagnement du dispositif")
    acces_maintien: AccesMaintien
    date_mandatement: date = Field(description="AAAA-MM-JJ")
    referent_id: uuid.UUID | None = Field(default=None, description="Travailleur social de l'association")


class MesurePublic(BaseModel):
    """Vue complète : association qui porte la mesure, commission du dispositif."""

    vue: Literal["complete"] = "complete"
    id: uuid.UUID
    reference: str = Field(examples=["S-2026-000042"])
    menage_id: uuid.UUID
    menage_reference: str
    dispositif_id: uuid.UUID
    association_id: uuid.UUID
    orientation_id: uuid.UUID | None
    referent_id: uuid.UUID | None
    statut: StatutMesure
    cible_code: str
    cible_libelle: str
    type_accompagnement_code: str
    type_accompagnement_libelle: str
    acces_maintien: AccesMaintien
    date_mandatement: date
    date_debut: date | None
    date_fin_prevue: date | None
    date_limite: date | None = Field(description="Fin au plus tard selon la durée maximale du dispositif")
    date_fin: date | None
    motif_fin: MotifFin | None
    situation_sortie: SituationLogement | None
    adhesion_date: date | None
    adhesion_modalite: str | None
    derogation_duree_motif: str | None
    modalite_logement: ModaliteLogement | None
    modalite_date_debut: date | None
    modalite_date_fin: date | None
    date_glissement: date | None
    domaines: list[DomaineIntervention]
    entree_statut_occupation: str | None
    entree_composition: str | None
    entree_commune_insee: str | None
    entree_nb_procedures_expulsion: int
    entree_stade_procedure: str | None
    entree_situation_professionnelle: SituationProfessionnelle | None
    entree_dette_locative: int
    entree_ressources: list[RessourceEntree]
    entree_dettes: list[DetteEntree]
    suivi_date_prevue: date | None
    suivi_realise_le: date | None
    suivi_joint: bool | None
    suivi_situation: SituationLogement | None
    suivi_commentaire: str | None = Field(description="Réservé à l'association qui porte la mesure")
    cree_le: datetime
    modifie_le: datetime
    version: int


class MesureStatut(BaseModel):
    """Vue du prescripteur (bailleur) : le statut de la mesure née de son orientation,
    rien d'autre."""

    vue: Literal["statut"] = "statut"
    id: uuid.UUID
    reference: str
    menage_id: uuid.UUID
    orientation_id: uuid.UUID | None
    statut: StatutMesure


MesureVue = Annotated[MesurePublic | MesureStatut, Field(discriminator="vue")]


class MesureResume(BaseModel):
    vue: Literal["complete"] = "complete"
    id: uuid.UUID
    reference: str
    menage_id: uuid.UUID
    menage_reference: str
    dispositif_id: uuid.UUID
    association_id: uuid.UUID
    referent_id: uuid.UUID | None
    statut: StatutMesure
    cible_code: str
    type_accompagnement_code: str
    acces_maintien: AccesMaintien
    date_mandatement: date
    date_debut: date | None
    date_fin_prevue: date | None
    date_fin: date | None
    motif_fin: MotifFin | None
    demandeur: str | None = Field(
        default=None,
        description="Prénom et NOM du demandeur, pour l'association qui porte le ménage (absent pour la commission)",
        examples=["Claire VALLÉE"],
    )


MesureResumeVue = Annotated[MesureResume | MesureStatut, Field(discriminator="vue")]


class MesureUpdate(ModificationPartielle):
    """Modification partielle (If-Match obligatoire). Une liste fournie remplace la précédente."""

    model_config = ConfigDict(extra="forbid")
    table = Mesure
    domaines: list[DomaineIntervention] | None = Field(
        default=None, max_length=20, description="Domaines d'intervention"
    )
    acces_maintien: AccesMaintien | None = None
    modalite_logement: ModaliteLogement | None = None
    modalite_date_debut: date | None = None
    modalite_date_fin: date | None = None
    date_glissement: date | None = Field(default=None, description="IML bail glissant : date du glissement du bail")
    referent_id: uuid.UUID | None = None


class Demarrage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date_debut: date
    evaluation: bool = Field(
        default=True,
        description="true : la mesure commence par une évaluation ; false : directement active",
    )
    adhesion_date: date | None = Field(default=None, description="Date de l'adhésion du ménage")
    adhesion_modalite: str | None = Field(
        default=None,
        max_length=200,
        description="Comment l'adhésion a été recueillie",
        examples=["en CCAPEX"],
    )
    date_fin_prevue: date | None = Field(default=None, description="Par défaut : début + durée maximale du dispositif")
    commentaire: str | None = Field(default=None, max_length=2000)


class Activation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date_effet: date
    adhesion_date: date | None = None
    adhesion_modalite: str | None = Field(default=None, max_length=200)
    commentaire: str | None = Field(default=None, max_length=2000)


class ChangementStatut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date_effet: date
    motif: str | None = Field(default=None, max_length=60)
    commentaire: str | None = Field(default=None, max_length=2000)


class Reorientation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date_effet: date
    cible_code: str | None = Field(default=None, max_length=50)
    type_accompagnement_code: str | None = Field(default=None, max_length=50)
    motif: str = Field(min_length=1, max_length=60, description="Raison de la réorientation")
    commentaire: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _quelque_chose(self) -> Reorientation:
        if self.cible_code is None and self.type_accompagnement_code is None:
            raise ValueError("indiquez une nouvelle cible_code et/ou un nouveau type_accompagnement_code")
        return self


class Prolongation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date_fin_prevue: date = Field(description="Nouvelle fin prévue")
    derogation_motif: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Obligatoire au-delà de la durée maximale du dispositif",
    )
    commentaire: str | None = Field(default=None, max_length=2000)


class ChangementReferent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    referent_id: uuid.UUID
    commentaire: str | None = Field(default=None, max_length=2000)


class Fin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date_fin: date
    motif_fin: MotifFin
    situation_sortie: SituationLogement = Field(description="Situation de logement à la sortie")
    commentaire: str | None = Field(default=None, max_length=2000)


class Suivi(BaseModel):
    """Résultat du suivi à 6 mois."""

    model_config = ConfigDict(extra="forbid")
    realise_le: date
    joint: bool = Field(description="Le ménage a-t-il pu être joint ?")
    situation: SituationLogement | None = Field(default=None, description="Obligatoire si le ménage a été joint")
    commentaire: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _situation(self) -> Suivi:
        if self.joint and self.situation is None:
            raise ValueError("situation : obligatoire quand le ménage a été joint")
        return self


class EvenementPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    mesure_id: uuid.UUID
    quand: datetime
    date_effet: date | None
    type: str = Field(examples=["reorientation"])
    de_statut: str | None
    vers_statut: str | None
    auteur_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    motif: str | None
    commentaire: str | None
    donnees: dict[str, Any] | None


class Reaffectation(BaseModel):
    """Plusieurs mesures confiées d'un coup à un autre référent (responsable d'association)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "mesure_ids": ["0190f3c2-5a1b-7c3d-9e4f-0a1b2c3d4e5f"],
                    "referent_id": "0190f3c2-5a1b-7c3d-9e4f-000000000001",
                    "commentaire": "Départ de la référente",
                }
            ]
        },
    )
    mesure_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=200, description="Les mesures à réaffecter (toutes ou aucune)"
    )
    referent_id: uuid.UUID = Field(description="Le nouveau référent : un utilisateur actif de l'association")
    commentaire: str | None = Field(default=None, max_length=2000, description="Motif, gardé dans l'historique")


class Reaffectees(BaseModel):
    referent_id: uuid.UUID
    nombre: int = Field(description="Nombre de mesures réaffectées")
    mesures: list[MesurePublic]
