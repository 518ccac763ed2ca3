"""Who reads and writes reports: the policy's ``Fait.rapport`` translated into SQL.

Relations: ``auteur`` (the organisation that writes the report), ``commission`` and
``financeur`` of the report's dispositif. A draft is its author's working copy: the other
readers see a report once deposited. A funder reads aggregates only, under statistical
secrecy (the ``agrege`` rendering).
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, and_, false, or_
from sqlmodel import Session, col, select

from api.acces.politique import Fait, Relation, lecteurs, modificateurs
from api.auth.principal import Principal
from api.core.errors import Interdit
from api.dispositifs.access import condition_financee
from api.dispositifs.models import Convention, ConventionFinanceur, Dispositif
from api.organisations.models import TypeOrganisation
from api.rapports.models import GabaritRapport, Rapport, RapportModele

# Types of organisation that write reports: an association (its own), a commission (the bilan
# of its dispositif).
TYPES_AUTEURS = (TypeOrganisation.association, TypeOrganisation.gie)


def _relation(principal: Principal, relation: Relation) -> ColumnElement[bool]:
    org = principal.organisation_id
    depose = col(Rapport.statut) == "depose"
    if relation == Relation.auteur:
        return col(Rapport.auteur_id) == org
    if relation == Relation.commission:
        return and_(
            depose,
            col(Rapport.dispositif_id).in_(select(col(Dispositif.id)).where(col(Dispositif.commission_id) == org)),
        )
    if relation == Relation.financeur:
        if not principal.of_type(TypeOrganisation.financeur):
            return false()
        return and_(depose, condition_financee(org, col(Rapport.dispositif_id)))
    return false()


def condition_lecture(principal: Principal) -> ColumnElement[bool]:
    return or_(*(_relation(principal, r) for r in lecteurs(Fait.rapport)))


def condition_modification(principal: Principal) -> ColumnElement[bool]:
    """Writable: its author's, while a draft (a deposited report never changes)."""
    return and_(
        or_(*(_relation(principal, r) for r in modificateurs(Fait.rapport))),
        col(Rapport.statut) == "brouillon",
    )


def agrege_seulement(principal: Principal) -> bool:
    """A funder reads the statistical-secrecy rendering of a deposited report."""
    return principal.of_type(TypeOrganisation.financeur)


def verifier_auteur(principal: Principal) -> None:
    if not principal.of_type(*TYPES_AUTEURS):
        raise Interdit(
            "Les rapports sont écrits par les associations (les leurs) et par la commission d'un dispositif "
            f"(son bilan). Votre organisation est de type « {principal.organisation_type.value} »."
        )


def verifier_creation(
    session: Session, principal: Principal, dispositif: Dispositif, association_id: uuid.UUID | None
) -> uuid.UUID | None:
    """Who may start a report on this scope; returns the association of the report."""
    verifier_auteur(principal)
    org = principal.organisation_id
    if principal.of_type(TypeOrganisation.association):
        if association_id not in (None, org):
            raise Interdit("Une association écrit ses propres rapports, pas ceux d'une autre association.")
        conventionnee = session.exec(
            select(Convention.id).where(Convention.dispositif_id == dispositif.id, Convention.association_id == org)
        ).first()
        if conventionnee is None:
            raise Interdit("Votre association n'a pas de convention sur ce dispositif : pas de rapport à y écrire.")
        return org
    if dispositif.commission_id != org:
        raise Interdit("Une commission écrit le bilan de ses propres dispositifs seulement.")
    return association_id


def peut_ecrire_modeles(principal: Principal) -> bool:
    return principal.of_type(*TYPES_AUTEURS)


def condition_modeles(principal: Principal) -> ColumnElement[bool]:
    """Shipped models for every report writer; an organisation's copies for itself."""
    if not principal.of_type(*TYPES_AUTEURS):
        return false()
    return or_(
        col(RapportModele.organisation_id).is_(None),
        col(RapportModele.organisation_id) == principal.organisation_id,
    )


def verifier_copie(principal: Principal) -> None:
    if not (peut_ecrire_modeles(principal) and principal.is_responsable):
        raise Interdit("Copier ou modifier un modèle de rapport est réservé aux responsables des associations et "
                       "des commissions.")


def verifier_depot_gabarit(principal: Principal) -> None:
    if not principal.of_type(TypeOrganisation.financeur):
        raise Interdit("Seul un financeur dépose un gabarit Word pour les rapports des dispositifs qu'il finance.")


def condition_gabarits(principal: Principal) -> ColumnElement[bool]:
    """A funder's own templates; for an association or a commission, those of the funders of
    the dispositifs it reports on."""
    org = principal.organisation_id
    if principal.of_type(TypeOrganisation.financeur):
        return col(GabaritRapport.organisation_id) == org
    if principal.of_type(TypeOrganisation.association):
        dispositifs = select(col(Convention.dispositif_id)).where(col(Convention.association_id) == org)
    elif principal.of_type(TypeOrganisation.gie):
        dispositifs = select(col(Dispositif.id)).where(col(Dispositif.commission_id) == org)
    else:
        return false()
    # The funder holding each dispositif and the co-funders its conventions name.
    return or_(
        col(GabaritRapport.organisation_id).in_(
            select(col(Dispositif.financeur_id)).where(col(Dispositif.id).in_(dispositifs))
        ),
        col(GabaritRapport.organisation_id).in_(
            select(col(ConventionFinanceur.financeur_id))
            .join(Convention, col(Convention.id) == col(ConventionFinanceur.convention_id))
            .where(col(Convention.dispositif_id).in_(dispositifs))
        ),
    )


def gabarit_du_dispositif(session: Session, gabarit: GabaritRapport, dispositif_id: uuid.UUID) -> bool:
    """Whether this template's funder funds or co-funds the dispositif."""
    return (
        session.exec(
            select(col(Dispositif.id)).where(
                col(Dispositif.id) == dispositif_id,
                condition_financee(gabarit.organisation_id, col(Dispositif.id)),
            )
        ).first()
        is not None
    )
