"""Who has alerts: the people of an association (its référents), a responsable for the whole
association. Machine clients have none."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col

from api.acces.politique import Fait, Relation, lit
from api.alertes.schemas import Perimetre
from api.auth.principal import Principal
from api.core.errors import Interdit
from api.mesures import access as mesures_access
from api.mesures.access import Niveau
from api.mesures.models import Mesure, RendezVous
from api.organisations.models import TypeOrganisation


def verifier_acces(principal: Principal) -> None:
    if not principal.of_type(TypeOrganisation.association) or principal.is_client:
        raise Interdit("Les alertes concernent les travailleurs sociaux et responsables d'une association.")


def perimetre_effectif(principal: Principal, perimetre: Perimetre | None) -> Perimetre:
    """``moi`` by default, ``association`` by default for a responsable (and only for one)."""
    perimetre = perimetre or (Perimetre.association if principal.is_responsable else Perimetre.moi)
    if perimetre == Perimetre.association and not principal.is_responsable:
        raise Interdit("Les alertes de toute l'association sont réservées au rôle responsable.")
    return perimetre


def condition_mesures(principal: Principal, perimetre: Perimetre) -> ColumnElement[bool]:
    """The mesures whose alerts this person works on: those its association carries
    (policy: the ``porteur`` reads the mesure and its rendez-vous), and for ``moi`` those
    it is the référent of."""
    porteur = mesures_access.condition_porteur(principal)
    if perimetre == Perimetre.association:
        return porteur
    return and_(porteur, col(Mesure.referent_id) == principal.id)


def condition_rendez_vous(principal: Principal, perimetre: Perimetre) -> ColumnElement[bool]:
    """The rendez-vous (joined to their ``Mesure``) whose alerts this person works on: for
    ``moi`` those of its mesures and those it planned on a colleague's."""
    porteur = mesures_access.condition_porteur(principal)
    if perimetre == Perimetre.association:
        return porteur
    return and_(porteur, or_(col(Mesure.referent_id) == principal.id, col(RendezVous.cree_par_id) == principal.id))


def lit_ecartees(niveau: Niveau | None) -> bool:
    """Whether a reader of a mesure at this level reads the alerts set aside on it, with
    their reasons (policy: ``alerte_ecartee``): the association that carries it."""
    return niveau == Niveau.porteur and lit(Fait.alerte_ecartee, {Relation.porteur})
