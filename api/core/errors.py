"""One error hierarchy, one shape: ``application/problem+json`` (RFC 9457).

Services raise a ``Probleme`` subclass; one handler turns it into a response.
Each subclass has its own ``type`` so that clients can branch on it, and each
route declares the ones it may raise (``responses=...``) so they appear in
the OpenAPI document.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.core.referentiels import INSEE_PATTERN

logger = logging.getLogger("ancrage.errors")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "/problemes/"


class ErreurChamp(BaseModel):
    """One invalid field of a request."""

    champ: str = Field(description="Chemin du champ, ex. « body.personnes.0.date_naissance »")
    message: str = Field(description="Ce qui ne va pas, en français")
    valeur: Any = Field(default=None, description="La valeur refusée")


class ProblemDetails(BaseModel):
    """Corps d'erreur RFC 9457 (application/problem+json)."""

    type: str = Field(description="URI du type d'erreur", examples=["/problemes/transition-refusee"])
    title: str = Field(description="Intitulé court du type d'erreur")
    status: int = Field(description="Code HTTP")
    detail: str = Field(description="Explication propre à cette occurrence")
    instance: str | None = Field(default=None, description="Chemin de la requête")
    errors: list[ErreurChamp] | None = Field(default=None, description="Champs invalides (erreurs de validation)")
    model_config = {"extra": "allow"}


class Probleme(Exception):
    """Base of every error the API answers on purpose."""

    status = 400
    slug = "requete-invalide"
    title = "Requête invalide"
    headers: dict[str, str] | None = None

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[ErreurChamp] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors else None
        if headers:
            self.headers = headers
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            out["instance"] = instance
        if self.errors is not None:
            out["errors"] = [e.model_dump() for e in self.errors]
        out.update(self.extra)
        return out


class NonAuthentifie(Probleme):
    status = 401
    slug = "non-authentifie"
    title = "Authentification requise"

    def __init__(self, detail: str = "Jeton absent, invalide ou expiré.", **extra: Any) -> None:
        error = extra.pop("error", "invalid_token")
        super().__init__(
            detail,
            headers={"WWW-Authenticate": f'Bearer realm="ancrage", error="{error}"'},
            **extra,
        )


class IdentifiantsInvalides(Probleme):
    status = 401
    slug = "identifiants-invalides"
    title = "Identifiants invalides"

    def __init__(self, detail: str = "Identifiant ou mot de passe incorrect.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="ancrage"'}, error="invalid_grant")


class Interdit(Probleme):
    status = 403
    slug = "role-insuffisant"
    title = "Action non permise pour ce rôle"


class OrigineRefusee(Interdit):
    slug = "origine-refusee"
    title = "Origine de la requête refusée"


class Introuvable(Probleme):
    status = 404
    slug = "introuvable"
    title = "Ressource introuvable"

    def __init__(self, ressource: str, identifiant: object) -> None:
        super().__init__(f"{ressource} {identifiant} introuvable.")


class Conflit(Probleme):
    status = 409
    slug = "conflit"
    title = "Conflit avec l'état actuel"


class Doublon(Conflit):
    slug = "doublon"
    title = "Doublon probable"


class TransitionRefusee(Conflit):
    slug = "transition-refusee"
    title = "Transition refusée"

    def __init__(self, objet: str, etat: str, cible: str, permises: Iterable[str]) -> None:
        permises = sorted(permises)
        autorisees = ", ".join(permises) if permises else "aucune (état final)"
        super().__init__(
            f"{objet} est « {etat} » : passage à « {cible} » impossible. Transitions permises : {autorisees}.",
            etat_actuel=etat,
            transition_demandee=cible,
            transitions_permises=permises,
        )


class VersionPerimee(Probleme):
    status = 412
    slug = "version-perimee"
    title = "Version périmée"


class VersionRequise(Probleme):
    status = 428
    slug = "version-requise"
    title = "En-tête If-Match requis"


class ErreurValidation(Probleme):
    status = 422
    slug = "validation"
    title = "Données invalides"


class CorpsTropGros(Probleme):
    status = 413
    slug = "corps-trop-gros"
    title = "Corps de requête trop volumineux"


class TypeContenuNonSupporte(Probleme):
    status = 415
    slug = "type-de-contenu"
    title = "Type de contenu non supporté"


class TropDeRequetes(Probleme):
    status = 429
    slug = "trop-de-requetes"
    title = "Trop de requêtes"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)}, retry_after=retry_after)


