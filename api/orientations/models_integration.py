"""Tables for the bailleurs' systems: idempotent pushes, webhooks and their deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class RequeteIdempotente(SQLModel, table=True):
    """One `Idempotency-Key` of an organisation: the first request's fingerprint and answer.

    The row is committed *before* the work starts (statut en_cours): the unique
    constraint is what makes a concurrent duplicate wait, then see it.
    """

    __tablename__ = "requete_idempotente"
    __table_args__ = (UniqueConstraint("organisation_id", "cle"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    cle: str = Field(max_length=200)
    empreinte: str = Field(max_length=64)  # SHA-256 of the canonical JSON body
    statut: str = Field(max_length=20, default="en_cours")
    code_http: int | None = None
    corps: str | None = Field(default=None, sa_column=Column(Text))
    location: str | None = Field(default=None, max_length=300)
    cree_le: datetime = Field(default_factory=utcnow, index=True)


class AbonnementWebhook(SQLModel, table=True):
    """A URL of an organisation that receives the status changes of its referrals."""

    __tablename__ = "abonnement_webhook"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    url: str = Field(max_length=500)
    # Kept in clear: the server needs it to sign; never returned after creation.
    secret: str = Field(max_length=200)
    actif: bool = True
    cree_le: datetime = Field(default_factory=utcnow)


class LivraisonWebhook(SQLModel, table=True):
    """One event to deliver to one webhook (written in the transaction of the change)."""

    __tablename__ = "livraison_webhook"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    abonnement_id: uuid.UUID = Field(foreign_key="abonnement_webhook.id", index=True, ondelete="CASCADE")
    orientation_id: uuid.UUID = Field(foreign_key="orientation.id", index=True)
    evenement_id: uuid.UUID
    corps: str = Field(sa_column=Column(Text, nullable=False))
    statut: str = Field(max_length=20, default="en_attente", index=True)
    tentatives: int = 0
    prochaine_tentative: datetime | None = Field(default_factory=utcnow, index=True)
    livree_le: datetime | None = None
    cree_le: datetime = Field(default_factory=utcnow)


class TentativeLivraison(SQLModel, table=True):
    """Every attempt to deliver, kept: what the receiver answered, or the network error."""

    __tablename__ = "tentative_livraison"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    livraison_id: uuid.UUID = Field(foreign_key="livraison_webhook.id", index=True, ondelete="CASCADE")
    numero: int
    quand: datetime = Field(default_factory=utcnow)
    code_http: int | None = None
    erreur: str | None = Field(default=None, max_length=500)
    duree_ms: int = 0
