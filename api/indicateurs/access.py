"""Who sees which indicators (docs/indicateurs.md, « Qui voit quoi »; fact « indicateur » of docs/domaine.md).

One place decides the perimeter of every figure: an association its own
mesures, a commission (gie) its dispositifs, a funder the dispositifs it funds
or co-funds (``dispositifs.access.condition_financee``; aggregates only), admin
everything; a bailleur or a prescriber has no indicators (403). The detail
behind a cell is for those who carry or decide the files (association,
commission): anyone else gets 404. A funder asking for a dispositif it does not
fund, or funding none, gets 404 (``verifier_dispositif``): a document of zeros
would read as figures.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlmodel import Session, col

from api.auth.principal import Principal
from api.core.errors import Interdit, Introuvable
from api.dispositifs import access as dispositifs_access
from api.dispositifs.models import Convention, Dispositif
from api.mesures import access as mesures_access
from api.mesures.models import Mesure
from api.organisations.models import TypeOrganisation
from api.orientations.models import Orientation

TYPES_AUTORISES = (
    TypeOrganisation.association,
    TypeOrganisation.gie,
    TypeOrganisation.financeur,
    TypeOrganisation.admin,
)
TYPES_DETAIL = (TypeOrganisation.association, TypeOrganisation.gie)


def verifier_acces(principal: Principal) -> None:
    if not principal.of_type(*TYPES_AUTORISES):
        raise Interdit(
            "Les indicateurs sont réservés aux associations, commissions, financeurs et à "
            "l'administration. Votre organisation est de type "
            f"« {principal.organisation_type.value} »."
        )


def verifier_acces_detail(principal: Principal, table: str) -> None:
    """The files behind a figure: only for those who may read them; others get 404."""
    verifier_acces(principal)
    if not principal.of_type(*TYPES_DETAIL):
        raise Introuvable("Détail de l'indicateur", table)


def est_agrege_seulement(principal: Principal) -> bool:
    return principal.of_type(TypeOrganisation.financeur)


def perimetre(principal: Principal) -> str:
    if principal.of_type(TypeOrganisation.association):
        return "mesures portées par votre association"
    if principal.of_type(TypeOrganisation.gie):
        return "dispositifs dont votre organisation est la commission"
    if principal.of_type(TypeOrganisation.financeur):
        return "dispositifs financés ou cofinancés par votre organisation (agrégats seulement)"
    return "tous les dispositifs"


def _dispositifs_de(principal: Principal) -> ColumnElement[bool] | None:
    """Dispositifs in scope, as a condition on a dispositif_id column, or None for all."""
    org = principal.organisation_id
    if principal.of_type(TypeOrganisation.gie):
        return Dispositif.commission_id == org  # type: ignore[return-value]
    if principal.of_type(TypeOrganisation.financeur):
        return dispositifs_access.condition_financee(org, col(Dispositif.id))
    return None


def verifier_dispositif(session: Session, principal: Principal, dispositif: uuid.UUID | None) -> None:
    """A funder reads the indicators of the dispositifs it funds or co-funds, nothing else:
    a dispositif it does not fund is unknown to it (404, as an invisible record), and so
    is the whole document when it funds none (its perimeter is empty: not a row of zeros)."""
    if not principal.of_type(TypeOrganisation.financeur):
        return
    finances = dispositifs_access.dispositifs_finances(principal)
    if dispositif is not None:
        finances = finances.where(col(Dispositif.id) == dispositif)
    if session.exec(finances.limit(1)).first() is None:
        raise Introuvable("Dispositif", dispositif if dispositif is not None else "financé par votre organisation")


def condition_mesures(principal: Principal) -> ColumnElement[bool]:
    """The mesures behind the figures: for an association or a commission, those the policy
    gives it in full (``mesure_complete``: carried, or decided); for a funder or the admin,
    those of its dispositifs, counted only."""
    verifier_acces(principal)
    if principal.of_type(*TYPES_DETAIL):
        return mesures_access.condition_complete(principal)
    cond = _dispositifs_de(principal)
    if cond is None:
        return true()
    return Mesure.dispositif_id.in_(select(col(Dispositif.id)).where(cond))


def condition_orientations(principal: Principal) -> ColumnElement[bool]:
    """An association sees the referrals addressed to it; others by dispositif."""
    verifier_acces(principal)
    if principal.of_type(TypeOrganisation.association):
        return Orientation.association_id == principal.organisation_id  # type: ignore[return-value]
    cond = _dispositifs_de(principal)
    if cond is None:
        return true()
    return Orientation.dispositif_id.in_(select(col(Dispositif.id)).where(cond))


def condition_conventions(principal: Principal) -> ColumnElement[bool]:
    verifier_acces(principal)
    if principal.of_type(TypeOrganisation.association):
        return Convention.association_id == principal.organisation_id  # type: ignore[return-value]
    cond = _dispositifs_de(principal)
    if cond is None:
        return true()
    return Convention.dispositif_id.in_(select(col(Dispositif.id)).where(cond))


def detail_disponible(principal: Principal) -> bool:
    """Whether the files behind a figure can be opened (never for a funder)."""
    return not est_agrege_seulement(principal) and principal.of_type(*TYPES_DETAIL)


def condition_colonnes_dispositif(
    principal: Principal, commission_id: Any, dispositif_id: Any
) -> ColumnElement[bool] | None:
    """The same perimeter as ``_dispositifs_de`` on a dispositif table given by its columns."""
    if principal.of_type(TypeOrganisation.gie):
        return commission_id == principal.organisation_id
    if principal.of_type(TypeOrganisation.financeur):
        return dispositifs_access.condition_financee(principal.organisation_id, dispositif_id)
    return None
