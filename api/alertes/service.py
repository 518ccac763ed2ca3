"""What needs attention in an association's mesures and rendez-vous (issue 4), as a work list.

Each kind of alert is one declaration (``REGLES``): its kind, its label, the rows it reads
(mesures, or rendez-vous with their mesure), its SQL condition, its reference date and its
message. The engine reads the table: one ``UNION ALL`` of the declarations, counted by kind
in one statement (the dashboard's badges) and read one page at a time in another. Nothing
is loaded that is not shown: at département scale a référent's closed mesures, the whole
association's rendez-vous, were read at each call (issue 20: 2.6–11 s, 6 MB).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Integer,
    Uuid,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    type_coerce,
    union_all,
)
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import Session, col, select

from api.alertes import access
from api.alertes.models import AlerteEcartee
from api.alertes.schemas import Alerte, AlerteEcarteePublic, Alertes, Ecartement, Perimetre, TypeAlerte
from api.audit.service import journaliser_liste
from api.auth.principal import Principal
from api.core.errors import Introuvable, champ_invalide
from api.core.fonctions_sql import PARIS, jour_paris, jours_apres, minutes_apres, mois_apres
from api.core.pagination import PageParams
from api.dispositifs.models import Dispositif
from api.menages import noms
from api.menages.models import Menage
from api.mesures.access import Niveau
from api.mesures.models import Mesure, RendezVous, StatutMesure, StatutRendezVous
from api.organisations.models import TypeOrganisation

JOURS_FIN_PROCHE = 30
# Built once (api/menages/noms.py says why).
_DEMANDEUR = noms.demandeur()

# The values of one call, bound into statements whose shape never changes.
_AUJOURDHUI = bindparam("alerte_aujourdhui", type_=Date())
_FIN_PROCHE = bindparam("alerte_fin_proche", type_=Date())
_MANDATEE_AVANT = bindparam("alerte_mandatee_avant", type_=Date())
_DELAI = bindparam("alerte_delai", type_=Integer())
_INSTANT = bindparam("alerte_instant", type_=DateTime(timezone=True))

# Written out, not bound: the partial indexes ix_mesure_ouverte and ix_mesure_suivi_du
# (migration 0036) are usable only when the planner sees the very value, also in the
# generic plan of a statement psycopg has prepared.
_TERMINEE: ColumnElement[str] = literal_column(f"'{StatutMesure.terminee.value}'")
_OUVERTE = col(Mesure.statut) != _TERMINEE
_DEBUT_OU_MANDATEMENT = func.coalesce(col(Mesure.date_debut), col(Mesure.date_mandatement))


@dataclass(frozen=True)
class RegleAlerte:
    """One kind of alert. ``sur_rendez_vous``: its rows are rendez-vous (joined to their
    mesure), otherwise mesures (joined to their dispositif). ``message`` reads a row of the
    page: ``date_reference``, the mesure's ``date_mandatement``, the dispositif's
    ``duree_max_mois``, the rendez-vous' ``debut``, and ``delai``."""

    type: TypeAlerte
    libelle: str
    condition: Callable[[], ColumnElement[bool]]
    date_reference: Callable[[], Any]
    message: Callable[[Mapping[str, Any]], str]
    sur_rendez_vous: bool = False


def _debut_paris(r: Mapping[str, Any]) -> datetime:
    debut: datetime = r["debut"]
    return (debut if debut.tzinfo is not None else debut.replace(tzinfo=UTC)).astimezone(PARIS)


