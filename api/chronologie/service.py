"""The timeline of a household: referrals, mesure events, rendez-vous and the alerts set aside,
as each reader may see them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlmodel import Session, col

from api.alertes import service as alertes
from api.audit.models import ActionAudit
from api.audit.service import journaliser
from api.auth.principal import Principal
from api.chronologie.schemas import EntreeChronologie
from api.menages.service import get_menage
from api.mesures import access as mesures_access
from api.mesures.models import Mesure, RendezVous
from api.mesures.service import evenements_visibles
from api.orientations import access as orientations_access
from api.orientations import service as orientations_service
from api.orientations.models import Orientation
from api.rendez_vous import access as rendez_vous_access
from api.rendez_vous.schemas import PARIS


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _orientations(session: Session, principal: Principal, menage_id: uuid.UUID) -> list[EntreeChronologie]:
    """The referrals this principal reads, with their events as ``/orientations/{id}/evenements``
    shows them (a comment only for its author and the commission)."""
    orientations = list(
        session.exec(orientations_access.visible_orientations(principal).where(Orientation.menage_id == menage_id))
    )
    references = {o.id: o.reference for o in orientations}
    out: list[EntreeChronologie] = []
    for oid, evenements in orientations_service.evenements_visibles(session, principal, orientations).items():
        for ev in evenements:
            out.append(
                EntreeChronologie(
                    nature="orientation",
                    quand=_aware(ev.quand),
                    date_effet=ev.date_effet,
                    objet_id=oid,
                    objet_reference=references[oid],
                    evenement=ev.vers_statut.value,
                    de_statut=ev.de_statut.value if ev.de_statut else None,
                    vers_statut=ev.vers_statut.value,
                    motif=ev.motif,
                    commentaire=ev.commentaire,
                )
            )
    return out


def _mesures(session: Session, principal: Principal, menage_id: uuid.UUID) -> list[EntreeChronologie]:
    # One household's mesures: each relation checked by probes (``sonde``).
    visibles = mesures_access.visible_mesures(principal, sonde=True)
    mesures = list(session.exec(visibles.where(Mesure.menage_id == menage_id)))
    out: list[EntreeChronologie] = []
    niveaux = {m.id: mesures_access.niveau(session, principal, m) for m in mesures}
    # The events of every mesure read at one level in one statement: a household followed
    # again and again has as many mesures, and one statement each was a query per row.
    par_niveau: dict[mesures_access.Niveau, list[uuid.UUID]] = {}
    for m in mesures:
        if (niveau := niveaux[m.id]) is not None:
            par_niveau.setdefault(niveau, []).append(m.id)
    references = {m.id: m.reference for m in mesures}
    for niveau, ids in par_niveau.items():
        for ev in evenements_visibles(session, niveau, ids):
            out.append(
                EntreeChronologie(
                    nature="mesure",
                    quand=_aware(ev.quand),
                    date_effet=ev.date_effet,
                    objet_id=ev.mesure_id,
                    objet_reference=references[ev.mesure_id],
                    evenement=ev.type,
                    de_statut=ev.de_statut,
                    vers_statut=ev.vers_statut,
                    motif=ev.motif,
                    commentaire=ev.commentaire,
                    details=ev.donnees,
                )
            )
    # Rendez-vous: those the policy gives this reader (the carrying association); never the
    # compte rendu here.
    if mesures:
        par_id = {m.id: m for m in mesures}
        for rdv in session.exec(
            rendez_vous_access.visible_rendez_vous(principal).where(col(RendezVous.mesure_id).in_(list(par_id)))
        ):
            debut = _aware(rdv.debut)
            out.append(
                EntreeChronologie(
                    nature="rendez_vous",
                    quand=debut,
                    date_effet=debut.astimezone(PARIS).date(),
                    objet_id=rdv.id,
                    objet_reference=par_id[rdv.mesure_id].reference,
                    evenement=rdv.type,
                    vers_statut=rdv.statut,
                    details={
                        "lieu": rdv.lieu,
                        "duree_minutes": rdv.duree_minutes,
                        "est_suivi": rdv.est_suivi,
                    },
                )
            )
    out += _alertes_ecartees(session, mesures, niveaux)
    return out


def _alertes_ecartees(
    session: Session, mesures: list[Mesure], niveaux: dict[uuid.UUID, mesures_access.Niveau | None]
) -> list[EntreeChronologie]:
    """The alerts set aside or put off, with their reason, on the mesures whose reader reads
    them (policy: ``alerte_ecartee``, the carrying association): dated the day they were set
    aside, so the timeline says when the worker decided, and why."""
    references = {m.id: m.reference for m in mesures}
    out: list[EntreeChronologie] = []
    for mesure_id, ecartees in alertes.ecartees_lues(session, niveaux).items():
        for e in ecartees:
            le = _aware(e.le)
            out.append(
                EntreeChronologie(
                    nature="alerte",
                    quand=le,
                    date_effet=le.astimezone(PARIS).date(),
                    objet_id=mesure_id,
                    objet_reference=references[mesure_id],
                    evenement=e.type.value,
                    vers_statut="reportee" if e.jusqu_au else "ecartee",
                    motif=e.motif,
                    details={
                        "libelle": alertes.libelle(e.type),
                        "date_reference": e.date_reference.isoformat(),
                        "jusqu_au": e.jusqu_au.isoformat() if e.jusqu_au else None,
                        "rendez_vous_id": str(e.rendez_vous_id) if e.rendez_vous_id else None,
                        "par_id": str(e.par_id),
                    },
                )
            )
    return out


def _cle(e: EntreeChronologie) -> tuple[date, datetime, str]:
    jour = e.date_effet or e.quand.astimezone(PARIS).date()
    return (jour, e.quand, str(e.objet_id))


def chronologie(session: Session, principal: Principal, menage_id: uuid.UUID) -> list[EntreeChronologie]:
    """Everything that happened to a household, oldest first (by effective date, then by
    recording time), filtered by what the reader may see: the commission reads referrals
    and mesure events of its dispositifs but no rendez-vous, a prescriber only the
    statuses of its own referrals and of the mesures born from them."""
    menage = get_menage(session, principal, menage_id, journal=False)
    entrees = _orientations(session, principal, menage.id) + _mesures(session, principal, menage.id)
    entrees.sort(key=_cle)
    journaliser(session, principal, ActionAudit.lire, "menage", menage.id)
    session.commit()
    return entrees
