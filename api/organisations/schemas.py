from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from api.core.schemas import ModificationPartielle
from api.organisations.models import ClientApi, Organisation, RoleUtilisateur, TypeOrganisation, Utilisateur

INSEE = r"^(\d{5}|2[AB]\d{3})$"


class OrganisationBase(BaseModel):
    nom: str = Field(min_length=1, max_length=200, description="Raison sociale", examples=["Association Espoir 35"])
    type: TypeOrganisation = Field(description="Nature du partenaire")
    siret: str | None = Field(default=None, pattern=r"^\d{14}$", description="SIRET (14 chiffres)")
    commune_insee: str | None = Field(default=None, pattern=INSEE, description="Commune du siège (code INSEE)")


class OrganisationCreate(OrganisationBase):
    model_config = ConfigDict(extra="forbid")


class OrganisationUpdate(ModificationPartielle):
    model_config = ConfigDict(extra="forbid")
    table = Organisation
    nom: str | None = Field(default=None, min_length=1, max_length=200)
    siret: str | None = Field(default=None, pattern=r"^\d{14}$")
    commune_insee: str | None = Field(default=None, pattern=INSEE)
    actif: bool | None = None
    proconnect_autorise: bool | None = Field(
        default=None, description="Ses comptes peuvent se connecter avec ProConnect (administrateur seulement)"
    )


class OrganisationPublic(OrganisationBase):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    actif: bool
    proconnect_autorise: bool = Field(default=False, description="Ses comptes peuvent se connecter avec ProConnect")
    cree_le: datetime


class UtilisateurCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr = Field(max_length=254, description="Courriel, sert d'identifiant")
    nom: str = Field(min_length=1, max_length=100)
    prenom: str = Field(min_length=1, max_length=100)
    organisation_id: uuid.UUID | None = Field(
        default=None, description="Organisation (l'administrateur la choisit ; un responsable crée dans la sienne)"
    )
    role: RoleUtilisateur = RoleUtilisateur.agent
    mot_de_passe: str = Field(min_length=12, max_length=200, description="12 caractères au moins")


class UtilisateurUpdate(ModificationPartielle):
    model_config = ConfigDict(extra="forbid")
    table = Utilisateur
    null_refuse = frozenset({"mot_de_passe"})
    nom: str | None = Field(default=None, min_length=1, max_length=100)
    prenom: str | None = Field(default=None, min_length=1, max_length=100)
    role: RoleUtilisateur | None = Field(
        default=None, description="Un autre rôle met fin à toutes les sessions du compte"
    )
    organisation_id: uuid.UUID | None = Field(
        default=None,
        description="Changer le compte d'organisation (administrateur seulement) ; met fin à toutes ses sessions",
    )
    actif: bool | None = Field(
        default=None, description="false : le compte est désactivé, ses jetons cessent de marcher"
    )
    mot_de_passe: str | None = Field(
        default=None, min_length=12, max_length=200, description="Met fin à toutes les sessions du compte"
    )


MethodeConnexion = Literal["mot_de_passe", "proconnect"]


def _mot_de_passe() -> list[MethodeConnexion]:
    return ["mot_de_passe"]


class UtilisateurPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str
    nom: str
    prenom: str
    organisation_id: uuid.UUID
    role: RoleUtilisateur
    actif: bool
    cree_le: datetime
    derniere_connexion: datetime | None
    connexion: list[MethodeConnexion] = Field(
        default_factory=_mot_de_passe,
        description="Comment ce compte peut se connecter : mot de passe (tout compte en a un), et ProConnect "
        "quand son organisation y est autorisée par l'administrateur",
    )


class ClientApiCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nom: str = Field(min_length=1, max_length=200, examples=["SI locatif Néotoa"])
    organisation_id: uuid.UUID


class ClientApiPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    client_id: str
    nom: str
    organisation_id: uuid.UUID
    actif: bool
    cree_le: datetime


class ClientApiCree(ClientApiPublic):
    client_secret: str = Field(description="Secret, affiché une seule fois : à conserver")


class ClientApiUpdate(ModificationPartielle):
    model_config = ConfigDict(extra="forbid")
    table = ClientApi
    nom: str | None = Field(default=None, min_length=1, max_length=200)
    actif: bool | None = None
