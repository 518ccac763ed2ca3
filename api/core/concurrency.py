"""Optimistic concurrency: ETag from a version counter, If-Match required on updates."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Response
from sqlalchemy import update as sa_update

from api.core.errors import VersionPerimee, VersionRequise
from api.core.models import utcnow

IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description="ETag de la version lue (obligatoire pour modifier : 428 sinon, 412 si périmé)",
    ),
]


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_if_match(if_match: str | None, version: int, ressource: str) -> None:
    """Refuse an update that does not name the version it was based on, or a stale one."""
    if not if_match:
        raise VersionRequise(f"Modifier {ressource} demande l'en-tête If-Match avec l'ETag de la dernière lecture.")
    candidates = {c.strip().removeprefix("W/") for c in if_match.split(",")}
    if etag(version) not in candidates:
        raise VersionPerimee(
            f"{ressource} a été modifié entre-temps (version actuelle {etag(version)}, "
            f"reçue {if_match}). Relisez-le puis refaites la modification.",
            version_actuelle=version,
        )


def bump_version(session: Any, model: Any, obj: Any, ressource: str) -> None:
    """Claim the next version with a conditional UPDATE before changing anything.

    Two writers that read the same version cannot both pass: the second one's
    UPDATE finds the new version (it waited on the row lock) and gets 412.
    """
    expected = obj.version
    result = session.execute(
        sa_update(model)
        .where(model.id == obj.id, model.version == expected)
        .values(version=expected + 1, modifie_le=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise VersionPerimee(
            f"{ressource} vient d'être modifié par quelqu'un d'autre. Relisez-le puis refaites la modification."
        )
    obj.version = expected + 1
    obj.modifie_le = utcnow()
