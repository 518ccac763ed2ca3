"""Routes of the notifications: one's own list, counter, read marks, preferences; the
admin's view of the e-mails given up."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from api.auth.principal import CurrentPrincipal
from api.core.db import SessionDep
from api.core.errors import ErreurValidation, Interdit, Introuvable, NonAuthentifie, responses
from api.core.pagination import Page, PageDep
from api.notifications import service
from api.notifications.schemas import (
    Compteur,
    EnvoiPublic,
    Marquees,
    NotificationPublic,
    PreferenceIn,
    PreferencePublic,
)

router = APIRouter(
    prefix="/api/v1/notifications",
    tags=["notifications"],
    responses=responses(NonAuthentifie, ErreurValidation),
)


@router.get(
    "",
    response_model=Page[NotificationPublic],
    operation_id="notifications_lister",
    summary="Mes notifications, les plus récentes d'abord",
    responses=responses(Interdit),
)
def notifications_lister(
    session: SessionDep, principal: CurrentPrincipal, page: PageDep, non_lues: bool = False
) -> Page[NotificationPublic]:
    return service.lister(session, principal, page=page, non_lues=non_lues)


@router.get(
    "/compteur",
    response_model=Compteur,
    operation_id="notifications_compteur",
    summary="Nombre de mes notifications non lues (en-tête)",
)
def notifications_compteur(session: SessionDep, principal: CurrentPrincipal) -> Compteur:
    return service.compter(session, principal)


@router.post(
    "/tout-lu",
    response_model=Marquees,
    operation_id="notifications_tout_lu",
    summary="Marquer toutes mes notifications comme lues",
    responses=responses(Interdit),
)
def notifications_tout_lu(session: SessionDep, principal: CurrentPrincipal) -> Marquees:
    return Marquees(marquees=service.tout_marquer_lu(session, principal))


@router.get(
    "/preferences",
    response_model=list[PreferencePublic],
    operation_id="notifications_preferences",
    summary="Mes préférences : pour chaque type, immédiat, résumé quotidien ou hebdomadaire, jamais",
    responses=responses(Interdit),
)
def notifications_preferences(session: SessionDep, principal: CurrentPrincipal) -> list[PreferencePublic]:
    return service.preferences(session, principal)


@router.put(
    "/preferences",
    response_model=list[PreferencePublic],
    operation_id="notifications_modifier_preferences",
    summary="Changer mes préférences (les types non cités gardent les leurs)",
    responses=responses(Interdit),
)
def notifications_modifier_preferences(
    choix: list[PreferenceIn], session: SessionDep, principal: CurrentPrincipal
) -> list[PreferencePublic]:
    return service.modifier_preferences(session, principal, choix)


@router.get(
    "/echecs",
    response_model=Page[EnvoiPublic],
    operation_id="notifications_echecs",
    summary="Courriels abandonnés après leur dernière tentative (administration)",
    responses=responses(Interdit),
)
def notifications_echecs(session: SessionDep, principal: CurrentPrincipal, page: PageDep) -> Page[EnvoiPublic]:
    return service.lister_echecs(session, principal, page=page)


@router.post(
    "/echecs/{envoi_id}/relancer",
    response_model=EnvoiPublic,
    operation_id="notifications_relancer",
    summary="Remettre un courriel abandonné dans la file (administration)",
    responses=responses(Interdit, Introuvable),
)
def notifications_relancer(envoi_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> EnvoiPublic:
    return service.relancer(session, principal, envoi_id)


@router.post(
    "/{notification_id}/lue",
    response_model=NotificationPublic,
    operation_id="notifications_marquer_lue",
    summary="Marquer une de mes notifications comme lue",
    responses=responses(Interdit, Introuvable),
)
def notifications_marquer_lue(
    notification_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> NotificationPublic:
    return service.marquer(session, principal, notification_id, lue=True)


@router.post(
    "/{notification_id}/non-lue",
    response_model=NotificationPublic,
    operation_id="notifications_marquer_non_lue",
    summary="Remettre une de mes notifications en non lue",
    responses=responses(Interdit, Introuvable),
)
def notifications_marquer_non_lue(
    notification_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> NotificationPublic:
    return service.marquer(session, principal, notification_id, lue=False)
