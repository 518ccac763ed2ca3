"""Rendez-vous reminders to households, on their consent.

* The consent (``lire``/``enregistrer``/``retirer_consentement``) is recorded on the
  household with its date, by the association that carries it; a new one replaces the one
  in force, a withdrawal dates it; nothing is deleted (the proof of what was agreed).
* A reminder is queued when a rendez-vous is set, moved or cancelled
  (``rendez_vous_change``, called in the rendez-vous' own transaction) and before it
  (``preparer_veille``, ANCRAGE_RAPPELS_DELAI_HEURES), once per channel consented.
* ``livrer`` sends the due ones — e-mail through the notifications' SMTP, SMS through the
  configured provider — with the notifications' retries, and looks again first: a
  reminder whose consent was withdrawn, whose rendez-vous moved, was cancelled or is past
  is not sent (« caduc »).

What a reminder says: api/rappels/message.py (date, time, place, a number to call).
"""

from __future__ import annotations

import smtplib
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, update
from sqlmodel import Session, col, select

from api.audit.models import ActionAudit
from api.audit.service import journaliser
from api.auth.principal import Principal
from api.core.config import Settings
from api.core.errors import Interdit, Introuvable, champ_invalide
from api.core.models import utcnow
from api.core.pagination import Page, PageParams, count
from api.dispositifs.models import Cible
from api.menages import access as menages_access
from api.menages.models import Menage
from api.mesures.models import Mesure, RendezVous, StatutRendezVous
from api.notifications.courriel import ConfigSmtp, envoyer_message, prochain_essai
from api.organisations.models import Organisation
from api.rappels import access, message
from api.rappels.models import (
    Canal,
    ConsentementRappel,
    MotifRappel,
    RappelRendezVous,
    StatutRappel,
)
from api.rappels.schemas import ConsentementIn, ConsentementPublic, ConsentementRappels, RappelEnEchec
from api.rappels.sms import ErreurSms, FournisseurSms, fournisseur_depuis

RESSOURCE = "consentement_rappel"


def _aware(value: datetime) -> datetime:
    # SQLite gives back naive UTC date-times; PostgreSQL aware ones.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# --- The consent ----------------------------------------------------------------------------------


def _menage(session: Session, principal: Principal, menage_id: uuid.UUID, *, modifier: bool) -> Menage:
    """The household, if this principal sees it (404 otherwise), and stands to its consent
    as the policy says (403 otherwise)."""
    menage = session.exec(
        select(Menage).where(Menage.id == menage_id, menages_access.condition_visible(principal))
    ).first()
    if menage is None:
        raise Introuvable("Ménage", menage_id)
    condition = access.condition_modification if modifier else access.condition_lecture
    if session.exec(select(Menage.id).where(Menage.id == menage_id, condition(principal))).first() is None:
        raise Interdit("Les rappels de rendez-vous d'un ménage sont tenus par l'association qui l'accompagne.")
    return menage


def _en_vigueur(session: Session, menage_id: uuid.UUID) -> ConsentementRappel | None:
    return session.exec(
        select(ConsentementRappel).where(
            ConsentementRappel.menage_id == menage_id, col(ConsentementRappel.retire_le).is_(None)
        )
    ).first()


def _public(c: ConsentementRappel) -> ConsentementPublic:
    return ConsentementPublic(
        id=c.id, menage_id=c.menage_id, sms=c.sms, courriel=c.courriel, telephone=c.telephone,
        adresse_courriel=c.adresse_courriel, telephone_a_appeler=c.telephone_a_appeler,
        date_consentement=c.date_consentement, enregistre_le=_aware(c.enregistre_le),
        retire_le=_aware(c.retire_le) if c.retire_le else None, en_vigueur=c.retire_le is None,
    )


