"""What needs attention, as the API shows it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


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


class Ecartement(BaseModel):
    """Écarter une alerte (pour de bon, ou jusqu'à une date : la reporter), avec son motif."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "type": "suivi_du",
                    "mesure_id": "0190f3c2-5a1b-7c3d-9e4f-0a1b2c3d4e5f",
                    "date_reference": "2026-11-20",
                    "motif": "Ménage parti du département, suivi impossible",
                }
            ]
        },
    )
    type: TypeAlerte
    mesure_id: uuid.UUID
    rendez_vous_id: uuid.UUID | None = Field(default=None, description="Pour une alerte sur un rendez-vous")
    date_reference: date = Field(description="La date de l'alerte telle que la liste la donne")
    motif: str = Field(min_length=3, max_length=500, description="Pourquoi l'alerte est écartée (gardé)")
    jusqu_au: date | None = Field(
        default=None, description="Reporter : l'alerte revient ce jour-là (absent : écartée pour de bon)"
    )


class AlerteEcarteePublic(BaseModel):
    id: uuid.UUID
    type: TypeAlerte
    mesure_id: uuid.UUID
    rendez_vous_id: uuid.UUID | None
    date_reference: date
    motif: str
    jusqu_au: date | None
    par_id: uuid.UUID
    le: datetime
