"""Privacy routes that span domains: the household's export (right of access)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from api.auth.principal import CurrentPrincipal
from api.core.db import SessionDep, SessionLectureDep
from api.core.errors import ErreurValidation, Introuvable, NonAuthentifie, responses
from api.vie_privee.export import exporter_menage
from api.vie_privee.schemas import ExportMenage

router = APIRouter(prefix="/api/v1", tags=["menages"], responses=responses(NonAuthentifie, ErreurValidation))


@router.get(
    "/menages/{menage_id}/export",
    response_model=ExportMenage,
    operation_id="menages_exporter",
    summary="Exporter tout ce qui est détenu sur un ménage (droit d'accès)",
    responses=responses(Introuvable),
)
def menages_exporter(
    menage_id: uuid.UUID, session: SessionDep, lecture: SessionLectureDep, principal: CurrentPrincipal
) -> ExportMenage:
    """Pour répondre à la demande d'accès du ménage (RGPD, article 15) : ce que votre
    organisation détient sur le ménage et peut montrer, chaque fait tel que vous le lisez un à
    un. Les autres partenaires répondent pour leur part. Journalisé (action « exporter »)."""
    return exporter_menage(session, principal, menage_id=menage_id, lecture=lecture)
