"""Who reads and records a household's consent to reminders (api/acces/politique.py:
``consentement_rappel``): the association that carries the household, nobody else. The
reminders themselves are read by nobody through the API; the ones given up are the
platform operator's (``courriel_en_echec``), shown without destination nor text."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_

from api.acces.politique import Fait, Relation, lecteurs, modificateurs
from api.auth.principal import Principal
from api.core.errors import Interdit
from api.menages import access as menages_access


def _selon(principal: Principal, relations: frozenset[Relation]) -> ColumnElement[bool]:
    conditions = [menages_access.condition_relation(principal, r) for r in sorted(relations)]
    return or_(*conditions) if conditions else false()


def condition_lecture(principal: Principal) -> ColumnElement[bool]:
    """On a query of ``menage``: the households whose consent this principal reads."""
    return _selon(principal, lecteurs(Fait.consentement_rappel))


def condition_modification(principal: Principal) -> ColumnElement[bool]:
    return _selon(principal, modificateurs(Fait.consentement_rappel))


def verifier_admin(principal: Principal) -> None:
    if not (principal.is_admin and Relation.administration in lecteurs(Fait.courriel_en_echec)):
        raise Interdit("La file des rappels est réservée à l'administration de la plateforme.")
