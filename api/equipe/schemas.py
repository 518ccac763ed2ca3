"""The team's caseload, as the responsable's desk shows it."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from api.mesures.models import StatutMesure


class ChargeReferent(BaseModel):
    referent_id: uuid.UUID
    nom: str = Field(description="Prénom et nom du référent", examples=["Léa Martin"])
    role: str = Field(description="agent ou responsable")
    mesures_en_cours: int = Field(description="Mesures non terminées dont il est le référent")
    rendez_vous_30_jours: int = Field(description="Rendez-vous planifiés de ses mesures dans les 30 jours")
    alertes: int = Field(description="Alertes de ses mesures (celles écartées exclues)")


class MesureSansReferent(BaseModel):
    id: uuid.UUID
    reference: str
    menage_id: uuid.UUID
    menage_reference: str
    demandeur: str | None = Field(default=None, examples=["Claire VALLÉE"])
    statut: StatutMesure


class ChargeEquipe(BaseModel):
    """La charge de chaque référent de l'association, et les mesures sans référent."""

    referents: list[ChargeReferent] = Field(description="Les utilisateurs actifs de l'association, par nom")
    sans_referent_total: int = Field(description="Mesures non terminées sans référent")
    sans_referent: list[MesureSansReferent] = Field(description="Les plus anciennes d'entre elles (50 au plus)")