REGLES: tuple[RegleAlerte, ...] = (
    RegleAlerte(
        TypeAlerte.premier_rdv_en_attente,
        "Premier rendez-vous en attente",
        # No held rendez-vous: ``premier_rdv_realise``, kept by the database at each write of
        # a rendez-vous (migration 0041), so the open mesures still waiting are read from
        # their partial index ix_mesure_sans_premier_rdv instead of probing the rendez-vous
        # of every open mesure (28,000 pages for the largest association). The bound date
        # (today − delay) keeps the condition on the column itself: sargable.
        lambda: and_(
            _OUVERTE, col(Mesure.premier_rdv_realise).is_(None), col(Mesure.date_mandatement) <= _MANDATEE_AVANT
        ),
        lambda: jours_apres(col(Mesure.date_mandatement), _DELAI),
        lambda r: f"Mandatée le {r['date_mandatement']:%d/%m/%Y} : aucun rendez-vous réalisé après {r['delai']} jours.",
    ),
    RegleAlerte(
        TypeAlerte.fin_prevue_proche,
        "Fin prévue proche",
        lambda: and_(_OUVERTE, col(Mesure.date_fin_prevue).between(_AUJOURDHUI, _FIN_PROCHE)),
        lambda: col(Mesure.date_fin_prevue),
        lambda r: f"Fin prévue le {r['date_reference']:%d/%m/%Y}.",
    ),
    RegleAlerte(
        TypeAlerte.duree_maximale_depassee,
        "Durée maximale dépassée",
        lambda: and_(
            _OUVERTE,
            col(Dispositif.duree_max_mois).is_not(None),
            mois_apres(_DEBUT_OU_MANDATEMENT, col(Dispositif.duree_max_mois)) < _AUJOURDHUI,
            or_(col(Mesure.derogation_duree_motif).is_(None), col(Mesure.derogation_duree_motif) == ""),
        ),
        lambda: mois_apres(_DEBUT_OU_MANDATEMENT, col(Dispositif.duree_max_mois)),
        lambda r: (
            f"Durée maximale du dispositif ({r['duree_max_mois']} mois) dépassée "
            f"depuis le {r['date_reference']:%d/%m/%Y}, sans dérogation."
        ),
    ),
    RegleAlerte(
        TypeAlerte.suivi_du,
        "Suivi à 6 mois dû",
        # The one kind about closed mesures: only those whose follow-up is due and not done.
        lambda: and_(
            col(Mesure.statut) == _TERMINEE,
            col(Mesure.suivi_date_prevue) <= _AUJOURDHUI,
            col(Mesure.suivi_realise_le).is_(None),
        ),
        lambda: col(Mesure.suivi_date_prevue),
        lambda r: f"Suivi à 6 mois dû depuis le {r['date_reference']:%d/%m/%Y}.",
    ),
    RegleAlerte(
        TypeAlerte.rdv_a_renseigner,
        "Rendez-vous à renseigner",
        # Ended (not merely started) and still « planifié ». ``debut < instant`` is implied
        # by the end; stated, it lets the index on (mesure, statut, …, debut) bound the scan.
        lambda: and_(
            # Written out, not bound: the partial index ix_rendez_vous_planifie_debut
            # (migration 0015) is usable only when the planner sees the very value.
            col(RendezVous.statut) == literal_column(f"'{StatutRendezVous.planifie.value}'"),
            col(RendezVous.debut) < _INSTANT,
            minutes_apres(col(RendezVous.debut), col(RendezVous.duree_minutes)) <= _INSTANT,
        ),
        lambda: jour_paris(col(RendezVous.debut)),
        lambda r: (
            f"Rendez-vous du {_debut_paris(r):%d/%m/%Y à %H:%M} toujours « planifié » : réalisé, annulé ou absent ?"
        ),
        sur_rendez_vous=True,
    ),
)
PAR_TYPE: dict[TypeAlerte, RegleAlerte] = {r.type: r for r in REGLES}


def _lignes(regle: RegleAlerte, principal: Principal, perimetre: Perimetre) -> Any:
    """The rows of one kind: (type, mesure, rendez-vous, reference date, mesure reference)."""
    colonnes: tuple[Any, ...] = (
        literal(regle.type.value).label("type"),
        col(Mesure.id).label("mesure_id"),
        (col(RendezVous.id) if regle.sur_rendez_vous else cast(null(), Uuid())).label("rendez_vous_id"),
        type_coerce(regle.date_reference(), Date()).label("date_reference"),
        col(Mesure.reference).label("mesure_reference"),
    )
    if regle.sur_rendez_vous:
        # The rule's rendez-vous first, from their partial index (few: a held one leaves
        # « planifié »), then their mesures. Written as a join, PostgreSQL estimated
        # thousands of past planned ones and probed each of the association's mesures
        # instead (7,000 pages for a responsable); MATERIALIZED fixes the order.
        candidats = (
            select(RendezVous)
            .where(regle.condition())
            .cte(f"candidats_{regle.type.value}")
            .prefix_with("MATERIALIZED", dialect="postgresql")
        )
        sur_candidats = ClauseAdapter(candidats)
        return (
            select(*(sur_candidats.traverse(c) for c in colonnes))
            .select_from(candidats)
            .join(Mesure, col(Mesure.id) == candidats.c.mesure_id)
            .where(
                sur_candidats.traverse(access.condition_rendez_vous(principal, perimetre)),
                _pas_ecartee(regle, col(AlerteEcartee.rendez_vous_id) == candidats.c.id),
            )
        )
    return (
        select(*colonnes)
        .select_from(Mesure)
        .join(Dispositif, col(Dispositif.id) == col(Mesure.dispositif_id))
        .where(
            access.condition_mesures(principal, perimetre),
            regle.condition(),
            _pas_ecartee(
                regle,
                col(AlerteEcartee.mesure_id) == col(Mesure.id),
                col(AlerteEcartee.date_reference) == type_coerce(regle.date_reference(), Date()),
            ),
        )
    )


