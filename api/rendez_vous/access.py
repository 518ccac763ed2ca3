"""Who may see which rendez-vous: only the association that carries the mesure.

The commission, the prescriber, funders and everybody else never see a
rendez-vous nor its compte rendu (DOMAIN.md: « rendez-vous and notes »).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.auth.principal import Principal
from api.mesures.models import Mesure, RendezVous
from api.organisations.models import TypeOrganisation


def condition_visible(principal: Principal) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.association):
        return false()
    return exists().where(
        col(Mesure.id) == col(RendezVous.mesure_id),
        col(Mesure.association_id) == principal.organisation_id,
    )


def visible_rendez_vous(principal: Principal) -> SelectOfScalar[RendezVous]:
    return select(RendezVous).where(condition_visible(principal))
