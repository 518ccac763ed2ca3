"""Alerts set aside by a person, with the reason (issue 14: « écarter avec un motif, qui est
gardé »). An alert is computed, never stored: what is stored is the decision about one
occurrence of it — its kind, its mesure (and rendez-vous), its reference date. A new
occurrence (another reference date: a new planned end, another rendez-vous) is a new alert.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class AlerteEcartee(SQLModel, table=True):
    __tablename__ = "alerte_ecartee"
    __table_args__ = (Index("ix_alerte_ecartee_mesure_type", "mesure_id", "type", "date_reference"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    type: str = Field(max_length=40)
    mesure_id: uuid.UUID = Field(foreign_key="mesure.id")
    rendez_vous_id: uuid.UUID | None = Field(default=None, foreign_key="rendez_vous.id")
    date_reference: date
    motif: str = Field(max_length=500)
    # Reported, not dismissed: the alert comes back on this day. None: set aside for good.
    jusqu_au: date | None = None
    par_id: uuid.UUID = Field(foreign_key="utilisateur.id")
    le: datetime = Field(default_factory=utcnow)
