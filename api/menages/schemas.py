from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from api.core.referentiels import (
    INSEE_PATTERN,
    Composition,
    LienPersonne,
    Sexe,
    SituationLogement,
    SituationProfessionnelle,
    StadeProcedure,
    TypeDette,
    TypeRessource,
)
from api.core.schemas import ModificationPartielle
from api.menages.models import Menage


class PersonneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: uuid.UUID | None = Field(default=None, description="À fournir en modification pour garder la personne")
    nom: str = Field(min_length=1, max_length=100, examples=["Le Goff"])
    prenom: str = Field(min_length=1, max_length=100, examples=["Maëlle"])
    date_naissance: date | None = Field(default=None, description="AAAA-MM-JJ", examples=["1979-03-14"])
    sexe: Sexe = Sexe.non_renseigne
    lien: LienPersonne = Field(description="Lien avec le demandeur")

    @field_validator("date_naissance")
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        if value is not None and not (date(1900, 1, 1) <= value <= date.today()):
            raise ValueError("date de naissance hors de la plage permise (1900 à aujourd'hui)")
        return value


class PersonnePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    nom: str
    prenom: str
    date_naissance: date | None
    sexe: Sexe
    lien: LienPersonne


class RessourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)
    type: TypeRessource
    montant_mensuel: int | None = Field(default=None, ge=0, le=100_000, description="Euros par mois")


class DetteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)
    type: TypeDette
    montant: int = Field(ge=0, le=10_000_000, description="Euros")


def _un_seul_demandeur(personnes: list[PersonneIn]) -> list[PersonneIn]:
    n = sum(1 for p in personnes if p.lien == LienPersonne.demandeur)
    if n != 1:
        raise ValueError(f"il faut exactement un demandeur parmi les personnes (reçu : {n})")
    return personnes


class SituationMenage(BaseModel):
    """Champs de situation communs à la création et à la modification."""

    composition: Composition | None = Field(
        default=None, description="Composition (SI-SIAO) ; déduite des personnes si absente"
    )
    statut_occupation: SituationLogement | None = None
    bailleur_id: uuid.UUID | None = Field(default=None, description="Organisation bailleur, le cas échéant")
    commune_insee: str | None = Field(
        default=None, pattern=INSEE_PATTERN, description="Code INSEE (5 caractères)", examples=["35238"]
    )
    adresse: str | None = Field(default=None, max_length=300)
    telephone: str | None = Field(default=None, max_length=30, pattern=r"^[0-9+ .()-]{6,30}$")
    courriel: EmailStr | None = Field(default=None, max_length=254)
    nb_procedures_expulsion: int | None = Field(default=None, ge=0, le=50)
    stade_procedure: StadeProcedure | None = None
    situation_professionnelle: SituationProfessionnelle | None = Field(
        default=None,
        description="Situation socio-professionnelle du ménage (celle du demandeur) : en emploi ; au foyer, "
        "invalide, handicapé ou retraité ; étudiant, stagiaire ou apprenti ; sans emploi",
    )
    ressources: list[RessourceIn] | None = Field(default=None, max_length=30)
    dettes: list[DetteIn] | None = Field(default=None, max_length=30)


class MenageCreate(SituationMenage):
    model_config = ConfigDict(extra="forbid")
    personnes: list[PersonneIn] = Field(min_length=1, max_length=20)
    doublon_confirme: bool = Field(
        default=False,
        description="true : le demandeur n'est pas la personne homonyme déjà connue (lève le 409)",
    )

    _demandeur = field_validator("personnes")(_un_seul_demandeur)


class MenageUpdate(SituationMenage, ModificationPartielle):
    """Modification partielle ; une liste fournie remplace la précédente."""

    model_config = ConfigDict(extra="forbid")
    table = Menage
    # null: composition deduced again from the persons, no eviction procedure (0).
    null_permis = frozenset({"composition", "nb_procedures_expulsion"})
    personnes: list[PersonneIn] | None = Field(default=None, min_length=1, max_length=20)

    @model_validator(mode="after")
    def _check(self) -> MenageUpdate:
        if self.personnes is not None:
            _un_seul_demandeur(self.personnes)
        return self


class MenagePublic(BaseModel):
    id: uuid.UUID
    reference: str = Field(examples=["M-2026-000123"])
    organisation_id: uuid.UUID = Field(description="Organisation qui a ouvert le dossier")
    composition: Composition
    statut_occupation: SituationLogement | None
    bailleur_id: uuid.UUID | None
    commune_insee: str | None
    adresse: str | None
    telephone: str | None
    courriel: str | None
    nb_procedures_expulsion: int
    stade_procedure: StadeProcedure | None
    # default: a ménage sent before the field existed (its transmitted copy has no such key)
    situation_professionnelle: SituationProfessionnelle | None = None
    personnes: list[PersonnePublic]
    ressources: list[RessourceIn]
    dettes: list[DetteIn]
    cree_le: datetime
    modifie_le: datetime
    version: int
    vue: Literal["vivant", "transmis"] = Field(
        default="vivant",
        description="vivant : le dossier tel que l'association qui accompagne le ménage le tient ; "
        "transmis : le ménage tel que votre organisation l'a envoyé (ou tel qu'il a été soumis à la "
        "commission), sans ce qui a été ajouté depuis",
    )
    transmis_le: datetime | None = Field(default=None, description="Date de l'envoi montré (vue transmis)")
    modifiable: bool = Field(default=True, description="Votre organisation peut modifier ce dossier")


class MenageResume(BaseModel):
    id: uuid.UUID
    reference: str
    demandeur_nom: str
    demandeur_prenom: str
    demandeur_date_naissance: date | None
    composition: Composition
    commune_insee: str | None
    modifie_le: datetime
