"""Routes of the mesures: list, detail, update, and lifecycle actions as sub-resources."""

from __future__ import annotations

import uuid
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
from api.mesures import service
from api.mesures.models import StatutMesure
from api.mesures.schemas import (
    Activation,
    ChangementReferent,
    ChangementStatut,
    Demarrage,
    EvenementPublic,
    Fin,
    MesureCreate,
    MesurePublic,
    MesureResumeVue,
    MesureUpdate,
    MesureVue,
    Prolongation,
    Reorientation,
    Suivi,
)

router = APIRouter(
    prefix="/api/v1/mesures",
    tags=["mesures"],
    responses=responses(NonAuthentifie, ErreurValidation),
)

# Every lifecycle action may answer these: not visible, visible but read-only,
# refused transition, stale If-Match (If-Match is optional on actions).
_ACTION = responses(Introuvable, Interdit, TransitionRefusee, VersionPerimee)


@router.get(
    "",
    response_model=Page[MesureResumeVue],
    operation_id="mesures_lister",
    summary="Lister les mesures visibles",
)
def mesures_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    statut: StatutMesure | None = None,
    dispositif_id: uuid.UUID | None = None,
    referent_id: Annotated[
        uuid.UUID | None, Query(description="Travailleur social référent")
    ] = None,
    menage_id: uuid.UUID | None = None,
    cible: Annotated[str | None, Query(max_length=50, description="Code de cible")] = None,
) -> Page[MesureResumeVue]:
    return service.lister_mesures(
        session,
        principal,
        page=page,
        statut=statut,
        dispositif_id=dispositif_id,
        referent_id=referent_id,
        menage_id=menage_id,
        cible=cible,
    )


