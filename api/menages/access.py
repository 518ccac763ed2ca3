"""Who may see and change which ménage, and which version of it (api/acces/politique.py).

Each relation an organisation may have to a household is one SQL condition
(``RELATIONS``); the policy's table says which relations read the live file
(``menage_vivant``) and which read the household as it was sent
(``menage_transmis``). Every list, detail, update and export of ménages goes
through these functions.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.acces.politique import Fait, Relation, lecteurs, modificateurs
from api.auth.principal import Principal
from api.core.errors import Interdit
from api.dispositifs.models import Dispositif
from api.menages.models import Menage, MenageTransmission
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


class Vue(StrEnum):
    vivant = "vivant"  # the live file, as the carrying association keeps it
    transmis = "transmis"  # the household as this organisation sent it (or as it was submitted to it)


def _exclu(principal: Principal) -> bool:
    # Funders never see a name; the platform admin has no access to files by default.
    return principal.of_type(TypeOrganisation.financeur, TypeOrganisation.admin)


def est_createur(principal: Principal) -> bool:
    return principal.of_type(*TYPES_CREATEURS)


def _porte() -> ColumnElement[bool]:
    """Some association carries the household: a mesure, or a referral accepted for it."""
    return or_(
        exists().where(Mesure.menage_id == Menage.id),
        exists().where(
            Orientation.menage_id == Menage.id,
            col(Orientation.association_id).is_not(None),
            Orientation.statut == StatutOrientation.acceptee.value,
        ),
    )


def _porteur(principal: Principal) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.association):
        return false()
    org = principal.organisation_id
    return or_(
        exists().where(Mesure.menage_id == Menage.id, Mesure.association_id == org),
        exists().where(
            Orientation.menage_id == Menage.id,
            Orientation.association_id == org,
            Orientation.statut == StatutOrientation.acceptee.value,
        ),
    )


def _auteur(principal: Principal) -> ColumnElement[bool]:
    return Menage.organisation_id == principal.organisation_id  # type: ignore[return-value]


def _auteur_non_porte(principal: Principal) -> ColumnElement[bool]:
    return and_(_auteur(principal), not_(_porte()))


def _prescripteur(principal: Principal) -> ColumnElement[bool]:
    return exists().where(
        Orientation.menage_id == Menage.id, Orientation.prescripteur_organisation_id == principal.organisation_id
    )


def _commission(principal: Principal) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.gie):
        return false()
    return exists().where(
        Orientation.menage_id == Menage.id,
        Orientation.dispositif_id == Dispositif.id,
        Dispositif.commission_id == principal.organisation_id,
        Orientation.statut != StatutOrientation.brouillon.value,
    )


RELATIONS: dict[Relation, Callable[[Principal], ColumnElement[bool]]] = {
    Relation.porteur: _porteur,
    Relation.auteur: _auteur,
    Relation.auteur_non_porte: _auteur_non_porte,
    Relation.prescripteur: _prescripteur,
    Relation.commission: _commission,
}


def _selon(principal: Principal, relations: frozenset[Relation]) -> ColumnElement[bool]:
    if _exclu(principal):
        return false()
    conditions = [RELATIONS[r](principal) for r in sorted(relations) if r in RELATIONS]
    return or_(*conditions) if conditions else false()


def condition_relation(principal: Principal, relation: Relation) -> ColumnElement[bool]:
    return _selon(principal, frozenset({relation}))


def condition_vivant(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the households whose live file this principal reads."""
    return _selon(principal, lecteurs(Fait.menage_vivant))


def condition_visible(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the ménages this principal may read, live or as sent."""
    return _selon(principal, lecteurs(Fait.menage_vivant) | lecteurs(Fait.menage_transmis))


def condition_modifiable(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the ménages this principal may change: the carrying association, and
    the organisation that opened the file until an association carries it."""
    return _selon(principal, modificateurs(Fait.menage_vivant))


def visible_menages(principal: Principal) -> SelectOfScalar[Menage]:
    return select(Menage).where(condition_visible(principal))


def condition_transmission_visible(principal: Principal) -> ColumnElement[bool]:
    """The transmissions this principal reads: those it sent, and for a commission those
    that came with a referral submitted to one of its dispositifs."""
    if _exclu(principal):
        return false()
    conditions: list[ColumnElement[bool]] = [MenageTransmission.organisation_id == principal.organisation_id]  # type: ignore[list-item]
    if principal.of_type(TypeOrganisation.gie):
        conditions.append(
            exists().where(
                Orientation.id == MenageTransmission.orientation_id,
                Orientation.dispositif_id == Dispositif.id,
                Dispositif.commission_id == principal.organisation_id,
                Orientation.statut != StatutOrientation.brouillon.value,
            )
        )
    return or_(*conditions)


def verifier_createur(principal: Principal) -> None:
    if not est_createur(principal):
        raise Interdit(
            "Seuls une association, un prescripteur, un bailleur ou une commission ouvrent un dossier ménage."
        )
