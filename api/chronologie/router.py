"""Route of a household's timeline."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from api.auth.principal import CurrentPrincipal
from api.chronologie import service
from api.chronologie.schemas import EntreeChronologie
from api.core.db import SessionDep
from api.core.errors import ErreurValidation, Introuvable, NonAuthentifie, responses

router = APIRouter(
    prefix="/api/v1/menages",
    tags=["menages"],
    responses=responses(NonAuthentifie, ErreurValidation),
)


@router.get(
    "/{menage_id}/chronologie",
    response_model=list[EntreeChronologie],
    operation_id="menages_chronologie",
    summary="Chronologie d'un ménage : orientations, événements des mesures, rendez-vous",
    responses=responses(Introuvable),
)
def menages_chronologie(
    menage_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> list[EntreeChronologie]:
    return service.chronologie(session, principal, menage_id)
