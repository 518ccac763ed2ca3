"""Who may see and change which ménage, and which version of it (api/acces/politique.py).

Each relation an organisation may have to a household is one SQL condition
(``RELATIONS``); the policy's table says which relations read the live file
(``menage_vivant``) and which read the household as it was sent
(``menage_transmis``). Every list, detail, update and export of ménages goes
through these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, func, not_, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.acces.politique import Fait, Relation, lecteurs, modificateurs
from api.auth.principal import Principal
from api.core.errors import Interdit
from api.menages.models import Menage, MenageAcces, MenageTransmission, Personne
from api.organisations.models import TypeOrganisation

# Partners who may open a household file (a funder or the platform admin never does).
TYPES_CREATEURS = (
    TypeOrganisation.association,
    TypeOrganisation.prescripteur,
    TypeOrganisation.bailleur,
    TypeOrganisation.gie,
)


# Relation → a column equal to 1 when the principal's organisation holds it for the row's
# household (``relations_tenues``).
Tenues = Mapping[Relation, Any]


class Vue(StrEnum):
    vivant = "vivant"  # the live file, as the carrying association keeps it
    transmis = "transmis"  # the household as this organisation sent it (or as it was submitted to it)


def _exclu(principal: Principal) -> bool:
    # Funders never see a name; the platform admin has no access to files by default.
    return principal.of_type(TypeOrganisation.financeur, TypeOrganisation.admin)


def est_createur(principal: Principal) -> bool:
    return principal.of_type(*TYPES_CREATEURS)


def _par_index(
    principal: Principal, *relations: Relation, sur: Any = None, tenues: Tenues | None = None
) -> ColumnElement[bool]:
    """Households this principal's organisation stands to in one of these relations: an
    index range on ``menage_acces`` (kept at each write), never a gathering of every mesure
    and referral the organisation ever touched. ``sur``: the household id column the
    condition speaks of (``Menage.id`` by default). ``tenues``: the organisation's grants
    already joined by the caller (``relations_tenues``), read instead of probed."""
    if tenues is not None:
        return or_(*(tenues[r] == 1 for r in relations))
    # Correlated EXISTS, not ``id IN (subquery)``: beside other relations (an OR),
    # PostgreSQL turned the IN into a hash of every grant of the organisation (12,000 rows,
    # 10 ms) even to check one household; EXISTS is a probe of the primary key
    # (organisation, relation, household) per row, and still a semi-join for a whole list.
    return exists().where(
        MenageAcces.menage_id == _id(sur),
        MenageAcces.organisation_id == principal.organisation_id,
        col(MenageAcces.relation).in_([r.value for r in relations]),
    )


def _id(sur: Any) -> Any:
    return Menage.id if sur is None else sur


def _porte(sur: Any = None) -> ColumnElement[bool]:
    """Some association carries the household: a mesure, or a referral accepted for it."""
    return exists().where(MenageAcces.menage_id == _id(sur), MenageAcces.relation == Relation.porteur.value)


def _porteur(principal: Principal, sur: Any = None, tenues: Tenues | None = None) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.association):
        return false()
    return _par_index(principal, Relation.porteur, sur=sur, tenues=tenues)


def _auteur(principal: Principal, sur: Any = None, tenues: Tenues | None = None) -> ColumnElement[bool]:
    return _par_index(principal, Relation.auteur, sur=sur, tenues=tenues)


def _auteur_non_porte(principal: Principal, sur: Any = None, tenues: Tenues | None = None) -> ColumnElement[bool]:
    # « Carried by some association » is about every organisation: always a probe.
    return and_(_auteur(principal, sur, tenues), not_(_porte(sur)))


def _prescripteur(principal: Principal, sur: Any = None, tenues: Tenues | None = None) -> ColumnElement[bool]:
    return _par_index(principal, Relation.prescripteur, sur=sur, tenues=tenues)


def _commission(principal: Principal, sur: Any = None, tenues: Tenues | None = None) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.gie):
        return false()
    return _par_index(principal, Relation.commission, sur=sur, tenues=tenues)


RELATIONS: dict[Relation, Callable[[Principal, Any, Tenues | None], ColumnElement[bool]]] = {
    Relation.porteur: _porteur,
    Relation.auteur: _auteur,
    Relation.auteur_non_porte: _auteur_non_porte,
    Relation.prescripteur: _prescripteur,
    Relation.commission: _commission,
}


def _selon(
    principal: Principal, relations: frozenset[Relation], sur: Any = None, tenues: Tenues | None = None
) -> ColumnElement[bool]:
    if _exclu(principal):
        return false()
    # Relations kept in the index are asked in one range (one IN, not an OR of subqueries).
    if Relation.auteur in relations:
        relations = relations - {Relation.auteur_non_porte}  # contained in « auteur »
    indexees = [r for r in sorted(relations) if r in INDEXEES and _type_permet(principal, r)]
    conditions = [
        RELATIONS[r](principal, sur, tenues) for r in sorted(relations) if r in RELATIONS and r not in INDEXEES
    ]
    if indexees:
        conditions.insert(0, _par_index(principal, *indexees, sur=sur, tenues=tenues))
    return or_(*conditions) if conditions else false()


# The relations read straight from ``menage_acces``.
INDEXEES = (Relation.auteur, Relation.porteur, Relation.prescripteur, Relation.commission)


def relations_tenues() -> Tenues:
    """For a caller that joined ``menage_acces`` to its rows on the household and the
    principal's organisation (an outer join, grouped by household): one aggregate per
    indexed relation, 1 when the organisation holds it. Passed as ``tenues`` to
    ``condition_visible`` / ``condition_vivant``, the policy reads them instead of probing
    the index once per relation and per row: the household search joins the grants of
    thousands of candidates in one hash (« mar », largest association: 10,000 candidates,
    three probes each before)."""
    return {r: func.max(case((MenageAcces.relation == r.value, 1), else_=0)) for r in INDEXEES}


def _type_permet(principal: Principal, relation: Relation) -> bool:
    if relation == Relation.porteur:
        return principal.of_type(TypeOrganisation.association)
    if relation == Relation.commission:
        return principal.of_type(TypeOrganisation.gie)
    return True


def condition_relation(principal: Principal, relation: Relation) -> ColumnElement[bool]:
    return _selon(principal, frozenset({relation}))


def condition_vivant(principal: Principal, sur: Any = None, tenues: Tenues | None = None) -> ColumnElement[bool]:
    """SQL condition: the households whose live file this principal reads (``sur``: the
    household id column it speaks of, ``Menage.id`` by default; ``tenues``: see
    ``relations_tenues``)."""
    return _selon(principal, lecteurs(Fait.menage_vivant), sur, tenues)


def condition_visible(principal: Principal, sur: Any = None, tenues: Tenues | None = None) -> ColumnElement[bool]:
    """SQL condition: the ménages this principal may read, live or as sent (``sur``: the
    household id column it speaks of, ``Menage.id`` by default; ``tenues``: see
    ``relations_tenues``)."""
    return _selon(principal, lecteurs(Fait.menage_vivant) | lecteurs(Fait.menage_transmis), sur, tenues)


def condition_modifiable(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the ménages this principal may change: the carrying association, and
    the organisation that opened the file until an association carries it."""
    return _selon(principal, modificateurs(Fait.menage_vivant))