@router.post(
    "",
    response_model=MesurePublic,
    status_code=201,
    operation_id="mesures_creer",
    summary="Ouvrir directement une mesure (dispositif à création directe)",
    responses=responses(Interdit),
)
def mesures_creer(
    data: MesureCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> MesurePublic:
    public = service.creer_mesure(session, principal, data=data, aujourdhui=service.aujourdhui())
    set_etag(response, public.version)
    response.headers["Location"] = f"/api/v1/mesures/{public.id}"
    return public


@router.get(
    "/{mesure_id}",
    response_model=MesureVue,
    operation_id="mesures_lire",
    summary="Lire une mesure",
    responses=responses(Introuvable),
)
def mesures_lire(
    mesure_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> MesureVue:
    public = service.lire_mesure(session, principal, mesure_id)
    if isinstance(public, MesurePublic):
        set_etag(response, public.version)
    return public


@router.patch(
    "/{mesure_id}",
    response_model=MesurePublic,
    operation_id="mesures_modifier",
    summary=(
        "Modifier une mesure : domaines, modalité de logement, accès/maintien, référent "
        "(If-Match obligatoire)"
    ),
    responses=responses(Introuvable, Interdit, VersionPerimee, VersionRequise),
)
def mesures_modifier(
    mesure_id: uuid.UUID,
    data: MesureUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MesurePublic:
    public = service.modifier_mesure(
        session, principal, mesure_id=mesure_id, data=data, if_match=if_match
    )
    set_etag(response, public.version)
    return public


@router.get(
    "/{mesure_id}/evenements",
    response_model=list[EvenementPublic],
    operation_id="mesures_evenements",
    summary="Historique des événements d'une mesure",
    responses=responses(Introuvable),
)
def mesures_evenements(
    mesure_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> list[EvenementPublic]:
    return service.lister_evenements(session, principal, mesure_id)


def _repondre(response: Response, public: MesurePublic) -> MesurePublic:
    set_etag(response, public.version)
    return public


@router.post(
    "/{mesure_id}/demarrer",
    response_model=MesurePublic,
    operation_id="mesures_demarrer",
    summary="Démarrer l'accompagnement (date de début, adhésion)",
    responses=responses(
        Introuvable, Interdit, TransitionRefusee, VersionPerimee, service.AdhesionRequise
    ),
)
def mesures_demarrer(
    mesure_id: uuid.UUID,
    data: Demarrage,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MesurePublic:
    return _repondre(
        response,
        service.demarrer(
            session,
            principal,
            mesure_id=mesure_id,
            data=data,
            aujourdhui=service.aujourdhui(),
            if_match=if_match,
        ),
    )


@router.post(
    "/{mesure_id}/activer",
    response_model=MesurePublic,
    operation_id="mesures_activer",
    summary="Clore l'évaluation : la mesure devient active (adhésion requise selon le dispositif)",
    responses=responses(
        Introuvable, Interdit, TransitionRefusee, VersionPerimee, service.AdhesionRequise
    ),
)
def mesures_activer(
    mesure_id: uuid.UUID,
    data: Activation,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MesurePublic:
    return _repondre(
        response,
        service.activer(
            session,
            principal,
            mesure_id=mesure_id,
            data=data,
            aujourdhui=service.aujourdhui(),
            if_match=if_match,
        ),
    )


@router.post(
    "/{mesure_id}/suspendre",
    response_model=MesurePublic,
    operation_id="mesures_suspendre",
    summary="Suspendre une mesure active",
    responses=_ACTION,
)
def mesures_suspendre(
    mesure_id: uuid.UUID,
    data: ChangementStatut,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MesurePublic:
    return _repondre(
        response,
        service.suspendre(
            session,
            principal,
            mesure_id=mesure_id,
            data=data,
            aujourdhui=service.aujourdhui(),
            if_match=if_match,
        ),
    )


@router.post(
    "/{mesure_id}/reprendre",
    response_model=MesurePublic,
    operation_id="mesures_reprendre",
    summary="Reprendre une mesure suspendue",
    responses=_ACTION,
)
def mesures_reprendre(
    mesure_id: uuid.UUID,
    data: ChangementStatut,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MesurePublic:
    return _repondre(
        response,
        service.reprendre(
            session,
            principal,
            mesure_id=mesure_id,
            data=data,
            aujourdhui=service.aujourdhui(),
            if_match=if_match,
        ),
    )


@router.post(
    "/{mesure_id}/reorienter",
    response_model=MesurePublic,
    operation_id="mesures_reorienter",
    summary="Réorienter : changer de cible et/ou de type d'accompagnement",
    responses=_ACTION,
)
def mesures_reorienter(
    mesure_id: uuid.UUID,
    data: Reorientation,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MesurePublic:
    return _repondre(
        response,
        service.reorienter(
            session,
            principal,
            mesure_id=mesure_id,
            data=data,
            aujourdhui=service.aujourdhui(),
            if_match=if_match,
        ),
    )


@router.post(
    "/{mesure_id}/prolonger",
    response_model=MesurePublic,
    operation_id="mesures_prolonger",
    summary="Prolonger : repousser la fin prévue (dérogation motivée au-delà de la durée maximale)",
    responses=_ACTION,
)
def mesures_prolonger(
    mesure_id: uuid.UUID,
    data: Prolongation,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MesurePublic:
    return _repondre(
        response,
        service.prolonger(session, principal, mesure_id=mesure_id, data=data, if_match=if_match),
    )


@router.post(
    "/{mesure_id}/changer-referent",
    response_model=MesurePublic,
    operation_id="mesures_changer_referent",
    summary="Changer de référent (un utilisateur de l'association)",
    responses=_ACTION,
)
def mesures_changer_referent(
    mesure_id: uuid.UUID,
    data: ChangementReferent,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MesurePublic:
    return _repondre(
        response,
        service.changer_referent(
            session, principal, mesure_id=mesure_id, data=data, if_match=if_match
        ),
    )


@router.post(
    "/{mesure_id}/terminer",
    response_model=MesurePublic,
    operation_id="mesures_terminer",
    summary="Terminer la mesure (date, motif, situation de sortie)",
    responses=_ACTION,
)
def mesures_terminer(
    mesure_id: uuid.UUID,
    data: Fin,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MesurePublic:
    return _repondre(
        response,
        service.terminer(
            session,
            principal,
            mesure_id=mesure_id,
            data=data,
            aujourdhui=service.aujourdhui(),
            if_match=if_match,
        ),
    )


@router.post(
    "/{mesure_id}/suivi",
    response_model=MesurePublic,
    operation_id="mesures_suivi",
    summary="Enregistrer le suivi à 6 mois d'une mesure terminée",
    responses=_ACTION,
)
def mesures_suivi(
    mesure_id: uuid.UUID,
    data: Suivi,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MesurePublic:
    return _repondre(
        response,
        service.enregistrer_suivi(
            session,
            principal,
            mesure_id=mesure_id,
            data=data,
            aujourdhui=service.aujourdhui(),
            if_match=if_match,
        ),
    )
