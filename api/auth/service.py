"""Sign-in, refresh-token rotation with reuse detection, logout."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select, update

from api.annuaire.models import ClientApi, Organisation, Utilisateur
from api.auth.models import JetonRafraichissement, SessionAuth
from api.auth.schemas import Titulaire
from api.core.config import Settings
from api.core.errors import IdentifiantsInvalides, NonAuthentifie
from api.core.models import utcnow
from api.core.security import InvalidToken, create_token, decode_token, verify_and_update_password, verify_password


@dataclass
class Emission:
    access_token: str
    expires_in: int
    refresh_token: str | None
    refresh_max_age: int | None
    titulaire: Titulaire | None = None


def _emettre(session: Session, settings: Settings, auth: SessionAuth, sub: str, *, with_refresh: bool) -> Emission:
    access_life = timedelta(minutes=settings.access_token_minutes)
    access, _ = create_token(settings, sub=sub, typ="access", sid=auth.id, lifetime=access_life)
    refresh = None
    max_age = None
    if with_refresh:
        # The session row first: without an ORM relationship the unit of work may insert
        # the refresh token before it (FOREIGN KEY failure on a real server).
        session.flush()
        life = auth.expire_le - utcnow()
        jeton = JetonRafraichissement(session_id=auth.id, expire_le=auth.expire_le)
        session.add(jeton)
        refresh, _ = create_token(settings, sub=sub, typ="refresh", sid=auth.id, lifetime=life, jti=jeton.jti)
        max_age = int(life.total_seconds())
    return Emission(access, int(access_life.total_seconds()), refresh, max_age)


def connecter_utilisateur(session: Session, settings: Settings, *, email: str, mot_de_passe: str) -> Emission:
    """Password grant: the same refusal, in about the same time, for any bad pair."""
    row = session.exec(
        select(Utilisateur, Organisation)
        .join(Organisation, Organisation.id == Utilisateur.organisation_id)
        .where(Utilisateur.email == email.strip().lower())
    ).first()
    user = row[0] if row else None
    ok, nouveau_hash = verify_and_update_password(mot_de_passe, user.mot_de_passe_hash if user else None)
    if not ok or user is None or row is None or not user.actif or not row[1].actif:
        raise IdentifiantsInvalides()
    if nouveau_hash is not None:  # stored with older argon2 parameters: upgraded now
        user.mot_de_passe_hash = nouveau_hash
    user.derniere_connexion = utcnow()
    auth = SessionAuth(utilisateur_id=user.id, expire_le=utcnow() + timedelta(days=settings.refresh_token_days))
    session.add_all([user, auth])
    emission = _emettre(session, settings, auth, f"utilisateur:{user.id}", with_refresh=True)
    emission.titulaire = Titulaire(
        type="utilisateur", id=user.id, organisation_id=row[1].id, organisation_type=row[1].type, role=user.role
    )
    session.commit()
    return emission


def connecter_client(session: Session, settings: Settings, *, client_id: str, client_secret: str) -> Emission:
    """client_credentials grant: an access token only, no refresh token."""
    row = session.exec(
        select(ClientApi, Organisation)
        .join(Organisation, Organisation.id == ClientApi.organisation_id)
        .where(ClientApi.client_id == client_id)
    ).first()
    client = row[0] if row else None
    ok = verify_password(client_secret, client.secret_hash if client else None)
    if not ok or client is None or row is None or not client.actif or not row[1].actif:
        raise IdentifiantsInvalides("Identifiant client ou secret incorrect.")
    auth = SessionAuth(
        client_api_id=client.id,
        expire_le=utcnow() + timedelta(minutes=settings.access_token_minutes),
    )
    session.add(auth)
    emission = _emettre(session, settings, auth, f"client:{client.id}", with_refresh=False)
    emission.titulaire = Titulaire(
        type="client", id=client.id, organisation_id=row[1].id, organisation_type=row[1].type, role="client"
    )
    session.commit()
    return emission


def revoquer_session(session: Session, session_id: uuid.UUID, motif: str) -> None:
    session.execute(
        update(SessionAuth)
        .where(col(SessionAuth.id) == session_id, col(SessionAuth.revoquee_le).is_(None))
        .values(revoquee_le=utcnow(), motif_revocation=motif)
    )


def revoquer_sessions(
    session: Session,
    *,
    motif: str,
    utilisateur_id: uuid.UUID | None = None,
    client_api_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
) -> None:
    """End every open session of an account, or of every account and client of an
    organisation, at once: their access tokens are refused at the next request
    (``load_principal`` reads ``revoquee_le``) and their refresh tokens are dead.

    Called by each use case that changes what a session stands for (password, role,
    organisation, disablement); it does not commit, the use case does.
    """
    conditions = []
    if utilisateur_id is not None:
        conditions.append(col(SessionAuth.utilisateur_id) == utilisateur_id)
    if client_api_id is not None:
        conditions.append(col(SessionAuth.client_api_id) == client_api_id)
    if organisation_id is not None:
        comptes = select(Utilisateur.id).where(Utilisateur.organisation_id == organisation_id)
        clients = select(ClientApi.id).where(ClientApi.organisation_id == organisation_id)
        conditions.append(col(SessionAuth.utilisateur_id).in_(comptes))
        conditions.append(col(SessionAuth.client_api_id).in_(clients))
    if not conditions:  # an empty OR would end everybody's sessions
        raise ValueError("revoquer_sessions : aucun compte désigné")
    session.execute(
        update(SessionAuth)
        .where(or_(*conditions), col(SessionAuth.revoquee_le).is_(None))
        .values(revoquee_le=utcnow(), motif_revocation=motif)
    )


def rafraichir(session: Session, settings: Settings, *, refresh_token: str | None) -> Emission:
    """Rotate: a refresh token works once; presenting a used one revokes its whole family."""
    if not refresh_token:
        raise NonAuthentifie("Jeton de rafraîchissement absent : reconnectez-vous.")
    try:
        claims = decode_token(settings, refresh_token, expected="refresh")
        jti, sid = uuid.UUID(claims.jti), uuid.UUID(claims.sid)
    except (InvalidToken, ValueError):
        raise NonAuthentifie("Jeton de rafraîchissement invalide : reconnectez-vous.") from None
    jeton = session.get(JetonRafraichissement, jti)
    auth = session.get(SessionAuth, sid)
    if jeton is None or auth is None or jeton.session_id != auth.id:
        raise NonAuthentifie("Jeton de rafraîchissement inconnu : reconnectez-vous.")
    if jeton.utilise_le is not None:
        # Reuse means the token leaked: end the whole family, the thief's copy too.
        revoquer_session(session, auth.id, "reutilisation_jeton")
        session.commit()
        raise NonAuthentifie("Jeton de rafraîchissement déjà utilisé : session révoquée par sécurité.")
    if auth.revoquee_le is not None or auth.expire_le <= utcnow() or auth.utilisateur_id is None:
        raise NonAuthentifie("Session terminée : reconnectez-vous.")
    user = session.get(Utilisateur, auth.utilisateur_id)
    org = session.get(Organisation, user.organisation_id) if user is not None else None
    if user is None or not user.actif or org is None or not org.actif:
        raise NonAuthentifie("Compte ou organisation désactivé.")
    jeton.utilise_le = utcnow()
    session.add(jeton)
    emission = _emettre(session, settings, auth, claims.sub, with_refresh=True)
    session.commit()
    return emission


def deconnecter(
    session: Session, settings: Settings, *, session_id: uuid.UUID | None, refresh_token: str | None
) -> None:
    """Revoke the session named by the access token and/or the refresh cookie."""
    ids = {session_id} if session_id else set()
    if refresh_token:
        with contextlib.suppress(InvalidToken, ValueError):
            ids.add(uuid.UUID(decode_token(settings, refresh_token, expected="refresh").sid))
    for sid in ids:
        revoquer_session(session, sid, "deconnexion")
    session.commit()
