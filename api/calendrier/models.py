"""Secret calendar URLs: one per user, revocable; only a hash of the secret is kept."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class JetonCalendrier(SQLModel, table=True):
    __tablename__ = "jeton_calendrier"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    utilisateur_id: uuid.UUID = Field(foreign_key="utilisateur.id", index=True)
    # SHA-256 of a 256-bit random secret: a stolen database does not give the URLs away.
    empreinte: str = Field(max_length=64, unique=True)
    cree_le: datetime = Field(default_factory=utcnow)
    revoque_le: datetime | None = None
