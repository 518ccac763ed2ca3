"""Who may see which rendez-vous: only the association that carries the mesure.

The commission, the prescriber, funders and everybody else never see a
rendez-vous nor its compte rendu (docs/domaine.md, « Qui voit quoi »: « rendez_vous », « compte_rendu »).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.acces.politique import Fait, lecteurs
from api.auth.principal import Principal
from api.mesures import access as mesures_access
from api.mesures.models import Mesure, RendezVous


def condition_sur_mesure(principal: Principal) -> ColumnElement[bool]:
    """On a query that already joins the mesure: this principal stands to it as the
    policy's readers of ``rendez_vous`` (the carrying association only)."""
    relations = mesures_access.RELATIONS
    conditions = [relations[r](principal) for r in sorted(lecteurs(Fait.rendez_vous)) if r in relations]
    return or_(*conditions) if conditions else false()


def condition_visible(principal: Principal) -> ColumnElement[bool]:
    """Rendez-vous whose mesure this principal stands to as the policy's readers of
    ``rendez_vous``."""
    return exists().where(col(Mesure.id) == col(RendezVous.mesure_id), condition_sur_mesure(principal))


def visible_rendez_vous(principal: Principal) -> SelectOfScalar[RendezVous]:
    return select(RendezVous).where(condition_visible(principal))
