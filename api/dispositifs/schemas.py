"""Dispositifs and conventions as the API shows them."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from api.core.referentiels import INSEE_PATTERN
from api.core.schemas import ModificationPartielle
from api.dispositifs.models import Convention, Dispositif

CIBLE_CONFIDENTIELLE = "cible confidentielle"

Code = Field(
    min_length=1,
    max_length=50,
    pattern=r"^[a-z0-9_]+$",
    description="Code (minuscules, chiffres, _)",
)


def _code_insee(valeur: str) -> str:
    """Checked per item, so that an error names its row (``communes.2``) for the form."""
    if not re.fullmatch(INSEE_PATTERN, valeur):
        raise ValueError(f"code commune INSEE invalide : « {valeur} » (5 caractères, 2A/2B pour la Corse)")
    return valeur


# A commune by its INSEE code (5 characters, 2A/2B for Corsica).
CodeInsee = Annotated[str, Field(max_length=5), AfterValidator(_code_insee)]


class CibleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Code
    libelle: str = Field(min_length=1, max_length=200, examples=["Santé mentale"])
    sensible: bool = Field(
        default=False,
        description="Santé, justice, violences : jamais montrée à un bailleur (« cible confidentielle »)",
    )
    ordre: int = Field(default=0, ge=0, le=1000)


class CiblePublic(BaseModel):
    code: str
    libelle: str = Field(description="Libellé ; « cible confidentielle » pour un bailleur si sensible")
    sensible: bool
    ordre: int


class TypeAccompagnementIn(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)
    code: str = Code
    libelle: str = Field(min_length=1, max_length=200, examples=["Évaluation"])
    duree_max_mois: int | None = Field(default=None, ge=1, le=120, description="Durée maximale en mois")
    ordre: int = Field(default=0, ge=0, le=1000)


def _uniques(valeurs: list[str], quoi: str) -> list[str]:
    vus: set[str] = set()
    for v in valeurs:
        if v in vus:
            raise ValueError(f"{quoi} « {v} » en double")
        vus.add(v)
    return valeurs


class DispositifBase(BaseModel):
    nom: str = Field(min_length=1, max_length=200, examples=["300 logements accompagnés"])
    financeur_id: uuid.UUID = Field(description="Organisation qui finance (type financeur)")
    commission_id: uuid.UUID = Field(description="Organisation qui décide en commission (type gie)")
    duree_max_mois: int | None = Field(default=None, ge=1, le=120, description="Durée maximale d'une mesure")
    adhesion_requise: bool = True
    creation_directe: bool = Field(default=False, description="Une association peut ouvrir une mesure sans orientation")
    date_debut: date
    date_fin: date | None = None
    secret_statistique_seuil: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description=(
            "Secret statistique des indicateurs donnés aux financeurs : effectif en dessous "
            "duquel une cellule est masquée ; vide : le réglage de la plateforme (5 par défaut) ; "
            "0 : chiffres exacts, quand la convention des partenaires le prévoit"
        ),
    )


class DispositifCreate(DispositifBase):
    model_config = ConfigDict(extra="forbid")
    code: str = Code
    cibles: list[CibleIn] = Field(min_length=1, max_length=50)
    types_accompagnement: list[TypeAccompagnementIn] = Field(min_length=1, max_length=50)
    communes: list[CodeInsee] = Field(
        default_factory=list, max_length=2000, description="Codes INSEE des communes couvertes"
    )

    @field_validator("communes")
    @classmethod
    def _communes(cls, value: list[str]) -> list[str]:
        _verifier_communes(value)
        return value

    @model_validator(mode="after")
    def _check(self) -> DispositifCreate:
        _uniques([c.code for c in self.cibles], "cible")
        _uniques([t.code for t in self.types_accompagnement], "type d'accompagnement")
        if self.date_fin is not None and self.date_fin < self.date_debut:
            raise ValueError("date_fin doit suivre date_debut")
        return self


class DispositifUpdate(ModificationPartielle):
    """Modification partielle ; une liste fournie remplace la précédente (par code)."""

    model_config = ConfigDict(extra="forbid")
    table = Dispositif
    nom: str | None = Field(default=None, min_length=1, max_length=200)
    duree_max_mois: int | None = Field(default=None, ge=1, le=120)
    adhesion_requise: bool | None = None
    creation_directe: bool | None = None
    date_fin: date | None = None
    secret_statistique_seuil: int | None = Field(default=None, ge=0, le=100)
    cibles: list[CibleIn] | None = Field(default=None, min_length=1, max_length=50)
    types_accompagnement: list[TypeAccompagnementIn] | None = Field(default=None, min_length=1, max_length=50)
    communes: list[CodeInsee] | None = Field(default=None, max_length=2000)

    @field_validator("communes")
    @classmethod
    def _communes(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            _verifier_communes(value)
        return value

    @model_validator(mode="after")
    def _check(self) -> DispositifUpdate:
        if self.cibles is not None:
            _uniques([c.code for c in self.cibles], "cible")
        if self.types_accompagnement is not None:
            _uniques([t.code for t in self.types_accompagnement], "type d'accompagnement")
        return self


def _verifier_communes(communes: list[str]) -> None:
    """The shape of each code is checked by CodeInsee; here, no code twice."""
    _uniques(communes, "commune")


class DispositifPublic(DispositifBase):
    id: uuid.UUID
    code: str
    cibles: list[CiblePublic]
    types_accompagnement: list[TypeAccompagnementIn]
    communes: list[str]
    cree_le: datetime


class PartFinanceur(BaseModel):
    """Un financeur d'une convention et sa part."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"financeur_id": "…", "part": 50}]})
    financeur_id: uuid.UUID = Field(description="Organisation qui finance (type financeur)")
    part: float = Field(
        gt=0,
        le=100,
        description="Part du financement de la convention, en % (deux décimales au plus) ; la somme des parts "
        "d'une convention fait 100",
        examples=[50, 33.33],
    )


