"""Route of the alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.alertes import service
from api.alertes.schemas import AlerteEcarteePublic, Alertes, Ecartement, Perimetre, TypeAlerte
from api.auth.principal import CurrentPrincipal
from api.core.db import SessionDep
from api.core.errors import ErreurValidation, Interdit, Introuvable, NonAuthentifie, responses
from api.core.pagination import PageDep
from api.mesures.service import aujourdhui
from api.rendez_vous.service import maintenant

router = APIRouter(
    prefix="/api/v1/alertes",
    tags=["alertes"],
    responses=responses(NonAuthentifie, ErreurValidation),
)


@router.get(
    "",
    response_model=Alertes,
    operation_id="alertes_lister",
    summary="Ce qui demande attention : les miennes, ou celles de l'association (responsable)",
    responses=responses(Interdit),
)
def alertes_lister(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    perimetre: Perimetre | None = None,
    type_alerte: Annotated[
        TypeAlerte | None, Query(alias="type", description="Un seul type d'alerte (les compteurs restent tous là)")
    ] = None,
) -> Alertes:
    return service.lister_alertes(
        session,
        principal,
        perimetre=perimetre,
        aujourdhui=aujourdhui(),
        instant=maintenant(),
        delai_premier_rdv=request.app.state.settings.alerte_premier_rdv_jours,
        page=page,
        type=type_alerte,
    )


@router.post(
    "/ecarter",
    response_model=AlerteEcarteePublic,
    status_code=201,
    operation_id="alertes_ecarter",
    summary="Écarter une alerte avec un motif, pour de bon ou jusqu'à une date (reporter)",
    responses=responses(Interdit, Introuvable),
)
def alertes_ecarter(
    data: Ecartement, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> AlerteEcarteePublic:
    return service.ecarter_alerte(
        session,
        principal,
        data=data,
        aujourdhui=aujourdhui(),
        instant=maintenant(),
        delai_premier_rdv=request.app.state.settings.alerte_premier_rdv_jours,
    )
