"""Who is calling: the principal, loaded once per request from the bearer token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Uuid, bindparam, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from api.annuaire.models import ClientApi, Organisation, TypeOrganisation, Utilisateur
from api.auth.models import SessionAuth
from api.core.db import SessionDep
from api.core.errors import Interdit, NonAuthentifie
from api.core.models import utcnow
from api.core.security import InvalidToken, decode_token

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

    @staticmethod
    def en_parametres(kind: str, organisation_type: TypeOrganisation, role: str) -> Principal:
        """A principal of this kind, type and role whose ids are bound parameters
        (``valeurs_liees`` gives a real principal's values). A statement built from it has
        one shape per kind, type and role, so a hot one is built once and kept
        (``api/mesures/liste.py``, ``api/alertes/service.py``): built per request, such a
        statement cost the API more Python than it cost PostgreSQL; ids written in would
        make one shape per person."""
        zero = uuid.UUID(int=0)
        return Principal(kind, _ID_LIE, _ORGANISATION_LIEE, organisation_type, role, zero)  # type: ignore[arg-type]

    def valeurs_liees(self) -> dict[str, uuid.UUID]:
        """The values of ``en_parametres``' parameters for this principal."""
        return {_ID_LIE.key: self.id, _ORGANISATION_LIEE.key: self.organisation_id}


_ID_LIE = bindparam("principal_id", type_=Uuid())
_ORGANISATION_LIEE = bindparam("principal_organisation_id", type_=Uuid())


def _requete_principal(kind: str) -> Any:
    """The statement behind ``load_principal`` for one kind of account, built once:
    the ids are bound parameters, so SQLAlchemy reuses its cache key and compiled SQL
    (this runs on every authenticated request)."""
    compte: Any
    lien: Any
    role: Any
    if kind == "utilisateur":
        compte, lien, role = Utilisateur, SessionAuth.utilisateur_id, col(Utilisateur.role)
    else:
        compte, lien, role = ClientApi, SessionAuth.client_api_id, literal("client")
    return (
        sa_select(col(SessionAuth.expire_le), role, col(Organisation.id), col(Organisation.type))
        .select_from(SessionAuth)
        .join(compte, col(compte.id) == lien)
        .join(Organisation, col(Organisation.id) == col(compte.organisation_id))
        .where(
            col(SessionAuth.id) == bindparam("session_id", type_=Uuid()),
            col(compte.id) == bindparam("compte_id", type_=Uuid()),
            col(SessionAuth.revoquee_le).is_(None),
            col(compte.actif).is_(True),
            col(Organisation.actif).is_(True),
        )
    )


_REQUETES_PRINCIPAL = {kind: _requete_principal(kind) for kind in ("utilisateur", "client")}


def load_principal(session: Session, *, sub: str, sid: str) -> Principal | None:
    """The principal behind a token's subject and session, if both are still valid.

    One query per request (session, account and organisation joined): a revoked
    session or a disabled account or organisation is refused at the very next request.
    """
    try:
        kind, raw_id = sub.split(":", 1)
        pid, session_id = uuid.UUID(raw_id), uuid.UUID(sid)
    except ValueError:
        return None
    requete = _REQUETES_PRINCIPAL.get(kind)
    if requete is None:
        return None
    row = session.connection().execute(requete, {"session_id": session_id, "compte_id": pid}).first()
    if row is None:
        return None
    expire_le, role_valeur, org_id, org_type = row
    if (expire_le if expire_le.tzinfo else expire_le.replace(tzinfo=UTC)) <= utcnow():
        return None
    return Principal(kind, pid, org_id, TypeOrganisation(org_type), str(role_valeur), session_id)


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
    if request.app.state.principal_rend_la_connexion:
        # SQLite: every transaction takes the single write lock (``BEGIN IMMEDIATE``,
        # api/core/db.py); held across the hand-off to the route's thread, it would
        # serialise the requests a little more. End the read here.
        session.commit()
    # PostgreSQL: the read opens the transaction the route goes on with, on the same
    # connection: one ``BEGIN`` and one ``COMMIT`` per request instead of two, and one pool
    # checkout instead of two (two round trips of about 370 µs of client CPU each; the
    # capacity bench cannot tell it from its noise, docs/performance.md).
    # Holding the connection while the route waits for a thread starves nobody: at most
    # as many requests run at once as the pool has connections (``AdmissionMiddleware``),
    # so none of them ever waits for a connection.
    if principal is None:
        raise NonAuthentifie("Session terminée ou compte désactivé : reconnectez-vous.")
    if principal.is_client:
        request.app.state.client_rate_limit.hit(str(principal.id))
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_types(*types: TypeOrganisation, responsable: bool = False) -> object:
    """Dependency factory: only principals of these organisation types (and role)."""

    # ``async`` for no I/O: a plain ``def`` would cost a thread-pool hand-off per request.
    async def _check(principal: CurrentPrincipal) -> Principal:
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
