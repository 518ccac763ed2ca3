"""The e-mails of the notifications: built from the notifications waiting for them, sent
by SMTP with retries, given up after the last try (the admin's dead-letter view).

Two steps, each a plain function that tests call (production loops over them with
``python -m api notifications``):

* ``preparer``: the notifications a person wants « immédiatement » become one e-mail
  each; those of a daily (weekly) digest become one e-mail per person once the day's
  (Monday's) digest hour has passed, gathering what came before it;
* ``livrer``: the e-mails due go out through SMTP (smtplib, the standard library's
  client: STARTTLS or implicit TLS, login); a failure is tried again 1, 2, 4… minutes
  later, and after ``MAX_TENTATIVES`` the e-mail is « en échec ».

An e-mail is a sentence (or a list of them) and a link; nothing in it names a household.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from api.core.config import Settings
from api.core.fonctions_sql import PARIS
from api.core.models import utcnow
from api.notifications.models import (
    EnvoiCourriel,
    EtatCourriel,
    Frequence,
    Notification,
    StatutEnvoi,
)
from api.organisations.models import Utilisateur

logger = logging.getLogger("ancrage.courriels")

MAX_TENTATIVES = 6
DELAI_BASE = timedelta(minutes=1)  # then 2, 4, 8, 16 minutes: about half an hour in all


def prochain_essai(tentatives: int, maintenant: datetime) -> datetime | None:
    """When to try again after ``tentatives`` failed attempts, or None: given up (« en échec »).
    The e-mails and the households' reminders share this rhythm."""
    if tentatives >= MAX_TENTATIVES:
        return None
    attente: timedelta = DELAI_BASE * 2 ** (tentatives - 1)
    return maintenant + attente
PIED = (
    "\n\n-- \nCe message ne contient aucune information sur les ménages : le détail est dans Ancrage, "
    "selon vos droits.\nChoisir quand être prévenu : {url}/notifications\n"
)


@dataclass(frozen=True)
class ConfigSmtp:
    hote: str | None
    port: int
    tls: str
    utilisateur: str | None
    mot_de_passe: str | None
    expediteur: str
    delai: float

    @classmethod
    def depuis(cls, settings: Settings) -> ConfigSmtp:
        return cls(
            hote=settings.smtp_hote,
            port=settings.smtp_port,
            tls=settings.smtp_tls,
            utilisateur=settings.smtp_utilisateur,
            mot_de_passe=settings.smtp_mot_de_passe.get_secret_value() if settings.smtp_mot_de_passe else None,
            expediteur=settings.smtp_expediteur,
            delai=settings.smtp_delai_secondes,
        )


def url_publique(settings: Settings) -> str:
    return str(settings.public_url).rstrip("/") if settings.public_url else f"http://{settings.host}:{settings.port}"


def coupures(maintenant: datetime, heure: int) -> dict[Frequence, datetime]:
    """The latest digest instants at or before ``maintenant`` (Paris time): today's (or
    yesterday's) for the daily one, this week's Monday's (or last week's) for the weekly one."""
    local = maintenant.astimezone(PARIS)
    jour = local.replace(hour=heure, minute=0, second=0, microsecond=0)
    if jour > local:
        jour -= timedelta(days=1)
    lundi = jour - timedelta(days=jour.weekday())
    lundi = lundi.replace(hour=heure)  # a DST change between the two days keeps the hour
    if lundi > local:
        lundi -= timedelta(days=7)
    return {Frequence.quotidien: jour, Frequence.hebdomadaire: lundi}


def _courriel(
    session: Session, utilisateur_id: uuid.UUID, sujet: str, corps: str, instant: datetime
) -> uuid.UUID | None:
    adresse = session.exec(
        select(Utilisateur.email).where(Utilisateur.id == utilisateur_id, col(Utilisateur.actif).is_(True))
    ).first()
    if adresse is None:
        return None  # a disabled account is told nothing more
    envoi = EnvoiCourriel(
        utilisateur_id=utilisateur_id, destinataire=adresse, sujet=sujet[:200], corps=corps,
        prochaine_tentative=instant, cree_le=instant,
    )
    session.add(envoi)
    session.flush()
    return envoi.id


def preparer(session: Session, *, url: str, heure_resume: int, maintenant: datetime | None = None) -> int:
    """Turn the notifications due into e-mails (immediate ones, and the digests whose hour has
    passed); one commit. Returns the number of e-mails queued."""
    maintenant = maintenant or utcnow()
    limites = coupures(maintenant, heure_resume)
    dues = list(
        session.exec(
            select(Notification)
            .where(Notification.courriel == EtatCourriel.a_envoyer.value)
            .order_by(col(Notification.cree_le), col(Notification.id))
            .with_for_update(skip_locked=True)
        )
    )
    pied = PIED.format(url=url)
    faits = 0
    resumes: dict[tuple[uuid.UUID, Frequence], list[Notification]] = {}
    for n in dues:
        frequence = Frequence(n.frequence)
        if frequence == Frequence.immediat:
            envoi = _courriel(
                session, n.utilisateur_id, f"Ancrage : {n.phrase}", f"{n.phrase}\n\n{url}{n.lien}{pied}", maintenant
            )
            _programmer(session, [n.id], envoi)
            faits += envoi is not None
        elif frequence in limites and _avant(n.cree_le, limites[frequence]):
            resumes.setdefault((n.utilisateur_id, frequence), []).append(n)
    for (utilisateur_id, frequence), liste in resumes.items():
        mot = "quotidien" if frequence == Frequence.quotidien else "hebdomadaire"
        lignes = "\n".join(f"- {n.phrase}\n  {url}{n.lien}" for n in liste)
        envoi = _courriel(
            session,
            utilisateur_id,
            f"Ancrage : {len(liste)} notification(s), résumé {mot}",
            f"Votre résumé {mot} :\n\n{lignes}{pied}",
            maintenant,
        )
        _programmer(session, [n.id for n in liste], envoi)
        faits += envoi is not None
    session.commit()
    return faits


