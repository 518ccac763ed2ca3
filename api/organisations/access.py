"""Who may see and manage which accounts."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.sql.expression import SelectOfScalar

from api.auth.principal import Principal
from api.core.errors import Interdit
from api.organisations.models import Utilisateur


def visible_utilisateurs(principal: Principal) -> SelectOfScalar[Utilisateur]:
    """Admin: everyone; others: the members of their own organisation."""
    query = select(Utilisateur)
    if not principal.is_admin:
        query = query.where(Utilisateur.organisation_id == principal.organisation_id)
    return query


def peut_gerer_utilisateurs(principal: Principal, organisation_id: object) -> bool:
    """Admin, or a responsable for their own organisation."""
    if principal.is_admin:
        return True
    return principal.is_responsable and not principal.is_client and principal.organisation_id == organisation_id


def verifier_change_d_organisation(principal: Principal) -> None:
    if not principal.is_admin:
        raise Interdit("Seul l'administrateur change un compte d'organisation.")
