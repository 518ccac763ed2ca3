"""Who reads which notification (api/acces/politique.py: ``notification``, ``courriel_en_echec``).

A notification is addressed to one person (``personne``): nobody else reads it, not even
the colleagues of its organisation. A machine client has none. The e-mails given up by
the worker are the platform operator's (``administration``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, false, or_, true
from sqlmodel import col

from api.acces.politique import Fait, Relation, lecteurs
from api.auth.principal import Principal
from api.core.errors import Interdit
from api.notifications.models import Notification


def _personne(principal: Principal) -> ColumnElement[bool]:
    if principal.is_client:
        return false()
    return col(Notification.utilisateur_id) == principal.id


RELATIONS: dict[Relation, Callable[[Principal], ColumnElement[bool]]] = {Relation.personne: _personne}


def condition_visible(principal: Principal) -> ColumnElement[bool]:
    conditions = [RELATIONS[r](principal) for r in sorted(lecteurs(Fait.notification)) if r in RELATIONS]
    return or_(*conditions) if conditions else false()


def verifier_personne(principal: Principal) -> None:
    if principal.is_client:
        raise Interdit("Les notifications s'adressent aux personnes, pas aux clients API.")


def condition_echecs(principal: Principal) -> ColumnElement[bool]:
    return true() if principal.is_admin and Relation.administration in lecteurs(Fait.courriel_en_echec) else false()


def verifier_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Interdit("La file des envois de courriels est réservée à l'administration de la plateforme.")
