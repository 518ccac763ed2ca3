"""Routes of the rendez-vous reminders: the household's consent (on its file), the
admin's view of the reminders given up."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter

from api.auth.principal import CurrentPrincipal
from api.core.db import SessionDep
from api.core.errors import ErreurValidation, Interdit, Introuvable, NonAuthentifie, responses
from api.core.fonctions_sql import PARIS
from api.core.pagination import Page, PageDep
from api.rappels import service
from api.rappels.schemas import ConsentementIn, ConsentementRappels, RappelEnEchec

router = APIRouter(tags=["rappels"], responses=responses(NonAuthentifie, ErreurValidation))


@router.get(
    "/api/v1/menages/{menage_id}/rappels",
    response_model=ConsentementRappels,
    operation_id="rappels_consentement_lire",
    summary="Consentement du ménage aux rappels de rendez-vous (en vigueur et historique)",
    responses=responses(Introuvable, Interdit),
)
def rappels_consentement_lire(
    menage_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> ConsentementRappels:
    return service.lire_consentement(session, principal, menage_id)


@router.put(
    "/api/v1/menages/{menage_id}/rappels",
    response_model=ConsentementRappels,
    operation_id="rappels_consentement_enregistrer",
    summary="Enregistrer le consentement du ménage aux rappels (remplace celui en vigueur)",
    description=(
        "Les rappels ne disent que la date, l'heure, le lieu du rendez-vous et le numéro à appeler ; "
        "jamais la cible ni l'objet, et pas le nom de l'association si la cible est sensible."
    ),
    responses=responses(Introuvable, Interdit),
)
def rappels_consentement_enregistrer(
    menage_id: uuid.UUID, data: ConsentementIn, session: SessionDep, principal: CurrentPrincipal
) -> ConsentementRappels:
    aujourd_hui = datetime.now(PARIS).date()
    return service.enregistrer_consentement(session, principal, menage_id, data=data, aujourd_hui=aujourd_hui)


@router.delete(
    "/api/v1/menages/{menage_id}/rappels",
    response_model=ConsentementRappels,
    operation_id="rappels_consentement_retirer",
    summary="Retirer le consentement du ménage : plus aucun rappel, ceux en attente compris",
    responses=responses(Introuvable, Interdit),
)
def rappels_consentement_retirer(
    menage_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> ConsentementRappels:
    return service.retirer_consentement(session, principal, menage_id)


@router.get(
    "/api/v1/rappels/echecs",
    response_model=Page[RappelEnEchec],
    operation_id="rappels_echecs",
    summary="Rappels abandonnés après leur dernière tentative, sans destinataire ni texte (administration)",
    responses=responses(Interdit),
)
def rappels_echecs(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[RappelEnEchec]:
    return service.lister_echecs(session, principal, page=page)


@router.post(
    "/api/v1/rappels/echecs/{rappel_id}/relancer",
    response_model=RappelEnEchec,
    operation_id="rappels_relancer",
    summary="Remettre un rappel abandonné dans la file (administration)",
    responses=responses(Interdit, Introuvable),
)
def rappels_relancer(rappel_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> RappelEnEchec:
    return service.relancer(session, principal, rappel_id)
