"""Who may see dispositifs and conventions, and which dispositifs a funder funds.

A dispositif is not nominative: every partner reads it (to fill a referral),
but a bailleur never learns which cibles are sensitive beyond "cible
confidentielle". A convention (budget, targets, funders and shares) is the
policy's ``Fait.convention``: read by the admin, the association that signed it,
and the commission and the funders of its dispositif.

A funder's relation to a dispositif (``Relation.financeur``) is decided here and
nowhere else (``condition_financee``): the indicators, the conventions and the
reports of every co-funder are built from it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.acces.politique import Fait, Relation, lecteurs
from api.auth.principal import Principal
from api.dispositifs.models import Convention, ConventionFinanceur, Dispositif
from api.organisations.models import TypeOrganisation


def masquer_cibles_sensibles(principal: Principal) -> bool:
    """A bailleur (user or machine client) never sees a sensitive cible's label."""
    return principal.of_type(TypeOrganisation.bailleur)


def condition_financee(organisation_id: uuid.UUID, dispositif_id: Any) -> ColumnElement[bool]:
    """The dispositifs (given by an id column) this organisation funds: the one that holds
    them (``Dispositif.financeur_id``), or a co-funder named by one of their conventions,
    whatever its period: a co-funder of one year reads the dispositif's figures and bilans
    of the other years too, as the partners of a comité de pilotage do."""
    return or_(
        dispositif_id.in_(select(col(Dispositif.id)).where(col(Dispositif.financeur_id) == organisation_id)),
        dispositif_id.in_(
            select(col(Convention.dispositif_id))
            .join(ConventionFinanceur, col(ConventionFinanceur.convention_id) == col(Convention.id))
            .where(col(ConventionFinanceur.financeur_id) == organisation_id)
        ),
    )


def dispositifs_finances(principal: Principal) -> SelectOfScalar[uuid.UUID]:
    """The ids of the dispositifs the principal's organisation funds (none if it is no funder)."""
    query = select(col(Dispositif.id))
    if not principal.of_type(TypeOrganisation.financeur):
        return query.where(false())
    return query.where(condition_financee(principal.organisation_id, col(Dispositif.id)))


def _signataire(principal: Principal) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.association):
        return false()
    return col(Convention.association_id) == principal.organisation_id


def _commission(principal: Principal) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.gie):
        return false()
    return col(Convention.dispositif_id).in_(
        select(col(Dispositif.id)).where(col(Dispositif.commission_id) == principal.organisation_id)
    )


def _financeur(principal: Principal) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.financeur):
        return false()
    return condition_financee(principal.organisation_id, col(Convention.dispositif_id))


def _administration(principal: Principal) -> ColumnElement[bool]:
    return true() if principal.is_admin else false()


RELATIONS: dict[Relation, Callable[[Principal], ColumnElement[bool]]] = {
    Relation.signataire: _signataire,
    Relation.commission: _commission,
    Relation.financeur: _financeur,
    Relation.administration: _administration,
}


def condition_convention_visible(principal: Principal) -> ColumnElement[bool]:
    if principal.is_admin:
        return true()
    return or_(*(RELATIONS[r](principal) for r in sorted(lecteurs(Fait.convention)) if r in RELATIONS))


def visible_conventions(principal: Principal) -> SelectOfScalar[Convention]:
    return select(Convention).where(condition_convention_visible(principal))
