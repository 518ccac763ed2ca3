from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class EntreeJournal(BaseModel):
    """Une entrée du journal des accès : qui, quand, quoi ; jamais les données."""

    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    quand: datetime = Field(description="Date et heure de l'accès (UTC)")
    principal_type: str = Field(description="utilisateur ou client (système d'un partenaire)")
    principal_id: uuid.UUID = Field(description="Compte ou client API auteur de l'accès")
    organisation_id: uuid.UUID
    role: str = Field(description="agent, responsable ou client")
    action: str = Field(description="lire, lister, creer, modifier, exporter, decider")
    ressource: str = Field(description="Type d'enregistrement, ex. « menage »")
    ressource_id: uuid.UUID | None
    nombre: int | None = Field(description="Nombre d'enregistrements (export)")
    adresse: str | None = Field(description="Adresse IP du client")
    request_id: str | None = Field(description="Identifiant de la requête (journaux techniques)")


class AccesDossier(BaseModel):
    """« Qui a consulté ce dossier » : l'organisation et le rôle, sans l'adresse IP
    des personnels d'autres organisations."""

    model_config = ConfigDict(from_attributes=True)
    quand: datetime
    principal_type: str
    principal_id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_nom: str
    role: str
    action: str