def _etat(session: Session, menage_id: uuid.UUID) -> ConsentementRappels:
    tous = [
        _public(c)
        for c in session.exec(
            select(ConsentementRappel)
            .where(ConsentementRappel.menage_id == menage_id)
            .order_by(col(ConsentementRappel.enregistre_le).desc(), col(ConsentementRappel.id))
        )
    ]
    return ConsentementRappels(en_vigueur=next((c for c in tous if c.en_vigueur), None), historique=tous)


def consentement_lu(session: Session, principal: Principal, menage_id: uuid.UUID) -> ConsentementRappels | None:
    """The consent and its history if this principal reads it (policy:
    ``consentement_rappel``, the carrying association), None otherwise: for the household's
    export, which logs its own reading. The household's visibility is the caller's check."""
    lit_le_consentement = session.exec(
        select(Menage.id).where(Menage.id == menage_id, access.condition_lecture(principal))
    ).first()
    return _etat(session, menage_id) if lit_le_consentement is not None else None


def lire_consentement(session: Session, principal: Principal, menage_id: uuid.UUID) -> ConsentementRappels:
    """The consent in force and those before it (the carrying association only); logged."""
    _menage(session, principal, menage_id, modifier=False)
    journaliser(session, principal, ActionAudit.lire, RESSOURCE, menage_id)
    etat = _etat(session, menage_id)
    session.commit()
    return etat


def _telephone(champ: str, valeur: str | None) -> str:
    e164 = message.normaliser_telephone(valeur or "")
    if e164 is None:
        raise champ_invalide(
            champ, "numéro de téléphone attendu : 10 chiffres (06 12 34 56 78) ou +indicatif et numéro", valeur
        )
    return e164


def enregistrer_consentement(
    session: Session, principal: Principal, menage_id: uuid.UUID, *, data: ConsentementIn, aujourd_hui: date
) -> ConsentementRappels:
    """Record the household's consent (it replaces the one in force): at least one channel,
    its number or address, the number to call, a date not in the future."""
    _menage(session, principal, menage_id, modifier=True)
    if not (data.sms or data.courriel):
        raise champ_invalide("sms", "choisir au moins un canal : sms, courriel", False)
    telephone = _telephone("telephone", data.telephone) if data.sms else None
    if data.courriel and not data.adresse_courriel:
        raise champ_invalide("adresse_courriel", "une adresse est nécessaire pour les rappels par courriel", None)
    a_appeler = _telephone("telephone_a_appeler", data.telephone_a_appeler)
    quand = data.date_consentement or aujourd_hui
    if quand > aujourd_hui:
        raise champ_invalide(
            "date_consentement", f"ne peut pas être dans le futur (aujourd'hui : {aujourd_hui.isoformat()})",
            quand.isoformat(),
        )
    maintenant = utcnow()
    actuel = _en_vigueur(session, menage_id)
    if actuel is not None:
        actuel.retire_le, actuel.retire_par_id = maintenant, principal.id
        session.add(actuel)
        session.flush()  # one in force at a time (a unique partial index)
    session.add(
        ConsentementRappel(
            menage_id=menage_id, sms=data.sms, courriel=data.courriel, telephone=telephone,
            # Only what the channels chosen need (minimisation).
            adresse_courriel=str(data.adresse_courriel) if data.courriel else None,
            telephone_a_appeler=a_appeler, date_consentement=quand, organisation_id=principal.organisation_id,
            enregistre_par_id=principal.id, enregistre_le=maintenant,
        )
    )
    journaliser(session, principal, ActionAudit.modifier, RESSOURCE, menage_id)
    session.flush()
    etat = _etat(session, menage_id)
    session.commit()
    return etat


def retirer_consentement(session: Session, principal: Principal, menage_id: uuid.UUID) -> ConsentementRappels:
    """Withdraw the consent in force: no reminder is sent from now on, queued ones included."""
    _menage(session, principal, menage_id, modifier=True)
    actuel = _en_vigueur(session, menage_id)
    if actuel is None:
        raise Introuvable("Consentement aux rappels en vigueur du ménage", menage_id)
    actuel.retire_le, actuel.retire_par_id = utcnow(), principal.id
    session.add(actuel)
    session.execute(
        update(RappelRendezVous)
        .where(
            col(RappelRendezVous.menage_id) == menage_id,
            col(RappelRendezVous.statut) == StatutRappel.en_attente.value,
        )
        .values(statut=StatutRappel.caduc.value)
        .execution_options(synchronize_session=False)
    )
    journaliser(session, principal, ActionAudit.modifier, RESSOURCE, menage_id)
    session.flush()
    etat = _etat(session, menage_id)
    session.commit()
    return etat


