"""Use cases of the rendez-vous: planned, held, cancelled or missed meetings of a mesure."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from api.audit.models import ActionAudit
from api.audit.service import journaliser, journaliser_liste
from api.auth.principal import Principal
from api.core.concurrency import bump_version, check_if_match
from api.core.db import alias_pret
from api.core.errors import Conflit, Interdit, Introuvable, TransitionRefusee, champ_invalide
from api.core.pagination import Page, PageParams, count
from api.core.texte import motif_like, normaliser
from api.menages import noms
from api.menages.models import Menage, Personne
from api.mesures.access import Niveau
from api.mesures.models import Mesure, RendezVous, StatutMesure, StatutRendezVous
from api.mesures.service import get_mesure, sans_trace
from api.rappels import service as rappels
from api.rappels.models import MotifRappel
from api.rendez_vous import access
from api.rendez_vous.schemas import (
    PARIS,
    Participants,
    RendezVousChamps,
    RendezVousCreate,
    RendezVousPublic,
    RendezVousUpdate,
)

RESSOURCE = "rendez_vous"
DUREE_PAR_DEFAUT = 60

# The agenda's aliases, built once: an alias builds its column collection on first use
# (for ``Mesure``, ≈ 50 columns), and a fresh one per request made that a tenth of the
# API's CPU under ``make bench-capacite`` (py-spy). Each is joined once per statement.
# The row's household and its demandeur; the household searched by reference (``q``), in
# its own subquery.
_MENAGE, _DEMANDEUR = alias_pret(Menage), noms.demandeur()
_RECHERCHE_MENAGE = alias_pret(Menage)

TRANSITIONS: dict[str, set[str]] = {
    StatutRendezVous.planifie.value: {
        StatutRendezVous.realise.value,
        StatutRendezVous.annule.value,
        StatutRendezVous.absent.value,
    },
    StatutRendezVous.realise.value: set(),
    StatutRendezVous.annule.value: set(),
    StatutRendezVous.absent.value: set(),
}


class MesureTerminee(Conflit):
    slug = "mesure-terminee"
    title = "Mesure terminée"


def maintenant() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite gives back naive UTC date-times; PostgreSQL aware ones.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def fin_de(rdv: RendezVous) -> datetime:
    return _aware(rdv.debut) + timedelta(minutes=rdv.duree_minutes)


def to_public(session: Session, rdv: RendezVous, mesure: Mesure | None = None) -> RendezVousPublic:
    mesure = mesure or session.get(Mesure, rdv.mesure_id)
    assert mesure is not None
    menage = session.get(Menage, mesure.menage_id)
    assert menage is not None
    d = session.exec(select(Personne).where(Personne.menage_id == menage.id, Personne.lien == "demandeur")).first()
    return _public(rdv, mesure.reference, menage.reference, noms.libelle(d.prenom, d.nom) if d else None)


def _public(
    rdv: RendezVous, mesure_reference: str, menage_reference: str, demandeur: str | None = None
) -> RendezVousPublic:
    return RendezVousPublic(
        **rdv.model_dump(exclude={"participants", "debut"}),
        debut=_aware(rdv.debut),
        fin=fin_de(rdv),
        participants=Participants.model_validate(rdv.participants or {}),
        mesure_reference=mesure_reference,
        menage_reference=menage_reference,
        demandeur=demandeur,
    )


def _duree(data: RendezVousChamps, debut: datetime, actuelle: int | None) -> int:
    """The duration, given directly or by an end time that must follow the start."""
    if data.fin is not None:
        if data.fin <= debut:
            raise champ_invalide("fin", f"la fin doit suivre le début ({debut.isoformat()})", data.fin.isoformat())
        minutes = int((data.fin - debut).total_seconds() // 60)
        if minutes > 1440:
            raise champ_invalide("fin", "un rendez-vous dure 24 heures au plus", data.fin.isoformat())
        return minutes
    return data.duree_minutes or actuelle or DUREE_PAR_DEFAUT


def _verifier(session: Session, mesure: Mesure, rdv: RendezVous, instant: datetime) -> None:
    """Rules that hold whatever the way the rendez-vous got there (creation or update)."""
    debut = _aware(rdv.debut)
    if rdv.statut in (StatutRendezVous.realise.value, StatutRendezVous.absent.value) and debut > instant:
        raise champ_invalide(
            "statut",
            f"un rendez-vous daté dans le futur ({debut.astimezone(PARIS):%d/%m/%Y à %H:%M}) "
            f"ne peut pas être « {rdv.statut} » ; "
            "valeurs permises : planifie, annule",
            rdv.statut,
        )
    if debut.astimezone(PARIS).date() < mesure.date_mandatement:
        raise champ_invalide(
            "debut",
            f"ne peut pas précéder le mandatement de la mesure ({mesure.date_mandatement.isoformat()})",
            debut.isoformat(),
        )
    personnes = (rdv.participants or {}).get("personnes") or []
    if personnes:
        du_menage = {str(p) for p in session.exec(select(Personne.id).where(Personne.menage_id == mesure.menage_id))}
        inconnues = [p for p in personnes if p not in du_menage]
        if inconnues:
            raise champ_invalide(
                "participants.personnes",
                "chaque personne présente doit appartenir au ménage de la mesure",
                inconnues,
            )


def _participants(p: Participants | None) -> dict[str, Any]:
    return (p or Participants()).model_dump(mode="json")


def _mesure_porteur(session: Session, principal: Principal, mesure_id: uuid.UUID) -> Mesure:
    mesure, niveau = get_mesure(session, principal, mesure_id, journal=False)
    if niveau != Niveau.porteur:
        raise Interdit("Seule l'association qui porte la mesure gère ses rendez-vous.")
    return mesure


@sans_trace
def creer_rendez_vous(
    session: Session, principal: Principal, *, data: RendezVousCreate, instant: datetime
) -> RendezVousPublic:
    """Plan (or record) a rendez-vous of a mesure. An ended mesure takes only its suivi."""
    mesure = _mesure_porteur(session, principal, data.mesure_id)
    terminee = mesure.statut == StatutMesure.terminee.value
    if terminee and not data.est_suivi:
        raise MesureTerminee(
            f"La mesure {mesure.reference} est terminée depuis le {mesure.date_fin} : "
            "seul le contact du suivi "
            "à 6 mois (est_suivi=true) peut encore être enregistré.",
            etat_actuel=mesure.statut,
        )
    if data.est_suivi and not terminee:
        raise champ_invalide("est_suivi", "le suivi à 6 mois concerne une mesure terminée", True)
    statut = data.statut or StatutRendezVous.planifie
    rdv = RendezVous(
        mesure_id=mesure.id,
        debut=data.debut,
        duree_minutes=_duree(data, data.debut, None),
        type=data.type.value,
        lieu=data.lieu,
        statut=statut.value,
        participants=_participants(data.participants),
        compte_rendu=data.compte_rendu,
        est_suivi=data.est_suivi,
        cree_par_id=principal.id,
    )
    _verifier(session, mesure, rdv, instant)
    session.add(rdv)
    journaliser(session, principal, ActionAudit.creer, RESSOURCE, rdv.id)
    session.flush()
    if rdv.statut == StatutRendezVous.planifie.value:
        # The household is told, if it consented to reminders (api/rappels/).
        rappels.rendez_vous_change(session, rdv=rdv, mesure=mesure, motif=MotifRappel.creation, instant=instant)
    public = to_public(session, rdv, mesure)
    session.commit()
    return public


def get_rendez_vous(session: Session, principal: Principal, rdv_id: uuid.UUID, *, journal: bool = True) -> RendezVous:
    rdv = session.exec(access.visible_rendez_vous(principal).where(RendezVous.id == rdv_id)).first()
    if rdv is None:
        raise Introuvable("Rendez-vous", rdv_id)
    if journal:
        journaliser(session, principal, ActionAudit.lire, RESSOURCE, rdv.id)
    return rdv


def lire_rendez_vous(session: Session, principal: Principal, rdv_id: uuid.UUID) -> RendezVousPublic:
    rdv = get_rendez_vous(session, principal, rdv_id)
    public = to_public(session, rdv)
    session.commit()
    return public


@sans_trace
def modifier_rendez_vous(
    session: Session,
    principal: Principal,
    *,
    rdv_id: uuid.UUID,
    data: RendezVousUpdate,
    if_match: str | None,
    instant: datetime,
) -> RendezVousPublic:
    """Partial update under If-Match; the status moves planifie → realise | annule | absent only."""
    rdv = get_rendez_vous(session, principal, rdv_id, journal=False)
    nom = f"Le rendez-vous du {_aware(rdv.debut).astimezone(PARIS):%d/%m/%Y %H:%M}"
    check_if_match(if_match, rdv.version, nom)
    mesure = session.get(Mesure, rdv.mesure_id)
    assert mesure is not None
    changes = data.model_dump(exclude_unset=True)
    avant = (rdv.statut, _aware(rdv.debut), rdv.lieu, rdv.type)
    if data.statut is not None and data.statut.value != rdv.statut:
        permises = TRANSITIONS[rdv.statut]
        if data.statut.value not in permises:
            raise TransitionRefusee(nom, rdv.statut, data.statut.value, permises)
        rdv.statut = data.statut.value
    debut = data.debut or _aware(rdv.debut)
    if data.debut is not None or data.fin is not None or data.duree_minutes is not None:
        rdv.duree_minutes = _duree(data, debut, rdv.duree_minutes)
        rdv.debut = debut
    if data.type is not None:
        rdv.type = data.type.value
    for champ in ("lieu", "compte_rendu"):
        if champ in changes:
            setattr(rdv, champ, changes[champ])
    if "participants" in changes:
        rdv.participants = _participants(data.participants)
    _verifier(session, mesure, rdv, instant)
    bump_version(session, RendezVous, rdv, nom)
    session.add(rdv)
    journaliser(session, principal, ActionAudit.modifier, RESSOURCE, rdv.id)
    session.flush()
    if avant[0] == StatutRendezVous.planifie.value:
        # A planned rendez-vous cancelled, or moved (date, time, place): the household is told.
        motif = None
        if rdv.statut == StatutRendezVous.annule.value:
            motif = MotifRappel.annulation
        elif rdv.statut == StatutRendezVous.planifie.value and avant[1:] != (_aware(rdv.debut), rdv.lieu, rdv.type):
            motif = MotifRappel.modification
        if motif is not None:
            rappels.rendez_vous_change(session, rdv=rdv, mesure=mesure, motif=motif, instant=instant)
    public = to_public(session, rdv, mesure)
    session.commit()
    return public


def lister_rendez_vous(
    session: Session,
    principal: Principal,
    *,
    page: PageParams,
    mesure_id: uuid.UUID | None = None,
    referent_id: uuid.UUID | None = None,
    du: date | None = None,
    au: date | None = None,
    statut: StatutRendezVous | None = None,
    q: str | None = None,
) -> Page[RendezVousPublic]:
    """Rendez-vous of the association, by mesure, référent of the mesure, period (Paris
    dates) or ``q``: a reference (mesure, ménage) or the name of a person of the household
    (the rendez-vous are the carrying association's, which reads the live file)."""
    if du is not None and au is not None and au < du:
        raise champ_invalide("au", f"la fin de période doit suivre son début ({du.isoformat()})", au.isoformat())
    # The mesure is joined once and the policy's condition read on it
    # (``access.condition_sur_mesure``), the référent too: written as the policy's EXISTS
    # plus an ``IN`` and a join, the page named ``mesure`` three times, and PostgreSQL spent
    # more time planning it (6–17 ms, ``pg_stat_statements.track_planning``) than running it.
    query = (
        select(RendezVous)
        .join(Mesure, col(Mesure.id) == col(RendezVous.mesure_id))
        .where(access.condition_sur_mesure(principal))
    )
    if mesure_id is not None:
        query = query.where(RendezVous.mesure_id == mesure_id)
    if referent_id is not None:
        query = query.where(Mesure.referent_id == referent_id)
    if du is not None:
        query = query.where(col(RendezVous.debut) >= datetime.combine(du, datetime.min.time(), PARIS))
    if au is not None:
        query = query.where(
            col(RendezVous.debut) < datetime.combine(au + timedelta(days=1), datetime.min.time(), PARIS)
        )
    if statut is not None:
        query = query.where(RendezVous.statut == statut.value)
    if q and q.strip():
        motif = motif_like(q.strip())
        recherche_p = _RECHERCHE_MENAGE
        query = query.where(
            or_(
                col(Mesure.reference).ilike(motif, escape="\\"),
                col(Mesure.menage_id).in_(
                    select(recherche_p.id).where(col(recherche_p.reference).ilike(motif, escape="\\"))
                ),
                col(Mesure.menage_id).in_(
                    select(Personne.menage_id).where(
                        col(Personne.nom_recherche).like(motif_like(normaliser(q)), escape="\\")
                    )
                ),
            )
        )
    total = count(session, query)
    # Each row with its mesure's and household's references, in the same statement (one
    # ``session.get`` per row was a quarter of the agenda's time at département scale).
    menage, demandeur = _MENAGE, _DEMANDEUR
    lignes = session.execute(
        query.add_columns(col(Mesure.reference), col(menage.reference), col(demandeur.prenom), col(demandeur.nom))
        .join(menage, col(menage.id) == col(Mesure.menage_id))
        .outerjoin(demandeur, noms.jointure(demandeur, col(menage.id)))
        .order_by(col(RendezVous.debut), col(RendezVous.id))
        .offset(page.offset)
        .limit(page.limit)
    ).all()
    items = [
        _public(rdv, mesure_ref, menage_ref, noms.libelle(prenom, nom))
        for rdv, mesure_ref, menage_ref, prenom, nom in lignes
    ]
    journaliser_liste(session, principal, RESSOURCE, [i.id for i in items])
    session.commit()
    return Page(total=total, limit=page.limit, offset=page.offset, items=items)
