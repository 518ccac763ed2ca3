"""The timeline of a household: referrals, mesure events and rendez-vous, as each reader may
see them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from api.audit.models import ActionAudit
from api.audit.service import journaliser
from api.auth.principal import Principal
from api.chronologie.schemas import EntreeChronologie
from api.dispositifs.models import Dispositif
from api.menages.service import get_menage
from api.mesures import access as mesures_access
from api.mesures.access import Niveau
from api.mesures.models import Mesure, RendezVous
from api.mesures.service import evenements_visibles
from api.organisations.models import TypeOrganisation
from api.orientations.models import Orientation, OrientationEvenement, StatutOrientation
from api.rendez_vous.schemas import PARIS


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _niveau_orientation(
    principal: Principal, orientation: Orientation, commission_id: uuid.UUID | None
) -> Niveau | None:
    """Same three levels as the mesures: who decides or receives reads it, who referred
    sees its status."""
    org = principal.organisation_id
    if (
        principal.of_type(TypeOrganisation.gie)
        and commission_id == org
        and orientation.statut != StatutOrientation.brouillon.value
    ):
        return Niveau.commission
    if principal.of_type(TypeOrganisation.association) and orientation.association_id == org:
        return Niveau.porteur
    if orientation.prescripteur_organisation_id == org:
        return Niveau.prescripteur
    return None


def _orientations(
    session: Session, principal: Principal, menage_id: uuid.UUID
) -> list[EntreeChronologie]:
    orientations = list(session.exec(select(Orientation).where(Orientation.menage_id == menage_id)))
    commissions = dict(
        session.exec(
            select(Dispositif.id, Dispositif.commission_id).where(
                col(Dispositif.id).in_({o.dispositif_id for o in orientations})
            )
        ).all()
    )
    niveaux = {
        o.id: n
        for o in orientations
        if (n := _niveau_orientation(principal, o, commissions.get(o.dispositif_id)))
    }
    references = {o.id: o.reference for o in orientations}
    out: list[EntreeChronologie] = []
    if not niveaux:
        return out
    evenements = session.exec(
        select(OrientationEvenement).where(
            col(OrientationEvenement.orientation_id).in_(list(niveaux))
        )
    )
    for ev in evenements:
        statut_seul = niveaux[ev.orientation_id] == Niveau.prescripteur
        out.append(
            EntreeChronologie(
                nature="orientation",
                quand=_aware(ev.quand),
                date_effet=ev.date_effet,
                objet_id=ev.orientation_id,
                objet_reference=references[ev.orientation_id],
                evenement=ev.vers_statut,
                de_statut=ev.de_statut,
                vers_statut=ev.vers_statut,
                motif=None if statut_seul else ev.motif,
                commentaire=None if statut_seul else ev.commentaire,
            )
        )
    return out


def _mesures(
    session: Session, principal: Principal, menage_id: uuid.UUID
) -> list[EntreeChronologie]:
    mesures = list(
        session.exec(mesures_access.visible_mesures(principal).where(Mesure.menage_id == menage_id))
    )
    out: list[EntreeChronologie] = []
    portees: dict[uuid.UUID, Mesure] = {}
    for m in mesures:
        niveau = mesures_access.niveau(session, principal, m)
        if niveau is None:
            continue
        if niveau == Niveau.porteur:
            portees[m.id] = m
        for ev in evenements_visibles(session, niveau, [m.id]):
            out.append(
                EntreeChronologie(
                    nature="mesure",
                    quand=_aware(ev.quand),
                    date_effet=ev.date_effet,
                    objet_id=m.id,
                    objet_reference=m.reference,
                    evenement=ev.type,
                    de_statut=ev.de_statut,
                    vers_statut=ev.vers_statut,
                    motif=ev.motif,
                    commentaire=ev.commentaire,
                    details=ev.donnees,
                )
            )
    # Rendez-vous: only for the association that carries the mesure; never the compte rendu here.
    if portees:
        for rdv in session.exec(
            select(RendezVous).where(col(RendezVous.mesure_id).in_(list(portees)))
        ):
            debut = _aware(rdv.debut)
            out.append(
                EntreeChronologie(
                    nature="rendez_vous",
                    quand=debut,
                    date_effet=debut.astimezone(PARIS).date(),
                    objet_id=rdv.id,
                    objet_reference=portees[rdv.mesure_id].reference,
                    evenement=rdv.type,
                    vers_statut=rdv.statut,
                    details={
                        "lieu": rdv.lieu,
                        "duree_minutes": rdv.duree_minutes,
                        "est_suivi": rdv.est_suivi,
                    },
                )
            )
    return out


def _cle(e: EntreeChronologie) -> tuple[date, datetime, str]:
    jour = e.date_effet or e.quand.astimezone(PARIS).date()
    return (jour, e.quand, str(e.objet_id))


def chronologie(
    session: Session, principal: Principal, menage_id: uuid.UUID
) -> list[EntreeChronologie]:
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
