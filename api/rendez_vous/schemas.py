"""Shapes of the rendez-vous in the API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.core.schemas import DateHeureISO, ModificationPartielle
from api.mesures.models import RendezVous, StatutRendezVous, TypeRendezVous

PARIS = ZoneInfo("Europe/Paris")


def _heure_locale(value: datetime | None) -> datetime | None:
    """A date-time without offset is French local time (what a worker types)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=PARIS)
    return value


class Participants(BaseModel):
    model_config = ConfigDict(extra="forbid")
    personnes: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=20,
        description="Personnes du ménage présentes (identifiants)",
    )
    bailleur: bool = Field(default=False, description="Le bailleur participe (rencontre tripartite)")
    autres: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list,
        max_length=10,
        description="Autres partenaires présents",
        examples=[["CCAS de Rennes"]],
    )

    @field_validator("autres")
    @classmethod
    def _courts(cls, value: list[str]) -> list[str]:
        if any(len(v) > 200 or not v.strip() for v in value):
            raise ValueError("chaque partenaire : 1 à 200 caractères")
        return value


class RendezVousChamps(BaseModel):
    debut: DateHeureISO | None = Field(
        default=None,
        description="Date et heure ISO 8601 ; sans décalage, heure de Paris",
        examples=["2026-03-14T09:30:00+01:00"],
    )
    duree_minutes: int | None = Field(default=None, ge=1, le=1440)
    fin: DateHeureISO | None = Field(default=None, description="Autre façon de donner la durée : heure de fin")
    type: TypeRendezVous | None = None
    lieu: str | None = Field(default=None, max_length=300, examples=["Domicile"])
    participants: Participants | None = None
    statut: StatutRendezVous | None = None
    compte_rendu: str | None = Field(
        default=None,
        max_length=10000,
        description="Visible seulement dans l'association qui porte la mesure",
    )

    _locale = field_validator("debut", "fin")(_heure_locale)


class RendezVousCreate(RendezVousChamps):
    model_config = ConfigDict(extra="forbid")
    mesure_id: uuid.UUID
    debut: DateHeureISO = Field(description="Date et heure ISO 8601 ; sans décalage, heure de Paris")
    type: TypeRendezVous
    est_suivi: bool = Field(default=False, description="Contact du suivi à 6 mois (permis après la fin)")


class RendezVousUpdate(RendezVousChamps, ModificationPartielle):
    """Modification partielle (If-Match obligatoire), statut compris :
    planifie → realise | annule | absent."""

    model_config = ConfigDict(extra="forbid")
    table = RendezVous


class RendezVousPublic(BaseModel):
    id: uuid.UUID
    mesure_id: uuid.UUID
    mesure_reference: str
    menage_reference: str
    demandeur: str | None = Field(default=None, description="Prénom et NOM du demandeur", examples=["Claire VALLÉE"])
    debut: datetime
    fin: datetime
    duree_minutes: int
    type: TypeRendezVous
    lieu: str | None
    statut: StatutRendezVous
    participants: Participants
    compte_rendu: str | None
    est_suivi: bool
    cree_par_id: uuid.UUID | None
    cree_le: datetime
    modifie_le: datetime
    version: int
