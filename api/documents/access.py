"""Who reads which document (api/acces/politique.py: ``document``, ``document_confidentiel``).

* ``auteur``: the organisation that deposited it;
* ``commission``: the commission organisation of the dispositif of the referral the
  document is attached to, once the referral is submitted (as it reads the referral);
* a confidential document is read by its author only.

Who may deposit: whoever reads the fact it is attached to — the live household file,
the referral, the full mesure — and is a partner of the file (never a funder nor the
platform admin, who hold no document).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, exists, false, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.acces.politique import Fait, Relation, lecteurs, modificateurs
from api.auth.principal import Principal
from api.dispositifs.models import Dispositif
from api.documents.models import Document
from api.organisations.models import TypeOrganisation
from api.orientations.models import Orientation, StatutOrientation


def _exclu(principal: Principal) -> bool:
    return principal.of_type(TypeOrganisation.financeur, TypeOrganisation.admin)


def _auteur(principal: Principal) -> ColumnElement[bool]:
    return col(Document.organisation_id) == principal.organisation_id


def _commission(principal: Principal) -> ColumnElement[bool]:
    if not principal.of_type(TypeOrganisation.gie):
        return false()
    return exists().where(
        col(Orientation.id) == col(Document.orientation_id),
        col(Orientation.statut) != StatutOrientation.brouillon.value,
        col(Dispositif.id) == col(Orientation.dispositif_id),
        col(Dispositif.commission_id) == principal.organisation_id,
    )


RELATIONS: dict[Relation, Callable[[Principal], ColumnElement[bool]]] = {
    Relation.auteur: _auteur,
    Relation.commission: _commission,
}


def _selon(principal: Principal, relations: frozenset[Relation]) -> ColumnElement[bool]:
    conditions = [RELATIONS[r](principal) for r in sorted(relations) if r in RELATIONS]
    return or_(*conditions) if conditions else false()


def condition_visible(principal: Principal) -> ColumnElement[bool]:
    """The documents this principal reads: a confidential one by the readers of
    ``document_confidentiel``, any other by the readers of ``document``."""
    if _exclu(principal):
        return false()
    return or_(
        and_(col(Document.confidentiel).is_(False), _selon(principal, lecteurs(Fait.document))),
        and_(col(Document.confidentiel).is_(True), _selon(principal, lecteurs(Fait.document_confidentiel))),
    )


def condition_modifiable(principal: Principal) -> ColumnElement[bool]:
    if _exclu(principal):
        return false()
    return or_(
        and_(col(Document.confidentiel).is_(False), _selon(principal, modificateurs(Fait.document))),
        and_(col(Document.confidentiel).is_(True), _selon(principal, modificateurs(Fait.document_confidentiel))),
    )


def visible_documents(principal: Principal) -> SelectOfScalar[Document]:
    return select(Document).where(condition_visible(principal))


def peut_deposer(principal: Principal) -> bool:
    """Funders and the platform admin hold no document of a file."""
    return not _exclu(principal)
