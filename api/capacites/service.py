"""What a principal may do, for the interface to offer only that (issue 14): computed here,
above every domain it asks, and declared into ``api/auth/capacites.py``.

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

from api.acces.politique import Fait, Relation, lit, modifie
from api.alertes import access as alertes_access
from api.auth.capacites import Capacites, declarer_calcul
from api.auth.principal import Principal
from api.core.errors import Interdit
from api.imports import access as imports_access
from api.indicateurs import access as indicateurs_access
from api.menages import access as menages_access
from api.mesures import access as mesures_access
from api.organisations import access as organisations_access
from api.organisations.models import TypeOrganisation
from api.orientations import access as orientations_access

T = TypeOrganisation
R = Relation

# The relations an organisation of each type can hold to some fact. The SQL of each
# domain (``RELATIONS`` of its access.py) gives ``false()`` for a relation outside this
# table (``_type_permet``, ``_commission``, ``_destinataire``…); tests/auth/test_capacites.py
# checks the two agree on the household file.
RELATIONS_POSSIBLES: dict[TypeOrganisation, frozenset[Relation]] = {
    T.association: frozenset(
        {R.auteur, R.auteur_non_porte, R.prescripteur, R.destinataire, R.porteur, R.signataire, R.meme_organisation}
    ),
    T.gie: frozenset({R.auteur, R.auteur_non_porte, R.prescripteur, R.commission, R.meme_organisation}),
    T.bailleur: frozenset({R.auteur, R.auteur_non_porte, R.prescripteur, R.meme_organisation}),
    T.prescripteur: frozenset({R.auteur, R.auteur_non_porte, R.prescripteur, R.meme_organisation}),
    T.financeur: frozenset({R.financeur, R.meme_organisation}),
    T.admin: frozenset({R.administration, R.meme_organisation}),
}


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
        reaffecter_mesures=_permis(mesures_access.verifier_reaffectation, principal),
        rendez_vous=lit(Fait.rendez_vous, relations),
        alertes=_permis(alertes_access.verifier_acces, principal),
        indicateurs=_permis(indicateurs_access.verifier_acces, principal),
        importer=imports_access.importe_sa_file(principal),
        rapports=lit(Fait.rapport, relations),
        webhooks=_permis(orientations_access.verifier_abonnable, principal),
        gerer_comptes=organisations_access.peut_gerer_utilisateurs(principal, principal.organisation_id),
        administrer=principal.is_admin,
        faits_lus=lus,
        faits_modifies=[f for f in Fait if modifie(f, relations)],
    )


declarer_calcul(capacites)
