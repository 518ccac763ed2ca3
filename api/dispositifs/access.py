"""Who may see dispositifs and conventions.

A dispositif is not nominative: every partner reads it (to fill a referral),
but a bailleur never learns which cibles are sensitive beyond "cible
confidentielle". A convention (budget, targets) is read by the admin, the
association that signed it, and the commission and funder of its dispositif.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, true
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.auth.principal import Principal
from api.dispositifs.models import Convention, Dispositif
from api.organisations.models import TypeOrganisation


def masquer_cibles_sensibles(principal: Principal) -> bool:
    """A bailleur (user or machine client) never sees a sensitive cible's label."""
    return principal.of_type(TypeOrganisation.bailleur)


def condition_convention_visible(principal: Principal) -> ColumnElement[bool]:
    if principal.is_admin:
        return true()
    org = principal.organisation_id
    return or_(
        col(Convention.association_id) == org,
        exists().where(
            col(Dispositif.id) == Convention.dispositif_id,
            or_(col(Dispositif.commission_id) == org, col(Dispositif.financeur_id) == org),
        ),
    )


def visible_conventions(principal: Principal) -> SelectOfScalar[Convention]:
    return select(Convention).where(condition_convention_visible(principal))
