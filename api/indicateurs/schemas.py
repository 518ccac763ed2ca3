"""The indicator document: parameters and a list of named tables of cells."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, WithJsonSchema

from api.indicateurs.catalogue import Unite as Unite  # declared with the catalogue
from api.indicateurs.catalogue import schema_codes_dimensions, schema_codes_tableaux


class FormatIndicateurs(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class ModeAge(StrEnum):
    """Which age of the demandeur the age tables count."""

    au_jour = "au_jour"
    a_l_entree = "a_l_entree"


# The codes of the catalogue, an enum in OpenAPI with their definitions. Not validated on
# reading: a report kept with a table since retired must still load
# (tests/projet/test_openapi.py checks that the document only gives codes of the catalogue).
CodeTableau = Annotated[str, WithJsonSchema(schema_codes_tableaux())]
CodeDimension = Annotated[str, WithJsonSchema(schema_codes_dimensions())]


class Modalite(BaseModel):
    code: str = Field(description="Code stable de la valeur", examples=["sante_mentale"])
    libelle: str = Field(description="Libellé en français", examples=["Santé mentale"])


class Dimension(BaseModel):
    code: CodeDimension
    titre: str = Field(examples=["Cible"])
    valeurs: list[Modalite] = Field(description="Valeurs possibles, dans l'ordre d'affichage")


class Cellule(BaseModel):
    dimensions: dict[str, str] = Field(
        description="Valeur (code) de chaque dimension ; « total » pour une marge",
        examples=[{"cible": "sante_mentale", "tranche_age": "30-40"}],
    )
    cle: str = Field(
        description="Identifiant de la cellule, à passer à /indicateurs/detail",
        examples=["cible=sante_mentale;tranche_age=30-40"],
    )
    valeur: int | float | None = Field(description="Valeur ; null si masquée (secret statistique) ou non calculable")
    pourcentage: float | None = Field(default=None, description="Part du total de la table, en %, arrondie au dixième")
    total: bool = Field(default=False, description="Cellule de total (jamais masquée)")
    masque: bool = Field(default=False, description="true : valeur masquée au titre du secret statistique")


class Tableau(BaseModel):
    code: CodeTableau
    titre: str = Field(examples=["File active par tranche d'âge et cible"])
    definition: str = Field(description="Définition de l'indicateur, en une phrase")
    unite: Unite
    dimensions: list[Dimension]
    cellules: list[Cellule]
    detail_disponible: bool = Field(
        description="true : les dossiers d'une cellule se listent par /api/v1/indicateurs/detail"
    )


class Parametres(BaseModel):
    du: date = Field(description="Début de la période (flux), inclus")
    au: date = Field(description="Date de référence des stocks et fin de la période (flux), incluse")
    dispositif: uuid.UUID | None = None
    association: uuid.UUID | None = None
    commune: list[str] = Field(default_factory=list, description="Codes INSEE du territoire (vide : tout)")
    cible: str | None = None
    tranches_age: list[int] = Field(description="Bornes des tranches d'âge (borne basse incluse)")
    age: ModeAge = Field(
        default=ModeAge.au_jour,
        description=(
            "Âge compté dans les tables d'âge : au_jour (à la date « au », au mois près) ou "
            "a_l_entree (au jour du mandatement)"
        ),
    )
    perimetre: str = Field(description="Ce que le demandeur voit (son association, ses dispositifs…)")
    secret_statistique_seuil: int = Field(description="Seuil de masquage appliqué (0 : aucun)")


class DocumentIndicateurs(BaseModel):
    parametres: Parametres
    tableaux: list[Tableau]


class ElementDetail(BaseModel):
    type: str = Field(description="« mesure » ou « orientation »")
    id: uuid.UUID
    reference: str = Field(examples=["S-2026-000012"])
    lien: str = Field(description="Adresse du dossier dans l'API", examples=["/api/v1/mesures/…"])


class DetailCellule(BaseModel):
    table: str
    cellule: str
    parametres: Parametres
    total: int = Field(description="Nombre de dossiers de la cellule")
    elements: list[ElementDetail]