def _pas_ecartee(regle: RegleAlerte, *occurrence: ColumnElement[bool]) -> ColumnElement[bool]:
    """Not set aside: no decision about this occurrence (a rendez-vous, or a mesure and its
    reference date) that is for good or not yet due to come back."""
    return ~exists().where(
        *occurrence,
        col(AlerteEcartee.type) == literal_column(f"'{regle.type.value}'"),
        or_(col(AlerteEcartee.jusqu_au).is_(None), col(AlerteEcartee.jusqu_au) > _AUJOURDHUI),
    )


def instruction_alertes(
    principal: Principal,
    perimetre: Perimetre,
    page: PageParams,
    type: TypeAlerte | None,
    regles: Sequence[RegleAlerte] = REGLES,
) -> Any:
    """The one statement of ``lister_alertes``: the rows of the page, then one row per kind
    with its count in ``n``; its values are ``valeurs_alertes`` and the principal's
    ``valeurs_liees()``. ``regles``: the bench (``api/bench/alertes.py``) compares them
    with a former version.

    Built once per shape (kind, type and role of the principal, perimeter, page, kind of
    alert) and kept: built at each call, this statement cost the API 21 ms of Python for
    5 ms of PostgreSQL (cProfile, an agent of the largest association)."""
    return _instruction(
        principal.kind,
        principal.organisation_type,
        principal.role,
        perimetre,
        page.limit,
        page.offset,
        type,
        tuple(regles),
    )


@functools.lru_cache(maxsize=512)
def _instruction(
    kind: str,
    organisation_type: TypeOrganisation,
    role: str,
    perimetre: Perimetre,
    limit: int,
    offset: int,
    type: TypeAlerte | None,
    regles: tuple[RegleAlerte, ...],
) -> Any:
    principal = Principal.en_parametres(kind, organisation_type, role)
    page = PageParams(limit=limit, offset=offset)
    alertes = union_all(*(_lignes(r, principal, perimetre) for r in regles)).cte("alertes")
    ordre = (alertes.c.date_reference, alertes.c.type, alertes.c.mesure_reference, alertes.c.rendez_vous_id)
    choisies = select(alertes)
    if type is not None:
        choisies = choisies.where(alertes.c.type == type.value)
    la_page = choisies.order_by(*ordre).offset(page.offset).limit(page.limit).subquery("page")
    demandeur = _DEMANDEUR
    lignes_page = (
        select(
            la_page,
            col(Mesure.referent_id),
            col(Mesure.date_mandatement),
            col(Menage.reference).label("menage_reference"),
            col(demandeur.prenom).label("demandeur_prenom"),
            col(demandeur.nom).label("demandeur_nom"),
            col(Dispositif.duree_max_mois),
            col(RendezVous.debut),
            cast(null(), Integer()).label("n"),
        )
        .select_from(la_page)
        .join(Mesure, col(Mesure.id) == la_page.c.mesure_id)
        .join(Menage, col(Menage.id) == col(Mesure.menage_id))
        .outerjoin(demandeur, noms.jointure(demandeur, col(Menage.id)))
        .join(Dispositif, col(Dispositif.id) == col(Mesure.dispositif_id))
        .outerjoin(RendezVous, col(RendezVous.id) == la_page.c.rendez_vous_id)
    )
    comptes = select(
        alertes.c.type,
        *(null() for _ in range(11)),
        func.count().label("n"),
    ).group_by(alertes.c.type)
    return union_all(lignes_page, comptes)