def memes_lecteurs_et_modificateurs() -> bool:
    """Whether the policy lets the same relations read and change the live file."""
    return lecteurs(Fait.menage_vivant) == modificateurs(Fait.menage_vivant)


def visible_menages(principal: Principal) -> SelectOfScalar[Menage]:
    return select(Menage).where(condition_visible(principal))


# Declared extension point. Who else reads a transmission is a fact of the orientations
# domain (a commission reads those that came with a referral submitted to it), which stands
# above this one (tests/projet/test_architecture.py): api/orientations/access.py declares it when
# imported, and api/main.py imports every domain. Asked before that, it fails loudly
# instead of hiding transmissions from the commissions.
_LECTEURS_DE_TRANSMISSION: dict[str, Callable[[Principal], ColumnElement[bool]]] = {}


def declarer_lecteur_de_transmission(condition: Callable[[Principal], ColumnElement[bool]]) -> None:
    """For a GIE principal: the transmissions it reads besides those it sent."""
    _LECTEURS_DE_TRANSMISSION["commission"] = condition


def condition_transmission_visible(principal: Principal) -> ColumnElement[bool]:
    """The transmissions this principal reads: those it sent, and for a commission those
    that came with a referral submitted to one of its dispositifs."""
    if _exclu(principal):
        return false()
    conditions: list[ColumnElement[bool]] = [MenageTransmission.organisation_id == principal.organisation_id]  # type: ignore[list-item]
    if principal.of_type(TypeOrganisation.gie):
        if "commission" not in _LECTEURS_DE_TRANSMISSION:
            raise RuntimeError("lecteurs des transmissions non déclarés : importez api.orientations.access")
        conditions.append(_LECTEURS_DE_TRANSMISSION["commission"](principal))
    return or_(*conditions)


def condition_nom_lu(principal: Principal, menage_id: Any, motif_nom: str) -> ColumnElement[bool]:
    """SQL condition on ``menage_id`` (a column of the caller's query): a person of that
    household, *as this principal reads it* (``vues``), has a ``nom prénom`` matching
    ``motif_nom`` (a LIKE pattern of a text already without accents or case).

    The live names for who reads the live file (``menage_vivant``); for a referrer or a
    commission (``menage_transmis``), the names of the transmissions it reads, never the
    live file: a name the carrying association changed since is not found under its new
    spelling. A household with no transmission the reader may read (rows written outside
    the services: the demo) is shown with its live identity (``_vue_transmise``) and
    searched the same way. Households it does not see at all: nothing."""
    vivant = exists().where(Menage.id == menage_id, condition_vivant(principal))
    transmis = exists().where(Menage.id == menage_id, condition_visible(principal), not_(condition_vivant(principal)))
    nom_vivant = exists().where(
        Personne.menage_id == menage_id, col(Personne.nom_recherche).like(motif_nom, escape="\\")
    )
    transmissions = [MenageTransmission.menage_id == menage_id, condition_transmission_visible(principal)]
    nom_transmis = exists().where(*transmissions, col(MenageTransmission.noms_recherche).like(motif_nom, escape="\\"))
    sans_transmission = not_(exists().where(*transmissions))
    return or_(and_(vivant, nom_vivant), and_(transmis, or_(nom_transmis, and_(sans_transmission, nom_vivant))))


def verifier_createur(principal: Principal) -> None:
    if not est_createur(principal):
        raise Interdit(
            "Seuls une association, un prescripteur, un bailleur ou une commission ouvrent un dossier ménage."
        )
