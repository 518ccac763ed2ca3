from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.auth.principal import AdminPrincipal, CurrentPrincipal
from api.core.db import SessionDep
from api.core.errors import Conflit, ErreurValidation, Interdit, Introuvable, NonAuthentifie, responses
from api.core.pagination import Page, PageDep
from api.organisations import access, service
from api.organisations.models import TypeOrganisation
from api.organisations.schemas import (
    ClientApiCreate,
    ClientApiCree,
    ClientApiPublic,
    ClientApiUpdate,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
    UtilisateurCreate,
    UtilisateurPublic,
    UtilisateurUpdate,
)

router = APIRouter(prefix="/api/v1", responses=responses(NonAuthentifie))
ADMIN = responses(Interdit, ErreurValidation)


@router.get(
    "/organisations",
    response_model=Page[OrganisationPublic],
    tags=["organisations"],
    operation_id="organisations_lister",
    summary="Annuaire des organisations partenaires",
)
def organisations_lister(
    session: SessionDep,
    _: CurrentPrincipal,
    page: PageDep,
    type: Annotated[TypeOrganisation | None, Query(description="Filtrer par type")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Recherche dans le nom")] = None,
) -> Page[OrganisationPublic]:
    return service.lister_organisations(session, page=page, type=type, q=q)


@router.get(
    "/organisations/{organisation_id}",
    response_model=OrganisationPublic,
    tags=["organisations"],
    operation_id="organisations_lire",
    responses=responses(Introuvable),
)
def organisations_lire(organisation_id: uuid.UUID, session: SessionDep, _: CurrentPrincipal) -> OrganisationPublic:
    return OrganisationPublic.model_validate(service.get_organisation(session, organisation_id))


@router.post(
    "/organisations",
    response_model=OrganisationPublic,
    status_code=201,
    tags=["organisations"],
    operation_id="organisations_creer",
    responses=ADMIN,
)
def organisations_creer(data: OrganisationCreate, session: SessionDep, _: AdminPrincipal) -> OrganisationPublic:
    return OrganisationPublic.model_validate(service.creer_organisation(session, data=data))


@router.patch(
    "/organisations/{organisation_id}",
    response_model=OrganisationPublic,
    tags=["organisations"],
    operation_id="organisations_modifier",
    responses={**ADMIN, **responses(Introuvable)},
)
def organisations_modifier(
    organisation_id: uuid.UUID, data: OrganisationUpdate, session: SessionDep, _: AdminPrincipal
) -> OrganisationPublic:
    org = service.modifier_organisation(session, organisation_id=organisation_id, data=data)
    return OrganisationPublic.model_validate(org)


@router.get(
    "/utilisateurs",
    response_model=Page[UtilisateurPublic],
    tags=["utilisateurs"],
    operation_id="utilisateurs_lister",
    summary="Comptes : ceux de son organisation (tous pour l'administrateur)",
)
def utilisateurs_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    organisation_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[UtilisateurPublic]:
    return service.lister_utilisateurs(session, principal, page=page, organisation_id=organisation_id)


@router.get(
    "/utilisateurs/{utilisateur_id}",
    response_model=UtilisateurPublic,
    tags=["utilisateurs"],
    operation_id="utilisateurs_lire",
    responses=responses(Introuvable),
)
def utilisateurs_lire(utilisateur_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> UtilisateurPublic:
    return service.public(session, service.get_utilisateur(session, principal, utilisateur_id))


@router.post(
    "/utilisateurs",
    response_model=UtilisateurPublic,
    status_code=201,
    tags=["utilisateurs"],
    operation_id="utilisateurs_creer",
    responses={**ADMIN, **responses(Conflit, Introuvable)},
)
def utilisateurs_creer(data: UtilisateurCreate, session: SessionDep, principal: CurrentPrincipal) -> UtilisateurPublic:
    return service.public(session, service.creer_utilisateur(session, principal, data=data))


@router.patch(
    "/utilisateurs/{utilisateur_id}",
    response_model=UtilisateurPublic,
    tags=["utilisateurs"],
    operation_id="utilisateurs_modifier",
    responses={**ADMIN, **responses(Introuvable)},
)
def utilisateurs_modifier(
    utilisateur_id: uuid.UUID, data: UtilisateurUpdate, session: SessionDep, principal: CurrentPrincipal
) -> UtilisateurPublic:
    user = service.modifier_utilisateur(session, principal, utilisateur_id=utilisateur_id, data=data)
    return service.public(session, user)


@router.post(
    "/utilisateurs/{utilisateur_id}/deverrouiller",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["utilisateurs"],
    operation_id="utilisateurs_deverrouiller",
    summary="Lever le blocage après trop d'échecs de connexion",
    responses={**ADMIN, **responses(Introuvable)},
)
def utilisateurs_deverrouiller(
    utilisateur_id: uuid.UUID, request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    user = service.get_utilisateur(session, principal, utilisateur_id)
    if not access.peut_gerer_utilisateurs(principal, user.organisation_id):
        raise Interdit("Seuls l'administrateur ou un responsable de l'organisation débloquent un compte.")
    request.app.state.login_guard.unlock(user.email)
    return Response(status_code=204)


@router.get(
    "/clients-api",
    response_model=Page[ClientApiPublic],
    tags=["clients-api"],
    operation_id="clients_api_lister",
    responses=ADMIN,
)
def clients_api_lister(session: SessionDep, _: AdminPrincipal, page: PageDep) -> Page[ClientApiPublic]:
    return service.lister_clients(session, page=page)


@router.post(
    "/clients-api",
    response_model=ClientApiCree,
    status_code=201,
    tags=["clients-api"],
    operation_id="clients_api_creer",
    summary="Créer un client API (le secret n'est montré qu'une fois)",
    responses={**ADMIN, **responses(Introuvable)},
)
def clients_api_creer(data: ClientApiCreate, session: SessionDep, _: AdminPrincipal) -> ClientApiCree:
    return service.creer_client(session, data=data)


@router.patch(
    "/clients-api/{client_id}",
    response_model=ClientApiPublic,
    tags=["clients-api"],
    operation_id="clients_api_modifier",
    responses={**ADMIN, **responses(Introuvable)},
)
def clients_api_modifier(
    client_id: uuid.UUID, data: ClientApiUpdate, session: SessionDep, _: AdminPrincipal
) -> ClientApiPublic:
    return ClientApiPublic.model_validate(service.modifier_client(session, client_id=client_id, data=data))
