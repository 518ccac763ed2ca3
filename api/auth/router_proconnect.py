"""ProConnect routes: start the sign-in, the provider's callback, logout at both ends."""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Cookie, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from api.auth import proconnect, service
from api.auth.router import REFRESH_COOKIE, REFRESH_PATH, _set_refresh_cookie
from api.core.db import SessionDep
from api.core.errors import Introuvable, Probleme, responses

router = APIRouter(prefix="/api/v1/auth/proconnect", tags=["auth"])
STATE_COOKIE = "ancrage_proconnect_state"
STATE_PATH = "/api/v1/auth/proconnect"


class EtatProConnect(BaseModel):
    actif: bool = Field(description="Le bouton « S'identifier avec ProConnect » est proposé")


def _actif(request: Request) -> None:
    if not request.app.state.settings.proconnect_actif:
        raise Introuvable("Route", request.url.path)


def _retour(request: Request) -> str:
    return request.app.state.settings.proconnect_url_retour or str(request.url_for("proconnect_retour"))


def _page(titre: str, message: str, status: int) -> HTMLResponse:
    """A plain French page: the browser arrived here from the provider, not from the app."""
    t, m = html.escape(titre, quote=False), html.escape(message, quote=False)
    corps = (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{t} — Ancrage</title>\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>\n'
        f'<body><main role="main"><h1>{t}</h1><p>{m}</p>\n'
        '<p><a href="/connexion">Revenir à la page de connexion</a></p></main></body></html>'
    )
    return HTMLResponse(corps, status_code=status, headers={"Cache-Control": "no-store"})


@router.get(
    "/etat",
    response_model=EtatProConnect,
    operation_id="proconnect_etat",
    summary="ProConnect est-il proposé sur la page de connexion ?",
)
def proconnect_etat(request: Request) -> EtatProConnect:
    return EtatProConnect(actif=request.app.state.settings.proconnect_actif)


@router.get(
    "/connexion",
    operation_id="proconnect_connexion",
    summary="Commencer une connexion ProConnect (redirige vers le fournisseur)",
    response_class=RedirectResponse,
    status_code=302,
    responses=responses(Introuvable),
)
def proconnect_connexion(request: Request, session: SessionDep) -> Response:
    _actif(request)
    settings = request.app.state.settings
    try:
        url, state = proconnect.commencer(session, settings, redirect_uri=_retour(request))
    except Probleme as exc:
        return _page(exc.title, exc.detail, exc.status)
    response = RedirectResponse(url, status_code=302)
    # Lax: the provider's redirect back is a top-level navigation from another site.
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=int(proconnect.TENTATIVE_VALIDITE.total_seconds()),
        path=STATE_PATH,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    return response


@router.get(
    "/retour",
    operation_id="proconnect_retour",
    summary="Retour du fournisseur : ouvre la session Ancrage et renvoie vers l'application",
    response_class=RedirectResponse,
    status_code=302,
    responses={**responses(Introuvable), 401: {"description": "Page HTML : connexion refusée"}},
)
def proconnect_retour(
    request: Request,
    session: SessionDep,
    code: Annotated[str | None, Query(max_length=2000)] = None,
    state: Annotated[str | None, Query(max_length=200)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
    error_description: Annotated[str | None, Query(max_length=1000)] = None,
    ancrage_proconnect_state: Annotated[str | None, Cookie(include_in_schema=False)] = None,
) -> Response:
    _actif(request)
    if error:
        return _page("Connexion ProConnect interrompue", f"ProConnect a répondu : {error_description or error}.", 401)
    try:
        emission = proconnect.terminer(
            session,
            request.app.state.settings,
            code=code,
            state=state,
            state_cookie=ancrage_proconnect_state,
            redirect_uri=_retour(request),
        )
    except Probleme as exc:
        page = _page(exc.title, exc.detail, exc.status)
        page.delete_cookie(STATE_COOKIE, path=STATE_PATH)
        return page
    response = RedirectResponse("/", status_code=302)
    response.delete_cookie(STATE_COOKIE, path=STATE_PATH)
    _set_refresh_cookie(request, response, emission)
    return response


@router.get(
    "/deconnexion",
    operation_id="proconnect_deconnexion",
    summary="Se déconnecter d'Ancrage et de ProConnect (redirige vers le fournisseur)",
    response_class=RedirectResponse,
    status_code=302,
    responses=responses(Introuvable),
)
def proconnect_deconnexion(
    request: Request,
    session: SessionDep,
    ancrage_refresh: Annotated[str | None, Cookie(include_in_schema=False)] = None,
) -> Response:
    """The refresh cookie (SameSite=Strict: only a navigation from Ancrage itself carries it)
    names the session; it is revoked, then the provider ends its own."""
    _actif(request)
    settings = request.app.state.settings
    apres = settings.proconnect_url_apres_deconnexion or str(request.base_url).rstrip("/") + "/connexion"
    try:
        url = proconnect.url_deconnexion(session, settings, refresh_token=ancrage_refresh, apres=apres)
    except Probleme:
        url = None  # the provider is down: Ancrage's session still ends
    service.deconnecter(
        session, settings, session_id=proconnect.session_de(settings, ancrage_refresh), refresh_token=ancrage_refresh
    )
    response = RedirectResponse(url or apres, status_code=302)
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_PATH)
    return response
