"""Orientations (referrals), their events, and commission sessions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class StatutOrientation(StrEnum):
    brouillon = "brouillon"
    soumise = "soumise"
    en_commission = "en_commission"
    acceptee = "acceptee"
    ajournee = "ajournee"
    attente_infos = "attente_infos"
    liste_attente = "liste_attente"
    refusee = "refusee"
    refus_beneficiaire = "refus_beneficiaire"
    annulee = "annulee"


class OrigineOrientation(StrEnum):
    bailleur = "bailleur"
    ccas = "ccas"
    cdas_travailleur_social = "cdas_travailleur_social"
    famille = "famille"
    association = "association"
    ccapex = "ccapex"
    siao = "siao"
    autre = "autre"


class MotifRefus(StrEnum):
    droit_commun = "droit_commun"
    hors_cible = "hors_cible"
    territoire_non_couvert = "territoire_non_couvert"
    financement_non_disponible = "financement_non_disponible"
    parc_prive = "parc_prive"
    autre = "autre"


class SessionCommission(SQLModel, table=True):
    __tablename__ = "session_commission"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    dispositif_id: uuid.UUID = Field(foreign_key="dispositif.id", index=True)
    date: date
    lieu: str | None = Field(default=None, max_length=200)
    # The members present, one per line (printed in the procès-verbal's header).
    membres_presents: str | None = Field(default=None, max_length=4000)
    close: bool = False
    cree_le: datetime = Field(default_factory=utcnow)


class Orientation(SQLModel, table=True):
    __tablename__ = "orientation"
    __table_args__ = (
        UniqueConstraint("prescripteur_organisation_id", "external_ref"),
        Index("ix_orientation_dispositif_id_statut", "dispositif_id", "statut"),
        # Indicators: the orientations received in a period, grouped from the index alone.
        Index(
            "ix_orientation_indicateurs",
            "dispositif_id",
            "date_reception",
            postgresql_include=["statut", "origine", "prescripteur_organisation_id"],
        ),
        # The referral a mesure was born of, from the mesure: the prescriber's view of one
        # mesure is then a probe, not a hash of all its referrals (migration 0037).
        Index(
            "ix_orientation_mesure_id",
            "mesure_id",
            postgresql_where=text("mesure_id IS NOT NULL"),
            sqlite_where=text("mesure_id IS NOT NULL"),
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    menage_id: uuid.UUID = Field(foreign_key="menage.id", index=True)
    dispositif_id: uuid.UUID = Field(foreign_key="dispositif.id")
    statut: str = Field(max_length=20, default=StatutOrientation.brouillon.value)
    origine: str = Field(max_length=30)
    prescripteur_organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    prescripteur_nom: str | None = Field(default=None, max_length=200)
    prescripteur_utilisateur_id: uuid.UUID | None = None
    external_ref: str | None = Field(default=None, max_length=100)
    cible_proposee_code: str | None = Field(default=None, max_length=50)
    acces_maintien: str = Field(max_length=10)
    motifs: str | None = Field(default=None, max_length=5000)
    date_reception: date | None = Field(default=None, index=True)  # when it was submitted
    date_decision: date | None = None
    motif_refus: str | None = Field(default=None, max_length=40)
    association_id: uuid.UUID | None = Field(default=None, foreign_key="organisation.id", index=True)
    cible_code: str | None = Field(default=None, max_length=50)
    type_accompagnement_code: str | None = Field(default=None, max_length=50)
    mesure_id: uuid.UUID | None = None
    session_commission_id: uuid.UUID | None = Field(default=None, foreign_key="session_commission.id", index=True)
    cree_le: datetime = Field(default_factory=utcnow)
    modifie_le: datetime = Field(default_factory=utcnow, index=True)
    version: int = 1


class OrientationEvenement(SQLModel, table=True):
    """Every transition of a referral (decision events count in indicators)."""

    __tablename__ = "orientation_evenement"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    orientation_id: uuid.UUID = Field(foreign_key="orientation.id", index=True)
    quand: datetime = Field(default_factory=utcnow, index=True)
    date_effet: date | None = None
    auteur_type: str = Field(max_length=20)
    auteur_id: uuid.UUID
    organisation_id: uuid.UUID
    de_statut: str | None = Field(default=None, max_length=20)
    vers_statut: str = Field(max_length=20)
    motif: str | None = Field(default=None, max_length=40)
    commentaire: str | None = Field(default=None, max_length=2000)
    session_commission_id: uuid.UUID | None = None
