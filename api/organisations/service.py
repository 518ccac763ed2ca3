"""Organisations, accounts and machine clients (administration)."""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.auth.principal import Principal
from api.auth.service import revoquer_sessions
from api.core.errors import Conflit, Interdit, Introuvable, champ_invalide
from api.core.pagination import Page, PageParams, count
from api.core.security import hash_password, new_client_secret
from api.organisations import access
from api.organisations.models import ClientApi, Organisation, TypeOrganisation, Utilisateur
from api.organisations.schemas import (
    ClientApiCreate,
    ClientApiCree,
    ClientApiPublic,
    ClientApiUpdate,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
    UtilisateurCreate,
    UtilisateurPublic,
    UtilisateurUpdate,
)


def lister_organisations(
    session: Session, *, page: PageParams, type: TypeOrganisation | None = None, q: str | None = None
) -> Page[OrganisationPublic]:
    """The partner directory: names and types only, readable by any signed-in principal."""
    query = select(Organisation)
    if type:
        query = query.where(Organisation.type == type.value)
    if q:
        query = query.where(col(Organisation.nom).ilike(f"%{q}%"))
    total = count(session, query)
    rows = session.exec(query.order_by(col(Organisation.nom)).offset(page.offset).limit(page.limit))
    return Page(
        total=total, limit=page.limit, offset=page.offset, items=[OrganisationPublic.model_validate(o) for o in rows]
    )


def get_organisation(session: Session, organisation_id: uuid.UUID) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise Introuvable("Organisation", organisation_id)
    return org


def creer_organisation(session: Session, *, data: OrganisationCreate) -> Organisation:
    org = Organisation(**data.model_dump(mode="json"))
    session.add(org)
    session.commit()
    return org


def modifier_organisation(session: Session, *, organisation_id: uuid.UUID, data: OrganisationUpdate) -> Organisation:
    """Disabling an organisation ends every session of its accounts and machine clients:
    re-enabling it later does not bring them back."""
    org = get_organisation(session, organisation_id)
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(org, key, value)
    session.add(org)
    if data.actif is False:
        revoquer_sessions(session, organisation_id=org.id, motif="organisation_desactivee")
    session.commit()
    return org


def lister_utilisateurs(
    session: Session, principal: Principal, *, page: PageParams, organisation_id: uuid.UUID | None = None
) -> Page[UtilisateurPublic]:
    query = access.visible_utilisateurs(principal)
    if organisation_id:
        query = query.where(Utilisateur.organisation_id == organisation_id)
    total = count(session, query)
    rows = session.exec(
        query.order_by(col(Utilisateur.nom), col(Utilisateur.prenom)).offset(page.offset).limit(page.limit)
    )
    return Page(total=total, limit=page.limit, offset=page.offset, items=publics(session, list(rows)))


def publics(session: Session, users: list[Utilisateur]) -> list[UtilisateurPublic]:
    """The accounts as shown, with how each may sign in: a password always (every account
    has one), ProConnect when its organisation is allowed to (one query for the page)."""
    org_ids = {u.organisation_id for u in users}
    proconnect = (
        set(
            session.exec(
                select(Organisation.id).where(
                    col(Organisation.id).in_(org_ids), col(Organisation.proconnect_autorise).is_(True)
                )
            )
        )
        if org_ids
        else set()
    )
    return [
        UtilisateurPublic.model_validate(u).model_copy(
            update={
                "connexion": ["mot_de_passe", "proconnect"] if u.organisation_id in proconnect else ["mot_de_passe"]
            }
        )
        for u in users
    ]


def public(session: Session, user: Utilisateur) -> UtilisateurPublic:
    return publics(session, [user])[0]


def get_utilisateur(session: Session, principal: Principal, utilisateur_id: uuid.UUID) -> Utilisateur:
    user = session.exec(access.visible_utilisateurs(principal).where(Utilisateur.id == utilisateur_id)).first()
    if user is None:
        raise Introuvable("Utilisateur", utilisateur_id)
    return user


