"""The team's caseload (issue 14, the responsable's desk): per référent, the mesures in
progress, the rendez-vous of the next 30 days and the alerts; the mesures nobody follows.

Counts only, over what the association carries (``mesures_access.condition_porteur``,
the same rows as its lists); the names shown are those of the mesures without référent,
whose reading goes to the access log like any list."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from api.alertes import service as alertes_service
from api.annuaire.models import Utilisateur
from api.audit.service import journaliser_liste
from api.auth.principal import Principal
from api.equipe.schemas import ChargeEquipe, ChargeReferent, MesureSansReferent
from api.menages import noms
from api.menages.models import Menage
from api.mesures import access as mesures_access
from api.mesures.models import Mesure, RendezVous, StatutMesure, StatutRendezVous

LIMITE_SANS_REFERENT = 50


def charge_equipe(
    session: Session, principal: Principal, *, aujourdhui: date, instant: datetime, delai_premier_rdv: int
) -> ChargeEquipe:
    """The caseload of each active user of the responsable's association (policy:
    ``verifier_reaffectation``, the same right as reassigning), and its open mesures
    without référent."""
    mesures_access.verifier_reaffectation(principal)
    porteur = mesures_access.condition_porteur(principal)
    en_cours = col(Mesure.statut) != StatutMesure.terminee.value
    mesures: dict[uuid.UUID | None, int] = {
        r: int(n)
        for r, n in session.execute(
            select(col(Mesure.referent_id), func.count()).where(porteur, en_cours).group_by(col(Mesure.referent_id))
        ).all()
    }
    debut = instant.astimezone(UTC)
    rendez_vous: dict[uuid.UUID | None, int] = {
        r: int(n)
        for r, n in session.execute(
            select(col(Mesure.referent_id), func.count())
            .select_from(RendezVous)
            .join(Mesure, col(Mesure.id) == col(RendezVous.mesure_id))
            .where(
                porteur,
                col(RendezVous.statut) == StatutRendezVous.planifie.value,
                col(RendezVous.debut) >= debut,
                col(RendezVous.debut) < debut + timedelta(days=30),
            )
            .group_by(col(Mesure.referent_id))
        ).all()
    }
    alertes = alertes_service.compter_par_referent(
        session, principal, aujourdhui=aujourdhui, instant=instant, delai_premier_rdv=delai_premier_rdv
    )
    utilisateurs = session.exec(
        select(Utilisateur)
        .where(col(Utilisateur.organisation_id) == principal.organisation_id, col(Utilisateur.actif))
        .order_by(col(Utilisateur.nom), col(Utilisateur.prenom))
    ).all()
    referents = [
        ChargeReferent(
            referent_id=u.id,
            nom=f"{u.prenom} {u.nom}",
            role=u.role,
            mesures_en_cours=mesures.get(u.id, 0),
            rendez_vous_30_jours=rendez_vous.get(u.id, 0),
            alertes=alertes.get(u.id, 0),
        )
        for u in utilisateurs
    ]
    sans_referent = _sans_referent(session, porteur, en_cours)
    journaliser_liste(session, principal, "mesure", [m.id for m in sans_referent])
    session.commit()
    return ChargeEquipe(referents=referents, sans_referent_total=mesures.get(None, 0), sans_referent=sans_referent)


# Built once, at import (api/core/db.py, ``alias_pret``, says why).
_DEMANDEUR = noms.demandeur()


def _sans_referent(session: Session, porteur: Any, en_cours: Any) -> list[MesureSansReferent]:
    """The oldest open mesures of the association that nobody follows, named (the
    responsable gives them to someone), at most LIMITE_SANS_REFERENT."""
    demandeur = _DEMANDEUR
    lignes = session.execute(
        select(
            col(Mesure.id),
            col(Mesure.reference),
            col(Mesure.statut),
            col(Menage.id).label("menage_id"),
            col(Menage.reference).label("menage_reference"),
            col(demandeur.prenom),
            col(demandeur.nom),
        )
        .select_from(Mesure)
        .join(Menage, col(Menage.id) == col(Mesure.menage_id))
        .outerjoin(demandeur, noms.jointure(demandeur, col(Menage.id)))
        .where(porteur, en_cours, col(Mesure.referent_id).is_(None))
        .order_by(col(Mesure.date_mandatement), col(Mesure.reference))
        .limit(LIMITE_SANS_REFERENT)
    ).all()
    sans_referent = [
        MesureSansReferent(
            id=ligne.id,
            reference=ligne.reference,
            menage_id=ligne.menage_id,
            menage_reference=ligne.menage_reference,
            demandeur=noms.libelle(ligne.prenom, ligne.nom),
            statut=StatutMesure(ligne.statut),
        )
        for ligne in lignes
    ]
    return sans_referent
