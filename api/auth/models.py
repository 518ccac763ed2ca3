"""Sign-in sessions and their rotating refresh tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from api.core.models import new_id, utcnow


class SessionAuth(SQLModel, table=True):
    """One sign-in: every token issued from it carries its id (``sid``).

    Revoking the session (logout, refresh-token reuse, disabled account) makes
    all its tokens, access tokens included, stop working at the next request.
    """

    __tablename__ = "session_auth"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    utilisateur_id: uuid.UUID | None = Field(default=None, foreign_key="utilisateur.id", index=True)
    client_api_id: uuid.UUID | None = Field(default=None, foreign_key="client_api.id", index=True)
    cree_le: datetime = Field(default_factory=utcnow)
    expire_le: datetime
    revoquee_le: datetime | None = None
    motif_revocation: str | None = Field(default=None, max_length=50)


class JetonRafraichissement(SQLModel, table=True):
    """A refresh token of a session: usable once, then replaced (rotation)."""

    __tablename__ = "jeton_rafraichissement"

    jti: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    session_id: uuid.UUID = Field(foreign_key="session_auth.id", index=True)
    emis_le: datetime = Field(default_factory=utcnow)
    expire_le: datetime
    utilise_le: datetime | None = None


class ProConnectTentative(SQLModel, table=True):
    """A sign-in started towards ProConnect: its ``state`` (also in a cookie of the browser
    that started it), ``nonce`` and PKCE verifier, used once at the callback and valid a
    few minutes."""

    __tablename__ = "proconnect_tentative"

    state: str = Field(primary_key=True, max_length=100)
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(max_length=128)
    cree_le: datetime = Field(default_factory=utcnow, index=True)


class ProConnectSession(SQLModel, table=True):
    """An Ancrage session opened through ProConnect, with the provider's ID token: logging
    out ends the provider's session too (RP-initiated logout, ``id_token_hint``)."""

    __tablename__ = "proconnect_session"

    session_id: uuid.UUID = Field(primary_key=True, foreign_key="session_auth.id", ondelete="CASCADE")
    id_token: str = Field(max_length=8000)
    cree_le: datetime = Field(default_factory=utcnow)
