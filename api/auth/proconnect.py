"""Sign-in with ProConnect, the State's OpenID Connect federation, beside local passwords.

Authorization code flow with PKCE (S256), ``state`` (kept in the database and in a cookie of
the browser that started the sign-in: a callback from another browser is refused) and
``nonce``. The ID token is verified against the provider's published keys (JWKS) by
joserfc — the JOSE library of the Authlib project, maintained, which Authlib itself relies
on — for its signature, issuer, audience, expiry, nonce and, when configured, acr; the PKCE
challenge is Authlib's. Ancrage's own tokens stay python-jose's, in ``api/core/security.py``.

Who enters: the e-mail given by the provider must be an active account of an active
organisation that the admin allowed to use ProConnect. Nobody is created on the way: an
unknown e-mail gets a page saying whom to ask. Then Ancrage opens its own session as a
password sign-in does; logging out ends the provider's session too (RP-initiated logout).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import Session, col, delete, select

from api.annuaire.models import Organisation, Utilisateur
from api.auth.models import ProConnectSession, ProConnectTentative, SessionAuth
from api.auth.schemas import Titulaire
from api.auth.service import Emission, _emettre
from api.core.config import Settings
from api.core.errors import Probleme
from api.core.models import utcnow
from api.core.security import InvalidToken, decode_token

TENTATIVE_VALIDITE = timedelta(minutes=10)
ALGORITHMES = ["RS256", "ES256", "PS256"]  # ProConnect signs with RS256 or ES256; never « none » nor HS*


class RefusProConnect(Probleme):
    """A sign-in through ProConnect that does not open an Ancrage session."""

    status = 401
    slug = "proconnect-refus"
    title = "Connexion ProConnect refusée"


class InconnuProConnect(RefusProConnect):
    status = 403
    slug = "proconnect-inconnu"
    title = "Compte inconnu d'Ancrage"


class ProConnectIndisponible(Probleme):
    status = 503
    slug = "proconnect-indisponible"
    title = "ProConnect indisponible"


@dataclass
class Fournisseur:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str | None
    end_session_endpoint: str | None
    cles: KeySet


_CACHE: dict[str, tuple[float, Fournisseur]] = {}
CACHE_SECONDES = 600


def fournisseur(settings: Settings, *, rafraichir: bool = False) -> Fournisseur:
    """The provider's metadata and keys (OpenID discovery), kept 10 minutes; read again at
    once when a token names a key not in the set (the provider rotated its keys)."""
    issuer = (settings.proconnect_issuer or "").rstrip("/")
    en_cache = _CACHE.get(issuer)
    if en_cache and not rafraichir and en_cache[0] > time.monotonic():
        return en_cache[1]
    try:
        with httpx.Client(timeout=settings.proconnect_delai_secondes) as http:
            meta = http.get(f"{issuer}/.well-known/openid-configuration").raise_for_status().json()
            jwks = http.get(meta["jwks_uri"]).raise_for_status().json()
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        raise ProConnectIndisponible(
            f"ProConnect ne répond pas ({type(exc).__name__}) ; réessayez plus tard."
        ) from None
    if meta.get("issuer", "").rstrip("/") != issuer:
        raise ProConnectIndisponible("Le fournisseur annonce un autre émetteur que celui configuré.")
    f = Fournisseur(
        issuer=meta["issuer"],
        authorization_endpoint=meta["authorization_endpoint"],
        token_endpoint=meta["token_endpoint"],
        userinfo_endpoint=meta.get("userinfo_endpoint"),
        end_session_endpoint=meta.get("end_session_endpoint"),
        cles=KeySet.import_key_set(jwks),
    )
    _CACHE[issuer] = (time.monotonic() + CACHE_SECONDES, f)
    return f


def commencer(session: Session, settings: Settings, *, redirect_uri: str) -> tuple[str, str]:
    """The provider's authorization URL and the ``state`` to keep in the browser's cookie."""
    f = fournisseur(settings)
    tentative = ProConnectTentative(
        state=generate_token(43), nonce=generate_token(43), code_verifier=generate_token(64)
    )
    # Old attempts go: a sign-in started and never finished leaves nothing for long.
    session.execute(delete(ProConnectTentative).where(col(ProConnectTentative.cree_le) < utcnow() - TENTATIVE_VALIDITE))
    session.add(tentative)
    session.commit()
    parametres = {
        "response_type": "code",
        "client_id": settings.proconnect_client_id,
        "redirect_uri": redirect_uri,
        "scope": settings.proconnect_scopes,
        "state": tentative.state,
        "nonce": tentative.nonce,
        "code_challenge": create_s256_code_challenge(tentative.code_verifier),
        "code_challenge_method": "S256",
    }
    if settings.proconnect_acr:
        parametres["acr_values"] = " ".join(settings.proconnect_acr)
    return f"{f.authorization_endpoint}?{urlencode(parametres)}", tentative.state


def verifier_jeton(
    jeton: str, f: Fournisseur, settings: Settings, *, nonce: str | None, essentiels: bool = True
) -> dict[str, Any]:
    """A JWT of the provider (ID token, or signed userinfo), checked: signature by one of the
    published keys, issuer, audience, expiry, and the nonce of this sign-in for an ID token."""
    try:
        try:
            token = jwt.decode(jeton, f.cles, algorithms=ALGORITHMES)
        except (JoseError, ValueError):
            # Perhaps a key the provider has just rotated in: read its keys once more.
            f = fournisseur(settings, rafraichir=True)
            token = jwt.decode(jeton, f.cles, algorithms=ALGORITHMES)
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": f.issuer},
            "aud": {"essential": True, "value": settings.proconnect_client_id},
        }
        if essentiels:
            options["exp"] = {"essential": True}
            options["nonce"] = {"essential": True, "value": nonce}
        jwt.JWTClaimsRegistry(leeway=60, **options).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise RefusProConnect(f"Jeton de ProConnect refusé ({type(exc).__name__}).") from None
    if essentiels and settings.proconnect_acr and token.claims.get("acr") not in settings.proconnect_acr:
        raise RefusProConnect(
            f"Niveau d'authentification « {token.claims.get('acr')} » non accepté ; "
            f"permis : {', '.join(settings.proconnect_acr)}."
        )
    return dict(token.claims)


def _echanger(f: Fournisseur, settings: Settings, *, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
    secret = settings.proconnect_client_secret.get_secret_value() if settings.proconnect_client_secret else ""
    try:
        with httpx.Client(timeout=settings.proconnect_delai_secondes) as http:
            r = http.post(
                f.token_endpoint,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "code_verifier": verifier,
                    "client_id": settings.proconnect_client_id,
                    "client_secret": secret,
                },
            )
    except httpx.HTTPError as exc:
        raise ProConnectIndisponible(f"ProConnect ne répond pas ({type(exc).__name__}).") from None
    if r.status_code != 200:
        erreur = r.json().get("error", "") if r.headers.get("content-type", "").startswith("application/json") else ""
        raise RefusProConnect(f"ProConnect a refusé le code de connexion ({erreur or r.status_code}) : recommencez.")
    return dict(r.json())


def _userinfo(f: Fournisseur, settings: Settings, access_token: str) -> dict[str, Any]:
    """ProConnect answers userinfo as a signed JWT (application/jwt); others as JSON."""
    if not f.userinfo_endpoint:
        return {}
    try:
        with httpx.Client(timeout=settings.proconnect_delai_secondes) as http:
            r = http.get(f.userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"})
    except httpx.HTTPError:
        return {}
    if r.status_code != 200:
        return {}
    if r.headers.get("content-type", "").startswith("application/jwt"):
        return verifier_jeton(r.text, f, settings, nonce=None, essentiels=False)
    return dict(r.json())


def terminer(
    session: Session,
    settings: Settings,
    *,
    code: str | None,
    state: str | None,
    state_cookie: str | None,
    redirect_uri: str,
) -> Emission:
    """The callback: checks the state against the browser's cookie, exchanges the code (with
    the PKCE verifier), verifies the ID token, finds the account, opens the session."""
    if not state or not state_cookie or state != state_cookie:
        raise RefusProConnect(
            "Cette connexion n'a pas été commencée dans ce navigateur (state) : "
            "recommencez depuis la page de connexion."
        )
    tentative = session.get(ProConnectTentative, state)
    if tentative is None or tentative.cree_le.replace(tzinfo=None) < (utcnow() - TENTATIVE_VALIDITE).replace(
        tzinfo=None
    ):
        raise RefusProConnect("Connexion expirée ou déjà utilisée : recommencez depuis la page de connexion.")
    # Used once, whatever happens next.
    session.delete(tentative)
    session.commit()
    if not code:
        raise RefusProConnect("ProConnect n'a pas donné de code de connexion.")
    f = fournisseur(settings)
    reponse = _echanger(f, settings, code=code, verifier=tentative.code_verifier, redirect_uri=redirect_uri)
    id_token = reponse.get("id_token")
    if not isinstance(id_token, str):
        raise RefusProConnect("ProConnect n'a pas donné de jeton d'identité.")
    claims = verifier_jeton(id_token, f, settings, nonce=tentative.nonce)
    infos = _userinfo(f, settings, str(reponse.get("access_token", "")))
    if infos.get("sub") not in (None, claims.get("sub")):
        raise RefusProConnect("Les informations de ProConnect ne concernent pas la personne connectée.")
    email = str(infos.get("email") or claims.get("email") or "").strip().lower()
    if not email:
        raise RefusProConnect("ProConnect n'a pas donné d'adresse de courriel (scope « email »).")
    row = session.exec(
        select(Utilisateur, Organisation)
        .join(Organisation, col(Organisation.id) == Utilisateur.organisation_id)
        .where(Utilisateur.email == email)
    ).first()
    if row is None:
        raise InconnuProConnect(
            f"L'adresse {email} n'a pas de compte dans Ancrage. Ancrage ne crée pas de compte tout seul : "
            "demandez à un responsable de votre organisation (ou à l'administrateur de la plateforme) de vous "
            "en créer un avec cette adresse, puis reconnectez-vous.",
            email=email,
        )
    user, org = row
    if not user.actif or not org.actif:
        raise InconnuProConnect(
            f"Le compte {email} est désactivé dans Ancrage : adressez-vous à un responsable de votre organisation.",
            email=email,
        )
    if not org.proconnect_autorise:
        raise InconnuProConnect(
            f"Votre organisation ({org.nom}) n'utilise pas encore ProConnect dans Ancrage : connectez-vous avec "
            "votre mot de passe, ou demandez à l'administrateur de la plateforme de l'activer.",
            email=email,
        )
    user.derniere_connexion = utcnow()
    auth = SessionAuth(utilisateur_id=user.id, expire_le=utcnow() + timedelta(days=settings.refresh_token_days))
    session.add_all([user, auth])
    emission = _emettre(session, settings, auth, f"utilisateur:{user.id}", with_refresh=True)
    session.add(ProConnectSession(session_id=auth.id, id_token=id_token))
    emission.titulaire = Titulaire(
        type="utilisateur", id=user.id, organisation_id=org.id, organisation_type=org.type, role=user.role
    )
    session.commit()
    return emission


def url_deconnexion(session: Session, settings: Settings, *, refresh_token: str | None, apres: str) -> str | None:
    """The provider's end-session URL when this session came through ProConnect (None otherwise).
    The Ancrage session itself is revoked by the caller."""
    if not refresh_token:
        return None
    try:
        sid = uuid.UUID(decode_token(settings, refresh_token, expected="refresh").sid)
    except (InvalidToken, ValueError):
        return None
    pc = session.get(ProConnectSession, sid)
    if pc is None:
        return None
    f = fournisseur(settings)
    if not f.end_session_endpoint:
        return None
    parametres = {"id_token_hint": pc.id_token, "state": generate_token(20), "post_logout_redirect_uri": apres}
    return f"{f.end_session_endpoint}?{urlencode(parametres)}"


def session_de(settings: Settings, refresh_token: str | None) -> uuid.UUID | None:
    if not refresh_token:
        return None
    try:
        return uuid.UUID(decode_token(settings, refresh_token, expected="refresh").sid)
    except (InvalidToken, ValueError):
        return None
