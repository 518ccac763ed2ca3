from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from api.core.db import SessionDep
from api.core.errors import Probleme

router = APIRouter(tags=["sante"])


class Sante(BaseModel):
    status: Literal["ok"] = "ok"


class BaseIndisponible(Probleme):
    status = 503
    slug = "base-indisponible"
    title = "Base de données injoignable"


@router.get("/health", response_model=Sante, operation_id="health", summary="Le service répond (liveness)")
def health() -> Sante:
    return Sante()


@router.get(
    "/health/ready",
    response_model=Sante,
    operation_id="health_ready",
    summary="La base de données répond (readiness)",
    responses={503: {"description": "Base injoignable"}},
)
def ready(session: SessionDep) -> Sante:
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:
        raise BaseIndisponible("La base de données ne répond pas.") from exc
    return Sante()
