"""Who may see and change which ménage (DOMAIN.md, « Who may see what »).

Every list, detail, update and export of ménages goes through these
functions; later domains (orientations, mesures) widen them here, in one place.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_
from sqlmodel import select
from sqlmodel.sql.expression import SelectOfScalar

from api.auth.principal import Principal
from api.menages.models import Menage
from api.organisations.models import TypeOrganisation

# Partners who may open a household file (a funder or the platform admin never does).
TYPES_CREATEURS = (
    TypeOrganisation.association,
    TypeOrganisation.prescripteur,
    TypeOrganisation.bailleur,
    TypeOrganisation.gie,
)


def condition_visible(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the ménages this principal may read."""
    if principal.of_type(TypeOrganisation.financeur, TypeOrganisation.admin):
        return false()  # funders never see a name; admin has no access by default
    conditions: list[ColumnElement[bool]] = [Menage.organisation_id == principal.organisation_id]  # type: ignore[list-item]
    return or_(*conditions)


def condition_modifiable(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the ménages this principal may change (its own files)."""
    if principal.of_type(TypeOrganisation.financeur, TypeOrganisation.admin):
        return false()
    return Menage.organisation_id == principal.organisation_id  # type: ignore[return-value]


def visible_menages(principal: Principal) -> SelectOfScalar[Menage]:
    return select(Menage).where(condition_visible(principal))
