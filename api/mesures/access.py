"""Who may see and change which mesure (docs/domaine.md, « Qui voit quoi »).

Three ways to see a mesure, from the widest to the narrowest:

* ``porteur``: the association that carries it reads and writes it, with its
  rendez-vous and comptes rendus;
* ``commission``: the commission organisation of the dispositif reads the
  mesure (dates, status, cible, motif), never a rendez-vous;
* ``prescripteur``: the organisation whose referral gave birth to the mesure
  (a bailleur) sees its status only.

Funders, the platform admin and everybody else get 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.acces.politique import Fait, Relation, lecteurs, lit
from api.auth.principal import Principal
from api.core.errors import Interdit
from api.dispositifs.models import Dispositif
from api.mesures.models import Mesure
from api.organisations.models import TypeOrganisation


class Niveau(StrEnum):
    porteur = "porteur"
    commission = "commission"
    prescripteur = "prescripteur"


def _exclus(principal: Principal) -> bool:
    return principal.of_type(TypeOrganisation.financeur, TypeOrganisation.admin)


def verifier_reaffectation(principal: Principal) -> None:
    """Reassigning several mesures at once is the responsable's: an agent changes the
    référent of one mesure at a time, a machine client never."""
    if not principal.of_type(TypeOrganisation.association) or principal.is_client or not principal.is_responsable:
        raise Interdit("Réaffecter des mesures est réservé au rôle responsable d'une association.")


def condition_porteur(principal: Principal) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.association):
        return false()
    return Mesure.association_id == principal.organisation_id  # type: ignore[return-value]


def condition_commission(principal: Principal) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.gie):
        return false()
    return exists().where(
        col(Dispositif.id) == col(Mesure.dispositif_id),
        col(Dispositif.commission_id) == principal.organisation_id,
    )


@dataclass(frozen=True)
class Prescription:
    """The two SQL forms of « the mesures born of this organisation's referrals »."""

    # Condition on ``Mesure``: the mesure came from one of the principal's referrals.
    condition: Callable[[Principal], ColumnElement[bool]]
    # The ids of those mesures as one list (a union the mesures list can start from).
    ids: Callable[[Principal], Any]
    # The same condition for a query an index already narrows to a few mesures (one
    # mesure, one household's): correlated probes of the referrals. ``condition`` hashes
    # every referral of the prescriber, right for a list and 15,000 pages (0.5 s) for one
    # mesure of the demo's largest bailleur (issue 20).
    sonde: Callable[[Principal], ColumnElement[bool]]


# Declared extension point. Who prescribed a mesure is a fact of the orientations domain
# (the referral it sent), which stands above this one (tests/projet/test_architecture.py):
# api/orientations/access.py declares it when imported, and api/main.py imports every
# domain. Asked before that, it fails loudly instead of hiding mesures from prescribers.
_PRESCRIPTION: dict[str, Prescription] = {}


def declarer_prescription(prescription: Prescription) -> None:
    _PRESCRIPTION["orientations"] = prescription


def _prescription() -> Prescription:
    try:
        return _PRESCRIPTION["orientations"]
    except KeyError:
        raise RuntimeError(
            "relation prescripteur des mesures non déclarée : importez api.orientations.access"
        ) from None


def condition_prescripteur(principal: Principal) -> ColumnElement[bool]:
    if _exclus(principal):
        return false()
    return _prescription().condition(principal)


def condition_prescripteur_sonde(principal: Principal) -> ColumnElement[bool]:
    """``condition_prescripteur`` for a query narrowed to a few mesures (``Prescription.sonde``)."""
    if _exclus(principal):
        return false()
    return _prescription().sonde(principal)


def mesures_prescrites(principal: Principal) -> Any:
    """Ids of the mesures born of this organisation's referrals (both links, as in
    ``condition_prescripteur``), as one list."""
    return _prescription().ids(principal)


