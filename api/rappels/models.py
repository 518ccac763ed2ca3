"""The household's consent to rendez-vous reminders, and the reminders themselves (the
worker's jobs table, and the record the indicator of absences reads).

A reminder says only the date, the time, the place and a number to call
(docs/rappels.md): its text is built once, when it is queued, from those four facts.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, Text, text
from sqlmodel import Column, Field, SQLModel

from api.core.models import new_id, utcnow


class Canal(StrEnum):
    sms = "sms"
    courriel = "courriel"


class MotifRappel(StrEnum):
    veille = "veille"  # the reminder before the rendez-vous (ANCRAGE_RAPPELS_DELAI_HEURES)
    creation = "creation"  # a rendez-vous was set
    modification = "modification"  # its date, time or place changed
    annulation = "annulation"  # it was cancelled


class StatutRappel(StrEnum):
    en_attente = "en_attente"
    envoye = "envoye"
    echec = "echec"  # given up after the last try: the admin's dead-letter view
    caduc = "caduc"  # no longer true when its turn came (consent withdrawn, rendez-vous moved or past)


class ConsentementRappel(SQLModel, table=True):
    """One consent, as given on a date; withdrawn, it stays (the proof of what was agreed
    and when) with its withdrawal date. At most one is in force per household."""

    __tablename__ = "consentement_rappel"
    __table_args__ = (
        Index(
            "ix_consentement_rappel_en_vigueur",
            "menage_id",
            unique=True,
            postgresql_where=text("retire_le IS NULL"),
            sqlite_where=text("retire_le IS NULL"),
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    menage_id: uuid.UUID = Field(foreign_key="menage.id", index=True, ondelete="CASCADE")
    sms: bool = False
    courriel: bool = False
    telephone: str | None = Field(default=None, max_length=20)  # E.164: +33612345678
    adresse_courriel: str | None = Field(default=None, max_length=254)
    # The number the household may call (the association's, the référent's): in every reminder.
    telephone_a_appeler: str = Field(max_length=20)
    date_consentement: date
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    enregistre_par_id: uuid.UUID | None = None
    enregistre_le: datetime = Field(default_factory=utcnow)
    retire_le: datetime | None = None
    retire_par_id: uuid.UUID | None = None


class RappelRendezVous(SQLModel, table=True):
    """One reminder to send (or sent) for one rendez-vous, by one channel."""

    __tablename__ = "rappel_rendez_vous"
    __table_args__ = (
        Index("ix_rappel_rendez_vous_statut_prochaine_tentative", "statut", "prochaine_tentative"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    rendez_vous_id: uuid.UUID = Field(foreign_key="rendez_vous.id", index=True)
    menage_id: uuid.UUID = Field(foreign_key="menage.id", index=True)
    consentement_id: uuid.UUID = Field(foreign_key="consentement_rappel.id")
    canal: str = Field(max_length=10)
    motif: str = Field(max_length=20)
    rdv_debut: datetime  # the start it speaks of: a rendez-vous moved since makes it « caduc »
    destinataire: str = Field(max_length=254)
    sujet: str = Field(max_length=200)
    corps: str = Field(sa_column=Column(Text, nullable=False))
    statut: str = Field(default=StatutRappel.en_attente.value, max_length=20)
    tentatives: int = 0
    prochaine_tentative: datetime = Field(default_factory=utcnow)
    derniere_erreur: str | None = Field(default=None, max_length=500)
    cree_le: datetime = Field(default_factory=utcnow)
    envoye_le: datetime | None = None
