"""Notifications: made in the transaction of what they tell, read in the app, e-mailed later.

The domains call one function per event (``orientation_evenement``, ``mesure_mandatee``);
it writes one notification per person concerned, in the event's own transaction (a
rolled-back decision tells nobody), with the person's choice of frequency at that time.
The e-mails are built and sent by the worker (api/notifications/courriel.py).

What a notification says: a sentence naming the kind of event and a reference
(O-…, S-…), and a link. Never a household's name, a cible or an address: an e-mail
leaves the platform, the link leads back into it where the policy decides.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from api.auth.principal import Principal
from api.core.errors import Introuvable
from api.core.models import inserer, new_id, utcnow
from api.core.pagination import Page, PageParams, count
from api.dispositifs.models import Dispositif
from api.notifications import access
from api.notifications.models import (
    FREQUENCE_PAR_DEFAUT,
    EnvoiCourriel,
    EtatCourriel,
    Frequence,
    Notification,
    PreferenceNotification,
    StatutEnvoi,
    TypeNotification,
)
from api.notifications.schemas import (
    LIBELLES,
    Compteur,
    EnvoiPublic,
    NotificationPublic,
    PreferenceIn,
    PreferencePublic,
)
from api.organisations.models import Utilisateur

# Commission decisions that close a round (or set the next): the referrer is told of each.
DECISIONS = {"acceptee", "refusee", "ajournee", "attente_infos", "liste_attente"}
LIBELLE_DECISION = {
    "acceptee": "acceptée",
    "refusee": "refusée",
    "ajournee": "ajournée",
    "attente_infos": "en attente d'informations",
    "liste_attente": "placée en liste d'attente",
}


def frequences(
    session: Session, utilisateur_ids: Sequence[uuid.UUID], type: TypeNotification
) -> dict[uuid.UUID, Frequence]:
    """Each person's choice for this kind (the default where they made none)."""
    choix = {
        u: Frequence(f)
        for u, f in session.exec(
            select(PreferenceNotification.utilisateur_id, PreferenceNotification.frequence).where(
                col(PreferenceNotification.utilisateur_id).in_(list(utilisateur_ids)),
                PreferenceNotification.type == type.value,
            )
        )
    }
    return {u: choix.get(u, FREQUENCE_PAR_DEFAUT[type]) for u in utilisateur_ids}


def notifier(
    session: Session,
    *,
    utilisateur_ids: Iterable[uuid.UUID],
    type: TypeNotification,
    phrase: str,
    lien: str,
    instant: datetime | None = None,
    frequence_courriel: Frequence | None = None,
) -> int:
    """One notification per person, in the caller's transaction (does not commit).

    ``frequence_courriel``: when the notification itself comes at the person's chosen pace
    (the alerts' round-up), its e-mail goes at once — unless they chose « jamais »."""
    ids = list(dict.fromkeys(utilisateur_ids))
    if not ids:
        return 0
    quand = instant or utcnow()
    par_personne = frequences(session, ids, type)
    if frequence_courriel is not None:
        par_personne = {u: f if f == Frequence.jamais else frequence_courriel for u, f in par_personne.items()}
    inserer(
        session,
        Notification,
        [
            {
                "id": new_id(),
                "utilisateur_id": u,
                "type": type.value,
                "phrase": phrase,
                "lien": lien,
                "cree_le": quand,
                "lue_le": None,
                "frequence": f.value,
                "courriel": (EtatCourriel.aucun if f == Frequence.jamais else EtatCourriel.a_envoyer).value,
                "envoi_id": None,
            }
            for u, f in par_personne.items()
        ],
    )
    return len(ids)


def _actifs(session: Session, *conditions: object) -> list[uuid.UUID]:
    return list(session.exec(select(Utilisateur.id).where(col(Utilisateur.actif).is_(True), *conditions)))


