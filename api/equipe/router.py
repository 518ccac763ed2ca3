"""Route of the team's caseload (the responsable's desk)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.auth.principal import CurrentPrincipal
from api.core.db import SessionDep
from api.core.errors import Interdit, NonAuthentifie, responses
from api.equipe import service
from api.equipe.schemas import ChargeEquipe
from api.mesures.service import aujourdhui
from api.rendez_vous.service import maintenant

router = APIRouter(prefix="/api/v1/equipe", tags=["equipe"], responses=responses(NonAuthentifie))


@router.get(
    "/charge",
    response_model=ChargeEquipe,
    operation_id="equipe_charge",
    summary="Charge de chaque référent de l'association et mesures sans référent (responsable)",
    responses=responses(Interdit),
)
def equipe_charge(request: Request, session: SessionDep, principal: CurrentPrincipal) -> ChargeEquipe:
    return service.charge_equipe(
        session,
        principal,
        aujourdhui=aujourdhui(),
        instant=maintenant(),
        delai_premier_rdv=request.app.state.settings.alerte_premier_rdv_jours,
    )