RELATIONS: dict[Relation, Callable[[Principal], ColumnElement[bool]]] = {
    Relation.porteur: condition_porteur,
    Relation.commission: condition_commission,
    Relation.prescripteur: condition_prescripteur,
}
# The same relations for a query narrowed to a few mesures (``visible_mesures(sonde=True)``).
RELATIONS_SONDE: dict[Relation, Callable[[Principal], ColumnElement[bool]]] = {
    **RELATIONS,
    Relation.prescripteur: condition_prescripteur_sonde,
}
# Each level of view is the widest fact a relation gives (api/acces/politique.py).
NIVEAUX: dict[Relation, Niveau] = {
    Relation.porteur: Niveau.porteur,
    Relation.commission: Niveau.commission,
    Relation.prescripteur: Niveau.prescripteur,
}


def _selon(
    principal: Principal, fait: Fait, relations: dict[Relation, Callable[[Principal], ColumnElement[bool]]] = RELATIONS
) -> ColumnElement[bool]:
    if _exclus(principal):
        return false()
    conditions = [relations[r](principal) for r in sorted(lecteurs(fait)) if r in relations]
    return or_(*conditions) if conditions else false()


def condition_complete(principal: Principal) -> ColumnElement[bool]:
    """Mesures the principal reads in full (dates, cible, motif): policy ``mesure_complete``."""
    return _selon(principal, Fait.mesure_complete)


def condition_visible(principal: Principal) -> ColumnElement[bool]:
    """Mesures the principal reads at least the status of: policy ``mesure_statut``."""
    return _selon(principal, Fait.mesure_statut)


def lit_notes(niveau: Niveau) -> bool:
    """The workers' notes (events' comments, the suivi's comment): policy ``note_mesure``."""
    return niveau == Niveau.porteur and lit(Fait.note_mesure, {Relation.porteur})


def lit_complete(niveau: Niveau) -> bool:
    return niveau in (Niveau.porteur, Niveau.commission)


def visible_mesures(principal: Principal, *, sonde: bool = False) -> SelectOfScalar[Mesure]:
    """The mesures this principal reads at least the status of. ``sonde``: the caller
    narrows the query to a few mesures by an index (one id, one household), so each
    relation is checked by probes (``RELATIONS_SONDE``) rather than by lists fit for a
    whole page."""
    return select(Mesure).where(_selon(principal, Fait.mesure_statut, RELATIONS_SONDE if sonde else RELATIONS))


def niveau(session: Session, principal: Principal, mesure: Mesure) -> Niveau | None:
    """How this principal sees this mesure (None: not at all)."""
    if _exclus(principal):
        return None
    if principal.of_type(TypeOrganisation.association) and mesure.association_id == principal.organisation_id:
        return Niveau.porteur
    for n, cond in (
        (Niveau.commission, condition_commission),
        (Niveau.prescripteur, condition_prescripteur_sonde),
    ):
        if session.exec(select(Mesure.id).where(and_(col(Mesure.id) == mesure.id, cond(principal)))).first():
            return n
    return None


def verifier_ouvre_mesure(principal: Principal) -> None:
    if not principal.of_type(TypeOrganisation.association):
        raise Interdit(
            "Seule une association ouvre directement une mesure ; sinon elle naît d'une orientation acceptée."
        )


def lit_par_commission(principal: Principal) -> bool:
    return principal.of_type(TypeOrganisation.gie)


def niveau_ligne(principal: Principal, association_id: object, commission_id: object) -> Niveau:
    """The level of a row of a visible list (a visible row that is neither carried nor
    decided by this principal is seen as born of its referral)."""
    if principal.of_type(TypeOrganisation.association) and association_id == principal.organisation_id:
        return Niveau.porteur
    if principal.of_type(TypeOrganisation.gie) and commission_id == principal.organisation_id:
        return Niveau.commission
    return Niveau.prescripteur


def compte_en_deux_parts(principal: Principal) -> bool:
    """An association's total is counted as its own mesures plus those born of its referrals."""
    return principal.of_type(TypeOrganisation.association)
