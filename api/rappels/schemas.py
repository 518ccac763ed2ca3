"""What the API says of the consent to reminders, and of the reminders given up."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from api.rappels.models import Canal, MotifRappel, StatutRappel


class ConsentementIn(BaseModel):
    """Le consentement du ménage aux rappels de rendez-vous, par SMS et/ou par courriel."""

    model_config = ConfigDict(extra="forbid")
    sms: bool = Field(default=False, description="Rappels par SMS (demande `telephone`)")
    courriel: bool = Field(default=False, description="Rappels par courriel (demande `adresse_courriel`)")
    telephone: str | None = Field(
        default=None, max_length=30, description="Numéro où envoyer les SMS", examples=["06 12 34 56 78"]
    )
    adresse_courriel: EmailStr | None = Field(
        default=None, max_length=254, description="Adresse où envoyer les courriels"
    )
    telephone_a_appeler: str = Field(
        max_length=30,
        description="Numéro que le ménage peut appeler (association, référent) : le seul, avec la date, l'heure "
        "et le lieu, que disent les rappels",
        examples=["02 99 12 34 56"],
    )
    date_consentement: date | None = Field(
        default=None, description="Jour où le ménage a donné son accord (aujourd'hui par défaut ; pas dans le futur)"
    )


class ConsentementPublic(BaseModel):
    id: uuid.UUID
    menage_id: uuid.UUID
    sms: bool
    courriel: bool
    telephone: str | None = Field(description="Format E.164", examples=["+33612345678"])
    adresse_courriel: str | None
    telephone_a_appeler: str
    date_consentement: date
    enregistre_le: datetime
    retire_le: datetime | None
    en_vigueur: bool


class ConsentementRappels(BaseModel):
    en_vigueur: ConsentementPublic | None = Field(description="Le consentement en vigueur, s'il y en a un")
    historique: list[ConsentementPublic] = Field(description="Tous, du plus récent au plus ancien, retirés compris")


class RappelEnEchec(BaseModel):
    """Un rappel abandonné après sa dernière tentative (ni destinataire ni texte)."""

    id: uuid.UUID
    canal: Canal
    motif: MotifRappel
    statut: StatutRappel
    tentatives: int
    derniere_erreur: str | None
    prochaine_tentative: datetime
    cree_le: datetime
