"""Who has alerts: the people of an association (its référents), a responsable for the whole
association. Machine clients have none."""

from __future__ import annotations

from api.auth.principal import Principal
from api.core.errors import Interdit
from api.organisations.models import TypeOrganisation


def verifier_acces(principal: Principal) -> None:
    if not principal.of_type(TypeOrganisation.association) or principal.is_client:
        raise Interdit("Les alertes concernent les travailleurs sociaux et responsables d'une association.")
