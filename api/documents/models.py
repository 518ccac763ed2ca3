"""A document attached to a household, a referral or a mesure.

The row holds what the document is (type, title, date), who deposited it and
where its bytes are (``cle_stockage``: a random id, never a name a user typed).
``menage_id`` is always set, even for a referral's or a mesure's document: the
household's export and its anonymisation find every document in one range.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class TypeDocument(StrEnum):
    rapport_social = "rapport_social"
    evaluation = "evaluation"
    justificatif_ressources = "justificatif_ressources"
    dette_locative = "dette_locative"
    adhesion_signee = "adhesion_signee"
    decision = "decision"
    autre = "autre"


class FormatDocument(StrEnum):
    """The formats accepted, as decided from the content (never from the name)."""

    pdf = "pdf"
    jpeg = "jpeg"
    png = "png"
    docx = "docx"
    odt = "odt"


class AnalyseAntivirus(StrEnum):
    saine = "saine"  # scanned by ClamAV, nothing found
    non_analysee = "non_analysee"  # the scanner was unreachable and the scan not required (development)


class Document(SQLModel, table=True):
    __tablename__ = "document"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    menage_id: uuid.UUID = Field(foreign_key="menage.id", index=True)
    orientation_id: uuid.UUID | None = Field(default=None, foreign_key="orientation.id", index=True)
    mesure_id: uuid.UUID | None = Field(default=None, foreign_key="mesure.id", index=True)
    # The organisation that deposited it: the document is its own (policy: ``document``).
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    depose_par_id: uuid.UUID
    type: str = Field(max_length=30)
    titre: str = Field(max_length=200)
    date_document: date
    confidentiel: bool = False
    format: str = Field(max_length=10)
    taille: int
    sha256: str = Field(max_length=64)
    cle_stockage: str = Field(max_length=64, unique=True)
    analyse: str = Field(max_length=20)
    cree_le: datetime = Field(default_factory=utcnow)
