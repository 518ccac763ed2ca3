"""What a principal may do, for the interface to offer only that (issue 14).

Nothing here is a new rule: each capability asks the check that the domain
applies when the request comes (``verifier_*`` of its ``access.py``), or reads
the access policy (``api/acces/politique.py``) for the relations an
organisation of this type can hold. The frontend derives its menus, route
guards and buttons from this answer instead of copying lists of organisation
types; a button that a route would refuse is never shown.

Record by record, the answer stays with the record (``MenagePublic.modifiable``):
capabilities say what a principal may do somewhere, not on which file.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from api.acces.politique import Fait, Relation, lit, modifie
from api.alertes import access as alertes_access
from api.auth.principal import Principal
from api.core.errors import Interdit
from api.indicateurs import access as indicateurs_access
from api.menages import access as menages_access
from api.organisations import access as organisations_access
from api.organisations.models import TypeOrganisation
from api.orientations import access as orientations_access

T = TypeOrganisation
R = Relation

# The relations an organisation of each type can hold to some fact. The SQL of each
# domain (``RELATIONS`` of its access.py) gives ``false()`` for a relation outside this
# table (``_type_permet``, ``_commission``, ``_destinataire``…); tests/test_capacites.py
# checks the two agree on the household file.
RELATIONS_POSSIBLES: dict[TypeOrganisation, frozenset[Relation]] = {
    T.association: frozenset(
        {R.auteur, R.auteur_non_porte, R.prescripteur, R.destinataire, R.porteur, R.meme_organisation}
    ),
    T.gie: frozenset({R.auteur, R.auteur_non_porte, R.prescripteur, R.commission, R.meme_organisation}),
    T.bailleur: frozenset({R.auteur, R.auteur_non_porte, R.prescripteur, R.meme_organisation}),
    T.prescripteur: frozenset({R.auteur, R.auteur_non_porte, R.prescripteur, R.meme_organisation}),
    T.financeur: frozenset({R.financeur, R.meme_organisation}),
    T.admin: frozenset({R.administration, R.meme_organisation}),
}


class Capacites(BaseModel):
    """Ce que le principal peut faire quelque part : l'interface n'offre que cela."""

    lire_menages: bool = Field(description="Rechercher et lire des dossiers ménage")
    ouvrir_menage: bool = Field(description="Ouvrir le dossier d'un nouveau ménage")
    lire_orientations: bool = Field(description="Lire des orientations (les siennes, celles qu'on décide…)")
    orienter: bool = Field(description="Orienter un ménage vers un dispositif")
    organiser_commission: bool = Field(description="Organiser les sessions de commission et décider")
    lire_mesures: bool = Field(description="Lire les mesures en entier (dates, cible, historique)")
    modifier_mesures: bool = Field(description="Agir sur une mesure (référent, suivi, fin…)")
    rendez_vous: bool = Field(description="Lire et planifier des rendez-vous, écrire leurs comptes rendus")
    alertes: bool = Field(description="Recevoir des alertes sur ses dossiers")
    indicateurs: bool = Field(description="Lire les indicateurs (agrégés pour un financeur)")
    webhooks: bool = Field(description="Gérer les webhooks de son organisation")
    gerer_comptes: bool = Field(description="Gérer les comptes des personnes de son organisation")
    administrer: bool = Field(description="Administrer la plateforme (organisations, clients API, dispositifs)")
    faits_lus: list[Fait] = Field(description="Les faits que la politique d'accès lui laisse lire quelque part")
    faits_modifies: list[Fait] = Field(description="Les faits qu'elle lui laisse modifier quelque part")


def _permis(verifier: Callable[[Principal], None], principal: Principal) -> bool:
    try:
        verifier(principal)
    except Interdit:
        return False
    return True


def capacites(principal: Principal) -> Capacites:
    """The principal's capabilities: each one is the domain's own check or the policy's
    answer for the relations its organisation type can hold."""
    relations = RELATIONS_POSSIBLES[principal.organisation_type]
    lus = [f for f in Fait if lit(f, relations)]
    return Capacites(
        lire_menages=lit(Fait.menage_vivant, relations) or lit(Fait.menage_transmis, relations),
        ouvrir_menage=_permis(menages_access.verifier_createur, principal),
        lire_orientations=lit(Fait.orientation, relations),
        orienter=_permis(orientations_access.verifier_prescripteur, principal),
        organiser_commission=_permis(orientations_access.verifier_commission, principal),
        lire_mesures=lit(Fait.mesure_complete, relations),
        modifier_mesures=modifie(Fait.mesure_complete, relations),
        rendez_vous=lit(Fait.rendez_vous, relations),
        alertes=_permis(alertes_access.verifier_acces, principal),
        indicateurs=_permis(indicateurs_access.verifier_acces, principal),
        webhooks=_permis(orientations_access.verifier_abonnable, principal),
        gerer_comptes=organisations_access.peut_gerer_utilisateurs(principal, principal.organisation_id),
        administrer=principal.is_admin,
        faits_lus=lus,
        faits_modifies=[f for f in Fait if modifie(f, relations)],
    )