def creer_utilisateur(session: Session, principal: Principal, *, data: UtilisateurCreate) -> Utilisateur:
    """Admin creates in any organisation; a responsable in their own."""
    organisation_id = data.organisation_id or principal.organisation_id
    if not access.peut_gerer_utilisateurs(principal, organisation_id):
        raise Interdit("Seuls l'administrateur ou un responsable de l'organisation créent des comptes.")
    get_organisation(session, organisation_id)
    user = Utilisateur(
        email=str(data.email).lower(),
        nom=data.nom,
        prenom=data.prenom,
        organisation_id=organisation_id,
        role=data.role.value,
        mot_de_passe_hash=hash_password(data.mot_de_passe),
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflit(f"Un compte existe déjà avec le courriel {user.email}.", champ="email") from None
    return user


def modifier_utilisateur(
    session: Session, principal: Principal, *, utilisateur_id: uuid.UUID, data: UtilisateurUpdate
) -> Utilisateur:
    """A responsable changes the accounts of their organisation, the admin any account; only
    the admin moves an account to another organisation.

    A new password, another role, another organisation or a disablement ends every session
    of the account at once (the author's own included when they change themselves): what a
    session was opened with no longer holds. A new name changes no right and ends nothing.
    """
    user = get_utilisateur(session, principal, utilisateur_id)
    if not access.peut_gerer_utilisateurs(principal, user.organisation_id):
        raise Interdit("Seuls l'administrateur ou un responsable de l'organisation modifient des comptes.")
    if user.id == principal.id and data.actif is False:
        raise champ_invalide("actif", "vous ne pouvez pas désactiver votre propre compte", False)
    changes = data.model_dump(exclude_unset=True)
    nouvelle_org = changes.get("organisation_id")
    if nouvelle_org is not None and nouvelle_org != user.organisation_id:
        access.verifier_change_d_organisation(principal)
        get_organisation(session, nouvelle_org)
    # Why each session ends, in order of weight: the first that applies is recorded.
    motifs = [
        motif
        for motif, applique in (
            ("compte_desactive", data.actif is False and user.actif),
            ("organisation_changee", nouvelle_org is not None and nouvelle_org != user.organisation_id),
            ("role_change", data.role is not None and data.role.value != user.role),
            ("mot_de_passe_change", "mot_de_passe" in changes),
        )
        if applique
    ]
    if "mot_de_passe" in changes:
        user.mot_de_passe_hash = hash_password(changes.pop("mot_de_passe"))
    for key, value in changes.items():
        setattr(user, key, value.value if hasattr(value, "value") else value)
    session.add(user)
    if motifs:
        revoquer_sessions(session, utilisateur_id=user.id, motif=motifs[0])
    session.commit()
    return user


def lister_clients(session: Session, *, page: PageParams) -> Page[ClientApiPublic]:
    query = select(ClientApi)
    total = count(session, query)
    rows = session.exec(query.order_by(col(ClientApi.cree_le)).offset(page.offset).limit(page.limit))
    return Page(
        total=total, limit=page.limit, offset=page.offset, items=[ClientApiPublic.model_validate(c) for c in rows]
    )


def creer_client(session: Session, *, data: ClientApiCreate) -> ClientApiCree:
    """The secret is returned once and only its hash is kept."""
    org = get_organisation(session, data.organisation_id)
    if org.type not in (TypeOrganisation.bailleur, TypeOrganisation.prescripteur, TypeOrganisation.gie):
        raise champ_invalide(
            "organisation_id",
            f"un client API appartient à un bailleur, un prescripteur ou un GIE, pas à « {org.type} »",
            str(org.id),
        )
    secret = new_client_secret()
    client = ClientApi(
        client_id="cli_" + secrets.token_hex(8),
        nom=data.nom,
        organisation_id=org.id,
        secret_hash=hash_password(secret),
    )
    session.add(client)
    session.commit()
    return ClientApiCree(**ClientApiPublic.model_validate(client).model_dump(), client_secret=secret)


def modifier_client(session: Session, *, client_id: uuid.UUID, data: ClientApiUpdate) -> ClientApi:
    client = session.get(ClientApi, client_id)
    if client is None:
        raise Introuvable("Client API", client_id)
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(client, key, value)
    session.add(client)
    if data.actif is False:
        revoquer_sessions(session, client_api_id=client.id, motif="client_desactive")
    session.commit()
    return client


def assurer_admin(session: Session, *, email: str, mot_de_passe: str | None) -> str | None:
    """Create the first admin account if there is none; return the generated password if any."""
    existing = session.exec(
        select(Utilisateur)
        .join(Organisation, Organisation.id == Utilisateur.organisation_id)
        .where(Organisation.type == TypeOrganisation.admin.value)
    ).first()
    if existing is not None:
        return None
    org = session.exec(select(Organisation).where(Organisation.type == TypeOrganisation.admin.value)).first()
    if org is None:
        org = Organisation(nom="Administration Ancrage", type=TypeOrganisation.admin.value)
        session.add(org)
        session.flush()
    generated = None
    if not mot_de_passe:
        generated = mot_de_passe = secrets.token_urlsafe(15)
    session.add(
        Utilisateur(
            email=email.lower(),
            nom="Administrateur",
            prenom="Ancrage",
            organisation_id=org.id,
            role="responsable",
            mot_de_passe_hash=hash_password(mot_de_passe),
        )
    )
    session.commit()
    return generated