def orientation_evenement(
    session: Session,
    *,
    orientation_id: uuid.UUID,
    reference: str,
    prescripteur_organisation_id: uuid.UUID,
    prescripteur_utilisateur_id: uuid.UUID | None,
    dispositif_id: uuid.UUID,
    vers_statut: str,
    session_commission_id: uuid.UUID | None,
) -> None:
    """A referral's transition: a decision tells the person who sent it (or, for a referral
    sent by a partner's system, that organisation's responsables); a placing on a session's
    agenda tells the commission's members."""
    if vers_statut in DECISIONS:
        if prescripteur_utilisateur_id is not None:
            destinataires = _actifs(session, Utilisateur.id == prescripteur_utilisateur_id)
        else:
            destinataires = _actifs(
                session,
                Utilisateur.organisation_id == prescripteur_organisation_id,
                Utilisateur.role == "responsable",
            )
        notifier(
            session,
            utilisateur_ids=destinataires,
            type=TypeNotification.orientation_decidee,
            phrase=f"L'orientation {reference} que vous avez transmise a été {LIBELLE_DECISION[vers_statut]} "
            "par la commission.",
            lien=f"/orientations/{orientation_id}",
        )
    elif vers_statut == "en_commission" and session_commission_id is not None:
        commission_id = session.exec(select(Dispositif.commission_id).where(Dispositif.id == dispositif_id)).first()
        if commission_id is None:
            return
        notifier(
            session,
            utilisateur_ids=_actifs(session, Utilisateur.organisation_id == commission_id),
            type=TypeNotification.ordre_du_jour,
            phrase=f"L'orientation {reference} est inscrite à l'ordre du jour d'une séance de votre commission.",
            lien=f"/commission/{session_commission_id}",
        )


def mesure_mandatee(session: Session, *, mesure_id: uuid.UUID, reference: str, association_id: uuid.UUID) -> None:
    """A mandatement tells the responsables of the mandated association."""
    notifier(
        session,
        utilisateur_ids=_actifs(
            session, Utilisateur.organisation_id == association_id, Utilisateur.role == "responsable"
        ),
        type=TypeNotification.mandatement,
        phrase=f"Votre association est mandatée pour une nouvelle mesure ({reference}).",
        lien=f"/mesures/{mesure_id}",
    )


def rapport_depose(
    session: Session, *, rapport_id: uuid.UUID, financeur_id: uuid.UUID, auteur: str, modele: str, periode: str,
    dispositif: str,
) -> None:
    """A deposit tells the dispositif's funder, whose people may now read the report. Names
    of organisations, the model and the period only: never the report's free title or text."""
    phrase = f"{auteur} a déposé son rapport « {modele} » ({periode}) sur le dispositif {dispositif}."
    if len(phrase) > 300:
        phrase = phrase[:299] + "…"
    notifier(
        session,
        utilisateur_ids=_actifs(session, Utilisateur.organisation_id == financeur_id),
        type=TypeNotification.rapport_depose,
        phrase=phrase,
        lien=f"/rapports/{rapport_id}",
    )


# --- What a person reads -------------------------------------------------------------------------


def _public(n: Notification) -> NotificationPublic:
    return NotificationPublic(
        id=n.id,
        type=TypeNotification(n.type),
        phrase=n.phrase,
        lien=n.lien,
        cree_le=n.cree_le,
        lue=n.lue_le is not None,
        lue_le=n.lue_le,
    )


def lister(
    session: Session, principal: Principal, *, page: PageParams, non_lues: bool = False
) -> Page[NotificationPublic]:
    """One's own notifications, newest first."""
    access.verifier_personne(principal)
    query = select(Notification).where(access.condition_visible(principal))
    if non_lues:
        query = query.where(col(Notification.lue_le).is_(None))
    total = count(session, query)
    rows = session.exec(
        query.order_by(col(Notification.cree_le).desc(), col(Notification.id)).offset(page.offset).limit(page.limit)
    )
    return Page(total=total, limit=page.limit, offset=page.offset, items=[_public(n) for n in rows])


