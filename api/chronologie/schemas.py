"""One line of a household's timeline."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class EntreeChronologie(BaseModel):
    nature: Literal["orientation", "mesure", "rendez_vous", "alerte"] = Field(
        description="« alerte » : une alerte de la mesure écartée ou reportée, avec son motif (l'association "
        "qui porte la mesure seulement)"
    )
    quand: datetime = Field(description="Enregistrement de l'événement, ou heure du rendez-vous")
    date_effet: date | None = Field(description="Date à laquelle l'événement a pris effet (tri principal)")
    objet_id: uuid.UUID = Field(description="Orientation, mesure ou rendez-vous concerné (la mesure pour une alerte)")
    objet_reference: str | None
    evenement: str = Field(
        description=(
            "Type : statut d'orientation atteint, événement de mesure (demarrage, fin…), type de rendez-vous, "
            "type d'alerte écartée"
        ),
        examples=["reorientation"],
    )
    de_statut: str | None = None
    vers_statut: str | None = None
    motif: str | None = None
    commentaire: str | None = None
    details: dict[str, Any] | None = None
