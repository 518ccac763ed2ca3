"""The access log, read-only: no route writes, changes or deletes an entry."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api.audit import service
from api.audit.models import ActionAudit
from api.audit.schemas import EntreeJournal
from api.auth.principal import CurrentPrincipal
from api.core.db import SessionDep
from api.core.errors import ErreurValidation, Interdit, NonAuthentifie, responses
from api.core.pagination import Page, PageDep
from api.core.schemas import DateHeureISO

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=responses(NonAuthentifie, ErreurValidation))


@router.get(
    "/audit",
    response_model=Page[EntreeJournal],
    operation_id="audit_lister",
    summary="Journal des accès de son organisation (tous pour l'administrateur)",
    responses=responses(Interdit),
)
def audit_lister(
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    du: Annotated[DateHeureISO | None, Query(description="Depuis (ISO 8601, inclus)")] = None,
    au: Annotated[DateHeureISO | None, Query(description="Jusqu'à (ISO 8601, inclus)")] = None,
    principal_id: Annotated[uuid.UUID | None, Query(description="Compte ou client API auteur")] = None,
    ressource: Annotated[str | None, Query(max_length=30, description="Type d'enregistrement, ex. menage")] = None,
    ressource_id: Annotated[uuid.UUID | None, Query(description="Identifiant de l'enregistrement")] = None,
    action: Annotated[ActionAudit | None, Query(description="Action journalisée")] = None,
) -> Page[EntreeJournal]:
    return service.lister_journal(
        session,
        principal,
        page=page,
        du=du,
        au=au,
        principal_id=principal_id,
        ressource=ressource,
        ressource_id=ressource_id,
        action=action,
    )
