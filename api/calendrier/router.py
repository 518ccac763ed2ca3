"""Routes of the calendar feed and of its secret URL."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from api.auth.principal import CurrentPrincipal
from api.calendrier import service
from api.calendrier.schemas import JetonPublic
from api.core.db import SessionDep
from api.core.errors import Interdit, Introuvable, NonAuthentifie, responses
from api.rendez_vous.service import maintenant

router = APIRouter(prefix="/api/v1/calendrier", tags=["calendrier"])


@router.post(
    "/jeton",
    response_model=JetonPublic,
    status_code=201,
    operation_id="calendrier_creer_jeton",
    summary="Créer (ou remplacer) l'adresse secrète de mon agenda",
    responses=responses(NonAuthentifie, Interdit),
)
def calendrier_creer_jeton(request: Request, session: SessionDep, principal: CurrentPrincipal) -> JetonPublic:
    jeton, secret = service.creer_jeton(session, principal)
    url = str(request.url_for("calendrier_ics", jeton=secret))
    return JetonPublic(id=jeton.id, url=url, cree_le=jeton.cree_le)


@router.delete(
    "/jeton",
    status_code=204,
    operation_id="calendrier_revoquer_jeton",
    summary="Révoquer l'adresse secrète de mon agenda",
    responses=responses(NonAuthentifie, Introuvable),
)
def calendrier_revoquer_jeton(session: SessionDep, principal: CurrentPrincipal) -> Response:
    service.revoquer_jeton(session, principal)
    return Response(status_code=204)


@router.get(
    "/{jeton}.ics",
    name="calendrier_ics",
    operation_id="calendrier_ics",
    summary="Agenda iCalendar de mes rendez-vous planifiés (adresse secrète, sans jeton Bearer)",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}, "description": "Agenda iCalendar"},
        **responses(Introuvable),
    },
)
def calendrier_ics(
    jeton: Annotated[str, Path(max_length=100, description="Adresse secrète de l'agenda")],
    session: SessionDep,
) -> Response:
    contenu = service.agenda(session, jeton, instant=maintenant())
    return Response(content=contenu, media_type="text/calendar; charset=utf-8")
