"""The life of a mesure (docs/domaine.md, « Vie d'un dossier »), as data: which status may
follow which. The actions that move along it are in ``api.mesures.cycle``."""

from __future__ import annotations

from api.core.errors import (
    TransitionRefusee,
)
from api.mesures.models import (
    Mesure,
    StatutMesure,
)

# mandatee → en_evaluation → active ⇄ suspendue → terminee. A mesure may also start
# directly active (adhésion obtained in commission, seed 004) and end at any stage
# (a household that never adheres leaves for non-adhésion before it starts).
TRANSITIONS: dict[str, set[str]] = {
    StatutMesure.mandatee.value: {
        StatutMesure.en_evaluation.value,
        StatutMesure.active.value,
        StatutMesure.terminee.value,
    },
    StatutMesure.en_evaluation.value: {StatutMesure.active.value, StatutMesure.terminee.value},
    StatutMesure.active.value: {StatutMesure.suspendue.value, StatutMesure.terminee.value},
    StatutMesure.suspendue.value: {StatutMesure.active.value, StatutMesure.terminee.value},
    StatutMesure.terminee.value: set(),
}


def verifier_transition(mesure: Mesure, vers: str) -> None:
    """A status change the table allows, or 409 naming the ones it does."""
    permises = TRANSITIONS[mesure.statut]
    if vers not in permises:
        raise TransitionRefusee(f"La mesure {mesure.reference}", mesure.statut, vers, permises)


def verifier_en_cours(mesure: Mesure, action: str) -> None:
    """Réorientation, prolongation, change of référent: any time before the end."""
    if mesure.statut == StatutMesure.terminee.value:
        raise TransitionRefusee(f"La mesure {mesure.reference}", mesure.statut, action, TRANSITIONS[mesure.statut])