# --- Queuing ---------------------------------------------------------------------------------------


def _association_si_permise(session: Session, mesure: Mesure) -> str | None:
    """The association's name, or None when the mesure's cible is sensitive."""
    sensible = session.exec(
        select(Cible.sensible).where(Cible.dispositif_id == mesure.dispositif_id, Cible.code == mesure.cible_code)
    ).first()
    if sensible is None or sensible:
        return None  # an unknown cible is treated as sensitive
    return session.exec(select(Organisation.nom).where(Organisation.id == mesure.association_id)).first()


def _canaux(c: ConsentementRappel) -> list[tuple[Canal, str]]:
    out: list[tuple[Canal, str]] = []
    if c.sms and c.telephone:
        out.append((Canal.sms, c.telephone))
    if c.courriel and c.adresse_courriel:
        out.append((Canal.courriel, c.adresse_courriel))
    return out


def _mettre_en_file(
    session: Session, *, rdv: RendezVous, mesure: Mesure, c: ConsentementRappel, motif: MotifRappel,
    instant: datetime,
) -> int:
    sujet, corps = message.texte(
        motif=motif, debut=_aware(rdv.debut), lieu_saisi=rdv.lieu, type_rdv=rdv.type,
        telephone_a_appeler=c.telephone_a_appeler, association=_association_si_permise(session, mesure),
    )
    n = 0
    for canal, destinataire in _canaux(c):
        texte = corps
        if canal == Canal.courriel:
            texte += message.PIED_COURRIEL.format(tel=message.afficher_telephone(c.telephone_a_appeler))
        session.add(
            RappelRendezVous(
                rendez_vous_id=rdv.id, menage_id=mesure.menage_id, consentement_id=c.id, canal=canal.value,
                motif=motif.value, rdv_debut=_aware(rdv.debut), destinataire=destinataire, sujet=sujet,
                corps=texte, prochaine_tentative=instant, cree_le=instant,
            )
        )
        n += 1
    return n


def rendez_vous_change(
    session: Session, *, rdv: RendezVous, mesure: Mesure, motif: MotifRappel, instant: datetime
) -> int:
    """A rendez-vous to come was set, moved or cancelled: the household is told, if it
    consented, by each channel it chose (in the caller's transaction; does not commit).
    What was still waiting for this rendez-vous is no longer true and is dropped."""
    if _aware(rdv.debut) <= instant:
        return 0
    c = _en_vigueur(session, mesure.menage_id)
    if c is None:
        return 0
    session.execute(
        update(RappelRendezVous)
        .where(
            col(RappelRendezVous.rendez_vous_id) == rdv.id,
            col(RappelRendezVous.statut) == StatutRappel.en_attente.value,
        )
        .values(statut=StatutRappel.caduc.value)
        .execution_options(synchronize_session=False)
    )
    return _mettre_en_file(session, rdv=rdv, mesure=mesure, c=c, motif=motif, instant=instant)


