"""Who may see and act on which orientation (docs/domaine.md, « Qui voit quoi »).

* the prescriber organisation sees its own referrals (status, decision, coded motif);
* the commission organisation of the dispositif sees and decides every submitted
  referral of its dispositifs;
* the association named at acceptance sees the accepted referrals addressed to it;
* the admin reads; a funder sees none; anyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, true, union
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.acces.politique import Fait, Relation, lecteurs, lit
from api.auth.principal import Principal
from api.core.db import alias_pret
from api.core.errors import Interdit
from api.dispositifs.models import Dispositif
from api.menages import access as menages_access
from api.menages.models import MenageTransmission
from api.mesures import access as mesures_access
from api.mesures.models import Mesure
from api.organisations.models import TypeOrganisation
from api.orientations.models import Orientation, SessionCommission, StatutOrientation

# Who may refer a household (a funder or the admin never does).
TYPES_PRESCRIPTEURS = (
    TypeOrganisation.association,
    TypeOrganisation.prescripteur,
    TypeOrganisation.bailleur,
    TypeOrganisation.gie,
)


def _commission_de(org: object) -> ColumnElement[bool]:
    return exists().where(col(Dispositif.id) == Orientation.dispositif_id, col(Dispositif.commission_id) == org)


def _prescripteur(principal: Principal) -> ColumnElement[bool]:
    return col(Orientation.prescripteur_organisation_id) == principal.organisation_id


def _commission(principal: Principal) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.gie):
        return false()
    return and_(col(Orientation.statut) != StatutOrientation.brouillon.value, _commission_de(principal.organisation_id))


def _destinataire(principal: Principal) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.association):
        return false()
    return and_(
        col(Orientation.association_id) == principal.organisation_id,
        col(Orientation.statut) == StatutOrientation.acceptee.value,
    )


def _administration(principal: Principal) -> ColumnElement[bool]:
    return true() if principal.is_admin else false()


RELATIONS: dict[Relation, Callable[[Principal], ColumnElement[bool]]] = {
    Relation.prescripteur: _prescripteur,
    Relation.commission: _commission,
    Relation.destinataire: _destinataire,
    Relation.administration: _administration,
}


def condition_visible(principal: Principal) -> ColumnElement[bool]:
    """The referrals this principal reads (policy: ``orientation``)."""
    if principal.of_type(TypeOrganisation.financeur):
        return false()
    conditions = [RELATIONS[r](principal) for r in sorted(lecteurs(Fait.orientation)) if r in RELATIONS]
    return or_(*conditions) if conditions else false()


def relations(principal: Principal, o: Orientation, commission_id: object) -> set[Relation]:
    """The relations of this principal to one referral (``commission_id``: the commission
    organisation of its dispositif), as ``RELATIONS`` says them in SQL."""
    org = principal.organisation_id
    out: set[Relation] = set()
    if o.prescripteur_organisation_id == org:
        out.add(Relation.prescripteur)
    soumise = o.statut != StatutOrientation.brouillon.value
    if principal.of_type(TypeOrganisation.gie) and commission_id == org and soumise:
        out.add(Relation.commission)
    if (
        principal.of_type(TypeOrganisation.association)
        and o.association_id == org
        and o.statut == StatutOrientation.acceptee.value
    ):
        out.add(Relation.destinataire)
        out.add(Relation.porteur)  # the association it was accepted for carries the household
    if principal.is_admin:
        out.add(Relation.administration)
    return out


def lit_cible_sensible(principal: Principal, o: Orientation, commission_id: object) -> bool:
    """A sensitive decided cible (health, justice, violence) is read only by who decides or
    carries the file; everyone else reads « cible confidentielle »."""
    return lit(Fait.cible_sensible, relations(principal, o, commission_id))


def voit_commentaire(principal: Principal, commission_id: object, organisation_auteure: object) -> bool:
    """Free text of an event (may name a health or justice fact) stays with the commission
    and the organisation that wrote it (policy: ``commentaire``)."""
    rel: set[Relation] = set()
    if organisation_auteure == principal.organisation_id:
        rel.add(Relation.auteur)
    if principal.of_type(TypeOrganisation.gie) and commission_id == principal.organisation_id:
        rel.add(Relation.commission)
    return lit(Fait.commentaire, rel)


def visible_orientations(principal: Principal) -> SelectOfScalar[Orientation]:
    return select(Orientation).where(condition_visible(principal))


def est_prescripteur(principal: Principal, orientation: Orientation) -> bool:
    return orientation.prescripteur_organisation_id == principal.organisation_id


def est_commission(principal: Principal, dispositif: Dispositif) -> bool:
    return principal.of_type(TypeOrganisation.gie) and dispositif.commission_id == principal.organisation_id


def voit_commentaires_de(principal: Principal, dispositif: Dispositif, organisation_auteure: object) -> bool:
    return voit_commentaire(principal, dispositif.commission_id, organisation_auteure)


def condition_session_visible(principal: Principal) -> ColumnElement[bool]:
    if principal.is_admin:
        return true()
    if not principal.of_type(TypeOrganisation.gie):
        return false()
    return exists().where(
        col(Dispositif.id) == SessionCommission.dispositif_id,
        col(Dispositif.commission_id) == principal.organisation_id,
    )


def condition_decideuse(principal: Principal) -> ColumnElement[bool]:
    """The referrals whose dispositif this principal's commission decides (the admin reads
    all): the waiting list is the deciding commission's work, not its prescribers'."""
    if principal.is_admin:
        return true()
    if not principal.of_type(TypeOrganisation.gie):
        return false()
    return _commission_de(principal.organisation_id)


def visible_sessions(principal: Principal) -> SelectOfScalar[SessionCommission]:
    return select(SessionCommission).where(condition_session_visible(principal))


def verifier_prescripteur(principal: Principal) -> None:
    if not principal.of_type(*TYPES_PRESCRIPTEURS):
        raise Interdit("Seuls une association, un prescripteur, un bailleur ou une commission orientent un ménage.")


def verifier_commission(principal: Principal) -> None:
    # a wrong role is a 403 of its own, not a 422 on dispositif_id (dispositifs are public)
    if not principal.of_type(TypeOrganisation.gie):
        raise Interdit("Seule une commission organise des sessions.")


# Who receives referral changes on a webhook: the partners' systems that send referrals.
TYPES_ABONNES = (TypeOrganisation.bailleur, TypeOrganisation.prescripteur)


def verifier_abonnable(principal: Principal) -> None:
    if not principal.of_type(*TYPES_ABONNES) or not (principal.is_client or principal.is_responsable):
        raise Interdit(
            "Seuls le système (client API) ou un responsable d'un bailleur ou d'un prescripteur "
            "gèrent les webhooks de leur organisation."
        )


def condition_webhooks_en_echec(principal: Principal) -> ColumnElement[bool]:
    """The given-up webhook deliveries this principal reads and sends again (policy:
    ``webhook_en_echec``): the platform's operator only."""
    return true() if principal.is_admin and Relation.administration in lecteurs(Fait.webhook_en_echec) else false()


