"""The commission's sessions: planning, the agenda, the decisions taken in session, what
waits for a session, and the procès-verbal."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, or_
from sqlmodel import Session, col, select

from api.audit.models import ActionAudit
from api.audit.service import journaliser, journaliser_liste
from api.auth.principal import Principal
from api.core.errors import (
    Conflit,
    Interdit,
    Introuvable,
    Probleme,
    champ_invalide,
)
from api.core.pagination import Page, PageParams, count
from api.dispositifs import service as dispositifs
from api.dispositifs.models import Dispositif
from api.dispositifs.schemas import CIBLE_CONFIDENTIELLE
from api.menages.models import Menage
from api.mesures import service as mesures
from api.organisations.models import Organisation
from api.orientations import access, graphe
from api.orientations import proces_verbal as pv
from api.orientations.decisions import SeanceAVenir, appliquer
from api.orientations.models import (
    Orientation,
    OrientationEvenement,
    SessionCommission,
)
from api.orientations.models import StatutOrientation as S
from api.orientations.schemas import (
    DecisionsSession,
    OrientationEnAttente,
    OrientationPublic,
    SessionCreate,
    SessionPublic,
    SessionUpdate,
    TransitionIn,
)
from api.orientations.service import RESSOURCE, get_orientation, publics


def _session_public(session: Session, s: SessionCommission) -> SessionPublic:
    return _sessions_publiques(session, [s])[0]


def membres(s: SessionCommission) -> list[str]:
    return [m for m in (s.membres_presents or "").split("\n") if m]


def _sessions_publiques(session: Session, sessions: list[SessionCommission]) -> list[SessionPublic]:
    """These sessions with their agendas: one query whatever their number."""
    ordres: dict[uuid.UUID, list[uuid.UUID]] = {s.id: [] for s in sessions}
    a_decider: dict[uuid.UUID, int] = {s.id: 0 for s in sessions}
    if sessions:
        # Plain rows, through the connection: a page of sessions carries thousands of
        # agenda lines at département scale, and building ORM rows for them was 6 % of the
        # API's CPU under ``make bench-capacite`` (py-spy, issue 20).
        for session_id, orientation_id, statut in session.connection().execute(
            select(Orientation.session_commission_id, Orientation.id, Orientation.statut)
            .where(col(Orientation.session_commission_id).in_(list(ordres)))
            .order_by(col(Orientation.reference))
        ):
            if session_id is not None:
                ordres[session_id].append(orientation_id)
                a_decider[session_id] += statut == S.en_commission.value
    jour = mesures.aujourdhui()
    return [
        SessionPublic(
            **s.model_dump(exclude={"membres_presents"}),
            membres_presents=membres(s),
            decidable=not s.close and s.date <= jour,
            ordre_du_jour=ordres[s.id],
            a_decider=a_decider[s.id],
        )
        for s in sessions
    ]


def creer_session(session: Session, principal: Principal, *, data: SessionCreate) -> SessionPublic:
    """A commission session of a dispositif, created by its commission."""
    access.verifier_commission(principal)
    d = session.get(Dispositif, data.dispositif_id)
    if d is None or not access.est_commission(principal, d):
        if d is not None:  # a commission, but not this dispositif's
            raise Interdit("Seule la commission du dispositif organise ses sessions.")
        raise champ_invalide(
            "dispositif_id",
            "dispositif inconnu ou dont vous n'êtes pas la commission",
            str(data.dispositif_id),
        )
    s = SessionCommission(
        dispositif_id=d.id, date=data.date, lieu=data.lieu, membres_presents="\n".join(data.membres_presents) or None
    )
    session.add(s)
    session.flush()
    public = _session_public(session, s)
    session.commit()
    return public


def get_session_commission(session: Session, principal: Principal, session_id: uuid.UUID) -> SessionCommission:
    s = session.exec(access.visible_sessions(principal).where(SessionCommission.id == session_id)).first()
    if s is None:
        raise Introuvable("Session de commission", session_id)
    return s


def lire_session(session: Session, principal: Principal, session_id: uuid.UUID) -> SessionPublic:
    return _session_public(session, get_session_commission(session, principal, session_id))


def lister_sessions(
    session: Session,
    principal: Principal,
    *,
    page: PageParams,
    dispositif_id: uuid.UUID | None = None,
    ouvertes: bool = False,
) -> Page[SessionPublic]:
    """The visible sessions, newest first; ``ouvertes``: only the open ones, the earliest
    first (the secretary's next sittings, and past ones still to decide or close)."""
    query = access.visible_sessions(principal)
    if dispositif_id is not None:
        query = query.where(SessionCommission.dispositif_id == dispositif_id)
    if ouvertes:
        query = query.where(col(SessionCommission.close).is_(False))
    total = count(session, query)
    ordre = col(SessionCommission.date) if ouvertes else col(SessionCommission.date).desc()
    rows = list(session.exec(query.order_by(ordre, col(SessionCommission.id)).offset(page.offset).limit(page.limit)))
    return Page(total=total, limit=page.limit, offset=page.offset, items=_sessions_publiques(session, rows))


def _session_ouverte(session: Session, principal: Principal, session_id: uuid.UUID) -> SessionCommission:
    s = get_session_commission(session, principal, session_id)
    d = dispositifs.get_dispositif(session, s.dispositif_id)
    if not access.est_commission(principal, d):
        raise Interdit("Seule la commission du dispositif inscrit et décide.")
    if s.close:
        raise Conflit(f"La session du {s.date:%d/%m/%Y} est close.")
    return s


def clore_session(session: Session, principal: Principal, *, session_id: uuid.UUID) -> SessionPublic:
    """Close a session: its agenda and decisions are final (its minutes stay readable)."""
    s = _session_ouverte(session, principal, session_id)
    s.close = True
    session.add(s)
    session.flush()
    public = _session_public(session, s)
    session.commit()
    return public


def modifier_session(
    session: Session, principal: Principal, *, session_id: uuid.UUID, data: SessionUpdate
) -> SessionPublic:
    """Date, place and members present of an open session (a closed one's minutes are final)."""
    s = _session_ouverte(session, principal, session_id)
    champs = data.model_dump(exclude_unset=True)
    if "date" in champs:
        s.date = champs["date"]
    if "lieu" in champs:
        s.lieu = champs["lieu"]
    if "membres_presents" in champs:
        s.membres_presents = "\n".join(champs["membres_presents"] or []) or None
    session.add(s)
    session.flush()
    public = _session_public(session, s)
    session.commit()
    return public


def inscrire(
    session: Session,
    principal: Principal,
    *,
    session_id: uuid.UUID,
    orientation_ids: list[uuid.UUID],
) -> SessionPublic:
    """Put referrals on a session's agenda (soumise, ajournee or attente_infos → en_commission),
    all or nothing."""
    s = _session_ouverte(session, principal, session_id)
    for oid in orientation_ids:
        o = get_orientation(session, principal, oid)
        if o.dispositif_id != s.dispositif_id:
            raise champ_invalide("orientation_ids", "orientation d'un autre dispositif", str(oid))
        if S(o.statut) == S.en_commission:
            o.session_commission_id = s.id
            session.add(o)
            continue
        appliquer(
            session,
            principal,
            o,
            # Placed on the agenda today for a sitting to come: the move happens now (a
            # transition is never dated in the future); for a past sitting, on its date.
            TransitionIn(vers_statut=S.en_commission, date_effet=min(s.date, mesures.aujourdhui())),
            session_commission_id=s.id,
        )
    session.flush()
    public = _session_public(session, s)
    session.commit()
    return public


def decider_session(
    session: Session, principal: Principal, *, session_id: uuid.UUID, data: DecisionsSession
) -> list[OrientationPublic]:
    """The decisions of a whole session in one transaction: if one is refused, none is kept."""
    s = _session_ouverte(session, principal, session_id)
    jour = mesures.aujourdhui()
    if s.date > jour:
        raise SeanceAVenir(
            f"La séance du {s.date:%d/%m/%Y} n'a pas encore eu lieu : ses décisions s'enregistrent à partir "
            f"de cette date (nous sommes le {jour:%d/%m/%Y}). Aucune décision n'a été enregistrée.",
            date_seance=s.date.isoformat(),
            aujourd_hui=jour.isoformat(),
        )
    resultats = []
    for i, decision in enumerate(data.decisions):
        o = get_orientation(session, principal, decision.orientation_id)
        if o.session_commission_id != s.id:
            raise champ_invalide(f"decisions.{i}.orientation_id", "orientation absente de l'ordre du jour", str(o.id))
        transition = TransitionIn(**decision.model_dump(exclude={"orientation_id"}))
        if transition.date_effet is None:
            transition.date_effet = s.date
        try:
            appliquer(session, principal, o, transition, session_commission_id=s.id)
        except Probleme as exc:
            session.rollback()  # all or nothing: the decisions already applied are undone
            exc.detail = f"Décision n° {i + 1} ({o.reference}) : {exc.detail} Aucune décision n'a été enregistrée."
            exc.extra.setdefault("decision", i)
            raise
        resultats.append(o)
    out = publics(session, principal, resultats)
    session.commit()
    return out


# Statuses that wait for a sitting whatever their session: received, adjourned, awaiting
# information (« en commission » waits only without an open session to decide it).
EN_ATTENTE = (S.soumise, S.ajournee, S.attente_infos)


def lister_attente(
    session: Session, principal: Principal, *, page: PageParams, dispositif_id: uuid.UUID | None = None
) -> Page[OrientationEnAttente]:
    """The referrals waiting for a sitting of the reader's commission, the longest waiting
    first: received, adjourned or awaiting information, or « en commission » on no open
    session's agenda (none yet, or a closed one that did not decide them)."""
    seance_ouverte = exists().where(
        col(SessionCommission.id) == Orientation.session_commission_id, col(SessionCommission.close).is_(False)
    )
    query = access.visible_orientations(principal).where(
        access.condition_decideuse(principal),
        or_(
            col(Orientation.statut).in_([x.value for x in EN_ATTENTE]),
            and_(col(Orientation.statut) == S.en_commission.value, ~seance_ouverte),
        ),
    )
    if dispositif_id is not None:
        query = query.where(Orientation.dispositif_id == dispositif_id)
    total = count(session, query)
    rows = list(
        session.exec(
            query.order_by(col(Orientation.date_reception).asc().nulls_last(), col(Orientation.reference))
            .offset(page.offset)
            .limit(page.limit)
        )
    )
    journaliser_liste(session, principal, RESSOURCE, [o.id for o in rows])
    jour = mesures.aujourdhui()
    items = [
        OrientationEnAttente(
            **p.model_dump(),
            jours_attente=max(0, (jour - (o.date_reception or o.cree_le.date())).days),
        )
        for o, p in zip(rows, publics(session, principal, rows), strict=True)
    ]
    session.commit()
    return Page(total=total, limit=page.limit, offset=page.offset, items=items)


FORMATS_PV: dict[str, tuple[str, Callable[[pv.ProcesVerbal], bytes]]] = {
    "csv": ("text/csv; charset=utf-8", pv.en_csv),
    "pdf": ("application/pdf", pv.en_pdf),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", pv.en_docx),
}


def _lire_proces_verbal(
    lu: Session, principal: Principal, s: SessionCommission
) -> tuple[pv.ProcesVerbal, list[uuid.UUID]]:
    """The decisions taken at this session, read from the events (so a referral adjourned
    here then accepted later keeps its line here), each fact as this reader may read it:
    a commission's comment for the commission and its author, a sensitive cible for those
    who decide or carry the file (« cible confidentielle » for the others)."""
    from api.mesures.models import Mesure

    decisions = list(
        lu.exec(
            select(OrientationEvenement, Orientation)
            .join(Orientation, col(Orientation.id) == OrientationEvenement.orientation_id)
            .where(
                OrientationEvenement.session_commission_id == s.id,
                col(OrientationEvenement.vers_statut).in_([x.value for x in graphe.DECISIONS]),
            )
            .order_by(col(Orientation.reference), col(OrientationEvenement.quand))
        )
    )
    d = dispositifs.get_dispositif(lu, s.dispositif_id)
    org_ids = {d.commission_id} | {
        x for _, o in decisions for x in (o.prescripteur_organisation_id, o.association_id) if x
    }
    orgs = {org.id: org.nom for org in lu.exec(select(Organisation).where(col(Organisation.id).in_(org_ids)))}
    cibles = {c.code: c for c in dispositifs.cibles(lu, s.dispositif_id)}
    types = {t.code: t.libelle for t in dispositifs.types_accompagnement(lu, s.dispositif_id)}
    menages_ = {
        m.id: m.reference
        for m in lu.exec(select(Menage).where(col(Menage.id).in_({o.menage_id for _, o in decisions})))
    }
    mesure_ids = {o.mesure_id for _, o in decisions if o.mesure_id}
    refs_mesures = dict(lu.exec(select(Mesure.id, Mesure.reference).where(col(Mesure.id).in_(mesure_ids))).all())
    lignes = []
    for ev, o in decisions:
        accepte = ev.vers_statut == S.acceptee.value
        cible = cibles.get(o.cible_code or "") if accepte else None
        libelle_cible = cible.libelle if cible else ""
        if cible is not None and cible.sensible and not access.lit_cible_sensible(principal, o, d.commission_id):
            libelle_cible = CIBLE_CONFIDENTIELLE
        lignes.append(
            pv.LignePV.depuis_codes(
                reference_orientation=o.reference,
                reference_menage=menages_.get(o.menage_id, ""),
                origine=o.origine,
                prescripteur=orgs.get(o.prescripteur_organisation_id, ""),
                acces_maintien=o.acces_maintien,
                decision=ev.vers_statut,
                date_decision=ev.date_effet,
                motif_refus=ev.motif,
                association=orgs.get(o.association_id, "") if accepte and o.association_id else "",
                cible=libelle_cible,
                type_accompagnement=types.get(o.type_accompagnement_code or "", "") if accepte else "",
                reference_mesure=refs_mesures.get(o.mesure_id, "") if accepte and o.mesure_id else "",
                commentaire=(ev.commentaire or "")
                if access.voit_commentaire(principal, d.commission_id, ev.organisation_id)
                else "",
            )
        )
    document = pv.ProcesVerbal(
        instance=orgs.get(d.commission_id, "Commission"),
        dispositif=d.nom,
        date=s.date,
        lieu=s.lieu,
        membres_presents=membres(s),
        close=s.close,
        edite_le=datetime.now(ZoneInfo("Europe/Paris")),
        lignes=lignes,
    )
    return document, sorted({o.id for _, o in decisions})


def proces_verbal(
    session: Session,
    principal: Principal,
    *,
    session_id: uuid.UUID,
    format: str,
    lecture: Session | None = None,
) -> tuple[str, bytes, str]:
    """The minutes of a session as a file (``format``: csv, pdf or docx): its name, its
    bytes and its media type. Logged as an export: read through ``lecture`` (the read
    replica, when there is one), logged and committed through ``session`` (the primary)."""
    media, rendu = FORMATS_PV[format]
    lu = lecture if lecture is not None else session
    s = get_session_commission(lu, principal, session_id)
    document, ids = _lire_proces_verbal(lu, principal, s)
    contenu = rendu(document)
    journaliser(session, principal, ActionAudit.exporter, "session_commission", s.id, nombre=len(ids))
    journaliser_liste(session, principal, RESSOURCE, ids)
    session.commit()
    return f"{document.nom_fichier}.{format}", contenu, media
