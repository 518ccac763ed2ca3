"""The household's right of access: what the exporting organisation holds on it and may show.

A household is often shared (referred by a bailleur, decided by a commission,
carried by two associations): each partner is the controller of its own part and
answers for it. The export gathers, for the exporting organisation, exactly the
views it gets one fact at a time — the policy's views, never a fresh read of the
tables — so it cannot show what a detail route would answer 404 to.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, col

from api.alertes import service as alertes
from api.audit.models import ActionAudit
from api.audit.service import journaliser
from api.auth.principal import Principal
from api.core.models import utcnow
from api.documents import service as documents
from api.menages.service import get_menage, vues
from api.mesures import access as mesures_access
from api.mesures import service as mesures
from api.mesures.models import Mesure, RendezVous
from api.orientations import access as orientations_access
from api.orientations import service as orientations
from api.orientations.models import Orientation
from api.rappels import service as rappels
from api.rendez_vous import access as rendez_vous_access
from api.rendez_vous import service as rendez_vous
from api.rendez_vous.schemas import RendezVousPublic
from api.vie_privee.schemas import ExportMenage, MesureExport, OrientationExport

EXCLUSIONS = [
    "Ce que d'autres organisations détiennent sur le ménage (autre association, bailleur, commission) : "
    "chacune est responsable de sa part et répond elle-même à la demande du ménage.",
    "Commentaires et comptes rendus écrits par une autre organisation : notes internes de celle-ci.",
    "Identité des personnels : ils n'apparaissent que par un identifiant interne ; les autres "
    "participants des rendez-vous (tiers) ne sont pas nommés.",
    "Journal des accès : il décrit l'activité des personnels, pas le ménage.",
]


def _sans_tiers(rdv: RendezVousPublic) -> RendezVousPublic:
    """Other participants than the household's own persons are third parties."""
    return rdv.model_copy(update={"participants": rdv.participants.model_copy(update={"autres": []})})


def _mesures(lu: Session, principal: Principal, menage_id: uuid.UUID) -> tuple[list[MesureExport], int]:
    """The mesures this principal reads, each with its events, rendez-vous and alerts set
    aside as it reads them; and the number of records they hold (for the access log)."""
    liste_mesures = list(
        lu.exec(
            mesures_access.visible_mesures(principal, sonde=True)
            .where(Mesure.menage_id == menage_id)
            .order_by(col(Mesure.date_mandatement), col(Mesure.id))
        )
    )
    rdvs: dict[uuid.UUID, list[RendezVous]] = {}
    if liste_mesures:
        for rdv in lu.exec(
            rendez_vous_access.visible_rendez_vous(principal)
            .where(col(RendezVous.mesure_id).in_([m.id for m in liste_mesures]))
            .order_by(col(RendezVous.debut), col(RendezVous.id))
        ):
            rdvs.setdefault(rdv.mesure_id, []).append(rdv)
    m_exports = []
    niveaux = {m.id: mesures_access.niveau(lu, principal, m) for m in liste_mesures}
    ecartees = alertes.ecartees_lues(lu, niveaux)
    for m in liste_mesures:
        niveau = niveaux[m.id]
        if niveau is None:
            continue
        m_exports.append(
            MesureExport(
                mesure=mesures.to_public(lu, m, niveau),
                evenements=mesures.evenements_visibles(lu, niveau, [m.id]),
                rendez_vous=[_sans_tiers(rendez_vous.to_public(lu, r, m)) for r in rdvs.get(m.id, [])],
                alertes_ecartees=ecartees.get(m.id, []),
            )
        )
    nombre = len(m_exports) + sum(len(v) for v in rdvs.values()) + sum(len(v) for v in ecartees.values())
    return m_exports, nombre


def exporter_menage(
    session: Session, principal: Principal, *, menage_id: uuid.UUID, lecture: Session | None = None
) -> ExportMenage:
    """Export, for the household's request (RGPD art. 15), what this organisation holds on
    it and may show: its view of the file, the referrals, mesures and rendez-vous it may
    read, each as its detail route shows it; for the carrying association, the alerts its
    workers set aside (with their reasons) and the household's consent to reminders. Logged
    with the number of records.

    Read through ``lecture`` (the read replica, when there is one); the log entry is
    written and committed through ``session`` (the primary) before the export leaves."""
    lu = lecture if lecture is not None else session
    menage = get_menage(lu, principal, menage_id, journal=False)
    vue = vues(lu, principal, [menage])[menage.id]
    liste_orientations = list(
        lu.exec(
            orientations_access.visible_orientations(principal)
            .where(Orientation.menage_id == menage.id)
            .order_by(col(Orientation.cree_le), col(Orientation.id))
        )
    )
    o_publics = orientations.publics(lu, principal, liste_orientations)
    o_evenements = orientations.evenements_visibles(lu, principal, liste_orientations)
    m_exports, nombre_mesures = _mesures(lu, principal, menage.id)
    consentement = rappels.consentement_lu(lu, principal, menage.id)
    liste_documents = documents.documents_du_menage(lu, principal, menage.id)
    export = ExportMenage(
        genere_le=utcnow(),
        organisation_id=principal.organisation_id,
        menage=vue,
        anonymise_le=menage.anonymise_le,
        orientations=[
            # the prescriber's named person is a third party
            OrientationExport(
                orientation=p.model_copy(update={"prescripteur_nom": None}), evenements=o_evenements[o.id]
            )
            for o, p in zip(liste_orientations, o_publics, strict=True)
        ],
        mesures=m_exports,
        documents=liste_documents,
        consentement_rappel=consentement,
        exclusions=EXCLUSIONS,
    )
    nombre = (
        1
        + len(liste_orientations)
        + nombre_mesures
        + len(liste_documents)
        + (len(consentement.historique) if consentement else 0)
    )
    journaliser(session, principal, ActionAudit.exporter, "menage", menage.id, nombre=nombre)
    session.commit()
    return export
