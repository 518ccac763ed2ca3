from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from fastapi import APIRouter, Cookie, Depends, Form, Request, Response, status
from fastapi.security import OAuth2PasswordBearer

from api.annuaire.models import ClientApi, Organisation, TypeOrganisation, Utilisateur
from api.auth import service
from api.auth.capacites import capacites
from api.auth.origine import verifier_origine
from api.auth.principal import CurrentPrincipal, get_principal
from api.auth.schemas import JetonAcces, Moi, OrganisationResume
from api.core.db import SessionDep
from api.core.errors import (
    ErreurValidation,
    IdentifiantsInvalides,
    NonAuthentifie,
    OrigineRefusee,
    TropDeRequetes,
    champ_invalide,
    responses,
)

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])

REFRESH_COOKIE = "ancrage_refresh"
REFRESH_PATH = "/api/v1/auth"


def _set_refresh_cookie(request: Request, response: Response, emission: service.Emission) -> None:
    if emission.refresh_token:
        response.set_cookie(
            REFRESH_COOKIE,
            emission.refresh_token,
            max_age=emission.refresh_max_age,
            path=REFRESH_PATH,
            httponly=True,
            samesite="strict",
            secure=request.app.state.settings.secure_cookies,
        )


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(header[6:], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    cid, _, secret = raw.partition(":")
    return cid, secret


@router.post(
    "/token",
    response_model=JetonAcces,
    operation_id="auth_token",
    summary="Obtenir un jeton (OAuth2 : password ou client_credentials)",
    responses=responses(IdentifiantsInvalides, ErreurValidation, TropDeRequetes),
)
def token(
    request: Request,
    response: Response,
    session: SessionDep,
    grant_type: Annotated[
        Literal["password", "client_credentials"],
        Form(description="password pour une personne, client_credentials pour un système"),
    ],
    username: Annotated[str | None, Form(max_length=254, description="Courriel (grant password)")] = None,
    password: Annotated[str | None, Form(max_length=200)] = None,
    client_id: Annotated[
        str | None, Form(max_length=64, description="Identifiant client (grant client_credentials)")
    ] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    scope: Annotated[str | None, Form(max_length=200)] = None,
) -> JetonAcces:
    """Une personne reçoit aussi un cookie httpOnly portant le jeton de rafraîchissement ;
    un client API n'en reçoit pas (il redemande un jeton)."""
    settings = request.app.state.settings
    guard = request.app.state.login_guard
    if grant_type == "password":
        if not username or password is None:
            raise champ_invalide("username", "courriel et mot de passe obligatoires", username)
        key = username.strip().lower()
        guard.check(key, request)
        try:
            emission = service.connecter_utilisateur(session, settings, email=username, mot_de_passe=password)
        except IdentifiantsInvalides:
            guard.fail(key, request)
            raise
        guard.success(key)
        _set_refresh_cookie(request, response, emission)
    else:
        basic = _basic_credentials(request)
        if basic:
            client_id, client_secret = basic
        if not client_id or client_secret is None:
            raise champ_invalide("client_id", "client_id et client_secret obligatoires", client_id)
        # Counted by source only (see api/auth/throttle.py): no lockout of the real system.
        guard.check(None, request)
        try:
            emission = service.connecter_client(session, settings, client_id=client_id, client_secret=client_secret)
        except IdentifiantsInvalides:
            guard.fail(None, request)
            raise
    response.headers["Cache-Control"] = "no-store"
    return JetonAcces(access_token=emission.access_token, expires_in=emission.expires_in, principal=emission.titulaire)


@router.post(
    "/refresh",
    response_model=JetonAcces,
    operation_id="auth_refresh",
    summary="Renouveler le jeton d'accès (cookie de rafraîchissement, à usage unique)",
    description="Une requête portant un en-tête `Origin` (ou, à défaut, `Referer`) d'une origine "
    "inconnue est refusée (403) : voir docs/securite.md.",
    responses=responses(NonAuthentifie, OrigineRefusee),
    dependencies=[Depends(verifier_origine)],
)
def refresh(
    request: Request,
    response: Response,
    session: SessionDep,
    ancrage_refresh: Annotated[str | None, Cookie(include_in_schema=False)] = None,
) -> JetonAcces:
    emission = service.rafraichir(session, request.app.state.settings, refresh_token=ancrage_refresh)
    _set_refresh_cookie(request, response, emission)
    response.headers["Cache-Control"] = "no-store"
    return JetonAcces(access_token=emission.access_token, expires_in=emission.expires_in)


_optional_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="auth_logout",
    summary="Se déconnecter (révoque la session et tous ses jetons)",
    description="Même contrôle de l'origine que `/auth/refresh` (403 pour une origine inconnue).",
    responses=responses(OrigineRefusee),
    dependencies=[Depends(verifier_origine)],
)
def logout(
    request: Request,
    session: SessionDep,
    ancrage_refresh: Annotated[str | None, Cookie(include_in_schema=False)] = None,
) -> Response:
    session_id = None
    auth_header = request.headers.get("authorization", "")
    if auth_header.lower().startswith("bearer "):
        try:
            session_id = get_principal(request, session, auth_header[7:]).session_id
        except NonAuthentifie:
            session_id = None
    service.deconnecter(session, request.app.state.settings, session_id=session_id, refresh_token=ancrage_refresh)
    response = Response(status_code=204)
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_PATH)
    return response


@router.get(
    "/me",
    response_model=Moi,
    operation_id="auth_me",
    summary="Le principal courant",
    responses=responses(NonAuthentifie),
)
def me(principal: CurrentPrincipal, session: SessionDep) -> Moi:
    org = session.get(Organisation, principal.organisation_id)
    assert org is not None
    orga = OrganisationResume(id=org.id, nom=org.nom, type=TypeOrganisation(org.type))
    if principal.is_client:
        client = session.get(ClientApi, principal.id)
        assert client is not None
        return Moi(
            type="client",
            id=client.id,
            nom=client.nom,
            role="client",
            organisation=orga,
            capacites=capacites(principal),
        )
    user = session.get(Utilisateur, principal.id)
    assert user is not None
    return Moi(
        type="utilisateur",
        id=user.id,
        nom=f"{user.prenom} {user.nom}",
        email=user.email,
        role=user.role,
        organisation=orga,
        capacites=capacites(principal),
    )