def _avant(instant: datetime, limite: datetime) -> bool:
    # SQLite gives back naive UTC datetimes.
    return (instant if instant.tzinfo else instant.replace(tzinfo=UTC)) < limite


def _programmer(session: Session, ids: list[uuid.UUID], envoi_id: uuid.UUID | None) -> None:
    session.execute(
        update(Notification)
        .where(col(Notification.id).in_(ids))
        .values(
            courriel=(EtatCourriel.programme if envoi_id else EtatCourriel.aucun).value,
            envoi_id=envoi_id,
        )
        .execution_options(synchronize_session=False)
    )


def envoyer_smtp(config: ConfigSmtp, envoi: EnvoiCourriel) -> None:
    """One e-mail through the configured SMTP server (raises on failure)."""
    envoyer_message(config, destinataire=envoi.destinataire, sujet=envoi.sujet, corps=envoi.corps, ident=envoi.id)


def envoyer_message(config: ConfigSmtp, *, destinataire: str, sujet: str, corps: str, ident: uuid.UUID) -> None:
    """One plain-text e-mail through the configured SMTP server (raises on failure); the
    households' rendez-vous reminders go this way too (api/rappels/)."""
    if not config.hote:
        raise smtplib.SMTPException("aucun serveur SMTP configuré (ANCRAGE_SMTP_HOTE)")
    message = EmailMessage()
    message["From"] = config.expediteur
    message["To"] = destinataire
    message["Subject"] = sujet
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(idstring=ident.hex)
    message.set_content(corps)
    contexte = ssl.create_default_context()
    client: smtplib.SMTP
    if config.tls == "ssl":
        client = smtplib.SMTP_SSL(config.hote, config.port, timeout=config.delai, context=contexte)
    else:
        client = smtplib.SMTP(config.hote, config.port, timeout=config.delai)
    with client:
        if config.tls == "starttls":
            client.starttls(context=contexte)
        if config.utilisateur:
            client.login(config.utilisateur, config.mot_de_passe or "")
        client.send_message(message)


def livrer(
    session: Session,
    config: ConfigSmtp,
    *,
    maintenant: datetime | None = None,
    lot: int = 50,
    envoyer: Callable[[ConfigSmtp, EnvoiCourriel], None] = envoyer_smtp,
) -> tuple[int, int]:
    """Send the e-mails due (at most ``lot``); each outcome committed on its own. Returns
    (sent, failed this round)."""
    maintenant = maintenant or utcnow()
    dus = list(
        session.exec(
            select(EnvoiCourriel)
            .where(
                EnvoiCourriel.statut == StatutEnvoi.en_attente.value,
                col(EnvoiCourriel.prochaine_tentative) <= maintenant,
            )
            .order_by(col(EnvoiCourriel.prochaine_tentative))
            .limit(lot)
            .with_for_update(skip_locked=True)
        )
    )
    envoyes = echecs = 0
    for envoi in dus:
        envoi.tentatives += 1
        try:
            envoyer(config, envoi)
        except (smtplib.SMTPException, OSError) as e:
            echecs += 1
            envoi.derniere_erreur = f"{type(e).__name__}: {e}"[:500]
            prochain = prochain_essai(envoi.tentatives, maintenant)
            if prochain is None:
                envoi.statut = StatutEnvoi.echec.value
                logger.warning("courriel %s abandonné après %d tentatives : %s", envoi.id, envoi.tentatives, e)
            else:
                envoi.prochaine_tentative = prochain
        else:
            envoyes += 1
            envoi.statut = StatutEnvoi.envoye.value
            envoi.envoye_le = utcnow()
            envoi.derniere_erreur = None
        session.add(envoi)
    session.commit()
    return envoyes, echecs


def boucle(
    fabrique: Callable[[], Session],
    settings: Settings,
    *,
    intervalle: float,
    notifier_alertes: Callable[..., Any],
    taches: Sequence[Callable[[Session], int]] = (),
) -> None:  # pragma: no cover
    """The worker: prepare and send, then wait when nothing was due. The référents' alert
    digest is given by the caller (api/alertes/notifications.py sits above this domain), and
    so are other jobs of the same worker (``taches``: the households' rendez-vous reminders,
    api/rappels/), each run with its own session at every turn, returning what it did."""

    config = ConfigSmtp.depuis(settings)
    url = url_publique(settings)
    alertes_le = 0.0
    while True:
        try:
            # The référents' alerts are counted every quarter of an hour (each person is told
            # once per period of their choice): not at every turn of the loop.
            if time.monotonic() - alertes_le > 900:
                with fabrique() as session:
                    notifier_alertes(
                        session, maintenant=utcnow(), heure_resume=settings.notifications_heure_resume,
                        delai_premier_rdv=settings.alerte_premier_rdv_jours,
                    )
                alertes_le = time.monotonic()
            with fabrique() as session:
                prepares = preparer(session, url=url, heure_resume=settings.notifications_heure_resume)
            with fabrique() as session:
                envoyes, echecs = livrer(session, config)
        except Exception:
            logger.exception("tour des courriels interrompu")
            prepares = envoyes = echecs = 0
        autres = 0
        for tache in taches:
            try:
                with fabrique() as session:
                    autres += tache(session)
            except Exception:
                logger.exception("tâche du worker interrompue")
        if envoyes or echecs or prepares or autres:
            logger.info("courriels : %d préparé(s), %d envoyé(s), %d échec(s)", prepares, envoyes, echecs)
        else:
            time.sleep(intervalle)
