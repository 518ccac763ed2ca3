"""Recording accesses. ``journaliser`` adds the entry to the use case's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, text
from sqlmodel import Session, col, select

from api.audit import access
from api.audit.models import ActionAudit, JournalAcces
from api.audit.schemas import EntreeJournal
from api.auth.principal import Principal
from api.core.context import request_context
from api.core.errors import Interdit, champ_invalide
from api.core.models import new_id, utcnow
from api.core.pagination import Page, PageParams, count


def _entree(
    principal: Principal, action: ActionAudit, ressource: str, ressource_id: uuid.UUID | None, nombre: int | None
) -> dict[str, object]:
    ctx = request_context.get()
    return {
        "id": new_id(),
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


def journaliser_plusieurs(
    session: Session, principal: Principal, entrees: Iterable[tuple[ActionAudit, str, uuid.UUID | None]]
) -> None:
    """Several entries of one use case (a referral that opens a ménage) in one INSERT."""
    rows = [_entree(principal, action, ressource, rid, None) for action, ressource, rid in entrees]
    if rows:
        session.execute(insert(JournalAcces), rows)


def valeurs_liste(principal: Principal, ressource: str) -> dict[str, object]:
    """The values shared by the entries of one list (all but ``id`` and ``ressource_id``),
    for a statement that writes the entries itself (the mesures list on PostgreSQL)."""
    entree = _entree(principal, ActionAudit.lister, ressource, None, None)
    return {k: entree[k] for k in COLONNES_JOURNAL_LISTE}


_COLONNES_LISTE = "quand, principal_type, principal_id, organisation_id, role, action, ressource, adresse, request_id"
COLONNES_JOURNAL_LISTE = tuple(_COLONNES_LISTE.split(", "))


def journaliser_liste(session: Session, principal: Principal, ressource: str, ids: Iterable[uuid.UUID]) -> None:
    """A list exposes each record in it: one entry per record, as the CNIL asks.

    On PostgreSQL the entries are one statement whatever their number: the common
    values are bound once and the record ids as one array (``unnest``), the entry ids
    drawn by the server. Elsewhere, one multi-row INSERT."""
    ids = list(ids)
    if not ids:
        return
    if session.connection().dialect.name != "postgresql":
        rows = [_entree(principal, ActionAudit.lister, ressource, rid, None) for rid in ids]
        session.execute(insert(JournalAcces), rows)
        return
    commun = _entree(principal, ActionAudit.lister, ressource, None, None)
    session.execute(
        text(
            f"INSERT INTO journal_acces (id, {_COLONNES_LISTE}, ressource_id) "  # noqa: S608 - constant columns
            "SELECT gen_random_uuid(), :quand, :principal_type, :principal_id, :organisation_id, :role, "
            ":action, :ressource, :adresse, :request_id, r FROM unnest(CAST(:ids AS uuid[])) AS r"
        ),
        {**{k: commun[k] for k in _COLONNES_LISTE.split(", ")}, "ids": ids},
    )


condition_journal_visible = access.condition_journal_visible


def lister_journal(
    session: Session,
    principal: Principal,
    *,
    page: PageParams,
    du: datetime | None = None,
    au: datetime | None = None,
    principal_id: uuid.UUID | None = None,
    ressource: str | None = None,
    ressource_id: uuid.UUID | None = None,
    action: ActionAudit | None = None,
) -> Page[EntreeJournal]:
    """The access log of one's organisation (all for the admin), newest first.

    Machine clients have no business reading it: the log is for people who answer
    for the processing (DPO, responsables).
    """
    if principal.is_client:
        raise Interdit("Le journal des accès se consulte avec un compte personnel, pas un client API.")
    if du is not None and au is not None and au < du:
        raise champ_invalide("au", "la date de fin doit suivre la date de début", au.isoformat())
    query = select(JournalAcces).where(condition_journal_visible(principal))
    if du is not None:
        query = query.where(col(JournalAcces.quand) >= du)
    if au is not None:
        query = query.where(col(JournalAcces.quand) <= au)
    if principal_id is not None:
        query = query.where(JournalAcces.principal_id == principal_id)
    if ressource is not None:
        query = query.where(JournalAcces.ressource == ressource)
    if ressource_id is not None:
        query = query.where(JournalAcces.ressource_id == ressource_id)
    if action is not None:
        query = query.where(JournalAcces.action == action.value)
    total = count(session, query)
    rows = session.exec(
        query.order_by(col(JournalAcces.quand).desc(), col(JournalAcces.id)).offset(page.offset).limit(page.limit)
    )
    return Page(
        total=total,
        limit=page.limit,
        offset=page.offset,
        items=[EntreeJournal.model_validate(r) for r in rows],
    )
