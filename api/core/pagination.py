"""Offset pagination with a total, shared by every list endpoint."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.sql import Select
from sqlmodel import Session

T = TypeVar("T")

MAX_LIMIT = 100


class PageParams(BaseModel):
    limit: int
    offset: int


def _page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Taille de page (100 au plus)")] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Décalage")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(_page_params)]


class Page(BaseModel, Generic[T]):
    total: int = Field(description="Nombre total d'éléments correspondant aux filtres")
    limit: int
    offset: int
    items: list[T]


def count(session: Session, query: Select[Any] | Any) -> int:
    """Total rows of ``query`` (ordering removed, as it is useless for a count)."""
    sub = query.order_by(None).subquery()
    return int(session.execute(select(func.count()).select_from(sub)).scalar_one())