class ConventionBase(BaseModel):
    date_debut: date
    date_fin: date
    objectif_menages: int = Field(ge=0, le=100_000, description="Ménages accompagnés en même temps, financés")
    mois_mesures_finances: int | None = Field(default=None, ge=0, le=10_000_000)
    budget_euros: int | None = Field(default=None, ge=0, le=1_000_000_000)


class ConventionCreate(ConventionBase):
    model_config = ConfigDict(extra="forbid")
    dispositif_id: uuid.UUID
    association_id: uuid.UUID = Field(description="Association (type association) conventionnée")
    communes: list[CodeInsee] = Field(min_length=1, max_length=2000, description="Codes INSEE couverts")
    financeurs: list[PartFinanceur] | None = Field(
        default=None,
        min_length=1,
        max_length=20,
        description="Financeurs de la convention et leurs parts (somme : 100 %) ; absent : le financeur "
        "du dispositif à 100 %",
    )

    @field_validator("communes")
    @classmethod
    def _communes(cls, value: list[str]) -> list[str]:
        _verifier_communes(value)
        return value

    @model_validator(mode="after")
    def _dates(self) -> ConventionCreate:
        if self.date_fin < self.date_debut:
            raise ValueError("date_fin doit suivre date_debut")
        return self


class ConventionUpdate(ModificationPartielle):
    model_config = ConfigDict(extra="forbid")
    table = Convention
    date_debut: date | None = None
    date_fin: date | None = None
    objectif_menages: int | None = Field(default=None, ge=0, le=100_000)
    mois_mesures_finances: int | None = Field(default=None, ge=0, le=10_000_000)
    budget_euros: int | None = Field(default=None, ge=0, le=1_000_000_000)
    communes: list[CodeInsee] | None = Field(default=None, min_length=1, max_length=2000)
    financeurs: list[PartFinanceur] | None = Field(
        default=None,
        min_length=1,
        max_length=20,
        description="Financeurs et parts (somme : 100 %) ; la liste fournie remplace la précédente",
    )
    null_refuse = frozenset({"financeurs"})

    @field_validator("communes")
    @classmethod
    def _communes(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            _verifier_communes(value)
        return value


class ConventionPublic(ConventionBase):
    id: uuid.UUID
    dispositif_id: uuid.UUID
    association_id: uuid.UUID
    communes: list[str]
    financeurs: list[PartFinanceur] = Field(description="Financeurs et parts, la plus grande d'abord")
    cree_le: datetime
