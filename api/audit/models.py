"""The access log (CNIL 2021-122): who touched which nominative record, never the data."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class ActionAudit(StrEnum):
    lire = "lire"
    lister = "lister"
    creer = "creer"
    modifier = "modifier"
    exporter = "exporter"
    decider = "decider"
    telecharger = "telecharger"  # the file of a document
    supprimer = "supprimer"


class JournalAcces(SQLModel, table=True):
    __tablename__ = "journal_acces"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    quand: datetime = Field(default_factory=utcnow, index=True)
    principal_type: str = Field(max_length=20)
    principal_id: uuid.UUID = Field(index=True)
    organisation_id: uuid.UUID = Field(index=True)
    role: str = Field(max_length=20)
    action: str = Field(max_length=20)
    ressource: str = Field(max_length=30)
    ressource_id: uuid.UUID | None = Field(default=None, index=True)
    nombre: int | None = Field(default=None, description="Nombre d'enregistrements d'une liste ou d'un export")
    adresse: str | None = Field(default=None, max_length=64)
    request_id: str | None = Field(default=None, max_length=64)
