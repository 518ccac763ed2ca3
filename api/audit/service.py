"""Recording accesses. ``journaliser`` adds the entry to the use case's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlmodel import Session

from api.audit.models import ActionAudit, JournalAcces
from api.auth.principal import Principal
from api.core.context import request_context


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

    The caller commits with its use case: a read use case commits just for this.
    """
    ctx = request_context.get()
    session.add(
        JournalAcces(
            principal_type=principal.kind,
            principal_id=principal.id,
            organisation_id=principal.organisation_id,
            role=principal.role,
            action=action.value,
            ressource=ressource,
            ressource_id=ressource_id,
            nombre=nombre,
            adresse=ctx.get("client"),
            request_id=ctx.get("request_id"),
        )
    )


def journaliser_liste(session: Session, principal: Principal, ressource: str, ids: Iterable[uuid.UUID]) -> None:
    """A list exposes each record in it: one entry per record, as the CNIL asks."""
    for rid in ids:
        journaliser(session, principal, ActionAudit.lister, ressource, rid)
