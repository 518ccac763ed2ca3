"""A user's planned rendez-vous as an iCalendar feed, behind a secret, revocable URL."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from api.audit.service import journaliser_liste
from api.auth.principal import Principal
from api.calendrier.models import JetonCalendrier
from api.core.errors import Interdit, Introuvable
from api.core.models import utcnow
from api.menages.models import Menage
from api.mesures.models import Mesure, RendezVous, StatutRendezVous
from api.organisations.models import Organisation, TypeOrganisation, Utilisateur
from api.rendez_vous import access as rendez_vous_access
from api.rendez_vous.service import fin_de

# Past rendez-vous still planned stay in the feed a while: the worker has to update them.
JOURS_PASSES = 30


def empreinte(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _revoquer_actifs(session: Session, utilisateur_id: object) -> int:
    result = session.execute(
        update(JetonCalendrier)
        .where(
            col(JetonCalendrier.utilisateur_id) == utilisateur_id,
            col(JetonCalendrier.revoque_le).is_(None),
        )
        .values(revoque_le=utcnow())
    )
    return int(result.rowcount)


def creer_jeton(session: Session, principal: Principal) -> tuple[JetonCalendrier, str]:
    """A new secret for the user; the previous one stops working. The secret is returned once."""
    if principal.is_client:
        raise Interdit("Un agenda appartient à une personne, pas à un système d'information.")
    _revoquer_actifs(session, principal.id)
    secret = secrets.token_urlsafe(32)
    jeton = JetonCalendrier(utilisateur_id=principal.id, empreinte=empreinte(secret))
    session.add(jeton)
    session.commit()
    return jeton, secret


def revoquer_jeton(session: Session, principal: Principal) -> None:
    """The calendar URL stops working at once (404)."""
    if principal.is_client:
        raise Interdit("Un agenda appartient à une personne, pas à un système d'information.")
    if _revoquer_actifs(session, principal.id) == 0:
        raise Introuvable("Agenda", "actif")
    session.commit()


def agenda(session: Session, secret: str, *, instant: datetime) -> bytes:
    """The planned rendez-vous of the token's user: those of the mesures they are référent of
    and those they planned, in their association. An entry names the household's reference
    and the place, nothing more: a phone's calendar is not a secure place."""
    row = session.exec(
        select(JetonCalendrier, Utilisateur, Organisation)
        .join(Utilisateur, col(Utilisateur.id) == col(JetonCalendrier.utilisateur_id))
        .join(Organisation, col(Organisation.id) == col(Utilisateur.organisation_id))
        .where(
            JetonCalendrier.empreinte == empreinte(secret),
            col(JetonCalendrier.revoque_le).is_(None),
        )
    ).first()
    if row is None or not row[1].actif or not row[2].actif:
        raise Introuvable("Agenda", "demandé")
    jeton, user, org = row
    principal = Principal("utilisateur", user.id, org.id, TypeOrganisation(org.type), user.role, jeton.id)
    rdvs = session.exec(
        select(RendezVous, Menage.reference, Menage.id)
        .join(Mesure, col(Mesure.id) == col(RendezVous.mesure_id))
        .join(Menage, col(Menage.id) == col(Mesure.menage_id))
        .where(
            RendezVous.statut == StatutRendezVous.planifie.value,
            col(RendezVous.debut) >= instant - timedelta(days=JOURS_PASSES),
            # the policy's rendez-vous (the carrying association's): the former référent who
            # left the association loses the feed with the access
            rendez_vous_access.condition_sur_mesure(principal),
            or_(col(Mesure.referent_id) == user.id, col(RendezVous.cree_par_id) == user.id),
        )
        .order_by(col(RendezVous.debut), col(RendezVous.id))
    ).all()
    cal = Calendar()
    cal.add("prodid", "-//Ancrage//Agenda des rendez-vous//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Ancrage : mes rendez-vous")
    for rdv, reference, _ in rdvs:
        event = Event()
        event.add("uid", f"{rdv.id}@ancrage")
        event.add("dtstamp", instant)
        event.add("dtstart", fin_de(rdv) - timedelta(minutes=rdv.duree_minutes))
        event.add("dtend", fin_de(rdv))
        event.add("summary", reference)
        if rdv.lieu:
            event.add("location", rdv.lieu)
        cal.add_component(event)
    # The feed names households (their reference, the place of the visit): a read of each,
    # logged as such so that it shows in the household's « who viewed » too, not only
    # under its rendez-vous.
    journaliser_liste(session, principal, "rendez_vous", [rdv.id for rdv, _, _ in rdvs])
    journaliser_liste(session, principal, "menage", list(dict.fromkeys(m for _, _, m in rdvs)))
    session.commit()
    return bytes(cal.to_ical())
