"""Organisations (partners), their users and their machine clients: the tables of the
directory, below api/auth/ (which signs them in) and api/organisations/ (which administers
them)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class TypeOrganisation(StrEnum):
    association = "association"
    gie = "gie"
    bailleur = "bailleur"
    financeur = "financeur"
    prescripteur = "prescripteur"
    admin = "admin"


class RoleUtilisateur(StrEnum):
    agent = "agent"
    responsable = "responsable"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    nom: str = Field(max_length=200, index=True)
    type: str = Field(max_length=20, index=True)
    siret: str | None = Field(default=None, max_length=14)
    commune_insee: str | None = Field(default=None, max_length=5)
    actif: bool = True
    cree_le: datetime = Field(default_factory=utcnow)
    # Its accounts may sign in through ProConnect (set by the admin; docs/import-proconnect.md).
    proconnect_autorise: bool = False


class Utilisateur(SQLModel, table=True):
    __tablename__ = "utilisateur"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    nom: str = Field(max_length=100)
    prenom: str = Field(max_length=100)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    role: str = Field(max_length=20)
    mot_de_passe_hash: str = Field(max_length=300)
    actif: bool = True
    cree_le: datetime = Field(default_factory=utcnow)
    derniere_connexion: datetime | None = None


class ClientApi(SQLModel, table=True):
    """A partner's information system (a bailleur's), authenticated by client_credentials."""

    __tablename__ = "client_api"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    client_id: str = Field(max_length=64, unique=True)
    nom: str = Field(max_length=200)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    secret_hash: str = Field(max_length=300)
    actif: bool = True
    cree_le: datetime = Field(default_factory=utcnow)