class ServiceSurcharge(Probleme):
    status = 503
    slug = "surcharge"
    title = "Service momentanément surchargé"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Le service est momentanément surchargé ; réessayez dans {retry_after} seconde(s).",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )


def champ_invalide(champ: str, message: str, valeur: Any = None) -> ErreurValidation:
    """A 422 about one field, raised by service rules (not by pydantic)."""
    return ErreurValidation(f"{champ} : {message}", errors=[ErreurChamp(champ=champ, message=message, valeur=valeur)])


def responses(*problems: type[Probleme]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problems a route may answer."""
    out: dict[int | str, dict[str, Any]] = {}
    for p in problems:
        entry = out.setdefault(
            p.status,
            {
                "description": p.title,
                "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
            },
        )
        if p.title not in entry["description"]:
            entry["description"] += " / " + p.title
    return out


# --- French messages for pydantic's validation errors -----------------------

_MESSAGES = {
    "missing": "champ obligatoire",
    "string_too_long": "texte trop long ({max_length} caractères au plus)",
    "string_too_short": "texte trop court ({min_length} caractère(s) au moins)",
    "string_type": "doit être un texte",
    "string_pattern_mismatch": "format invalide (attendu : {pattern})",
    "int_parsing": "doit être un nombre entier",
    "int_type": "doit être un nombre entier",
    "float_parsing": "doit être un nombre",
    "decimal_parsing": "doit être un nombre",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "greater_than": "doit être supérieur à {gt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "less_than": "doit être inférieur à {lt}",
    "enum": "valeur non permise ; valeurs permises : {expected}",
    "literal_error": "valeur non permise ; valeurs permises : {expected}",
    "date_from_datetime_parsing": "date invalide (format attendu : AAAA-MM-JJ)",
    "date_parsing": "date invalide (format attendu : AAAA-MM-JJ)",
    "date_type": "date invalide (format attendu : AAAA-MM-JJ)",
    "datetime_parsing": "date et heure invalides (format ISO 8601 attendu)",
    "datetime_from_date_parsing": "date et heure invalides (format ISO 8601 attendu)",
    "datetime_type": "date et heure invalides (format ISO 8601 attendu)",
    "uuid_parsing": "identifiant invalide (UUID attendu)",
    "uuid_type": "identifiant invalide (UUID attendu)",
    "bool_parsing": "doit valoir true ou false",
    "json_invalid": "corps JSON mal formé",
    "model_attributes_type": "doit être un objet JSON",
    "dict_type": "doit être un objet JSON",
    "list_type": "doit être une liste",
    "too_long": "trop d'éléments ({max_length} au plus)",
    "too_short": "pas assez d'éléments ({min_length} au moins)",
    "extra_forbidden": "champ inconnu",
    "value_error": "{error}",
    "assertion_error": "{error}",
}


# Patterns users meet, said in words rather than as a regular expression.
_FORMATS = {
    INSEE_PATTERN: "code INSEE de commune à 5 caractères (ex. 35238, ou 2A004 en Corse)",
    r"^\d{14}$": "SIRET de 14 chiffres",
    r"^[0-9+ .()-]{6,30}$": "numéro de téléphone (chiffres, espaces, +, points, tirets)",
}


def _message(err: dict[str, Any]) -> str:
    template = _MESSAGES.get(err.get("type", ""))
    ctx = dict(err.get("ctx") or {})
    if err.get("type") == "string_pattern_mismatch" and ctx.get("pattern") in _FORMATS:
        return "format invalide : " + _FORMATS[ctx["pattern"]]
    if err.get("type") == "string_too_short" and ctx.get("min_length") == 1:
        # An empty text is, to the person typing, a field left blank.
        return _MESSAGES["missing"]
    if template:
        try:
            return template.format(**ctx)
        except (KeyError, IndexError):
            pass
    msg = err.get("msg", "valeur invalide")
    if "valid email" in str(msg):
        return "adresse de courriel invalide"
    # pydantic prefixes custom errors with "Value error, "
    return str(msg).removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value if not (isinstance(value, str) and len(value) > 200) else value[:200] + "…"
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value][:20]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in list(value.items())[:20]}
    return str(value)[:200]


def validation_errors(raw: Sequence[Any]) -> list[ErreurChamp]:
    out = []
    for err in raw:
        loc = [str(p) for p in err.get("loc", ())]
        out.append(
            ErreurChamp(champ=".".join(loc) or "body", message=_message(err), valeur=_jsonable(err.get("input")))
        )
    return out


def _problem_response(problem: Probleme, request: Request) -> JSONResponse:
    return JSONResponse(
        problem.body(instance=request.url.path),
        status_code=problem.status,
        headers=problem.headers,
        media_type=PROBLEM_JSON,
    )


_HTTP_TITLES = {
    404: ("introuvable", "Ressource introuvable", "Aucune ressource à cette adresse."),
    405: ("methode-non-permise", "Méthode non permise", "Cette méthode n'est pas permise sur cette adresse."),
}


# SQLSTATEs of a database that is busy or briefly unavailable, not of a wrong request or a
# bug: insufficient resources (53…), cannot connect now, lock not available, statement
# cancelled by a timeout, serialization failure and deadlock (both retryable).
_SQLSTATES_SURCHARGE = ("53", "57P01", "57P02", "57P03", "55P03", "57014", "40001", "40P01")


def est_surcharge(exc: BaseException) -> bool:
    """True when a database error means « overloaded, retry later »: no free connection in
    the pool, SQLite's write lock still held after its busy timeout, PostgreSQL out of
    connections or restarting. Anything else (a missing table, a constraint) stays a 500."""
    if isinstance(exc, SATimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        return str(sqlstate).startswith(_SQLSTATES_SURCHARGE)
    if isinstance(exc, OperationalError):
        message = str(orig).lower()
        if "database is locked" in message or "database table is locked" in message:
            return True
        # psycopg: a connection that failed or was lost carries no SQLSTATE.
        return type(orig).__module__.startswith("psycopg")
    return False


_METHODES = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def methodes_permises(request: Request) -> list[str]:
    """Every method the request's path accepts, each asked of the router itself (FastAPI
    declares one route per method, and Starlette's 405 names only the first one's)."""
    path = request.url.path
    permises = []
    for methode in _METHODES:
        scope = {**request.scope, "method": methode}
        for route in request.app.router.routes:
            # The single-page app's catch-all (GET on every path) answers 404 under /api/.
            if path.startswith("/api/") and not getattr(route, "path", "/api/").startswith("/api/"):
                continue
            if route.matches(scope)[0] == Match.FULL:
                permises.append(methode)
                break
    return permises


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Probleme)
    async def _probleme(request: Request, exc: Probleme) -> JSONResponse:
        return _problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(exc.errors())
        champs = ", ".join(f"{e.champ} ({e.message})" for e in errors[:5])
        return _problem_response(ErreurValidation(f"Requête invalide : {champs}.", errors=errors), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's answer to a body it cannot decode (not UTF-8, not JSON): the same
            # documented 422 as any other invalid body.
            erreur = ErreurChamp(champ="body", message="corps JSON mal formé ou mal encodé (UTF-8 attendu)")
            illisible = ErreurValidation("Requête invalide : body (corps illisible).", errors=[erreur])
            return _problem_response(illisible, request)
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 405:
            methodes = methodes_permises(request)
            if not methodes:
                return _problem_response(Introuvable("Ressource", request.url.path), request)
            headers = {**(headers or {}), "Allow": ", ".join(methodes)}
        slug, title, detail = _HTTP_TITLES.get(
            exc.status_code, ("http-" + str(exc.status_code), "Erreur HTTP", str(exc.detail))
        )
        problem = Probleme(detail)
        problem.status, problem.slug, problem.title = exc.status_code, slug, title
        problem.headers = headers
        return _problem_response(problem, request)

    async def _base(request: Request, exc: Exception) -> JSONResponse:
        if not est_surcharge(exc):
            raise exc  # a real fault: the 500 handler below logs it with its trace
        # The client did nothing wrong and may retry: 503 with Retry-After, at once.
        logger.warning("base surchargée", extra={"path": request.url.path, "erreur": type(exc).__name__})
        return _problem_response(ServiceSurcharge(request.app.state.settings.retry_after_secondes), request)

    app.add_exception_handler(SATimeoutError, _base)
    app.add_exception_handler(DBAPIError, _base)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Logged with its trace server-side; the client only learns that it failed.
        logger.exception("erreur inattendue", extra={"path": request.url.path})
        problem = Probleme("Une erreur interne est survenue ; elle a été journalisée.")
        problem.status, problem.slug, problem.title = 500, "erreur-interne", "Erreur interne"
        return _problem_response(problem, request)
