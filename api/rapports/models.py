"""Reports (rapports d'activité, bilans): their models, drafts and deposited documents.

A model is data: an ordered list of sections stored as JSON, versioned (a change makes a
new row, version + 1; a report keeps the exact version it was written on). A deposited
report keeps everything it was rendered from (``fige``) and the rendered bytes
(``RapportDocument``): it is never rendered again.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class RapportModele(SQLModel, table=True):
    __tablename__ = "rapport_modele"
    __table_args__ = (UniqueConstraint("famille", "version"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    # Every version of one model shares its famille; a copy starts a new famille.
    famille: uuid.UUID = Field(index=True)
    version: int = 1
    code: str = Field(max_length=60)
    nom: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    nature: str = Field(max_length=20)  # « annuel » (a year, N and N-1) or « bilan » (at a date)
    sections: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    # None: shipped with Ancrage, read by all; otherwise the organisation that owns the copy.
    organisation_id: uuid.UUID | None = Field(default=None, foreign_key="organisation.id", index=True)
    source_id: uuid.UUID | None = Field(default=None, foreign_key="rapport_modele.id")
    cree_le: datetime = Field(default_factory=utcnow)


class Rapport(SQLModel, table=True):
    __tablename__ = "rapport"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    titre: str = Field(max_length=200)
    modele_id: uuid.UUID = Field(foreign_key="rapport_modele.id", index=True)
    dispositif_id: uuid.UUID = Field(foreign_key="dispositif.id", index=True)
    association_id: uuid.UUID | None = Field(default=None, foreign_key="organisation.id", index=True)
    du: date
    au: date
    # The organisation that writes it (an association, or the commission for a bilan).
    auteur_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    cree_par_id: uuid.UUID
    narration: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    statut: str = Field(default="brouillon", max_length=20, index=True)
    version: int = 1
    cree_le: datetime = Field(default_factory=utcnow)
    modifie_le: datetime = Field(default_factory=utcnow)
    depose_le: datetime | None = None
    depose_par_id: uuid.UUID | None = None
    # Frozen at deposit: model sections, narration, the indicator documents N and N-1.
    fige: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    pdf_sha256: str | None = Field(default=None, max_length=64)


class RapportDocument(SQLModel, table=True):
    """A deposited report's rendered bytes: one per format and audience, never rewritten."""

    __tablename__ = "rapport_document"

    rapport_id: uuid.UUID = Field(foreign_key="rapport.id", primary_key=True, ondelete="CASCADE")
    format: str = Field(max_length=10, primary_key=True)  # pdf | docx | html
    # « complet »: the author's figures; « agrege »: statistical secrecy applied (funder).
    public: str = Field(max_length=10, primary_key=True)
    sha256: str = Field(max_length=64)
    contenu: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class GabaritRapport(SQLModel, table=True):
    """A funder's Word template (docxtpl) its associations' reports are rendered into."""

    __tablename__ = "gabarit_rapport"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    nom: str = Field(max_length=200)
    champs: list[str] = Field(sa_column=Column(JSON, nullable=False))
    sha256: str = Field(max_length=64)
    contenu: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    cree_par_id: uuid.UUID
    cree_le: datetime = Field(default_factory=utcnow)


class RapportCelluleDossier(SQLModel, table=True):
    """The files behind each frozen figure, kept at the deposit: ``ecarts`` compares them
    with today's to name the files that entered or left a cell (a late exit, a corrected
    date). Read by the report's author only: a funder never gets a file."""

    __tablename__ = "rapport_cellule_dossier"

    rapport_id: uuid.UUID = Field(foreign_key="rapport.id", primary_key=True, ondelete="CASCADE")
    periode: str = Field(max_length=5, primary_key=True)  # N | N-1
    table_code: str = Field(max_length=60, primary_key=True)
    cellule: str = Field(max_length=200, primary_key=True)
    dossier_id: uuid.UUID = Field(primary_key=True)
    type: str = Field(max_length=12)  # mesure | orientation
