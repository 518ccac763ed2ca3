from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.auth.principal import AdminPrincipal, CurrentPrincipal
from api.core.db import SessionDep
from api.core.errors import (
    Conflit,
    ErreurValidation,
    Interdit,
    Introuvable,
    NonAuthentifie,
    responses,
)
from api.core.pagination import Page, PageDep
from api.dispositifs import service
from api.dispositifs.schemas import (
    ConventionCreate,
    ConventionPublic,
    ConventionUpdate,
    DispositifCreate,
    DispositifPublic,
    DispositifUpdate,
)

router = APIRouter(prefix="/api/v1", responses=responses(NonAuthentifie, ErreurValidation))
ADMIN = responses(Interdit)


@router.get(
    "/dispositifs",
    response_model=Page[DispositifPublic],
    tags=["dispositifs"],
    operation_id="dispositifs_lister",
    summary="Lister les dispositifs (cibles, types, communes)",
)
def dispositifs_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    actifs_le: Annotated[date | None, Query(description="Seulement les dispositifs ouverts à cette date")] = None,
) -> Page[DispositifPublic]:
    return service.lister_dispositifs(session, principal, page=page, actifs_le=actifs_le)


@router.post(
    "/dispositifs",
    response_model=DispositifPublic,
    status_code=201,
    tags=["dispositifs"],
    operation_id="dispositifs_creer",
    summary="Créer un dispositif (administrateur)",
    responses={**ADMIN, **responses(Conflit)},
)
def dispositifs_creer(
    data: DispositifCreate, session: SessionDep, principal: AdminPrincipal, response: Response
) -> DispositifPublic:
    public = service.creer_dispositif(session, principal, data=data)
    response.headers["Location"] = f"/api/v1/dispositifs/{public.id}"
    return public


@router.get(
    "/dispositifs/{dispositif_id}",
    response_model=DispositifPublic,
    tags=["dispositifs"],
    operation_id="dispositifs_lire",
    summary="Lire un dispositif",
    responses=responses(Introuvable),
)
def dispositifs_lire(dispositif_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> DispositifPublic:
    return service.lire_dispositif(session, principal, dispositif_id)


@router.patch(
    "/dispositifs/{dispositif_id}",
    response_model=DispositifPublic,
    tags=["dispositifs"],
    operation_id="dispositifs_modifier",
    summary="Modifier un dispositif (administrateur)",
    responses={**ADMIN, **responses(Introuvable, Conflit)},
)
def dispositifs_modifier(
    dispositif_id: uuid.UUID, data: DispositifUpdate, session: SessionDep, principal: AdminPrincipal
) -> DispositifPublic:
    return service.modifier_dispositif(session, principal, dispositif_id=dispositif_id, data=data)


@router.get(
    "/conventions",
    response_model=Page[ConventionPublic],
    tags=["conventions"],
    operation_id="conventions_lister",
    summary="Lister les conventions visibles (association signataire, commission, financeur)",
)
def conventions_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    dispositif_id: uuid.UUID | None = None,
    association_id: uuid.UUID | None = None,
) -> Page[ConventionPublic]:
    return service.lister_conventions(
        session, principal, page=page, dispositif_id=dispositif_id, association_id=association_id
    )


@router.post(
    "/conventions",
    response_model=ConventionPublic,
    status_code=201,
    tags=["conventions"],
    operation_id="conventions_creer",
    summary="Créer une convention (administrateur)",
    responses={**ADMIN, **responses(Introuvable)},
)
def conventions_creer(
    data: ConventionCreate, session: SessionDep, principal: AdminPrincipal, response: Response
) -> ConventionPublic:
    public = service.creer_convention(session, principal, data=data)
    response.headers["Location"] = f"/api/v1/conventions/{public.id}"
    return public


@router.get(
    "/conventions/{convention_id}",
    response_model=ConventionPublic,
    tags=["conventions"],
    operation_id="conventions_lire",
    summary="Lire une convention",
    responses=responses(Introuvable),
)
def conventions_lire(convention_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> ConventionPublic:
    return service.lire_convention(session, principal, convention_id)


@router.patch(
    "/conventions/{convention_id}",
    response_model=ConventionPublic,
    tags=["conventions"],
    operation_id="conventions_modifier",
    summary="Modifier une convention (administrateur)",
    responses={**ADMIN, **responses(Introuvable)},
)
def conventions_modifier(
    convention_id: uuid.UUID, data: ConventionUpdate, session: SessionDep, principal: AdminPrincipal
) -> ConventionPublic:
    return service.modifier_convention(session, principal, convention_id=convention_id, data=data)
