"""Passwords and tokens. The only module that imports python-jose.

Tokens are HS256 JWTs signed with the settings' key. Every claim we rely on
is required, the algorithm list is pinned, and the token type (``typ``)
keeps refresh tokens out of the access path.
"""

from __future__ import annotations

import functools
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from jose import JWTError, jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from api.core.config import Settings

ALGORITHM = "HS256"
TokenType = Literal["access", "refresh"]

# argon2id with OWASP's recommended parameters (Password Storage Cheat Sheet: m=19 MiB,
# t=2, p=1) rather than pwdlib's default 64 MiB: each hash allocates its memory cost at
# once, and at 64 MiB a single login lifted a worker's peak memory to ≈ 180 MB (issue 8's
# budget is 150 MB). The parameters live in each stored hash, so older hashes still verify.
_password_hash = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))


@functools.cache
def _dummy_hash() -> str:
    """A real hash, so that checking an unknown account costs the same time as a wrong
    password. Computed at the first such check, not at import: an argon2 hash takes its
    memory cost (19 MiB) at once, and every worker would start with that peak."""
    return _password_hash.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    """Constant-ish time: an unknown account still pays for one argon2 check."""
    return verify_and_update_password(password, hashed)[0]


def verify_and_update_password(password: str, hashed: str | None) -> tuple[bool, str | None]:
    """Like verify_password, plus a new hash when the stored one has older parameters:
    the caller stores it, so hashes move to the current parameters at the next login."""
    if not hashed:
        _password_hash.verify(password, _dummy_hash())
        return False, None
    return _password_hash.verify_and_update(password, hashed)


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class TokenClaims:
    sub: str
    typ: TokenType
    jti: str
    sid: str
    exp: datetime


class InvalidToken(Exception):
    """Any reason a token is refused; the caller answers 401 without detail."""


def create_token(
    settings: Settings,
    *,
    sub: str,
    typ: TokenType,
    sid: uuid.UUID,
    lifetime: timedelta,
    jti: uuid.UUID | None = None,
    now: datetime | None = None,
) -> tuple[str, TokenClaims]:
    now = now or datetime.now(UTC)
    exp = now + lifetime
    jti = jti or uuid.uuid4()
    claims: dict[str, Any] = {
        "sub": sub,
        "typ": typ,
        "sid": str(sid),
        "jti": str(jti),
        "iat": int(now.timestamp()),
        "exp": int(exp.timestamp()),
        "aud": settings.jwt_audience,
        "iss": settings.jwt_issuer,
    }
    token = jwt.encode(claims, settings.signing_key(), algorithm=ALGORITHM)
    return token, TokenClaims(sub=sub, typ=typ, jti=str(jti), sid=str(sid), exp=exp)


def decode_token(settings: Settings, token: str, *, expected: TokenType) -> TokenClaims:
    """Verify signature, algorithm, expiry, audience, issuer and type; or raise."""
    try:
        header = jwt.get_unverified_header(token)
    except JWTError as exc:
        raise InvalidToken("en-tête illisible") from exc
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("algorithme refusé")
    try:
        payload = jwt.decode(
            token,
            settings.signing_key(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={
                "require_exp": True,
                "require_iat": True,
                "require_aud": True,
                "require_iss": True,
                "require_sub": True,
                "require_jti": True,
            },
        )
    except JWTError as exc:
        raise InvalidToken(str(exc)) from exc
    typ, sid = payload.get("typ"), payload.get("sid")
    if typ != expected or not isinstance(sid, str):
        raise InvalidToken("type de jeton inattendu")
    return TokenClaims(
        sub=str(payload["sub"]),
        typ=typ,
        jti=str(payload["jti"]),
        sid=sid,
        exp=datetime.fromtimestamp(int(payload["exp"]), UTC),
    )
