"""The référents' alerts, as notifications: a round-up at the pace each one chose.

Alerts (api/alertes) are a state, not an event: a first rendez-vous late stays late
every day. So they are not told as they happen but counted at the pace of the person's
choice — weekly by default (the Monday digest hour), daily for « immédiat » or
« quotidien » — and the notification's e-mail goes at once. It says how many alerts of
each kind, and links to the work list: no household, no reference.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import exists
from sqlmodel import Session, col, select

from api.alertes.service import PAR_TYPE, compter_alertes
from api.auth.principal import Principal
from api.core.fonctions_sql import PARIS
from api.mesures.models import Mesure, StatutMesure
from api.notifications.courriel import coupures
from api.notifications.models import Frequence, Notification, TypeNotification
from api.notifications.service import frequences, notifier
from api.organisations.models import Organisation, TypeOrganisation, Utilisateur

_SANS_SESSION = uuid.UUID(int=0)  # the worker acts for nobody: the principal only scopes the SQL


def notifier_alertes(session: Session, *, maintenant: datetime, heure_resume: int, delai_premier_rdv: int) -> int:
    """One notification per référent with alerts, once per period of their choice; one commit.
    Returns the number of notifications made."""
    limites = coupures(maintenant, heure_resume)
    referents = session.exec(
        select(Utilisateur.id, Utilisateur.organisation_id, Utilisateur.role)
        .join(Organisation, col(Organisation.id) == col(Utilisateur.organisation_id))
        .where(
            col(Utilisateur.actif).is_(True),
            Organisation.type == TypeOrganisation.association.value,
            exists().where(
                col(Mesure.referent_id) == col(Utilisateur.id), col(Mesure.statut) != StatutMesure.terminee.value
            ),
        )
    ).all()
    faits = 0
    for uid, org, role in referents:
        choix = frequences(session, [uid], TypeNotification.alerte_dossier)[uid]
        rythme = Frequence.quotidien if choix in (Frequence.immediat, Frequence.quotidien) else Frequence.hebdomadaire
        deja = session.exec(
            select(Notification.id).where(
                Notification.utilisateur_id == uid,
                Notification.type == TypeNotification.alerte_dossier.value,
                col(Notification.cree_le) >= limites[rythme],
            )
        ).first()
        if deja is not None:
            continue
        principal = Principal("utilisateur", uid, org, TypeOrganisation.association, role, _SANS_SESSION)
        par_type = compter_alertes(
            session, principal, aujourdhui=maintenant.astimezone(PARIS).date(), instant=maintenant,
            delai_premier_rdv=delai_premier_rdv,
        )
        total = sum(par_type.values())
        if not total:
            continue
        detail = ", ".join(f"{n} « {PAR_TYPE[t].libelle} »" for t, n in sorted(par_type.items()) if n)
        faits += notifier(
            session,
            utilisateur_ids=[uid],
            type=TypeNotification.alerte_dossier,
            phrase=f"Vos dossiers ont {total} alerte(s) : {detail}.",
            lien="/",
            instant=maintenant,
            frequence_courriel=Frequence.immediat,
        )
    session.commit()
    return faits

