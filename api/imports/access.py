"""Who imports a caseload (api/acces/politique.py: the facts written are the association's
own, ``porteur``): an association's responsable for its own association; the platform's
admin for any association, naming it."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from api.auth.principal import Principal
from api.core.errors import Interdit, champ_invalide
from api.organisations.models import Organisation, TypeOrganisation


def principal_pour(session: Session, principal: Principal, association_id: uuid.UUID | None) -> Principal:
    """Who the import acts as. An association's responsable imports for its own association;
    the platform's admin for any association, acting as that association (the access log
    keeps the admin's own account as the author of each write)."""
    if principal.is_admin:
        if association_id is None:
            raise champ_invalide("association_id", "obligatoire pour l'administrateur : l'association importée", None)
        org = session.get(Organisation, association_id)
        if org is None or org.type != TypeOrganisation.association.value or not org.actif:
            raise champ_invalide("association_id", "doit désigner une association active", str(association_id))
        return Principal(
            kind=principal.kind,
            id=principal.id,
            organisation_id=org.id,
            organisation_type=TypeOrganisation.association,
            role="responsable",
            session_id=principal.session_id,
        )
    if principal.is_client or not principal.of_type(TypeOrganisation.association) or not principal.is_responsable:
        raise Interdit("Seul un responsable d'association (ou l'administrateur) importe des dossiers.")
    if association_id is not None and association_id != principal.organisation_id:
        raise Interdit("Vous importez pour votre propre association seulement.")
    return principal


def importe_sa_file(principal: Principal) -> bool:
    """A responsable of an association imports its caseload (the screen's capability; the
    admin imports through the API, naming the association)."""
    return not principal.is_client and principal.of_type(TypeOrganisation.association) and principal.is_responsable


def voit_import(principal: Principal, association_id: uuid.UUID) -> bool:
    """An upload (a background task's progress and per-line report, which holds the refused
    values) is read by the association that deposited it, through its responsables, and by
    the admin; to anyone else it does not exist (404)."""
    return principal.is_admin or (importe_sa_file(principal) and association_id == principal.organisation_id)
