from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from api.annuaire.models import RoleUtilisateur, TypeOrganisation
from api.auth.capacites import Capacites


class Titulaire(BaseModel):
    """Qui vient de se connecter : de quoi demander « mes » mesures sans appeler /auth/me."""

    type: Literal["utilisateur", "client"]
    id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_type: TypeOrganisation
    role: RoleUtilisateur | Literal["client"]


class JetonAcces(BaseModel):
    """Réponse OAuth2 : le jeton d'accès (le jeton de rafraîchissement voyage en cookie httpOnly)."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Durée de validité en secondes", examples=[900])
    principal: Titulaire | None = Field(
        None, description="Le titulaire du jeton (à la connexion, POST /auth/token ; absent au renouvellement)"
    )


class OrganisationResume(BaseModel):
    id: uuid.UUID
    nom: str
    type: TypeOrganisation


class Moi(BaseModel):
    """Le principal courant : une personne ou un système (client API)."""

    type: Literal["utilisateur", "client"]
    id: uuid.UUID
    nom: str
    email: str | None = None
    role: RoleUtilisateur | Literal["client"]
    organisation: OrganisationResume
    capacites: Capacites = Field(
        description="Ce que ce principal peut faire, dérivé de la politique d'accès et des contrôles des "
        "domaines : l'interface n'offre que cela"
    )