def preparer_veille(session: Session, *, maintenant: datetime, delai_heures: int) -> int:
    """Queue the reminder of each planned rendez-vous starting within ``delai_heures``, for
    the households that consent: once per rendez-vous, channel and start time, and not when
    the household was already told of that very time within the delay (a rendez-vous set
    this morning for tomorrow). One commit; returns the number queued."""
    fin = maintenant + timedelta(hours=delai_heures)
    lignes = session.exec(
        select(RendezVous, Mesure, ConsentementRappel)
        .join(Mesure, col(Mesure.id) == col(RendezVous.mesure_id))
        .join(
            ConsentementRappel,
            and_(
                col(ConsentementRappel.menage_id) == col(Mesure.menage_id),
                col(ConsentementRappel.retire_le).is_(None),
            ),
        )
        .where(
            RendezVous.statut == StatutRendezVous.planifie.value,
            col(RendezVous.debut) > maintenant,
            col(RendezVous.debut) <= fin,
        )
    ).all()
    if not lignes:
        return 0
    deja: set[tuple[uuid.UUID, str, datetime]] = set()
    for rdv_id, canal, motif, debut, cree_le in session.exec(
        select(
            RappelRendezVous.rendez_vous_id, RappelRendezVous.canal, RappelRendezVous.motif,
            RappelRendezVous.rdv_debut, RappelRendezVous.cree_le,
        ).where(
            col(RappelRendezVous.rendez_vous_id).in_([r.id for r, _, _ in lignes]),
            # One dropped (consent withdrawn, then given again) does not count as told.
            RappelRendezVous.statut != StatutRappel.caduc.value,
        )
    ):
        debut = _aware(debut)
        if motif == MotifRappel.veille.value or _aware(cree_le) >= debut - timedelta(hours=delai_heures):
            deja.add((rdv_id, canal, debut))
    n = 0
    for rdv, mesure, c in lignes:
        if all((rdv.id, canal.value, _aware(rdv.debut)) in deja for canal, _ in _canaux(c)):
            continue
        sujet, corps = message.texte(
            motif=MotifRappel.veille, debut=_aware(rdv.debut), lieu_saisi=rdv.lieu, type_rdv=rdv.type,
            telephone_a_appeler=c.telephone_a_appeler, association=_association_si_permise(session, mesure),
        )
        for canal, destinataire in _canaux(c):
            if (rdv.id, canal.value, _aware(rdv.debut)) in deja:
                continue
            texte = corps
            if canal == Canal.courriel:
                texte += message.PIED_COURRIEL.format(tel=message.afficher_telephone(c.telephone_a_appeler))
            session.add(
                RappelRendezVous(
                    rendez_vous_id=rdv.id, menage_id=mesure.menage_id, consentement_id=c.id, canal=canal.value,
                    motif=MotifRappel.veille.value, rdv_debut=_aware(rdv.debut), destinataire=destinataire,
                    sujet=sujet, corps=texte, prochaine_tentative=maintenant, cree_le=maintenant,
                )
            )
            n += 1
    session.commit()
    return n


# --- Sending ---------------------------------------------------------------------------------------


def _toujours_vrai(session: Session, r: RappelRendezVous, maintenant: datetime) -> bool:
    """Whether the reminder still says the truth, to someone who still consents."""
    c = _en_vigueur(session, r.menage_id)
    if c is None or (r.canal, r.destinataire) not in {(k.value, d) for k, d in _canaux(c)}:
        return False
    rdv = session.get(RendezVous, r.rendez_vous_id)
    if rdv is None:
        return False
    debut = _aware(rdv.debut)
    if debut <= maintenant or debut != _aware(r.rdv_debut):
        return False
    attendu = StatutRendezVous.annule if r.motif == MotifRappel.annulation.value else StatutRendezVous.planifie
    return rdv.statut == attendu.value