def lister_alertes(
    session: Session,
    principal: Principal,
    *,
    perimetre: Perimetre | None,
    aujourdhui: date,
    instant: datetime,
    delai_premier_rdv: int,
    page: PageParams,
    type: TypeAlerte | None = None,
) -> Alertes:
    """The alerts of the current user (mesures they are référent of, rendez-vous they
    planned), or for a responsable the whole association's: oldest reference date first,
    one page, with the count of each kind.

    The access log records the mesures of the page, those the person was shown."""
    access.verifier_acces(principal)
    perimetre = access.perimetre_effectif(principal, perimetre)
    valeurs = valeurs_alertes(aujourdhui, instant, delai_premier_rdv)
    # One statement; the count rows come after the page rows, with ``n`` set and the
    # page's columns empty.
    par_type: dict[TypeAlerte, int] = {}
    rangees: list[Mapping[str, Any]] = []
    valeurs |= principal.valeurs_liees()
    for ligne in session.execute(instruction_alertes(principal, perimetre, page, type), valeurs).mappings():
        if ligne["n"] is not None:
            par_type[TypeAlerte(ligne["type"])] = int(ligne["n"])
        else:
            rangees.append(ligne)
    # A union keeps no order: the page's own, as in its subquery (reference dates first).
    rangees.sort(key=lambda r: (r["date_reference"], r["type"], r["mesure_reference"], str(r["rendez_vous_id"] or "")))
    total = par_type.get(type, 0) if type is not None else sum(par_type.values())
    items = [_alerte({**ligne, "delai": delai_premier_rdv}) for ligne in rangees]
    journaliser_liste(session, principal, "mesure", list(dict.fromkeys(a.mesure_id for a in items)))
    session.commit()
    return Alertes(
        perimetre=perimetre, total=total, par_type=par_type, limit=page.limit, offset=page.offset, items=items
    )


def valeurs_alertes(aujourdhui: date, instant: datetime, delai_premier_rdv: int) -> dict[str, Any]:
    """The values bound into the alerts' statements for one call."""
    return {
        "alerte_aujourdhui": aujourdhui,
        "alerte_fin_proche": aujourdhui + timedelta(days=JOURS_FIN_PROCHE),
        "alerte_mandatee_avant": aujourdhui - timedelta(days=delai_premier_rdv),
        "alerte_delai": delai_premier_rdv,
        "alerte_instant": instant.astimezone(UTC),
    }


def _par_type(session: Session, alertes: Any, valeurs: dict[str, Any]) -> dict[TypeAlerte, int]:
    return {
        TypeAlerte(t): int(n)
        for t, n in session.execute(select(alertes.c.type, func.count()).group_by(alertes.c.type), valeurs).all()
    }


def compter_alertes(
    session: Session, principal: Principal, *, aujourdhui: date, instant: datetime, delai_premier_rdv: int
) -> dict[TypeAlerte, int]:
    """How many alerts of each kind a person has on their own files (``moi``): counts only,
    no row read, so nothing for the access log (the notifications' worker asks this)."""
    access.verifier_acces(principal)
    alertes = union_all(*(_lignes(r, principal, Perimetre.moi) for r in REGLES)).subquery("alertes")
    return _par_type(session, alertes, valeurs_alertes(aujourdhui, instant, delai_premier_rdv))


def _alerte(ligne: Mapping[str, Any]) -> Alerte:
    regle = PAR_TYPE[TypeAlerte(ligne["type"])]
    return Alerte(
        type=regle.type,
        libelle=regle.libelle,
        message=regle.message(ligne),
        date_reference=ligne["date_reference"],
        mesure_id=ligne["mesure_id"],
        mesure_reference=ligne["mesure_reference"],
        menage_reference=ligne["menage_reference"],
        demandeur=noms.libelle(ligne["demandeur_prenom"], ligne["demandeur_nom"]),
        referent_id=ligne["referent_id"],
        rendez_vous_id=ligne["rendez_vous_id"],
    )


