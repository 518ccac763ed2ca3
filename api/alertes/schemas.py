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
    message: str = Field(description="Ce qui demande attention, en français")
    date_reference: date = Field(description="Échéance ou date qui déclenche l'alerte")
    mesure_id: uuid.UUID
    mesure_reference: str
    menage_reference: str
    referent_id: uuid.UUID | None
    rendez_vous_id: uuid.UUID | None = None


class Alertes(BaseModel):
    perimetre: Perimetre
    total: int
    par_type: dict[TypeAlerte, int]
    items: list[Alerte]