def livrer(
    session: Session,
    *,
    smtp: ConfigSmtp,
    sms: FournisseurSms | None,
    maintenant: datetime | None = None,
    lot: int = 50,
) -> tuple[int, int]:
    """Send the reminders due (at most ``lot``), each looked at again first; one commit.
    A channel without transport (no SMTP host, no SMS provider) leaves its reminders
    waiting. Returns (sent, failed this round)."""
    maintenant = maintenant or utcnow()
    canaux = ([Canal.courriel.value] if smtp.hote else []) + ([Canal.sms.value] if sms else [])
    if not canaux:
        return 0, 0
    dus = list(
        session.exec(
            select(RappelRendezVous)
            .where(
                RappelRendezVous.statut == StatutRappel.en_attente.value,
                col(RappelRendezVous.prochaine_tentative) <= maintenant,
                col(RappelRendezVous.canal).in_(canaux),
            )
            .order_by(col(RappelRendezVous.prochaine_tentative))
            .limit(lot)
            .with_for_update(skip_locked=True)
        )
    )
    envoyes = echecs = 0
    for r in dus:
        if not _toujours_vrai(session, r, maintenant):
            r.statut = StatutRappel.caduc.value
            session.add(r)
            continue
        r.tentatives += 1
        try:
            if r.canal == Canal.sms.value:
                assert sms is not None
                sms.envoyer(r.destinataire, r.corps)
            else:
                envoyer_message(smtp, destinataire=r.destinataire, sujet=r.sujet, corps=r.corps, ident=r.id)
        except (smtplib.SMTPException, OSError, ErreurSms) as e:
            echecs += 1
            r.derniere_erreur = f"{type(e).__name__}: {e}"[:500]
            prochain = prochain_essai(r.tentatives, maintenant)
            if prochain is None:
                r.statut = StatutRappel.echec.value
            else:
                r.prochaine_tentative = prochain
        else:
            envoyes += 1
            r.statut = StatutRappel.envoye.value
            r.envoye_le = utcnow()
            r.derniere_erreur = None
        session.add(r)
    session.commit()
    return envoyes, echecs


def tour(session: Session, settings: Settings) -> int:  # pragma: no cover (the worker's loop)
    """One turn of the worker: queue the reminders due, send them. Returns what was done."""
    prepares = preparer_veille(session, maintenant=utcnow(), delai_heures=settings.rappels_delai_heures)
    envoyes, echecs = livrer(session, smtp=ConfigSmtp.depuis(settings), sms=fournisseur_depuis(settings))
    return prepares + envoyes + echecs


# --- The admin's view of the reminders given up ----------------------------------------------------


def _echec_public(r: RappelRendezVous) -> RappelEnEchec:
    return RappelEnEchec.model_validate(r, from_attributes=True)


def lister_echecs(session: Session, principal: Principal, *, page: PageParams) -> Page[RappelEnEchec]:
    access.verifier_admin(principal)
    query = select(RappelRendezVous).where(RappelRendezVous.statut == StatutRappel.echec.value)
    total = count(session, query)
    rows = session.exec(query.order_by(col(RappelRendezVous.cree_le).desc()).offset(page.offset).limit(page.limit))
    return Page(total=total, limit=page.limit, offset=page.offset, items=[_echec_public(r) for r in rows])


def relancer(session: Session, principal: Principal, rappel_id: uuid.UUID) -> RappelEnEchec:
    """Put a given-up reminder back in the queue (it is still looked at before it goes)."""
    access.verifier_admin(principal)
    r = session.exec(
        select(RappelRendezVous).where(
            RappelRendezVous.id == rappel_id, RappelRendezVous.statut == StatutRappel.echec.value
        )
    ).first()
    if r is None:
        raise Introuvable("Rappel en échec", rappel_id)
    r.statut, r.tentatives, r.prochaine_tentative = StatutRappel.en_attente.value, 0, utcnow()
    session.add(r)
    session.flush()
    public = _echec_public(r)
    session.commit()
    return public


# --- Retention -------------------------------------------------------------------------------------


def effacer_du_menage(session: Session, menage_id: uuid.UUID) -> None:
    """With the household's anonymisation: its consents go (numbers, addresses), and its
    reminders keep only what the indicator counts (sent or not), not where nor what."""
    session.execute(
        update(RappelRendezVous)
        .where(col(RappelRendezVous.menage_id) == menage_id)
        .values(destinataire="", corps="", derniere_erreur=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(ConsentementRappel)
        .where(col(ConsentementRappel.menage_id) == menage_id)
        .values(telephone=None, adresse_courriel=None, telephone_a_appeler="")
        .execution_options(synchronize_session=False)
    )
