"""Who may see and act on which orientation (DOMAIN.md, « Who may see what »).

* the prescriber organisation sees its own referrals (status, decision, coded motif);
* the commission organisation of the dispositif sees and decides every submitted
  referral of its dispositifs;
* the association named at acceptance sees the accepted referrals addressed to it;
* the admin reads; a funder sees none; anyone else gets 404.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, true
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.auth.principal import Principal
from api.dispositifs.models import Dispositif
from api.organisations.models import TypeOrganisation
from api.orientations.models import Orientation, SessionCommission, StatutOrientation

# Who may refer a household (a funder or the admin never does).
TYPES_PRESCRIPTEURS = (
    TypeOrganisation.association,
    TypeOrganisation.prescripteur,
    TypeOrganisation.bailleur,
    TypeOrganisation.gie,
)


def _commission_de(org: object) -> ColumnElement[bool]:
    return exists().where(
        col(Dispositif.id) == Orientation.dispositif_id, col(Dispositif.commission_id) == org
    )


def condition_visible(principal: Principal) -> ColumnElement[bool]:
    if principal.of_type(TypeOrganisation.financeur):
        return false()
    if principal.is_admin:
        return true()
    org = principal.organisation_id
    conditions: list[ColumnElement[bool]] = [col(Orientation.prescripteur_organisation_id) == org]
    if principal.of_type(TypeOrganisation.gie):
        conditions.append(
            and_(col(Orientation.statut) != StatutOrientation.brouillon.value, _commission_de(org))
        )
    if principal.of_type(TypeOrganisation.association):
        conditions.append(
            and_(
                col(Orientation.association_id) == org,
                col(Orientation.statut) == StatutOrientation.acceptee.value,
            )
        )
    return or_(*conditions)


def visible_orientations(principal: Principal) -> SelectOfScalar[Orientation]:
    return select(Orientation).where(condition_visible(principal))


def est_prescripteur(principal: Principal, orientation: Orientation) -> bool:
    return orientation.prescripteur_organisation_id == principal.organisation_id


def est_commission(principal: Principal, dispositif: Dispositif) -> bool:
    return (
        principal.of_type(TypeOrganisation.gie)
        and dispositif.commission_id == principal.organisation_id
    )


def voit_commentaires_de(
    principal: Principal, dispositif: Dispositif, organisation_auteure: object
) -> bool:
    """Free text of an event (may name a health or justice fact) stays with the
    commission and the organisation that wrote it."""
    return (
        est_commission(principal, dispositif) or organisation_auteure == principal.organisation_id
    )


def condition_session_visible(principal: Principal) -> ColumnElement[bool]:
    if principal.is_admin:
        return true()
    if not principal.of_type(TypeOrganisation.gie):
        return false()
    return exists().where(
        col(Dispositif.id) == SessionCommission.dispositif_id,
        col(Dispositif.commission_id) == principal.organisation_id,
    )


def visible_sessions(principal: Principal) -> SelectOfScalar[SessionCommission]:
    return select(SessionCommission).where(condition_session_visible(principal))
