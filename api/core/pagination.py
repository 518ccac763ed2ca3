"""Offset pagination with a total, shared by every list endpoint."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Response
from pydantic import BaseModel, Field, TypeAdapter
from sqlalchemy import func, literal, select
from sqlalchemy.sql import Select
from sqlmodel import Session

T = TypeVar("T")

MAX_LIMIT = 100


class PageParams(BaseModel):
    limit: int
    offset: int


async def _page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Taille de page (100 au plus)")] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Décalage")] = 0,
) -> PageParams:
    # ``async`` for no I/O: FastAPI runs a plain ``def`` dependency through the thread
    # pool, one hand-off per request for two integers (api/core/db.py, ``get_session``).
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


# Long lists (mesures: thousands per dispositif at département scale) count at most this
# many rows: past it, ``total`` says « at least » (``total_exact`` false) instead of
# scanning every matching row at each page.
TOTAL_PLAFOND = 1000


class PageCurseur(Page[T], Generic[T]):
    """A page of a long list: capped total, and a cursor to the next page."""

    total: int = Field(
        description=f"Nombre d'éléments correspondant aux filtres, compté jusqu'à offset + {TOTAL_PLAFOND} "
        "(au-delà : total_exact vaut false et total vaut ce plafond ; une page atteinte par offset voit "
        "donc toujours des pages après elle)"
    )
    total_exact: bool = Field(True, description="false quand il y a plus d'éléments que le plafond (total)")
    suivant: str | None = Field(
        None,
        description="Curseur de la page suivante, à passer tel quel dans « apres » (null : dernière page). "
        "Plus rapide qu'un décalage sur les longues listes, et stable si des éléments sont ajoutés entre deux pages.",
    )


def count_plafonne(session: Session, query: Select[Any] | Any, plafond: int | None = None) -> tuple[int, bool]:
    """(total, exact): rows of ``query`` counted up to ``plafond`` (``TOTAL_PLAFOND``)."""
    plafond = TOTAL_PLAFOND if plafond is None else plafond
    sub = query.order_by(None).with_only_columns(literal(1), maintain_column_froms=True).limit(plafond + 1).subquery()
    return plafonner(int(session.execute(select(func.count()).select_from(sub)).scalar_one()), plafond)


def plafonner(n: int, plafond: int) -> tuple[int, bool]:
    """(total, exact) from rows counted up to ``plafond + 1``."""
    return min(n, plafond), n <= plafond


def reponse_json(adaptateur: TypeAdapter[Any], valeur: Any) -> Response:
    """A response already made of validated models, serialised once.

    Returning a model from a synchronous route, FastAPI validates it again against
    ``response_model`` (in the thread pool: one more hand-off between the event loop and
    a worker thread) and only then serialises it. For a page of fifty mesures that was a
    sizeable share of the request's CPU (issue 8's note). The route keeps its
    ``response_model`` for the OpenAPI document; ``adaptateur`` is a TypeAdapter of it."""
    return Response(content=adaptateur.dump_json(valeur), media_type="application/json")
