"""Who is calling: the principal, loaded once per request from the bearer token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session, select

from api.auth.models import SessionAuth
from api.core.db import SessionDep
from api.core.errors import Interdit, NonAuthentifie
from api.core.models import utcnow
from api.core.security import InvalidToken, decode_token
from api.organisations.models import ClientApi, Organisation, TypeOrganisation, Utilisateur

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True)
class Principal:
    """A user or a machine client, with its organisation and role."""

    kind: str  # "utilisateur" | "client"
    id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_type: TypeOrganisation
    role: str  # agent | responsable for users, "client" for machine clients
    session_id: uuid.UUID

    @property
    def is_client(self) -> bool:
        return self.kind == "client"

    @property
    def is_admin(self) -> bool:
        return self.organisation_type == TypeOrganisation.admin

    @property
    def is_responsable(self) -> bool:
        return self.role == "responsable"

    def of_type(self, *types: TypeOrganisation) -> bool:
        return self.organisation_type in types


def load_principal(session: Session, *, sub: str, sid: str) -> Principal | None:
    """The principal behind a token's subject and session, if both are still valid."""
    try:
        kind, raw_id = sub.split(":", 1)
        pid, session_id = uuid.UUID(raw_id), uuid.UUID(sid)
    except ValueError:
        return None
    auth = session.get(SessionAuth, session_id)
    if auth is None or auth.revoquee_le is not None or auth.expire_le <= utcnow():
        return None
    if kind == "utilisateur" and auth.utilisateur_id == pid:
        row = session.exec(
            select(Utilisateur, Organisation)
            .join(Organisation, Organisation.id == Utilisateur.organisation_id)  # type: ignore[arg-type]
            .where(Utilisateur.id == pid)
        ).first()
        if row is None or not row[0].actif or not row[1].actif:
            return None
        user, org = row
        return Principal("utilisateur", user.id, org.id, TypeOrganisation(org.type), user.role, auth.id)
    if kind == "client" and auth.client_api_id == pid:
        crow = session.exec(
            select(ClientApi, Organisation)
            .join(Organisation, Organisation.id == ClientApi.organisation_id)  # type: ignore[arg-type]
            .where(ClientApi.id == pid)
        ).first()
        if crow is None or not crow[0].actif or not crow[1].actif:
            return None
        client, org = crow
        return Principal("client", client.id, org.id, TypeOrganisation(org.type), "client", auth.id)
    return None


def get_principal(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    if not token:
        raise NonAuthentifie("Authentification requise : envoyez un jeton « Authorization: Bearer ».")
    try:
        claims = decode_token(request.app.state.settings, token, expected="access")
    except InvalidToken:
        raise NonAuthentifie() from None
    principal = load_principal(session, sub=claims.sub, sid=claims.sid)
    if principal is None:
        raise NonAuthentifie("Session terminée ou compte désactivé : reconnectez-vous.")
    if principal.is_client:
        request.app.state.client_rate_limit.hit(str(principal.id))
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_types(*types: TypeOrganisation, responsable: bool = False) -> object:
    """Dependency factory: only principals of these organisation types (and role)."""

    def _check(principal: CurrentPrincipal) -> Principal:
        if principal.organisation_type not in types or (responsable and not principal.is_responsable):
            noms = ", ".join(t.value for t in types)
            raise Interdit(
                f"Action réservée aux organisations de type : {noms}"
                + (" (rôle responsable)" if responsable else "")
                + f". Votre organisation est de type « {principal.organisation_type.value} »."
            )
        return principal

    return Depends(_check)


AdminPrincipal = Annotated[Principal, require_types(TypeOrganisation.admin)]
