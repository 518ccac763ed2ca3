from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.audit.schemas import AccesDossier
from api.auth.principal import CurrentPrincipal
from api.core.concurrency import IfMatchHeader, set_etag
from api.core.db import SessionDep
from api.core.errors import (
    Doublon,
    ErreurValidation,
    Interdit,
    Introuvable,
    NonAuthentifie,
    VersionPerimee,
    VersionRequise,
    responses,
)
from api.core.pagination import Page, PageCurseur, PageDep
from api.core.referentiels import INSEE_PATTERN, Composition
from api.menages import service
from api.menages.schemas import MenageCreate, MenagePublic, MenageResume, MenageUpdate

router = APIRouter(prefix="/api/v1/menages", tags=["menages"], responses=responses(NonAuthentifie, ErreurValidation))


@router.get(
    "",
    response_model=PageCurseur[MenageResume],
    operation_id="menages_lister",
    summary="Rechercher et lister les ménages visibles",
)
def menages_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    q: Annotated[
        str | None,
        Query(max_length=100, description="Nom, prénom, référence ou téléphone (sans accents ni casse)"),
    ] = None,
    commune_insee: Annotated[str | None, Query(pattern=INSEE_PATTERN)] = None,
    composition: Composition | None = None,
    apres: Annotated[str | None, Query(max_length=200, description="Curseur « suivant » de la page précédente")] = None,
) -> PageCurseur[MenageResume]:
    return service.lister_menages(
        session, principal, page=page, q=q, commune_insee=commune_insee, composition=composition, apres=apres
    )


@router.post(
    "",
    response_model=MenagePublic,
    status_code=201,
    operation_id="menages_creer",
    summary="Ouvrir un dossier ménage",
    responses=responses(Interdit, Doublon),
)
def menages_creer(
    data: MenageCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> MenagePublic:
    menage = service.creer_menage(session, principal, data=data)
    public = service.to_public(session, menage)
    set_etag(response, public.version)
    response.headers["Location"] = f"/api/v1/menages/{public.id}"
    return public


@router.get(
    "/{menage_id}",
    response_model=MenagePublic,
    operation_id="menages_lire",
    summary="Lire un dossier ménage",
    responses=responses(Introuvable),
)
def menages_lire(
    menage_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> MenagePublic:
    public = service.lire_menage(session, principal, menage_id)
    set_etag(response, public.version)
    return public


@router.patch(
    "/{menage_id}",
    response_model=MenagePublic,
    operation_id="menages_modifier",
    summary="Modifier un dossier ménage (If-Match obligatoire)",
    responses=responses(Introuvable, Interdit, VersionPerimee, VersionRequise),
)
def menages_modifier(
    menage_id: uuid.UUID,
    data: MenageUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatchHeader = None,
) -> MenagePublic:
    public = service.modifier_menage(session, principal, menage_id=menage_id, data=data, if_match=if_match)
    set_etag(response, public.version)
    return public


@router.get(
    "/{menage_id}/acces",
    response_model=Page[AccesDossier],
    tags=["audit"],
    operation_id="menages_acces",
    summary="Qui a consulté ou modifié ce dossier",
    responses=responses(Introuvable),
)
def menages_acces(
    menage_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Page[AccesDossier]:
    return service.qui_a_consulte(session, principal, menage_id=menage_id, page=page)
