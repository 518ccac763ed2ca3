"""The application factory: ``create_app(settings)``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute
from sqlmodel import Session

import api.capacites  # noqa: F401  (declares the capabilities into api/auth/capacites.py)
from api.alertes.router import router as alertes_router
from api.audit.router import router as audit_router
from api.auth.router import router as auth_router
from api.auth.router_proconnect import router as proconnect_router
from api.auth.throttle import ClientRateLimit, LoginGuard
from api.calendrier.router import router as calendrier_router
from api.chronologie.router import router as chronologie_router
from api.communes.router import router as communes_router
from api.core.cache import CacheDocuments
from api.core.config import Settings, get_settings
from api.core.db import make_engine, make_replica_engine
from api.core.errors import (
    CorpsTropGros,
    Introuvable,
    ProblemDetails,
    ServiceSurcharge,
    TropDeRequetes,
    TypeContenuNonSupporte,
    install_error_handlers,
    responses,
)
from api.core.logging import configure_logging
from api.core.middleware import AdmissionMiddleware, PlumbingMiddleware
from api.dispositifs.router import router as dispositifs_router
from api.documents.antivirus import analyseur_depuis
from api.documents.router import router as documents_router
from api.documents.stockage import stockage_depuis
from api.equipe.router import router as equipe_router
from api.health import router as health_router
from api.imports.router import router as imports_router
from api.indicateurs.router import router as indicateurs_router
from api.menages.router import router as menages_router
from api.mesures.router import router as mesures_router
from api.notifications.router import router as notifications_router
from api.organisations.router import router as organisations_router
from api.orientations.router import router as orientations_router
from api.rappels.router import router as rappels_router
from api.rapports.router import router as rapports_router
from api.rendez_vous.router import router as rendez_vous_router
from api.vie_privee.router import router as vie_privee_router

ROUTERS = [
    health_router,
    auth_router,
    organisations_router,
    menages_router,
    dispositifs_router,
    orientations_router,
    mesures_router,
    rendez_vous_router,
    documents_router,
    notifications_router,
    rappels_router,
    alertes_router,
    equipe_router,
    chronologie_router,
    calendrier_router,
    indicateurs_router,
    rapports_router,
    audit_router,
    vie_privee_router,
    communes_router,
    imports_router,
    proconnect_router,
]

DESCRIPTION = """API d'Ancrage, la plateforme de l'accompagnement social lié au logement.

* Authentification OAuth2 : `POST /api/v1/auth/token` (grant `password` pour les personnes,
  `client_credentials` pour les systèmes des bailleurs), puis `Authorization: Bearer <jeton>`.
* Erreurs au format `application/problem+json` (RFC 9457).
* Dates au format ISO 8601 ; listes paginées par `limit` (100 au plus) et `offset`.
* Modifications sous contrôle de version : `If-Match` avec l'`ETag` lu (428 sans, 412 si périmé).
"""


def _operation_id(route: APIRoute) -> str:
    return route.operation_id or route.name


def create_app(settings: Settings | None = None, *, engine: Any = None, engine_lecture: Any = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    app = FastAPI(
        title="Ancrage",
        version="1.0.0",
        description=DESCRIPTION,
        generate_unique_id_function=_operation_id,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url, settings)
    app.state.session_factory = lambda: Session(app.state.engine, expire_on_commit=False)
    # Whether the principal's read ends its transaction (api/auth/principal.py).
    app.state.principal_rend_la_connexion = app.state.engine.dialect.name == "sqlite"
    # Heavy reads (indicators, minutes, exports) on the read replica when one is configured.
    if engine_lecture is None and settings.database_replica_url:
        engine_lecture = make_replica_engine(settings.database_replica_url)
    app.state.engine_lecture = engine_lecture
    app.state.session_lecture_factory = (
        None if engine_lecture is None else lambda: Session(engine_lecture, expire_on_commit=False)
    )
    app.state.stockage = stockage_depuis(settings)
    app.state.analyseur = analyseur_depuis(settings)
    app.state.login_guard = LoginGuard(settings)
    app.state.client_rate_limit = ClientRateLimit(settings)
    app.state.cache_documents = CacheDocuments(settings.indicateurs_cache_secondes, settings.redis_url)
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "Location", "Retry-After"],
        )
    app.add_middleware(
        AdmissionMiddleware,
        places=settings.db_pool_size + settings.db_max_overflow,
        attente=settings.db_pool_timeout,
        retry_after=settings.retry_after_secondes,
    )
    app.add_middleware(
        PlumbingMiddleware,
        max_body_bytes=settings.max_body_bytes,
        hsts=settings.env == "production",
        trusted_proxies=settings.trusted_proxies,
        # A document's upload: its file, plus room for the form's other fields.
        fichiers={
            "/api/v1/documents": settings.documents_taille_max + 64 * 1024,
            # A caseload's spreadsheet (dry run and import).
            "/api/v1/imports": settings.import_max_octets,
            "/api/v1/imports/essai": settings.import_max_octets,
        },
    )
    # Outermost: every text response above 1 kB (the app's JavaScript and CSS, the API's
    # JSON) leaves compressed when the client accepts gzip. Starlette's own middleware
    # (maintained with the framework, no new dependency); level 6 rather than its default 9:
    # nearly the same size for a fraction of the CPU on the API's hot lists.
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    _mount_frontend(app, settings.frontend_dist)
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["ProblemDetails"] = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in schemas["ProblemDetails"].pop("$defs", {}).items():
        schemas.setdefault(name, sub)
    # FastAPI's own 422 schema is replaced by ours: every error is problem+json.
    for path in schema.get("paths", {}).values():
        for op in path.values():
            resp = op.get("responses", {}).get("422")
            if resp:
                resp["content"] = {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
                }
                resp["description"] = "Données invalides"
    # Every authenticated operation may answer 429: machine clients are rate limited
    # in the authentication dependency itself (api/auth/throttle.py, ClientRateLimit).
    # Every operation with a body may answer 413 and 415 (PlumbingMiddleware checks both).
    trop = responses(TropDeRequetes)[429]
    surcharge = responses(ServiceSurcharge)[503]
    corps = responses(CorpsTropGros, TypeContenuNonSupporte)
    for path in schema.get("paths", {}).values():
        for op in path.values():
            if "401" in op.get("responses", {}):
                op["responses"].setdefault("429", trop)
            # Every API operation may answer 503 under overload (AdmissionMiddleware, errors.py).
            op.setdefault("responses", {}).setdefault("503", surcharge)
            if "requestBody" in op:
                for status, entry in corps.items():
                    op["responses"].setdefault(str(status), entry)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    app.openapi_schema = schema
    return schema


def _mount_frontend(app: FastAPI, dist: Path) -> None:
    """Serve the built single-page app at / with a fallback to index.html."""
    index = dist / "index.html"

    @app.get("/{chemin:path}", include_in_schema=False)
    def spa(chemin: str) -> FileResponse:
        if chemin.startswith("api/") or not index.exists():
            raise Introuvable("Ressource", "/" + chemin)
        candidate = (dist / chemin).resolve()
        if chemin and candidate.is_file() and dist.resolve() in candidate.parents:
            headers = {"Cache-Control": "public, max-age=31536000, immutable"} if chemin.startswith("assets/") else None
            return FileResponse(candidate, headers=headers)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
