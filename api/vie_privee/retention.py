"""Retention (CNIL 2021-028 and 2021-122): anonymise old files, purge old access-log entries.

A household file stays nominative for 2 years after the last contact (latest of:
last held rendez-vous, end of the last mesure, last update of the file); then
its names, contact details, address and free text are removed and birth dates
are reduced to the year. What indicators count (reference, composition,
commune, resources, debts, dates, statuses, cibles) is kept, so past figures do
not move. Access-log entries are deleted after 12 months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func, or_, text, update
from sqlmodel import Session, col, select

from api import tables  # noqa: F401  (every table: a flush sorts them by foreign key, even in the CLI)
from api.alertes.models import AlerteEcartee
from api.audit.models import JournalAcces
from api.core.models import utcnow
from api.documents import service as documents
from api.documents.stockage import Stockage
from api.menages.models import Menage, MenageTransmission, Personne
from api.mesures.models import Mesure, MesureEvenement, RendezVous, StatutMesure, StatutRendezVous
from api.orientations.models import Orientation, OrientationEvenement, StatutOrientation
from api.rappels import service as rappels

NOM_ANONYME = "ANONYME"
# A referral still waiting for a decision or a mesure still running means the household
# is in contact, even if nobody wrote in the file for a long time.
_ORIENTATIONS_EN_COURS = {
    StatutOrientation.brouillon.value,
    StatutOrientation.soumise.value,
    StatutOrientation.en_commission.value,
    StatutOrientation.ajournee.value,
    StatutOrientation.attente_infos.value,
    StatutOrientation.liste_attente.value,
}


@dataclass
class BilanRetention:
    date_limite_menages: date
    date_limite_journal: datetime
    menages: list[str] = field(default_factory=list)  # references
    entrees_journal: int = 0
    documents: int = 0  # files removed from storage
    simulation: bool = False


def moins_mois(d: date, mois: int) -> date:
    """``d`` minus whole months; the 29th-31st fall back to the month's last day."""
    total = d.year * 12 + d.month - 1 - mois
    annee, m = divmod(total, 12)
    m += 1
    for jour in (d.day, 30, 29, 28):
        try:
            return date(annee, m, jour)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def dernier_contact(session: Session, menage: Menage) -> date:
    """Latest of: last held rendez-vous, end of the last mesure, last update of the file."""
    dates = [menage.modifie_le.date()]
    fin = session.exec(select(func.max(Mesure.date_fin)).where(Mesure.menage_id == menage.id)).one()
    if fin is not None:
        dates.append(fin)
    rdv = session.exec(
        select(func.max(RendezVous.debut))
        .join(Mesure, col(Mesure.id) == RendezVous.mesure_id)
        .where(Mesure.menage_id == menage.id, RendezVous.statut == StatutRendezVous.realise.value)
    ).one()
    if rdv is not None:
        dates.append(rdv.date() if isinstance(rdv, datetime) else rdv)
    return max(dates)


def menages_a_anonymiser(session: Session, *, aujourd_hui: date, annees: int = 2) -> tuple[date, list[Menage]]:
    """The not-yet-anonymised files whose last contact is on or before the cut-off date."""
    limite = moins_mois(aujourd_hui, 12 * annees)
    en_cours = or_(
        select(Mesure.id)
        .where(
            Mesure.menage_id == Menage.id,
            col(Mesure.date_fin).is_(None),
            Mesure.statut != StatutMesure.terminee.value,
        )
        .exists(),
        select(Orientation.id)
        .where(Orientation.menage_id == Menage.id, col(Orientation.statut).in_(_ORIENTATIONS_EN_COURS))
        .exists(),
    )
    # Cheap pre-filter in SQL (an old last update is necessary), then the exact rule in Python.
    candidats = session.exec(
        select(Menage)
        .where(
            col(Menage.anonymise_le).is_(None),
            col(Menage.modifie_le) < datetime.combine(limite + timedelta(days=1), time.min, tzinfo=UTC),
            ~en_cours,
        )
        .order_by(col(Menage.reference))
    ).all()
    return limite, [m for m in candidats if dernier_contact(session, m) <= limite]