def compter_par_referent(
    session: Session, principal: Principal, *, aujourdhui: date, instant: datetime, delai_premier_rdv: int
) -> dict[uuid.UUID | None, int]:
    """How many alerts the association's mesures carry, by their référent (the team's
    caseload, for a responsable): counts only, nothing for the access log."""
    access.verifier_acces(principal)
    perimetre = access.perimetre_effectif(principal, Perimetre.association)
    alertes = union_all(*(_lignes(r, principal, perimetre) for r in REGLES)).subquery("alertes")
    requete = (
        select(col(Mesure.referent_id), func.count())
        .select_from(alertes)
        .join(Mesure, col(Mesure.id) == alertes.c.mesure_id)
        .group_by(col(Mesure.referent_id))
    )
    valeurs = valeurs_alertes(aujourdhui, instant, delai_premier_rdv)
    return {r: int(n) for r, n in session.execute(requete, valeurs).all()}


JOURS_REPORT_MAX = 366


def ecarter_alerte(
    session: Session,
    principal: Principal,
    *,
    data: Ecartement,
    aujourdhui: date,
    instant: datetime,
    delai_premier_rdv: int,
) -> AlerteEcarteePublic:
    """Set one alert aside with its reason, for good or until ``jusqu_au`` (a report). Only
    an alert the person has now (the same list as ``lister_alertes``: their own, the whole
    association's for a responsable) can be set aside; any other is 404."""
    access.verifier_acces(principal)
    perimetre = access.perimetre_effectif(principal, None)
    if data.jusqu_au is not None and not aujourdhui < data.jusqu_au <= aujourdhui + timedelta(days=JOURS_REPORT_MAX):
        raise champ_invalide(
            "jusqu_au",
            f"doit être après aujourd'hui et dans l'année ({aujourdhui.isoformat()} exclu, "
            f"{(aujourdhui + timedelta(days=JOURS_REPORT_MAX)).isoformat()} au plus)",
            data.jusqu_au.isoformat(),
        )
    lignes = _lignes(PAR_TYPE[data.type], principal, perimetre).subquery("occurrence")
    rdv = lignes.c.rendez_vous_id
    trouvee = session.execute(
        select(lignes.c.mesure_id).where(
            lignes.c.mesure_id == data.mesure_id,
            lignes.c.date_reference == data.date_reference,
            rdv.is_(None) if data.rendez_vous_id is None else rdv == data.rendez_vous_id,
        ),
        valeurs_alertes(aujourdhui, instant, delai_premier_rdv),
    ).first()
    if trouvee is None:
        raise Introuvable("Alerte", data.mesure_id)
    ecartee = AlerteEcartee(
        type=data.type.value,
        mesure_id=data.mesure_id,
        rendez_vous_id=data.rendez_vous_id,
        date_reference=data.date_reference,
        motif=data.motif.strip(),
        jusqu_au=data.jusqu_au,
        par_id=principal.id,
    )
    session.add(ecartee)
    session.commit()
    return AlerteEcarteePublic.model_validate(ecartee, from_attributes=True)


def ecartees_lues(
    session: Session, niveaux: Mapping[uuid.UUID, Niveau | None]
) -> dict[uuid.UUID, list[AlerteEcarteePublic]]:
    """The alerts set aside or put off on these mesures (mesure id → how the reader sees
    it), oldest first, for the mesures whose reader reads them (``access.lit_ecartees``:
    the carrying association); one query whatever their number. For the household's
    timeline and export."""
    lues = [mesure_id for mesure_id, niveau in niveaux.items() if access.lit_ecartees(niveau)]
    out: dict[uuid.UUID, list[AlerteEcarteePublic]] = {i: [] for i in lues}
    if lues:
        for e in session.exec(
            select(AlerteEcartee)
            .where(col(AlerteEcartee.mesure_id).in_(lues))
            .order_by(col(AlerteEcartee.le), col(AlerteEcartee.id))
        ):
            out[e.mesure_id].append(AlerteEcarteePublic.model_validate(e, from_attributes=True))
    return out


def libelle(type_alerte: TypeAlerte) -> str:
    """The French name of a kind of alert (« Suivi à 6 mois dû »)."""
    return PAR_TYPE[type_alerte].libelle
