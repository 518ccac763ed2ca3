"""The ménage file: the household, its persons, resources and debts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class Menage(SQLModel, table=True):
    __tablename__ = "menage"
    __table_args__ = (
        # A search's page is chosen on these two columns alone (``lister_menages``): read
        # from here, not from the table, for each of its matches (migration 0045).
        Index("ix_menage_ordre", "id", "modifie_le"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    # The organisation that opened the file: it keeps access to what it sent.
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    composition: str = Field(max_length=40)
    statut_occupation: str | None = Field(default=None, max_length=40)
    bailleur_id: uuid.UUID | None = Field(default=None, foreign_key="organisation.id", index=True)
    commune_insee: str | None = Field(default=None, max_length=5, index=True)
    adresse: str | None = Field(default=None, max_length=300)
    telephone: str | None = Field(default=None, max_length=30)
    courriel: str | None = Field(default=None, max_length=254)
    nb_procedures_expulsion: int = 0
    stade_procedure: str | None = Field(default=None, max_length=40)
    # SituationProfessionnelle (api/core/referentiels.py); kept by anonymisation: a figure, not an identity
    situation_professionnelle: str | None = Field(default=None, max_length=40)
    cree_le: datetime = Field(default_factory=utcnow)
    cree_par_id: uuid.UUID | None = None
    modifie_le: datetime = Field(default_factory=utcnow, index=True)
    version: int = 1
    anonymise_le: datetime | None = None


class Personne(SQLModel, table=True):
    __tablename__ = "personne"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    menage_id: uuid.UUID = Field(foreign_key="menage.id", index=True, ondelete="CASCADE")
    nom: str = Field(max_length=100)
    prenom: str = Field(max_length=100)
    # "nom prénom" without accents or case: search behaves the same on SQLite and PostgreSQL.
    nom_recherche: str = Field(max_length=210, index=True)
    date_naissance: date | None = None
    sexe: str = Field(max_length=20)
    lien: str = Field(max_length=20)


class Ressource(SQLModel, table=True):
    __tablename__ = "ressource"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    menage_id: uuid.UUID = Field(foreign_key="menage.id", index=True, ondelete="CASCADE")
    type: str = Field(max_length=40)
    montant_mensuel: int | None = None


class Dette(SQLModel, table=True):
    __tablename__ = "dette"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    menage_id: uuid.UUID = Field(foreign_key="menage.id", index=True, ondelete="CASCADE")
    type: str = Field(max_length=40)
    montant: int


class MenageTransmission(SQLModel, table=True):
    """The household as one organisation sent it: at the opening of the file, with each
    referral, with each change it made while the file was its own. A referrer reads its
    latest transmission, never the live file (api/acces/politique.py, ``menage_transmis``)."""

    __tablename__ = "menage_transmission"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    menage_id: uuid.UUID = Field(foreign_key="menage.id", index=True, ondelete="CASCADE")
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    orientation_id: uuid.UUID | None = Field(default=None, index=True)
    quand: datetime = Field(default_factory=utcnow)
    # MenagePublic as it was (persons, situation, contact), without the live file's version.
    donnees: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # The names of ``donnees`` as ``Personne.nom_recherche`` keeps them (one person per
    # line): a referrer or a commission searches what it was sent, not the live file
    # (migration 0042; pg_trgm index on PostgreSQL).
    noms_recherche: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class MenageAcces(SQLModel, table=True):
    """Who stands in which relation to a household (api/acces/politique.py: auteur,
    prescripteur, commission, porteur), one row each: the policy's relations kept at each
    write so that « the households I may see » is an index range, not a gathering of
    everything an organisation ever touched. Kept by database triggers on menage,
    orientation and mesure (migration 0013), whatever writes them: the services, the demo's
    bulk inserts, an operator's SQL. ``tests/acces/test_acces_index.py`` rebuilds it from the
    facts and compares."""

    __tablename__ = "menage_acces"

    organisation_id: uuid.UUID = Field(primary_key=True)
    menage_id: uuid.UUID = Field(primary_key=True, foreign_key="menage.id", ondelete="CASCADE", index=True)
    relation: str = Field(primary_key=True, max_length=20)
