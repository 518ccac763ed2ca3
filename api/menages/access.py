"""Who may see and change which ménage (DOMAIN.md, « Who may see what »).

Every list, detail, update and export of ménages goes through these
functions; later domains (orientations, mesures) widen them here, in one place.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_
from sqlmodel import select
from sqlmodel.sql.expression import SelectOfScalar

from api.auth.principal import Principal
from api.dispositifs.models import Dispositif
from api.menages.models import Menage
from api.mesures.models import Mesure
from api.organisations.models import TypeOrganisation
from api.orientations.models import Orientation, StatutOrientation

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
    org = principal.organisation_id
    conditions: list[ColumnElement[bool]] = [Menage.organisation_id == org]  # type: ignore[list-item]
    # A prescriber (bailleur, CCAS…) sees the households of its own referrals.
    conditions.append(
        exists().where(Orientation.menage_id == Menage.id, Orientation.prescripteur_organisation_id == org)
    )
    if principal.of_type(TypeOrganisation.gie):
        # The commission sees the files submitted to the dispositifs it decides.
        conditions.append(
            exists().where(
                Orientation.menage_id == Menage.id,
                Orientation.dispositif_id == Dispositif.id,
                Dispositif.commission_id == org,
                Orientation.statut != StatutOrientation.brouillon.value,
            )
        )
    if principal.of_type(TypeOrganisation.association):
        conditions.append(_porte_par(org))
        conditions.append(
            exists().where(
                Orientation.menage_id == Menage.id,
                Orientation.association_id == org,
                Orientation.statut == StatutOrientation.acceptee.value,
            )
        )
    return or_(*conditions)


def _porte_par(org: object) -> ColumnElement[bool]:
    """The association carries (or carried) a mesure for this household."""
    return exists().where(Mesure.menage_id == Menage.id, Mesure.association_id == org)


def condition_modifiable(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the ménages this principal may change: files it opened, and for
    an association the households it accompanies."""
    if principal.of_type(TypeOrganisation.financeur, TypeOrganisation.admin):
        return false()
    own = Menage.organisation_id == principal.organisation_id
    if principal.of_type(TypeOrganisation.association):
        return or_(own, _porte_par(principal.organisation_id))
    return own  # type: ignore[return-value]


def visible_menages(principal: Principal) -> SelectOfScalar[Menage]:
    return select(Menage).where(condition_visible(principal))
