"""Small shared pieces of the table models."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import insert
from sqlmodel import Session, SQLModel

M = TypeVar("M", bound=SQLModel)

# Named constraints make migrations reversible and diffs readable. Set here, in the
# module every table module imports, so it is in place before any table is declared.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


# ORM bulk INSERTs leave out a row's None values by default, so rows with different
# None columns go in different statements (in the worst case, one per row): NULL is
# written instead, every row has the same columns, one statement takes them all.
_EN_UNE_FOIS = {"render_nulls": True}


def inserer(session: Session, modele: type[SQLModel], lignes: Sequence[dict[str, Any]]) -> None:
    """Insert many rows given as values (same keys in each) in one statement."""
    if lignes:
        session.execute(insert(modele), list(lignes), execution_options=_EN_UNE_FOIS)


def inserer_objets(session: Session, modele: type[M], lignes: Sequence[dict[str, Any]]) -> list[M]:
    """Insert many rows given as values (same keys in each) and return them as objects, in
    the order given: one statement for all the rows (the ids, drawn here, sort them), and no
    object built one by one by its constructor (≈ 0.1 ms each for a SQLModel table)."""
    if not lignes:
        return []
    stmt = insert(modele).returning(modele, sort_by_parameter_order=True)
    return cast(list[M], list(session.scalars(stmt, list(lignes), execution_options=_EN_UNE_FOIS)))
