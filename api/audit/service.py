"""Recording accesses. ``journaliser`` adds the entry to the use case's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import insert
from sqlmodel import Session

from api.audit.models import ActionAudit, JournalAcces
from api.auth.principal import Principal
from api.core.context import request_context
from api.core.models import utcnow


def _entree(
    principal: Principal, action: ActionAudit, ressource: str, ressource_id: uuid.UUID | None, nombre: int | None
) -> dict[str, object]:
    ctx = request_context.get()
    return {
        "id": uuid.uuid4(),
        "quand": utcnow(),
        "principal_type": principal.kind,
        "principal_id": principal.id,
        "organisation_id": principal.organisation_id,
        "role": principal.role,
        "action": action.value,
        "ressource": ressource,
        "ressource_id": ressource_id,
        "nombre": nombre,
        "adresse": ctx.get("client"),
        "request_id": ctx.get("request_id"),
    }


def journaliser(
    session: Session,
    principal: Principal,
    action: ActionAudit,
    ressource: str,
    ressource_id: uuid.UUID | None = None,
    *,
    nombre: int | None = None,
) -> None:
    """Record one access to a nominative record (or one list/export with its size).

    Written in the use case's transaction; the caller commits (a read use case commits
    just for this), so a failed use case leaves no entry and a logged read is durable.
    """
    session.execute(insert(JournalAcces), [_entree(principal, action, ressource, ressource_id, nombre)])


def journaliser_liste(session: Session, principal: Principal, ressource: str, ids: Iterable[uuid.UUID]) -> None:
    """A list exposes each record in it: one entry per record, as the CNIL asks,
    written as one multi-row INSERT (50 ORM objects cost more than the list itself)."""
    rows = [_entree(principal, ActionAudit.lister, ressource, rid, None) for rid in ids]
    if rows:
        session.execute(insert(JournalAcces), rows)
