"""The household's right of access (RGPD art. 15): what the export contains.

Each part is the very view the exporting organisation gets of that fact one by one
(``GET /menages/{id}``, ``/orientations/{id}``, ``/mesures/{id}``, ``/rendez-vous/{id}``
and their events): an export never shows more than its reader could read.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from api.alertes.schemas import AlerteEcarteePublic
from api.documents.schemas import DocumentPublic
from api.menages.schemas import MenagePublic
from api.mesures.schemas import EvenementPublic as EvenementMesure
from api.mesures.schemas import MesureVue
from api.orientations.schemas import EvenementPublic as EvenementOrientation
from api.orientations.schemas import OrientationPublic
from api.rappels.schemas import ConsentementRappels
from api.rendez_vous.schemas import RendezVousPublic


class OrientationExport(BaseModel):
    orientation: OrientationPublic
    evenements: list[EvenementOrientation]


class MesureExport(BaseModel):
    mesure: MesureVue
    evenements: list[EvenementMesure]
    rendez_vous: list[RendezVousPublic] = Field(
        description="Rendez-vous et comptes rendus : seulement pour l'association qui porte la mesure"
    )
    alertes_ecartees: list[AlerteEcarteePublic] = Field(
        default_factory=list,
        description="Alertes écartées ou reportées, avec leur motif : seulement pour l'association qui porte la mesure",
    )


class ExportMenage(BaseModel):
    """Ce que l'organisation qui exporte détient sur un ménage et peut montrer : chaque
    responsable de traitement répond pour sa part."""

    genere_le: datetime
    organisation_id: uuid.UUID = Field(description="Organisation qui exporte (responsable de sa part)")
    menage: MenagePublic
    anonymise_le: datetime | None
    orientations: list[OrientationExport]
    mesures: list[MesureExport]
    documents: list[DocumentPublic] = Field(
        description="Documents que l'organisation qui exporte peut lire (le fichier se télécharge à part)"
    )
    consentement_rappel: ConsentementRappels | None = Field(
        default=None,
        description="Consentement du ménage aux rappels de rendez-vous (canaux, numéro, adresse), en vigueur et "
        "historique : seulement pour l'association qui le tient (absent pour toute autre organisation)",
    )
    exclusions: list[str] = Field(description="Ce qui n'est pas exporté, et pourquoi")
