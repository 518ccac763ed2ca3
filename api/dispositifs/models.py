"""Dispositifs (programmes), their cibles and types d'accompagnement, and conventions.

Cibles and types are data, configured per dispositif: seed 001's five cibles and
three types are rows, not code.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class Dispositif(SQLModel, table=True):
    __tablename__ = "dispositif"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    code: str = Field(max_length=50, unique=True)
    nom: str = Field(max_length=200)
    # The funder that holds the dispositif (its pilot). Co-funders are named by the
    # conventions (ConventionFinanceur); api/dispositifs/access.py::condition_financee says
    # which dispositifs a funder reads, from both.
    financeur_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    commission_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    duree_max_mois: int | None = None
    adhesion_requise: bool = True
    creation_directe: bool = False  # an association may open a mesure without a referral
    # Statistical secrecy for the funders of this dispositif: None = the platform's setting
    # (ANCRAGE_SECRET_STATISTIQUE_SEUIL); 0 when the partners' convention allows exact counts.
    secret_statistique_seuil: int | None = None
    date_debut: date
    date_fin: date | None = None
    cree_le: datetime = Field(default_factory=utcnow)


class DispositifCommune(SQLModel, table=True):
    """Territory covered by a dispositif (INSEE commune codes)."""

    __tablename__ = "dispositif_commune"

    dispositif_id: uuid.UUID = Field(foreign_key="dispositif.id", primary_key=True, ondelete="CASCADE")
    commune_insee: str = Field(max_length=5, primary_key=True)


class Cible(SQLModel, table=True):
    __tablename__ = "cible"
    __table_args__ = (UniqueConstraint("dispositif_id", "code"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    dispositif_id: uuid.UUID = Field(foreign_key="dispositif.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=50)
    libelle: str = Field(max_length=200)
    # Health, justice, violence: never shown to a bailleur, never in a funder's rows.
    sensible: bool = False
    ordre: int = 0


class TypeAccompagnement(SQLModel, table=True):
    __tablename__ = "type_accompagnement"
    __table_args__ = (UniqueConstraint("dispositif_id", "code"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    dispositif_id: uuid.UUID = Field(foreign_key="dispositif.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=50)
    libelle: str = Field(max_length=200)
    duree_max_mois: int | None = None  # e.g. évaluation: 3 months
    ordre: int = 0


class Convention(SQLModel, table=True):
    """Funding agreement: dispositif × association × period, with targets."""

    __tablename__ = "convention"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    dispositif_id: uuid.UUID = Field(foreign_key="dispositif.id", index=True)
    association_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    date_debut: date
    date_fin: date
    objectif_menages: int = Field(description="Nombre de ménages accompagnés en même temps, financés")
    mois_mesures_finances: int | None = None
    budget_euros: int | None = None
    cree_le: datetime = Field(default_factory=utcnow)


class ConventionFinanceur(SQLModel, table=True):
    """A funder of a convention and its share, in hundredths of a percent (10 000 = 100 %):
    integers, so that three thirds (33,33 + 33,33 + 33,34) add up exactly."""

    __tablename__ = "convention_financeur"

    convention_id: uuid.UUID = Field(foreign_key="convention.id", primary_key=True, ondelete="CASCADE")
    financeur_id: uuid.UUID = Field(foreign_key="organisation.id", primary_key=True, index=True)
    part_centiemes: int = Field(description="Part du financement, en centièmes de pour cent (10 000 = 100 %)")


class ConventionCommune(SQLModel, table=True):
    __tablename__ = "convention_commune"

    convention_id: uuid.UUID = Field(foreign_key="convention.id", primary_key=True, ondelete="CASCADE")
    commune_insee: str = Field(max_length=5, primary_key=True)
