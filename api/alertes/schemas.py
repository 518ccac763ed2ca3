"""What needs attention, as the API shows it."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field


class TypeAlerte(StrEnum):
    premier_rdv_en_attente = "premier_rdv_en_attente"
    fin_prevue_proche = "fin_prevue_proche"
    duree_maximale_depassee = "duree_maximale_depassee"
    suivi_du = "suivi_du"
    rdv_a_renseigner = "rdv_a_renseigner"


class Perimetre(StrEnum):
    moi = "moi"
    association = "association"


class Alerte(BaseModel):
    type: TypeAlerte
    libelle: str = Field(description="Nom du type d'alerte, en français", examples=["Premier rendez-vous en attente"])
    message: str = Field(description="Ce qui demande attention, en français")
    date_reference: date = Field(description="Échéance ou date qui déclenche l'alerte")
    mesure_id: uuid.UUID
    mesure_reference: str
    menage_reference: str
    demandeur: str | None = Field(default=None, description="Prénom et NOM du demandeur", examples=["Claire VALLÉE"])
    referent_id: uuid.UUID | None
    rendez_vous_id: uuid.UUID | None = None


class Alertes(BaseModel):
    """Une page de la liste de travail, avec le compte de chaque type pour les pastilles."""

    perimetre: Perimetre
    total: int = Field(description="Nombre d'alertes correspondant aux filtres (type compris)")
    par_type: dict[TypeAlerte, int] = Field(
        description="Nombre d'alertes de chaque type dans le périmètre, quel que soit le filtre « type » "
        "(les types sans alerte sont absents)"
    )
    limit: int
    offset: int
    items: list[Alerte] = Field(description="La page : les alertes les plus anciennes d'abord")