def verifier_admin_webhooks(principal: Principal) -> None:
    if not principal.is_admin:
        raise Interdit("Les livraisons de webhooks abandonnées sont réservées à l'administration de la plateforme.")


# --- What this domain tells the domains below it (their declared extension points) ---


def _mesure_prescrite(principal: Principal) -> ColumnElement[bool]:
    # A semi-join on the referrals of this prescriber: PostgreSQL hashes the (small) list
    # once instead of probing orientations for every mesure (EXPLAIN in issue 8's note).
    # Both links are checked: mandater() sets Mesure.orientation_id, the commission sets
    # Orientation.mesure_id.
    orientations = select(Orientation.id).where(Orientation.prescripteur_organisation_id == principal.organisation_id)
    mesures = select(Orientation.mesure_id).where(
        Orientation.prescripteur_organisation_id == principal.organisation_id,
        col(Orientation.mesure_id).is_not(None),
    )
    return or_(col(Mesure.orientation_id).in_(orientations), col(Mesure.id).in_(mesures))


def _mesure_prescrite_sonde(principal: Principal) -> ColumnElement[bool]:
    """``_mesure_prescrite`` for a query already narrowed to a few mesures: two probes per
    mesure, the referral's primary key and ``ix_orientation_mesure_id`` (migration 0037),
    instead of a hash of every referral the prescriber ever sent."""
    return or_(
        exists().where(
            col(Orientation.id) == col(Mesure.orientation_id),
            Orientation.prescripteur_organisation_id == principal.organisation_id,
        ),
        exists().where(
            col(Orientation.mesure_id) == col(Mesure.id),
            Orientation.prescripteur_organisation_id == principal.organisation_id,
        ),
    )


def _ids_mesures_prescrites(principal: Principal) -> Any:
    """Ids of the mesures born of this organisation's referrals (both links), as one list:
    a semi-join that can start from the prescriber's orientations (the mesures list counts
    an association's this way)."""
    par_orientation = (
        select(Mesure.id)
        .join(Orientation, col(Orientation.id) == col(Mesure.orientation_id))
        .where(Orientation.prescripteur_organisation_id == principal.organisation_id)
    )
    par_mesure = select(Orientation.mesure_id).where(
        Orientation.prescripteur_organisation_id == principal.organisation_id,
        col(Orientation.mesure_id).is_not(None),
    )
    return union(par_orientation, par_mesure)


_ORIENTATION_SOUMISE = alias_pret(Orientation)


def _transmission_soumise_a_sa_commission(principal: Principal) -> ColumnElement[bool]:
    """A commission reads the transmissions that came with a referral submitted to one of
    its dispositifs."""
    # An alias: inside a query of the orientations themselves (their search by name), the
    # table would be correlated to the listed referral instead of ranging over all of them.
    o = _ORIENTATION_SOUMISE
    return exists().where(
        o.id == MenageTransmission.orientation_id,
        o.dispositif_id == Dispositif.id,
        Dispositif.commission_id == principal.organisation_id,
        o.statut != StatutOrientation.brouillon.value,
    )


mesures_access.declarer_prescription(
    mesures_access.Prescription(
        condition=_mesure_prescrite, ids=_ids_mesures_prescrites, sonde=_mesure_prescrite_sonde
    )
)
menages_access.declarer_lecteur_de_transmission(_transmission_soumise_a_sa_commission)


def peut_dater_reception(principal: Principal) -> bool:
    """Who may give a referral's reception date at creation: integrations taking over a
    history (API clients) and commissions recording referrals received on paper."""
    return principal.is_client or principal.of_type(TypeOrganisation.gie)