def anonymiser(session: Session, menage: Menage) -> list[str]:
    """Remove what identifies the household; keep what indicators count. Does not commit.

    Its documents go whole (a report, a payslip: nothing in them is a figure anyone counts);
    the storage keys of their files are returned, to be removed once this is committed."""
    menage.adresse = None
    menage.telephone = None
    menage.courriel = None
    menage.anonymise_le = utcnow()
    session.add(menage)  # modifie_le untouched: it is a fact about the household's last contact
    for p in session.exec(select(Personne).where(Personne.menage_id == menage.id)):
        p.nom = NOM_ANONYME
        p.prenom = NOM_ANONYME
        p.nom_recherche = ""
        if p.date_naissance is not None:
            p.date_naissance = date(p.date_naissance.year, 1, 1)
        session.add(p)
    # What partners sent (names, contact, situation) goes with the rest; a transmitted view
    # of an anonymised file is then empty of it.
    session.execute(delete(MenageTransmission).where(col(MenageTransmission.menage_id) == menage.id))
    orientation_ids = select(Orientation.id).where(Orientation.menage_id == menage.id)
    mesure_ids = select(Mesure.id).where(Mesure.menage_id == menage.id)
    session.execute(
        update(Orientation)
        .where(col(Orientation.menage_id) == menage.id)
        .values(motifs=None, prescripteur_nom=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(OrientationEvenement)
        .where(col(OrientationEvenement.orientation_id).in_(orientation_ids))
        .values(commentaire=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Mesure)
        .where(col(Mesure.menage_id) == menage.id)
        .values(suivi_commentaire=None, adhesion_modalite=None, derogation_duree_motif=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(MesureEvenement)
        .where(col(MesureEvenement.mesure_id).in_(mesure_ids))
        .values(commentaire=None)
        .execution_options(synchronize_session=False)
    )
    # The reason an alert was set aside is a note about the household like the others.
    session.execute(
        update(AlerteEcartee)
        .where(col(AlerteEcartee.mesure_id).in_(mesure_ids))
        .values(motif="")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(RendezVous)
        .where(col(RendezVous.mesure_id).in_(mesure_ids))
        .values(compte_rendu=None, lieu=None, participants=None)
        .execution_options(synchronize_session=False)
    )
    # The numbers and addresses it gave for reminders, and what the reminders said.
    rappels.effacer_du_menage(session, menage.id)
    return documents.retirer_du_menage(session, menage.id)


def autoriser_purge(session: Session) -> None:
    """Lift the append-only trigger for this transaction only (PostgreSQL).

    On SQLite the trigger only lets entries older than 6 months go (no session settings there).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL ancrage.purge = 'on'"))


def appliquer_retention(
    session: Session,
    *,
    maintenant: datetime | None = None,
    simulation: bool = False,
    annees_menage: int = 2,
    mois_journal: int = 12,
    stockage: Stockage | None = None,
) -> BilanRetention:
    """Anonymise the files past their retention and purge the old access log, in one commit.

    With ``simulation`` nothing changes: the report says what would be done.
    """
    maintenant = maintenant or utcnow()
    limite, menages = menages_a_anonymiser(session, aujourd_hui=maintenant.date(), annees=annees_menage)
    limite_journal = datetime.combine(moins_mois(maintenant.date(), mois_journal), maintenant.timetz())
    vieilles = select(JournalAcces.id).where(col(JournalAcces.quand) < limite_journal)
    bilan = BilanRetention(
        date_limite_menages=limite,
        date_limite_journal=limite_journal,
        menages=[m.reference for m in menages],
        simulation=simulation,
    )
    if simulation:
        bilan.entrees_journal = len(session.exec(vieilles).all())
        return bilan
    cles: list[str] = []
    for menage in menages:
        cles += anonymiser(session, menage)
    autoriser_purge(session)
    result = session.execute(
        delete(JournalAcces).where(col(JournalAcces.id).in_(vieilles)).execution_options(synchronize_session=False)
    )
    bilan.entrees_journal = int(getattr(result, "rowcount", 0) or 0)  # a CursorResult
    session.commit()
    # The files after the rows: a failed removal leaves a file nobody reaches, never a row
    # pointing to nothing.
    if cles:
        if stockage is None:
            from api.core.config import get_settings
            from api.documents.stockage import stockage_depuis

            stockage = stockage_depuis(get_settings())
        bilan.documents = documents.supprimer_fichiers(stockage, cles)
    return bilan
