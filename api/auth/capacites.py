"""What a principal may do (issue 14): the answer's shape, and where it comes from.

The capabilities are computed from every domain's own checks
(``api/capacites/service.py``), which all sit above ``auth``: the computation is
declared into this module when ``api.capacites`` is imported (``api.main`` does), so
that ``auth`` imports no domain above it (tests/projet/test_architecture.py). An app
assembled without it fails loudly instead of offering nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from api.acces.politique import Fait
from api.auth.principal import Principal


class Capacites(BaseModel):
    """Ce que le principal peut faire quelque part : l'interface n'offre que cela."""

    lire_menages: bool = Field(description="Rechercher et lire des dossiers ménage")
    ouvrir_menage: bool = Field(description="Ouvrir le dossier d'un nouveau ménage")
    lire_orientations: bool = Field(description="Lire des orientations (les siennes, celles qu'on décide…)")
    orienter: bool = Field(description="Orienter un ménage vers un dispositif")
    organiser_commission: bool = Field(description="Organiser les sessions de commission et décider")
    lire_mesures: bool = Field(description="Lire les mesures en entier (dates, cible, historique)")
    modifier_mesures: bool = Field(description="Agir sur une mesure (référent, suivi, fin…)")
    reaffecter_mesures: bool = Field(
        description="Voir la charge de l'équipe et réaffecter des mesures d'un référent à un autre (responsable)"
    )
    rendez_vous: bool = Field(description="Lire et planifier des rendez-vous, écrire leurs comptes rendus")
    alertes: bool = Field(description="Recevoir des alertes sur ses dossiers")
    indicateurs: bool = Field(description="Lire les indicateurs (agrégés pour un financeur)")
    importer: bool = Field(description="Importer la file active de son association depuis un tableur")
    rapports: bool = Field(description="Écrire ou lire des rapports (déposés seulement pour un financeur)")
    webhooks: bool = Field(description="Gérer les webhooks de son organisation")
    gerer_comptes: bool = Field(description="Gérer les comptes des personnes de son organisation")
    administrer: bool = Field(description="Administrer la plateforme (organisations, clients API, dispositifs)")
    faits_lus: list[Fait] = Field(description="Les faits que la politique d'accès lui laisse lire quelque part")
    faits_modifies: list[Fait] = Field(description="Les faits qu'elle lui laisse modifier quelque part")


_CALCUL: list[Callable[[Principal], Capacites]] = []


def declarer_calcul(calcul: Callable[[Principal], Capacites]) -> None:
    """Extension point: api/capacites/service.py gives the computation."""
    _CALCUL[:] = [calcul]


def capacites(principal: Principal) -> Capacites:
    if not _CALCUL:
        raise RuntimeError("api.capacites n'est pas importé : les capacités ne sont pas déclarées")
    return _CALCUL[0](principal)
