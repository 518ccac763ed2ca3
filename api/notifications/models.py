"""Notifications, each person's preferences, and the e-mails to send (a jobs table).

A notification is a sentence and a link, never a household's name, a cible or an
address (docs/documents-notifications.md): the link leads into the app, where the
access policy decides what the person sees.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text, text
from sqlmodel import Column, Field, SQLModel

from api.core.models import new_id, utcnow


class TypeNotification(StrEnum):
    orientation_decidee = "orientation_decidee"  # to the person who sent the referral
    mandatement = "mandatement"  # to the responsables of the mandated association
    ordre_du_jour = "ordre_du_jour"  # to the commission: a referral placed on a session's agenda
    alerte_dossier = "alerte_dossier"  # to the référent: alerts on their own files
    rapport_depose = "rapport_depose"  # to the funder of the dispositif: a report it can now read


class Frequence(StrEnum):
    immediat = "immediat"
    quotidien = "quotidien"
    hebdomadaire = "hebdomadaire"
    jamais = "jamais"  # in the app only, no e-mail


# Without a choice of one's own. Alerts are a weekly round-up; a commission is told of its
# agenda once a day (a session's agenda is set one referral at a time: thirty e-mails else).
FREQUENCE_PAR_DEFAUT: dict[TypeNotification, Frequence] = {
    TypeNotification.orientation_decidee: Frequence.immediat,
    TypeNotification.mandatement: Frequence.immediat,
    TypeNotification.ordre_du_jour: Frequence.quotidien,
    TypeNotification.alerte_dossier: Frequence.hebdomadaire,
    TypeNotification.rapport_depose: Frequence.immediat,
}


class EtatCourriel(StrEnum):
    a_envoyer = "a_envoyer"  # waits for its e-mail (now, or in the next digest)
    programme = "programme"  # put in an e-mail (``envoi_id``)
    aucun = "aucun"  # the person chose « jamais »


class Notification(SQLModel, table=True):
    __tablename__ = "notification"
    __table_args__ = (
        # The header's counter: one person's unread ones.
        Index("ix_notification_utilisateur_id_lue_le", "utilisateur_id", "lue_le"),
        # The worker's round: those still waiting for their e-mail.
        Index(
            "ix_notification_a_envoyer",
            "frequence",
            "cree_le",
            postgresql_where=text("courriel = 'a_envoyer'"),
            sqlite_where=text("courriel = 'a_envoyer'"),
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    utilisateur_id: uuid.UUID = Field(foreign_key="utilisateur.id")
    type: str = Field(max_length=30)
    phrase: str = Field(max_length=300)
    lien: str = Field(max_length=200)  # a path in the app (/orientations/…)
    cree_le: datetime = Field(default_factory=utcnow)
    lue_le: datetime | None = None
    frequence: str = Field(max_length=20)  # the person's choice when it was made
    courriel: str = Field(max_length=20)
    envoi_id: uuid.UUID | None = Field(default=None, foreign_key="envoi_courriel.id", index=True)


class PreferenceNotification(SQLModel, table=True):
    __tablename__ = "preference_notification"

    utilisateur_id: uuid.UUID = Field(foreign_key="utilisateur.id", primary_key=True)
    type: str = Field(max_length=30, primary_key=True)
    frequence: str = Field(max_length=20)


class StatutEnvoi(StrEnum):
    en_attente = "en_attente"
    envoye = "envoye"
    echec = "echec"  # given up after the last try: the admin's dead-letter view


class EnvoiCourriel(SQLModel, table=True):
    """One e-mail to send, with its tries (the worker's jobs table)."""

    __tablename__ = "envoi_courriel"
    __table_args__ = (Index("ix_envoi_courriel_statut_prochaine_tentative", "statut", "prochaine_tentative"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    utilisateur_id: uuid.UUID = Field(foreign_key="utilisateur.id", index=True)
    destinataire: str = Field(max_length=254)
    sujet: str = Field(max_length=200)
    corps: str = Field(sa_column=Column(Text, nullable=False))
    statut: str = Field(default=StatutEnvoi.en_attente.value, max_length=20)
    tentatives: int = 0
    prochaine_tentative: datetime = Field(default_factory=utcnow)
    derniere_erreur: str | None = Field(default=None, max_length=500)
    cree_le: datetime = Field(default_factory=utcnow)
    envoye_le: datetime | None = None
