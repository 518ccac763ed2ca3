"""What the API says of notifications and preferences."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from api.notifications.models import Frequence, StatutEnvoi, TypeNotification

LIBELLES: dict[TypeNotification, str] = {
    TypeNotification.orientation_decidee: "Décision sur une orientation que j'ai transmise",
    TypeNotification.mandatement: "Mandatement de mon association",
    TypeNotification.ordre_du_jour: "Orientation inscrite à l'ordre du jour de ma commission",
    TypeNotification.alerte_dossier: "Alertes sur mes dossiers",
    TypeNotification.rapport_depose: "Rapport déposé sur un dispositif que je finance",
}


class NotificationPublic(BaseModel):
    id: uuid.UUID
    type: TypeNotification
    phrase: str = Field(examples=["La commission a rendu sa décision sur l'orientation O-2026-00012."])
    lien: str = Field(description="Chemin dans l'application", examples=["/orientations/…"])
    cree_le: datetime
    lue: bool
    lue_le: datetime | None


class Compteur(BaseModel):
    non_lues: int


class Marquees(BaseModel):
    marquees: int


class PreferencePublic(BaseModel):
    type: TypeNotification
    libelle: str
    frequence: Frequence
    par_defaut: Frequence


class PreferenceIn(BaseModel):
    type: TypeNotification
    frequence: Frequence


class EnvoiPublic(BaseModel):
    """Un courriel de la file d'envoi (sans son corps)."""

    id: uuid.UUID
    utilisateur_id: uuid.UUID
    destinataire: str
    sujet: str
    statut: StatutEnvoi
    tentatives: int
    prochaine_tentative: datetime
    derniere_erreur: str | None
    cree_le: datetime
    envoye_le: datetime | None
