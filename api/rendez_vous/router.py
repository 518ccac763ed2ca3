"""Routes of the rendez-vous."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.auth.principal import CurrentPrincipal
from api.core.concurrency import IfMatchHeader, set_etag
from api.core.db import SessionDep
from api.core.errors import (
    ErreurValidation,
    Interdit,
    Introuvable,
    NonAuthentifie,
    TransitionRefusee,
    VersionPerimee,
    VersionRequise,
    responses,
)
from api.core.pagination import Page, PageDep
from api.mesures.models import StatutRendezVous
from api.rendez_vous import service
from api.rendez_vous.schemas import RendezVousCreate, RendezVousPublic, RendezVousUpdate

router = APIRouter(
    prefix="/api/v1/rendez-vous",
    tags=["rendez-vous"],
    responses=responses(NonAuthentifie, ErreurValidation),
)


@router.get(
    "",
    response_model=Page[RendezVousPublic],
    operation_id="rendez_vous_lister",
    summary="Lister les rendez-vous (par mesure, référent ou période)",
)
def rendez_vous_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    mesure_id: uuid.UUID | None = None,
    referent_id: Annotated[uuid.UUID | None, Query(description="Référent de la mesure")] = None,
    du: Annotated[date | None, Query(description="Premier jour de la période (AAAA-MM-JJ, heure de Paris)")] = None,
    au: Annotated[date | None, Query(description="Dernier jour de la période, inclus")] = None,
    statut: StatutRendezVous | None = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="Référence (mesure, ménage) ou nom d'une personne du ménage"),
    ] = None,
) -> Page[RendezVousPublic]:
    return service.lister_rendez_vous(
        session,
        principal,
        page=page,
        mesure_id=mesure_id,
        referent_id=referent_id,
        du=du,
        au=au,
        statut=statut,
        q=q,
    )


@router.post(
    "",
    response_model=RendezVousPublic,
    status_code=201,
    operation_id="rendez_vous_creer",
    summary="Planifier ou enregistrer un rendez-vous d'une mesure",
    responses=responses(Introuvable, Interdit, service.MesureTerminee),
)
def rendez_vous_creer(
    data: RendezVousCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> RendezVousPublic:
    public = service.creer_rendez_vous(session, principal, data=data, instant=service.maintenant())
    set_etag(response, public.version)
    response.headers["Location"] = f"/api/v1/rendez-vous/{public.id}"
    return public


@router.get(
    "/{rdv_id}",
    response_model=RendezVousPublic,
    operation_id="rendez_vous_lire",
    summary="Lire un rendez-vous",
    responses=responses(Introuvable),
)
def rendez_vous_lire(
    rdv_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> RendezVousPublic:
    public = service.lire_rendez_vous(session, principal, rdv_id)
    set_etag(response, public.version)
    return public


@router.patch(
    "/{rdv_id}",
    response_model=RendezVousPublic,
    operation_id="rendez_vous_modifier",
    summary="Modifier un rendez-vous, dont son statut (If-Match obligatoire)",
    responses=responses(Introuvable, TransitionRefusee, VersionPerimee, VersionRequise),
)
def rendez_vous_modifier(
    rdv_id: uuid.UUID,
    data: RendezVousUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> RendezVousPublic:
    public = service.modifier_rendez_vous(
        session,
        principal,
        rdv_id=rdv_id,
        data=data,
        if_match=if_match,
        instant=service.maintenant(),
    )
    set_etag(response, public.version)
    return public