def compter(session: Session, principal: Principal) -> Compteur:
    """The header's counter: one's unread notifications (a client has none)."""
    if principal.is_client:
        return Compteur(non_lues=0)
    n = session.exec(
        select(func.count())
        .select_from(Notification)
        .where(access.condition_visible(principal), col(Notification.lue_le).is_(None))
    ).one()
    return Compteur(non_lues=int(n))


def marquer(session: Session, principal: Principal, notification_id: uuid.UUID, *, lue: bool) -> NotificationPublic:
    access.verifier_personne(principal)
    n = session.exec(
        select(Notification).where(Notification.id == notification_id, access.condition_visible(principal))
    ).first()
    if n is None:
        raise Introuvable("Notification", notification_id)
    n.lue_le = (n.lue_le or utcnow()) if lue else None
    session.add(n)
    session.flush()
    public = _public(n)
    session.commit()
    return public


def tout_marquer_lu(session: Session, principal: Principal) -> int:
    access.verifier_personne(principal)
    resultat = session.execute(
        update(Notification)
        .where(access.condition_visible(principal), col(Notification.lue_le).is_(None))
        .values(lue_le=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(getattr(resultat, "rowcount", 0) or 0)


def preferences(session: Session, principal: Principal) -> list[PreferencePublic]:
    access.verifier_personne(principal)
    out = []
    for t in TypeNotification:
        f = frequences(session, [principal.id], t)[principal.id]
        out.append(PreferencePublic(type=t, libelle=LIBELLES[t], frequence=f, par_defaut=FREQUENCE_PAR_DEFAUT[t]))
    return out


def modifier_preferences(
    session: Session, principal: Principal, choix: list[PreferenceIn]
) -> list[PreferencePublic]:
    """One's own choices, kind by kind (the kinds not named keep theirs)."""
    access.verifier_personne(principal)
    for c in choix:
        existante = session.get(PreferenceNotification, (principal.id, c.type.value)) or PreferenceNotification(
            utilisateur_id=principal.id, type=c.type.value, frequence=c.frequence.value
        )
        existante.frequence = c.frequence.value
        session.add(existante)
    session.flush()
    out = preferences(session, principal)
    session.commit()
    return out


# --- The admin's view of the e-mails given up ------------------------------------------------------


def _envoi_public(e: EnvoiCourriel) -> EnvoiPublic:
    return EnvoiPublic.model_validate(e, from_attributes=True)


def lister_echecs(session: Session, principal: Principal, *, page: PageParams) -> Page[EnvoiPublic]:
    access.verifier_admin(principal)
    query = select(EnvoiCourriel).where(
        access.condition_echecs(principal), EnvoiCourriel.statut == StatutEnvoi.echec.value
    )
    total = count(session, query)
    rows = session.exec(query.order_by(col(EnvoiCourriel.cree_le).desc()).offset(page.offset).limit(page.limit))
    return Page(total=total, limit=page.limit, offset=page.offset, items=[_envoi_public(e) for e in rows])


def relancer(session: Session, principal: Principal, envoi_id: uuid.UUID) -> EnvoiPublic:
    """Put a given-up e-mail back in the queue, for a new round of tries."""
    access.verifier_admin(principal)
    e = session.exec(
        select(EnvoiCourriel).where(
            EnvoiCourriel.id == envoi_id, access.condition_echecs(principal),
            EnvoiCourriel.statut == StatutEnvoi.echec.value,
        )
    ).first()
    if e is None:
        raise Introuvable("Envoi en échec", envoi_id)
    e.statut = StatutEnvoi.en_attente.value
    e.tentatives = 0
    e.prochaine_tentative = utcnow()
    session.add(e)
    session.flush()
    public = _envoi_public(e)
    session.commit()
    return public
