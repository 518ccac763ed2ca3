"""The household's right of access (RGPD art. 15): what the export contains."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from api.menages.schemas import MenagePublic


class EvenementExport(BaseModel):
    """Un changement d'une orientation ou d'une mesure. Le commentaire n'est donné que
    s'il a été écrit par l'organisation qui exporte (ceux des autres sont leurs notes internes)."""

    quand: datetime
    date_effet: date | None
    type: str | None = Field(default=None, description="Type d'événement (mesures)")
    de_statut: str | None
    vers_statut: str | None
    motif: str | None
    organisation_id: uuid.UUID = Field(description="Organisation auteur")
    commentaire: str | None


class OrientationExport(BaseModel):
    id: uuid.UUID
    reference: str
    dispositif_id: uuid.UUID
    statut: str
    origine: str
    prescripteur_organisation_id: uuid.UUID
    cible_proposee: str | None = Field(
        description="Code de la cible proposée (« cible confidentielle » pour un bailleur)"
    )
    cible: str | None
    acces_maintien: str
    motifs: str | None = Field(
        description="Motifs de l'orientation (ce qui a été transmis sur le ménage)"
    )
    date_reception: date | None
    date_decision: date | None
    motif_refus: str | None
    association_id: uuid.UUID | None
    cree_le: datetime
    evenements: list[EvenementExport]


class RendezVousExport(BaseModel):
    id: uuid.UUID
    debut: datetime
    duree_minutes: int
    type: str
    lieu: str | None
    statut: str
    compte_rendu: str | None = Field(
        description="Compte rendu (seulement ceux de l'organisation qui exporte)"
    )


class MesureExport(BaseModel):
    id: uuid.UUID
    reference: str
    dispositif_id: uuid.UUID
    association_id: uuid.UUID
    statut: str
    cible: str = Field(description="Code de la cible (« cible confidentielle » pour un bailleur)")
    type_accompagnement: str
    acces_maintien: str
    date_mandatement: date
    date_debut: date | None
    date_fin_prevue: date | None
    date_fin: date | None
    motif_fin: str | None
    situation_sortie: str | None
    adhesion_date: date | None
    modalite_logement: str | None
    modalite_date_debut: date | None
    modalite_date_fin: date | None
    situation_entree: dict[str, object] = Field(description="Situation du ménage à l'entrée")
    domaines: list[str]
    suivi_date_prevue: date | None
    suivi_realise_le: date | None
    suivi_situation: str | None
    suivi_commentaire: str | None
    evenements: list[EvenementExport]
    rendez_vous: list[RendezVousExport]


class ExportMenage(BaseModel):
    """Tout ce qu'Ancrage détient sur un ménage, sauf ce qui concerne des tiers."""

    genere_le: datetime
    menage: MenagePublic
    anonymise_le: datetime | None
    orientations: list[OrientationExport]
    mesures: list[MesureExport]
    exclusions: list[str] = Field(description="Ce qui n'est pas exporté, et pourquoi")
