"""Indicators: every table of the seed reports, computed by the database.

Every figure is an aggregate (GROUP BY) over the perimeter of the caller
(``access.py``) and the filters; Python only shapes the grouped rows into
tables (a few thousand groups at most, never the files themselves). Everything
counted in mesures comes from one statement (``_Requetes.passe_mesures``: the
mesures of the scope selected once, each grouping a GROUP BY over them, UNION
ALL — the same SQL on SQLite and PostgreSQL); tables share groupings: the file
active is grouped once by cible × age × sexe × statut × accès/maintien, and
each of those tables is a margin of it.

Definitions (also in each table's ``definition`` and in docs/indicateurs.md):

* a mesure is active on day J when ``date_mandatement <= J < date_fin``
  (``date_fin`` null: still running). The file active at D is the mesures
  active on D: mandated on or before D and not ended on or before D;
* a mesure's cible, type, statut, accès/maintien and modalité de logement are those
  in force on the date the table speaks of (``mesure_historique``,
  api/mesures/historique.py): a later event never moves a past bilan;
* the demandeur's age is the age at that date, to the month (default), or at entry
  (``age=a_l_entree``); sex, composition, resources… are those of the situation at
  entry (the snapshot taken at mandatement), so no figure joins the persons and
  retention moves none (api/mesures/entree.py, docs/indicateurs.md);
* a month of the period counts for a mesure when it was active at least one
  day of that month (months cut to the period); mois-mesures add them up.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Numeric,
    String,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause, Select
from sqlmodel import Session

from api.audit.service import journaliser_liste
from api.auth.principal import Principal
from api.core.errors import ErreurValidation, Introuvable, champ_invalide
from api.dispositifs.models import Cible, Convention, Dispositif, TypeAccompagnement
from api.indicateurs import access, secret
from api.indicateurs.libelles import LIBELLES, libelle
from api.indicateurs.rendu import en_csv as en_csv  # the router's names (rendering: rendu.py)
from api.indicateurs.rendu import en_xlsx as en_xlsx
from api.indicateurs.schemas import (
    Cellule,
    DetailCellule,
    Dimension,
    DocumentIndicateurs,
    ElementDetail,
    Modalite,
    ModeAge,
    Parametres,
    Tableau,
    Unite,
)
from api.indicateurs.sql import (
    age_au_mois,
    annee_mois,
    codes_tranches,
    jour,
    jours_entre,
    mois_entre,
    partie,
    table,
    tranche,
)
from api.menages.models import Menage
from api.mesures.entree import CLASSES_AGE
from api.mesures.historique import ATTRIBUTS as ATTRIBUTS_HISTORIQUE
from api.mesures.models import Mesure as MesureModel
from api.mesures.models import MesureDetteEntree, MesureDomaine, MesureHistorique, MesureRessourceEntree, RendezVous
from api.organisations.models import Organisation
from api.orientations.models import Orientation as OrientationModel
from api.orientations.models import OrientationEvenement

TRANCHES_AGE_DEFAUT = (20, 30, 40, 50, 60, 70, 80)
DECISIONS = (
    "acceptee",
    "ajournee",
    "attente_infos",
    "liste_attente",
    "refusee",
    "refus_beneficiaire",
)
# Brackets of the duration of a sortie in full months: (upper bound, code); then 36_plus.
DUREES = ((6, "moins_6"), (12, "6_12"), (24, "12_24"), (36, "24_36"))
MINIMA_SOCIAUX = ("aah", "rsa", "are")
MAX_MOIS = 120
TOTAL = "total"


@dataclass(frozen=True)
class Filtres:
    du: date
    au: date
    dispositif: uuid.UUID | None = None
    association: uuid.UUID | None = None
    commune: tuple[str, ...] = ()
    cible: str | None = None
    tranches_age: tuple[int, ...] = TRANCHES_AGE_DEFAUT
    age: ModeAge = ModeAge.au_jour


def filtres(
    *,
    du: date | None,
    au: date | None,
    dispositif: uuid.UUID | None = None,
    association: uuid.UUID | None = None,
    commune: Sequence[str] = (),
    cible: str | None = None,
    tranches_age: str | None = None,
    age: ModeAge | None = None,
) -> Filtres:
    """Validated parameters: ``au`` defaults to today, ``du`` to January 1st of ``au``'s year."""
    au = au or date.today()
    du = du or date(au.year, 1, 1)
    if du > au:
        raise champ_invalide("du", "la date de début doit précéder la date de fin", du.isoformat())
    if (au.year - du.year) * 12 + au.month - du.month + 1 > MAX_MOIS:
        raise champ_invalide("du", f"la période couvre au plus {MAX_MOIS} mois", du.isoformat())
    bornes: tuple[int, ...] = TRANCHES_AGE_DEFAUT
    if tranches_age:
        try:
            bornes = tuple(int(x) for x in tranches_age.split(","))
        except ValueError:
            raise champ_invalide(
                "tranches_age", "liste d'entiers séparés par des virgules attendue", tranches_age
            ) from None
        if not (2 <= len(bornes) <= 15) or list(bornes) != sorted(set(bornes)) or bornes[0] < 0 or bornes[-1] > 130:
            raise champ_invalide(
                "tranches_age",
                "de 2 à 15 bornes strictement croissantes entre 0 et 130 (ex. 20,30,40)",
                tranches_age,
            )
    return Filtres(
        du=du,
        au=au,
        dispositif=dispositif,
        association=association,
        commune=tuple(commune),
        cible=cible,
        tranches_age=bornes,
        age=age or ModeAge.au_jour,
    )


def _mois_periode(du: date, au: date) -> list[tuple[str, date, date]]:
    """Calendar months of the period, cut to it: (YYYY-MM, first day, last day)."""
    out = []
    y, m = du.year, du.month
    while (y, m) <= (au.year, au.month):
        suivant = date(y + (m == 12), m % 12 + 1, 1)
        out.append((f"{y:04d}-{m:02d}", max(date(y, m, 1), du), min(suivant - timedelta(days=1), au)))
        y, m = suivant.year, suivant.month
    return out


def _ym(v: Any) -> str:
    n = int(v)
    return f"{n // 100:04d}-{n % 100:02d}"


# --- table shaping ---------------------------------------------------------------


def _modalites(liste: str, vus: Iterable[str] = (), connus: Sequence[tuple[str, str]] | None = None) -> list[Modalite]:
    base = list(connus) if connus is not None else list(LIBELLES[liste].items())
    codes = {c for c, _ in base}
    extra = sorted({v for v in vus if v not in codes})
    return [Modalite(code=c, libelle=lib) for c, lib in base] + [
        Modalite(code=c, libelle=libelle(liste, c)) for c in extra
    ]


def _pct(v: float | None, base: float | None) -> float | None:
    if v is None or not base:
        return None
    return round(100 * v / base, 1)


@dataclass
class _Spec:
    code: str
    titre: str
    definition: str
    unite: Unite
    detail: bool = True


def _t0(spec: _Spec, dim: Dimension, valeurs: dict[str, float | None]) -> Tableau:
    """A table of named figures (no total): one cell per value of ``dim``."""
    cellules = [
        Cellule(dimensions={dim.code: m.code}, cle=f"{dim.code}={m.code}", valeur=valeurs.get(m.code))
        for m in dim.valeurs
    ]
    return Tableau(
        code=spec.code,
        titre=spec.titre,
        definition=spec.definition,
        unite=spec.unite,
        dimensions=[dim],
        cellules=cellules,
        detail_disponible=spec.detail,
    )


def _t1(
    spec: _Spec,
    dim: Dimension,
    valeurs: Mapping[str, float],
    *,
    pct: bool = False,
    base_pct: float | None = None,
    total: float | None = None,
) -> Tableau:
    """One dimension, every value shown (0 when absent), and a total cell."""
    tot = total if total is not None else sum(valeurs.get(m.code, 0) for m in dim.valeurs)
    base = base_pct if base_pct is not None else tot
    cellules = [
        Cellule(
            dimensions={dim.code: m.code},
            cle=f"{dim.code}={m.code}",
            valeur=valeurs.get(m.code, 0),
            pourcentage=_pct(valeurs.get(m.code, 0), base) if pct else None,
        )
        for m in dim.valeurs
    ]
    cellules.append(
        Cellule(
            dimensions={dim.code: TOTAL},
            cle=TOTAL,
            valeur=tot,
            total=True,
            pourcentage=_pct(tot, base) if pct else None,
        )
    )
    return Tableau(
        code=spec.code,
        titre=spec.titre,
        definition=spec.definition,
        unite=spec.unite,
        dimensions=[dim],
        cellules=cellules,
        detail_disponible=spec.detail,
    )


def _t2(spec: _Spec, d1: Dimension, d2: Dimension, valeurs: dict[tuple[str, str], float]) -> Tableau:
    """Two dimensions (rows × columns) with their margins and the grand total."""
    cellules = []
    for a in [*d1.valeurs, None]:
        for b in [*d2.valeurs, None]:
            ka = a.code if a else TOTAL
            kb = b.code if b else TOTAL
            v = sum(n for (x, y), n in valeurs.items() if (a is None or x == ka) and (b is None or y == kb))
            cle = ";".join(f"{d.code}={k}" for d, k in ((d1, ka), (d2, kb)) if k != TOTAL) or TOTAL
            cellules.append(
                Cellule(
                    dimensions={d1.code: ka, d2.code: kb},
                    cle=cle,
                    valeur=v,
                    total=a is None or b is None,
                )
            )
    return Tableau(
        code=spec.code,
        titre=spec.titre,
        definition=spec.definition,
        unite=spec.unite,
        dimensions=[d1, d2],
        cellules=cellules,
        detail_disponible=spec.detail,
    )


def _nombre(v: Any) -> int | float | None:
    """An aggregate as Python number: an integer when it is one (SUM/COUNT come back as
    Decimal from PostgreSQL's NUMERIC, as int or float from SQLite)."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() else float(v)


def _moyenne_mediane(distribution: Sequence[tuple[Any, Any]]) -> dict[str, float | None]:
    """Count, mean and median of a distribution given as (value, how many) pairs; the
    median of an even count is the mean of the two middle values."""
    valeurs = sorted((int(x), int(k)) for x, k in distribution if k)
    n = sum(k for _, k in valeurs)
    if not n:
        return {"nombre": 0, "moyenne": None, "mediane": None}
    rangs, cumul, milieu = {(n + 1) // 2, (n + 2) // 2}, 0, []
    for x, k in valeurs:
        milieu += [x for r in rangs if cumul < r <= cumul + k]
        cumul += k
    return {
        "nombre": n,
        "moyenne": round(sum(x * k for x, k in valeurs) / n, 1),
        "mediane": round(sum(milieu) / len(milieu), 1),
    }


def _marge(rows: Iterable[Sequence[Any]], idx: Sequence[int], val: int) -> dict[Any, float]:
    """Sum the grouped counts over the other dimensions (rows are groups, not files)."""
    out: dict[Any, float] = defaultdict(float)
    for r in rows:
        key = r[idx[0]] if len(idx) == 1 else tuple(r[i] for i in idx)
        out[key] += r[val] or 0
    return {k: int(v) if float(v).is_integer() else v for k, v in out.items()}


# --- the queries -------------------------------------------------------------------


class _Requetes:
    """Expressions and queries for one principal and one set of filters."""

    def __init__(self, session: Session, principal: Principal, f: Filtres) -> None:
        self.session, self.principal, self.f = session, principal, f
        self.dialect = session.get_bind().dialect.name
        self.m = table(MesureModel)
        self.o = table(OrientationModel)
        self.ev = table(OrientationEvenement)
        m = self.m
        d = f.au
        # What was in force at D (api/mesures/historique.py): the history periods that
        # contain D, one row per mesure that changed since (a LEFT JOIN; a mesure without
        # such a period has had its current values since D). ``a_x`` tells a period found
        # from none: a modalité may have been « none » at D.
        mh = table(MesureHistorique)
        self.h = (
            select(
                mh.c.mesure_id,
                *(
                    e
                    for a in ATTRIBUTS_HISTORIQUE
                    for e in (
                        func.max(case((mh.c.attribut == a, 1))).label(f"a_{a}"),
                        func.max(case((mh.c.attribut == a, mh.c.valeur))).label(a),
                    )
                ),
            )
            .where(mh.c.du <= d, mh.c.jusqu_au > d)
            .group_by(mh.c.mesure_id)
            .subquery("h")
        )
        self.m_h: FromClause = m.outerjoin(self.h, self.h.c.mesure_id == m.c.id)

        def au_jour(attribut: str) -> ColumnElement[Any]:
            return case(
                (self.h.c[f"a_{attribut}"] == 1, self.h.c[attribut]),
                else_=m.c[ATTRIBUTS_HISTORIQUE[attribut]],
            )

        self.au_jour = au_jour
        conds: list[ColumnElement[bool]] = [access.condition_mesures(principal)]
        if f.dispositif:
            conds.append(m.c.dispositif_id == f.dispositif)
        if f.association:
            conds.append(m.c.association_id == f.association)
        if f.commune:
            conds.append(m.c.entree_commune_insee.in_(f.commune))
        if f.cible:
            # the cible in force at D (a correlated probe: the scope is also used by
            # queries that do not join the history)
            periode = (
                select(mh.c.valeur)
                .where(
                    mh.c.mesure_id == m.c.id,
                    mh.c.attribut == "cible",
                    mh.c.du <= d,
                    mh.c.jusqu_au > d,
                )
                .limit(1)
                .scalar_subquery()
            )
            conds.append(func.coalesce(periode, m.c.cible_code) == f.cible)
        self.scope_m = and_(*conds)
        self.fa = and_(self.scope_m, m.c.date_mandatement <= d, or_(m.c.date_fin.is_(None), m.c.date_fin > d))
        # The demandeur's age: at D from the month and year of birth, or at entry; both
        # recorded on the mesure (api/mesures/entree.py): no join to the persons, and
        # retention does not move them. Literal constants: the expression is grouped.
        if f.age == ModeAge.a_l_entree:
            self.age: ColumnElement[Any] = m.c.entree_age_demandeur
        else:
            self.age = age_au_mois(m.c.entree_naissance_demandeur, d)
        nr = literal("non_renseigne")
        self.dims_fa: dict[str, ColumnElement[Any]] = {
            "cible": au_jour("cible"),
            "tranche_age": tranche(self.age, f.tranches_age),
            "sexe": func.coalesce(m.c.entree_sexe_demandeur, nr),
            "statut_mesure": au_jour("statut"),
            "acces_maintien": au_jour("acces_maintien"),
            "modalite_logement": func.coalesce(au_jour("modalite_logement"), nr),
            "type_accompagnement": au_jour("type_accompagnement"),
            "composition": func.coalesce(m.c.entree_composition, nr),
            "statut_occupation": func.coalesce(m.c.entree_statut_occupation, nr),
            # the reception date recorded at entry: no join to the orientations
            "annee_orientation": partie("year", func.coalesce(m.c.entree_reception_orientation, m.c.date_mandatement)),
            "commune": func.coalesce(m.c.entree_commune_insee, nr),
        }
        self.entrees = and_(self.scope_m, m.c.date_mandatement >= f.du, m.c.date_mandatement <= f.au)
        self.sorties = and_(self.scope_m, m.c.date_fin >= f.du, m.c.date_fin <= f.au)
        # Active at least one day of the period.
        self.periode = and_(
            self.scope_m,
            m.c.date_mandatement <= f.au,
            or_(m.c.date_fin.is_(None), m.c.date_fin > f.du),
        )
        debut = func.coalesce(m.c.date_debut, m.c.date_mandatement)
        duree = mois_entre(debut, m.c.date_fin)
        self.dims_sorties: dict[str, ColumnElement[Any]] = {
            "mois": annee_mois(m.c.date_fin),
            "motif_fin": func.coalesce(m.c.motif_fin, nr),
            "situation_sortie": func.coalesce(m.c.situation_sortie, nr),
            "duree": case(*((duree < b, code) for b, code in DUREES), else_="36_plus"),
        }
        o = self.o
        oconds: list[ColumnElement[bool]] = [access.condition_orientations(principal)]
        if f.dispositif:
            oconds.append(o.c.dispositif_id == f.dispositif)
        if f.association:
            oconds.append(o.c.association_id == f.association)
        if f.cible:
            oconds.append(func.coalesce(o.c.cible_code, o.c.cible_proposee_code) == f.cible)
        if f.commune:
            men = table(Menage)
            oconds.append(exists().where(men.c.id == o.c.menage_id, men.c.commune_insee.in_(f.commune)))
        self.scope_o = and_(*oconds)
        self.recues = and_(self.scope_o, o.c.date_reception >= f.du, o.c.date_reception <= f.au)
        self.date_ev = func.coalesce(self.ev.c.date_effet, jour(self.ev.c.quand, self.dialect))
        self.from_dec: FromClause = self.ev.join(o, o.c.id == self.ev.c.orientation_id)
        self.decisions = and_(
            self.scope_o,
            self.ev.c.vers_statut.in_(DECISIONS),
            self.date_ev >= f.du,
            self.date_ev <= f.au,
        )
        self.motif_refus = func.coalesce(self.ev.c.motif, o.c.motif_refus, nr)

    def grouper(
        self,
        from_: FromClause,
        where: ColumnElement[bool],
        dims: dict[str, ColumnElement[Any]],
        valeurs: dict[str, ColumnElement[Any]] | None = None,
        aggs: Callable[[Any], list[Any]] | None = None,
    ) -> list[Sequence[Any]]:
        """GROUP BY the named expressions. They are computed in a subquery and grouped by
        name outside: PostgreSQL would not match a CASE with bound parameters repeated in
        GROUP BY."""
        cols = [e.label(k) for k, e in dims.items()] + [e.label(k) for k, e in (valeurs or {}).items()]
        sub = select(*cols).select_from(from_).where(where).subquery()
        keys = [sub.c[k] for k in dims]
        agg = aggs(sub.c) if aggs else [func.count()]
        return [tuple(r) for r in self.session.execute(select(*keys, *agg).group_by(*keys))]

    def une(self, q: Any) -> Sequence[Any]:
        return tuple(self.session.execute(q).one())

    def passe_mesures(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every mesure-based grouping of the document in one statement.

        The mesures of the scope that matter for the period are selected once (a
        materialised CTE: one index scan of ``mesure``, with their entry snapshot and
        the flags of each population), then each grouping is a GROUP BY over that row
        set, and the groupings are put together with UNION ALL — the same SQL on SQLite
        and PostgreSQL, so the same figures. Returns, per grouping, its rows as
        ``(key…, aggregate…)`` like :meth:`grouper`.
        """
        f, m = self.f, self.m
        dia = self.dialect
        fa = and_(m.c.date_mandatement <= f.au, or_(m.c.date_fin.is_(None), m.c.date_fin > f.au))
        entree = and_(m.c.date_mandatement >= f.du, m.c.date_mandatement <= f.au)
        sortie = and_(m.c.date_fin >= f.du, m.c.date_fin <= f.au)
        periode = and_(m.c.date_mandatement <= f.au, or_(m.c.date_fin.is_(None), m.c.date_fin > f.du))
        suivi = and_(m.c.suivi_date_prevue >= f.du, m.c.suivi_date_prevue <= f.au)
        n_mois = len(_mois_periode(f.du, f.au))

        def rang(d: Any) -> Any:
            return (partie("year", d) - f.du.year) * 12 + partie("month", d) - f.du.month

        rdv = table(RendezVous)
        # First held rendez-vous (not a follow-up): one probe of a partial index per entry.
        premier_rdv = (
            select(func.min(rdv.c.debut))
            .where(rdv.c.mesure_id == m.c.id, rdv.c.statut == "realise", rdv.c.est_suivi == false())
            .scalar_subquery()
        )
        cols: dict[str, ColumnElement[Any]] = {
            # The populations are boolean columns, never NULL: PostgreSQL then estimates
            # half of the rows for ``WHERE p.fa`` and hash-joins the entry tables (``= 1``
            # would be estimated at 0.5 %: nested loops, one index probe per mesure).
            "fa": fa,
            "en": entree,
            "so": and_(m.c.date_fin.is_not(None), sortie),
            "pe": periode,
            "su": and_(m.c.suivi_date_prevue.is_not(None), suivi),
            # a mesure active on [mandatement, fin): spans count its months of the period
            "sp": and_(periode, or_(m.c.date_fin.is_(None), m.c.date_fin > m.c.date_mandatement)),
            **{k: self.dims_fa[k] for k in self.dims_fa},
            "age": self.age,
            **{c: m.c[c] for c, _ in CLASSES_AGE},
            "procedures": case(
                (m.c.entree_nb_procedures_expulsion >= 3, "3_plus"),
                else_=sql_cast(m.c.entree_nb_procedures_expulsion, String),
            ),
            "dette": m.c.entree_dette_locative,
            "mois_entree": annee_mois(m.c.date_mandatement),
            # The duration bracket of a sortie: full months computed once, and only for the
            # sorties (a CASE over ``mois_entre`` repeats its six date_part calls per
            # bracket: 24 per row of the whole CTE, a third of its cost at 45 000 rows);
            # the brackets are read in the grouping (``duree`` below).
            **{k: e for k, e in self.dims_sorties.items() if k != "duree"},
            "duree_mois": case(
                (
                    sortie,
                    mois_entre(func.coalesce(m.c.date_debut, m.c.date_mandatement), m.c.date_fin),
                )
            ),
            "premier": case((m.c.date_mandatement < f.du, 0), else_=rang(m.c.date_mandatement)),
            "dernier": case(
                (or_(m.c.date_fin.is_(None), m.c.date_fin > f.au), n_mois - 1),
                else_=rang(m.c.date_fin) - case((partie("day", m.c.date_fin) == 1, 1), else_=0),
            ),
            "suivi_fait": case((m.c.suivi_realise_le.is_not(None), 1), else_=0),
            "delai_rdv": case((entree, jours_entre(m.c.date_mandatement, jour(premier_rdv, dia), dia))),
        }
        p_sel = (
            select(m.c.id, m.c.menage_id, *(e.label(k) for k, e in cols.items()))
            .select_from(self.m_h)
            .where(self.scope_m, or_(periode, entree, sortie, suivi))
        )
        p = p_sel.cte("p").prefix_with("MATERIALIZED")
        res, det, dom = (
            table(MesureRessourceEntree),
            table(MesureDetteEntree),
            table(MesureDomaine),
        )
        n = func.count()
        # Literal bounds and codes: a bound parameter would be a different one in GROUP BY.
        duree = case(
            *((p.c.duree_mois < literal_column(str(borne)), literal_column(f"'{code}'")) for borne, code in DUREES),
            else_=literal_column("'36_plus'"),
        )
        age_cols = [func.sum(p.c[c]) for c, _ in CLASSES_AGE]
        fa_ = p.c.fa
        # The entry tables are read for the CTE's mesures only, by primary-key probes
        # (``mesure_id IN (SELECT id FROM p …)``): joined to the CTE, whose ids have no
        # statistics, PostgreSQL hashed the whole tables instead (208 000, 117 000 and
        # 366 000 rows for 22 000 to 37 000 mesures). Same rows: p.id is unique.
        r = (
            select(res.c.mesure_id, res.c.type)
            .where(res.c.mesure_id.in_(select(p.c.id).where(fa_)))
            .cte("r")
            .prefix_with("MATERIALIZED")
        )
        # (name, from, where, keys, aggregates)
        groupes: list[tuple[str, Any, Any, list[Any], list[Any]]] = [
            (
                "a",
                p,
                fa_,
                [p.c[k] for k in ("cible", "tranche_age", "sexe", "statut_mesure", "acces_maintien")],
                [n, func.min(p.c.age), func.max(p.c.age), *age_cols],
            ),
            (
                "b",
                p,
                fa_,
                [
                    p.c[k]
                    for k in (
                        "modalite_logement",
                        "composition",
                        "statut_occupation",
                        "annee_orientation",
                    )
                ],
                [n],
            ),
            ("commune", p, fa_, [p.c.commune], [n]),
            ("type_accompagnement", p, fa_, [p.c.type_accompagnement], [n]),
            (
                "procedures",
                p,
                fa_,
                [p.c.procedures],
                [n, func.sum(case((p.c.dette > 0, 1), else_=0)), func.sum(p.c.dette)],
            ),
            # (mesure_id, type) is the key of the entry snapshot: once per type without
            # DISTINCT; the resources of the file active are joined once for both groupings.
            ("ressources", r, true(), [r.c.type], [n]),
            (
                "minima",
                r,
                r.c.type.in_(MINIMA_SOCIAUX),
                [],
                [func.count(r.c.mesure_id.distinct())],
            ),
            (
                "dettes",
                det,
                det.c.mesure_id.in_(select(p.c.id).where(fa_)),
                [det.c.type],
                [n, func.sum(det.c.montant)],
            ),
            ("entrees", p, p.c.en, [p.c.mois_entree], [n]),
            (
                "sorties",
                p,
                p.c.so,
                [p.c.mois, p.c.motif_fin, p.c.situation_sortie, duree],
                [n],
            ),
            ("spans", p, p.c.sp, [p.c.premier, p.c.dernier], [n]),
            ("periode", p, p.c.pe, [], [n, func.count(p.c.menage_id.distinct())]),
            (
                "domaines",
                dom,
                dom.c.mesure_id.in_(select(p.c.id).where(p.c.pe)),
                [dom.c.domaine],
                [n],
            ),
            ("suivis", p, p.c.su, [], [n, func.sum(p.c.suivi_fait)]),
            (
                "delai_rdv",
                p,
                and_(p.c.en, p.c.delai_rdv.is_not(None)),
                [p.c.delai_rdv],
                [n],
            ),
        ]
        out: dict[str, list[tuple[Any, ...]]] = {g[0]: [] for g in groupes}
        nk = max(len(g[3]) for g in groupes)
        na = max(len(g[4]) for g in groupes)
        branches = []
        for nom, from_, where, keys, aggs in groupes:
            kcols = [sql_cast(k, String) for k in keys] + [
                sql_cast(literal(None), String) for _ in range(nk - len(keys))
            ]
            acols = [sql_cast(a, Numeric) for a in aggs] + [
                sql_cast(literal(None), Numeric) for _ in range(na - len(aggs))
            ]
            sel = (
                select(
                    literal(nom).label("g"),
                    *(c.label(f"k{i}") for i, c in enumerate(kcols)),
                    *(c.label(f"a{i}") for i, c in enumerate(acols)),
                )
                .select_from(from_)
                .where(where)
            )
            if keys:
                sel = sel.group_by(*keys)
            branches.append(sel)
        taille = {g[0]: (len(g[3]), len(g[4])) for g in groupes}
        for ligne in self.session.execute(union_all(*branches)):
            k, a = taille[ligne[0]]
            out[ligne[0]].append((*ligne[1 : 1 + k], *(_nombre(v) for v in ligne[1 + nk : 1 + nk + a])))
        return out


# --- the document ------------------------------------------------------------------


def _cibles(q: _Requetes, model: type[Cible] | type[TypeAccompagnement] = Cible) -> list[tuple[str, str]]:
    """Cible (or type) labels of the dispositifs in scope (configuration rows, not counted)."""
    c = table(model)
    d = table(Dispositif)
    query = select(c.c.code, c.c.libelle).select_from(c.join(d, d.c.id == c.c.dispositif_id))
    if q.f.dispositif:
        query = query.where(d.c.id == q.f.dispositif)
    perimetre_dispositifs = access.condition_colonnes_dispositif(q.principal, d.c.commission_id, d.c.financeur_id)
    if perimetre_dispositifs is not None:
        query = query.where(perimetre_dispositifs)
    out: dict[str, str] = {}
    for code, lib in q.session.execute(query.order_by(c.c.ordre, c.c.code)):
        out.setdefault(code, lib)
    return list(out.items())


def _arrondi(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(v, 1)


def _financement(conventions: Sequence[Any], du: date, au: date) -> dict[str, float | None]:
    """The conventions' targets over the period, each weighted by the days of the period
    it covers: two successive conventions of 35 (January–June) and 40 (July–December)
    give 37.5 for the year, not 75. Mois-mesures financés and budgets are taken pro rata
    of the convention's own days falling in the period."""
    jours_periode = (au - du).days + 1
    objectif = 0.0
    mmf: float | None = None
    budget: float | None = None
    for debut, fin, obj, mois_finances, budget_euros in conventions:
        couverts = (min(fin, au) - max(debut, du)).days + 1
        if couverts <= 0:
            continue
        objectif += (obj or 0) * couverts / jours_periode
        part = couverts / ((fin - debut).days + 1)
        if mois_finances is not None:
            mmf = (mmf or 0) + mois_finances * part
        if budget_euros is not None:
            budget = (budget or 0) + budget_euros * part
    return {"objectif": objectif or None, "mois_mesures_finances": mmf, "budget": budget}


def _dim(code: str, titre: str, valeurs: list[Modalite]) -> Dimension:
    return Dimension(code=code, titre=titre, valeurs=valeurs)


def calculer_tableaux(session: Session, principal: Principal, f: Filtres) -> list[Tableau]:
    q = _Requetes(session, principal, f)
    m, d_au = q.m, f.au.strftime("%d/%m/%Y")
    periode = f"du {f.du:%d/%m/%Y} au {f.au:%d/%m/%Y}"
    fa_def = (
        f"Mesures en cours au {d_au} : mandatées au plus tard ce jour et non terminées ce jour "
        "ou avant (date de fin vide ou postérieure)"
    )
    tableaux: list[Tableau] = []
    cibles = _cibles(q)

    if q.dialect == "postgresql":
        # Short analytical queries with high cost estimates: compiling them (JIT) costs far
        # more than it saves (seconds on a loaded machine). For this transaction only.
        session.execute(text("SET LOCAL jit = off"))
        # The pass over the mesures keeps its row set (45 000 rows of 400 bytes at
        # département scale) for fourteen groupings and hashes the entry tables: with the
        # default 4 MB both spill to temporary files, read back by every grouping (a third
        # of the statement's time, measured with EXPLAIN (ANALYZE, BUFFERS)). Memory of this backend, for this
        # transaction only.
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    # Every grouping of the mesures in one pass (see _Requetes.passe_mesures).
    g = q.passe_mesures()
    # File active: one grouping, five tables (and the persons by age class at entry).
    rows_a = g["a"]
    total_fa = int(sum(r[5] for r in rows_a))
    d_statut = _dim("statut_mesure", "Statut de la mesure", _modalites("statut_mesure", _marge(rows_a, [3], 5)))
    tableaux.append(
        _t1(
            _Spec(
                "file_active",
                "File active par statut",
                fa_def + ", par statut de la mesure ce jour (statut en vigueur à cette date, "
                "lu dans l'historique de la mesure).",
                Unite.mesures,
            ),
            d_statut,
            _marge(rows_a, [3], 5),
        )
    )
    d_cible = _dim("cible", "Cible", _modalites("cible", _marge(rows_a, [0], 5), cibles))
    tableaux.append(
        _t1(
            _Spec(
                "file_active_cible",
                "File active par cible",
                fa_def + ", par cible en vigueur ce jour (une réorientation postérieure ne la change pas).",
                Unite.mesures,
            ),
            d_cible,
            _marge(rows_a, [0], 5),
        )
    )
    d_sexe = _dim("sexe", "Sexe du demandeur", _modalites("sexe", _marge(rows_a, [2], 5)))
    tableaux.append(
        _t1(
            _Spec(
                "file_active_sexe",
                "File active par sexe du demandeur",
                fa_def + ", par sexe de la personne « demandeur » du ménage, relevé à l'entrée (au mandatement).",
                Unite.mesures,
            ),
            d_sexe,
            _marge(rows_a, [2], 5),
            pct=True,
        )
    )
    if f.age == ModeAge.a_l_entree:
        age_titre, age_def = (
            "à l'entrée",
            "à l'entrée : en années révolues au jour du mandatement",
        )
    else:
        age_titre, age_def = (
            f"au {d_au}",
            f"au {d_au} : en années révolues, au mois près (l'anniversaire compté au premier "
            "jour du mois de naissance, le jour n'étant pas conservé)",
        )
    d_tranche = _dim(
        "tranche_age",
        f"Tranche d'âge du demandeur {age_titre}",
        _modalites("tranche_age", connus=codes_tranches(f.tranches_age)),
    )
    tableaux.append(
        _t2(
            _Spec(
                "file_active_age_cible",
                f"File active par cible et tranche d'âge {age_titre}",
                fa_def + f", par cible en vigueur ce jour et par âge du demandeur {age_def} (borne basse incluse).",
                Unite.mesures,
            ),
            d_cible,
            d_tranche,
            _marge(rows_a, [0, 1], 5),
        )
    )
    ages = [a for r in rows_a for a in (r[6], r[7]) if a is not None]
    tableaux.append(
        _t0(
            _Spec(
                "file_active_age_extremes",
                f"Âge {age_titre} du plus jeune et du plus âgé",
                f"Âge {age_def}, du demandeur le plus jeune et du plus âgé de la file active.",
                Unite.ans,
                detail=False,
            ),
            _dim(
                "indicateur",
                "Indicateur",
                [Modalite(code=k, libelle=libelle("mesure_indicateur", k)) for k in ("plus_jeune", "plus_age")],
            ),
            {
                "plus_jeune": int(min(ages)) if ages else None,
                "plus_age": int(max(ages)) if ages else None,
            },
        )
    )
    am = _marge(rows_a, [4], 5)
    tableaux.append(
        _t1(
            _Spec(
                "file_active_acces_maintien",
                "File active : accès ou maintien",
                fa_def + ", selon que la mesure vise ce jour l'accès à un logement ou le maintien "
                "dans le logement, avec leur part en %.",
                Unite.mesures,
            ),
            _dim("acces_maintien", "Accès / maintien", _modalites("acces_maintien", am)),
            am,
            pct=True,
        )
    )

    # File active: situation at entry, in one more grouping.
    rows_b = [(*r[:3], str(int(r[3])), r[4]) for r in g["b"]]
    for i, (code, titre, liste, dim_titre, defi) in enumerate(
        (
            (
                "file_active_modalite_logement",
                "File active par modalité de logement",
                "modalite_logement",
                "Modalité de logement",
                "par modalité de logement en vigueur ce jour (bail direct, sous-location / GLA, "
                "IML…), à partir de sa date de début.",
            ),
            (
                "file_active_composition",
                "File active par composition du ménage",
                "composition",
                "Composition du ménage",
                "par composition du ménage à l'entrée (relevée au mandatement).",
            ),
            (
                "file_active_statut_occupation",
                "File active par statut d'occupation à l'entrée",
                "situation_logement",
                "Statut d'occupation",
                "par statut d'occupation du logement à l'entrée (relevé au mandatement).",
            ),
        )
    ):
        v = _marge(rows_b, [i], 4)
        tableaux.append(
            _t1(
                _Spec(code, titre, fa_def + ", " + defi, Unite.mesures),
                _dim(code.removeprefix("file_active_"), dim_titre, _modalites(liste, v)),
                v,
            )
        )
    annees = _marge(rows_b, [3], 4)
    tableaux.append(
        _t1(
            _Spec(
                "file_active_annee_orientation",
                "File active par année d'orientation",
                fa_def + ", par année de réception de l'orientation (année du mandatement si la "
                "mesure a été ouverte sans orientation).",
                Unite.mesures,
            ),
            _dim(
                "annee_orientation",
                "Année d'orientation",
                [Modalite(code=a, libelle=a) for a in sorted(annees)],
            ),
            annees,
        )
    )
    communes = _marge(g["commune"], [0], 1)
    tableaux.append(
        _t1(
            _Spec(
                "file_active_commune",
                "File active par commune",
                fa_def + ", par commune (code INSEE) du logement à l'entrée.",
                Unite.mesures,
            ),
            _dim(
                "commune",
                "Commune (INSEE)",
                [Modalite(code=c, libelle=c) for c in sorted(communes)],
            ),
            communes,
        )
    )

    types = _marge(g["type_accompagnement"], [0], 1)
    tableaux.append(
        _t1(
            _Spec(
                "file_active_type_accompagnement",
                "File active par type d'accompagnement",
                fa_def + ", par type d'accompagnement en vigueur ce jour.",
                Unite.mesures,
            ),
            _dim(
                "type_accompagnement",
                "Type d'accompagnement",
                _modalites("type_accompagnement", types, _cibles(q, TypeAccompagnement)),
            ),
            types,
        )
    )

    # Resources, debts and procedures at entry.
    # (mesure_id, type) is the key of the entry snapshot: once per type without DISTINCT.
    v = _marge(g["ressources"], [0], 1)
    tableaux.append(
        _t1(
            _Spec(
                "file_active_ressources",
                "File active par type de ressources à l'entrée",
                fa_def + " ; nombre de ménages percevant chaque type de ressource à l'entrée (un "
                "ménage compte une fois par type, "
                "et dans plusieurs types s'il en perçoit plusieurs) ; % de la file active.",
                Unite.menages,
            ),
            _dim("ressource", "Type de ressource", _modalites("ressource", v)),
            v,
            pct=True,
            base_pct=total_fa,
            total=total_fa,
        )
    )
    n_minima = sum(r[0] for r in g["minima"])
    tableaux.append(
        _t0(
            _Spec(
                "file_active_minima_sociaux",
                "Ménages bénéficiaires de l'AAH, du RSA ou de l'ARE",
                fa_def + " ; ménages percevant à l'entrée au moins l'une de ces ressources (comptés une fois).",
                Unite.menages,
                detail=False,
            ),
            _dim("indicateur", "Indicateur", [Modalite(code="nombre", libelle="AAH, RSA ou ARE")]),
            {"nombre": int(n_minima)},
        )
    )
    v = _marge(g["dettes"], [0], 1)
    tableaux.append(
        _t1(
            _Spec(
                "file_active_dettes",
                "File active par type de dette à l'entrée",
                fa_def + " ; nombre de ménages ayant à l'entrée une dette de chaque type (une fois par type).",
                Unite.menages,
            ),
            _dim("dette", "Type de dette", _modalites("dette", v)),
            v,
            pct=True,
            base_pct=total_fa,
            total=total_fa,
        )
    )
    rows_p = g["procedures"]
    v = _marge(rows_p, [0], 1)
    tableaux.append(
        _t1(
            _Spec(
                "file_active_procedures_expulsion",
                "File active par nombre de procédures d'expulsion à l'entrée",
                fa_def + " ; nombre de procédures d'expulsion connues à l'entrée.",
                Unite.mesures,
            ),
            _dim("procedures", "Procédures d'expulsion", _modalites("procedures", v)),
            v,
        )
    )
    endettes = int(sum(r[2] or 0 for r in rows_p))
    montant = int(sum(r[3] or 0 for r in rows_p))
    tableaux.append(
        _t0(
            _Spec(
                "file_active_dette_locative",
                "Dette locative à l'entrée",
                fa_def + " ; montant de la dette de loyer déclarée à l'entrée : nombre de ménages "
                "endettés, "
                "total et moyenne par ménage endetté, en euros.",
                Unite.euros,
                detail=False,
            ),
            _dim(
                "indicateur",
                "Indicateur",
                [
                    Modalite(code=k, libelle=libelle("mesure_indicateur", k))
                    for k in ("avec_dette_locative", "montant_total", "montant_moyen")
                ],
            ),
            {
                "avec_dette_locative": endettes,
                "montant_total": montant,
                "montant_moyen": round(montant / endettes, 1) if endettes else None,
            },
        )
    )

    # Persons of the households in the file active, by age class at entry (snapshot).
    v = {code: sum(int(r[8 + i] or 0) for r in rows_a) for i, (_, code) in enumerate(CLASSES_AGE)}
    tableaux.append(
        _t1(
            _Spec(
                "file_active_personnes_age",
                "Personnes des ménages de la file active par classe d'âge à l'entrée",
                fa_def + " ; les personnes du ménage à l'entrée de chaque mesure (relevées au mandatement ; "
                "une personne née depuis n'y est pas), par âge en années révolues au jour du "
                "mandatement (mineurs, 18–25 ans, 26–64 ans, 65 ans et plus).",
                Unite.personnes,
                detail=False,
            ),
            _dim("classe_age", "Classe d'âge", _modalites("classe_age_personne", v)),
            v,
            pct=True,
        )
    )

    # Flows over the period.
    mois = _mois_periode(f.du, f.au)
    d_mois = _dim("mois", "Mois", [Modalite(code=c, libelle=c) for c, _, _ in mois])
    v = {_ym(k): n for k, n in _marge(g["entrees"], [0], 1).items()}
    tableaux.append(
        _t1(
            _Spec(
                "entrees_par_mois",
                "Entrées (mandatements) par mois",
                f"Mesures mandatées {periode}, par mois de mandatement.",
                Unite.mesures,
            ),
            d_mois,
            v,
        )
    )
    rows_s = g["sorties"]
    v = {_ym(k): n for k, n in _marge(rows_s, [0], 4).items()}
    sorties_def = f"Mesures terminées {periode} (date de fin dans la période)"
    tableaux.append(
        _t1(
            _Spec(
                "sorties_par_mois",
                "Sorties (fins de mesure) par mois",
                sorties_def + ", par mois de fin.",
                Unite.mesures,
            ),
            d_mois,
            v,
        )
    )
    v = _marge(rows_s, [1], 4)
    tableaux.append(
        _t1(
            _Spec(
                "sorties_motif",
                "Sorties par motif de fin",
                sorties_def + ", par motif de fin.",
                Unite.mesures,
            ),
            _dim("motif_fin", "Motif de fin", _modalites("motif_fin", v)),
            v,
            pct=True,
        )
    )
    v = _marge(rows_s, [2], 4)
    tableaux.append(
        _t1(
            _Spec(
                "sorties_situation",
                "Sorties par situation de logement à la sortie",
                sorties_def + ", par situation de logement à la sortie.",
                Unite.mesures,
            ),
            _dim("situation_sortie", "Situation à la sortie", _modalites("situation_logement", v)),
            v,
            pct=True,
        )
    )
    v = _marge(rows_s, [3], 4)
    tableaux.append(
        _t1(
            _Spec(
                "sorties_duree",
                "Durée des mesures terminées",
                sorties_def + ", par durée en mois révolus du début de l'accompagnement (ou du mandatement "
                "s'il n'a jamais commencé) à la fin.",
                Unite.mesures,
            ),
            _dim("duree", "Durée", _modalites("duree", v)),
            v,
            pct=True,
        )
    )

    # Mois-mesures and activity against the conventions.
    # One pass: each mesure's first and last active month of the period, then every month
    # in between counts once (a mesure active on [date_mandatement, date_fin)).
    spans = g["spans"]
    par_rang = [0] * len(mois)
    for premier_r, dernier_r, nb in spans:
        for k in range(int(premier_r), int(dernier_r) + 1):
            par_rang[k] += int(nb)
    actifs = {c: par_rang[k] for k, (c, _, _) in enumerate(mois)}
    tableaux.append(
        _t1(
            _Spec(
                "activite_par_mois",
                "Mesures actives par mois",
                f"Pour chaque mois {periode} : mesures actives au moins un jour du mois (du "
                f"mandatement, inclus, "
                "à la date de fin, exclue) ; le total est le nombre de mois-mesures.",
                Unite.mois_mesures,
                detail=False,
            ),
            d_mois,
            actifs,
        )
    )
    conv = table(Convention)
    cconds = [
        access.condition_conventions(principal),
        conv.c.date_debut <= f.au,
        conv.c.date_fin >= f.du,
    ]
    if f.dispositif:
        cconds.append(conv.c.dispositif_id == f.dispositif)
    if f.association:
        cconds.append(conv.c.association_id == f.association)
    conventions = q.session.execute(
        select(
            conv.c.date_debut,
            conv.c.date_fin,
            conv.c.objectif_menages,
            conv.c.mois_mesures_finances,
            conv.c.budget_euros,
        ).where(*cconds)
    ).all()
    mois_mesures = sum(actifs.values())
    moyenne = round(mois_mesures / len(mois), 1)
    financement = _financement(conventions, f.du, f.au)
    objectif = financement["objectif"]
    menages_periode = sum(int(r[1] or 0) for r in g["periode"])
    budget = financement["budget"]
    mmf = financement["mois_mesures_finances"]
    tableaux.append(
        _t0(
            _Spec(
                "activite",
                "Mois-mesures, activité moyenne, taux d'activité et coûts",
                f"Mois-mesures {periode} ; activité moyenne = mois-mesures ÷ nombre de mois de "
                "la période ; objectif = objectifs (ménages) des conventions du périmètre pondérés "
                "par les jours de la période que chacune couvre (Σ objectif × jours couverts ÷ "
                "jours de la période) ; taux d'activité = activité moyenne ÷ objectif, en % ; "
                "quand les conventions les donnent, mois-mesures financés et budget au prorata "
                "des jours couverts, taux de réalisation des mois-mesures, coût par ménage "
                "accompagné sur la période et par mois-mesure réalisé, en euros.",
                Unite.ratio,
                detail=False,
            ),
            _dim(
                "indicateur",
                "Indicateur",
                [
                    Modalite(code=k, libelle=libelle("mesure_indicateur", k))
                    for k in (
                        "mois_mesures",
                        "mois_periode",
                        "activite_moyenne",
                        "objectif_menages",
                        "taux_activite",
                        "mois_mesures_finances",
                        "taux_mois_mesures",
                        "budget_periode",
                        "menages_accompagnes",
                        "cout_par_menage",
                        "cout_par_mois_mesure",
                    )
                ],
            ),
            {
                "mois_mesures": mois_mesures,
                "mois_periode": len(mois),
                "activite_moyenne": moyenne,
                "objectif_menages": _arrondi(objectif),
                "taux_activite": round(100 * mois_mesures / len(mois) / objectif, 1) if objectif else None,
                "mois_mesures_finances": _arrondi(mmf),
                "taux_mois_mesures": round(100 * mois_mesures / mmf, 1) if mmf else None,
                "budget_periode": _arrondi(budget),
                "menages_accompagnes": menages_periode,
                "cout_par_menage": round(budget / menages_periode) if budget and menages_periode else None,
                "cout_par_mois_mesure": round(budget / mois_mesures) if budget and mois_mesures else None,
            },
        )
    )

    # Orientations received and decisions.
    o = q.o
    org = table(Organisation)
    rows_o = q.grouper(
        o.join(org, org.c.id == o.c.prescripteur_organisation_id),
        q.recues,
        {
            "statut": o.c.statut,
            "origine": o.c.origine,
            "prescripteur": o.c.prescripteur_organisation_id,
            "nom": org.c.nom,
        },
    )
    recues_def = f"Orientations reçues {periode} (date de réception dans la période)"
    v = _marge(rows_o, [0], 4)
    tableaux.append(
        _t1(
            _Spec(
                "orientations_statut",
                "Orientations reçues par statut actuel",
                recues_def + ", par statut à ce jour.",
                Unite.orientations,
            ),
            _dim("statut_orientation", "Statut", _modalites("statut_orientation", v)),
            v,
        )
    )
    v = _marge(rows_o, [1], 4)
    tableaux.append(
        _t1(
            _Spec(
                "orientations_origine",
                "Orientations reçues par origine",
                recues_def + ", par origine.",
                Unite.orientations,
            ),
            _dim("origine", "Origine", _modalites("origine", v)),
            v,
            pct=True,
        )
    )
    v = {str(k): n for k, n in _marge(rows_o, [2], 4).items()}
    noms = {str(r[2]): r[3] for r in rows_o}
    tableaux.append(
        _t1(
            _Spec(
                "orientations_prescripteur",
                "Orientations reçues par organisation prescriptrice",
                recues_def + ", par organisation prescriptrice.",
                Unite.orientations,
            ),
            _dim(
                "prescripteur",
                "Organisation prescriptrice",
                [Modalite(code=k, libelle=noms[k]) for k in sorted(v, key=lambda k: noms[k])],
            ),
            v,
        )
    )
    # Decisions and their delay in one grouping: the delay's distribution (a few hundred
    # distinct day counts) gives the mean and the median.
    rows_d = q.grouper(
        q.from_dec,
        q.decisions,
        {
            "decision": q.ev.c.vers_statut,
            "motif": case((q.ev.c.vers_statut == "refusee", q.motif_refus), else_=""),
            "delai": jours_entre(q.o.c.date_reception, q.date_ev, q.dialect),
        },
    )
    dec_def = (
        f"Décisions prises {periode} : chaque événement de décision compte (une orientation "
        f"ajournée deux fois "
        "compte deux ajournements)"
    )
    v = _marge(rows_d, [0], 3)
    tableaux.append(
        _t1(
            _Spec(
                "decisions",
                "Décisions de la commission par issue",
                dec_def + ", par issue.",
                Unite.decisions,
            ),
            _dim("decision", "Décision", _modalites("decision", v)),
            v,
        )
    )
    v = _marge([r for r in rows_d if r[0] == "refusee"], [1], 3)
    tableaux.append(
        _t1(
            _Spec(
                "refus_motif",
                "Refus de la commission par motif",
                dec_def + " ; refus par motif.",
                Unite.decisions,
            ),
            _dim(
                "motif_refus",
                "Motif de refus",
                _modalites(
                    "motif_refus",
                    v,
                    [(k, lib) for k, lib in LIBELLES["motif_refus"].items() if k != "non_renseigne" or k in v],
                ),
            ),
            v,
        )
    )
    d_ind = _dim(
        "indicateur",
        "Indicateur",
        [Modalite(code=k, libelle=libelle("mesure_indicateur", k)) for k in ("moyenne", "mediane", "nombre")],
    )
    delai = _moyenne_mediane(list(_marge([r for r in rows_d if r[2] is not None], [2], 3).items()))
    tableaux.append(
        _t0(
            _Spec(
                "delai_orientation_decision",
                "Délai entre orientation et décision",
                dec_def + " ; jours de la réception de l'orientation à la décision : moyenne, "
                "médiane, nombre de décisions.",
                Unite.jours,
                detail=False,
            ),
            d_ind,
            dict(delai),
        )
    )

    # Rendez-vous.
    rdv = table(RendezVous)
    delai = _moyenne_mediane([(int(k), n) for k, n in g["delai_rdv"]])
    tableaux.append(
        _t0(
            _Spec(
                "delai_mandatement_premier_rdv",
                "Délai entre mandatement et premier rendez-vous réalisé",
                f"Mesures mandatées {periode} ayant eu un rendez-vous réalisé : jours du "
                f"mandatement au premier "
                "rendez-vous réalisé (moyenne, médiane, nombre de mesures).",
                Unite.jours,
                detail=False,
            ),
            d_ind,
            dict(delai),
        )
    )
    debut_p = datetime.combine(f.du, time.min, tzinfo=UTC)
    fin_p = datetime.combine(f.au + timedelta(days=1), time.min, tzinfo=UTC)
    rows = q.grouper(
        rdv.join(m, m.c.id == rdv.c.mesure_id),
        and_(q.scope_m, rdv.c.debut >= debut_p, rdv.c.debut < fin_p),
        {"type": rdv.c.type, "statut": rdv.c.statut},
    )
    tableaux.append(
        _t2(
            _Spec(
                "rendez_vous",
                "Rendez-vous par type et statut",
                f"Rendez-vous (contacts) datés {periode}, par type et par statut.",
                Unite.rendez_vous,
                detail=False,
            ),
            _dim("type_rdv", "Type", _modalites("type_rdv", [r[0] for r in rows])),
            _dim("statut_rdv", "Statut", _modalites("statut_rdv", [r[1] for r in rows])),
            {(r[0], r[1]): int(r[2]) for r in rows},
        )
    )

    # Domaines d'intervention over the mesures of the period.
    base = sum(r[0] for r in g["periode"])
    v = _marge(g["domaines"], [0], 1)
    tableaux.append(
        _t1(
            _Spec(
                "domaines_intervention",
                "Domaines d'intervention",
                f"Mesures actives au moins un jour {periode} travaillant chaque domaine, en % "
                f"de ces mesures "
                "(une mesure compte dans chacun de ses domaines : les % se cumulent) ; le "
                "total est le nombre de mesures.",
                Unite.mesures,
            ),
            _dim("domaine", "Domaine", _modalites("domaine", v)),
            v,
            pct=True,
            base_pct=int(base),
            total=int(base),
        )
    )

    # Suivis à 6 mois.
    du_ = sum(r[0] for r in g["suivis"])
    fait = sum(r[1] or 0 for r in g["suivis"])
    tableaux.append(
        _t0(
            _Spec(
                "suivis_6_mois",
                "Suivis à 6 mois dus et réalisés",
                f"Mesures terminées dont le suivi à 6 mois était prévu {periode} (dus), et "
                f"parmi elles celles "
                "dont le suivi a été réalisé.",
                Unite.mesures,
            ),
            _dim("suivi", "Suivi", _modalites("suivi")),
            {"du": int(du_), "realise": int(fait)},
        )
    )
    return tableaux


def _parametres(principal: Principal, f: Filtres, seuil: int) -> Parametres:
    return Parametres(
        du=f.du,
        au=f.au,
        dispositif=f.dispositif,
        association=f.association,
        commune=list(f.commune),
        cible=f.cible,
        tranches_age=list(f.tranches_age),
        age=f.age,
        perimetre=access.perimetre(principal),
        secret_statistique_seuil=seuil,
    )


def seuil_secret(session: Session, principal: Principal, f: Filtres, defaut: int) -> int:
    """The statistical-secrecy threshold for this request: 0 for those who may see the
    files (associations, commissions, admin); for a funder, the threshold of the
    dispositif asked for (its own, or the platform's ``defaut``), or the highest among
    the dispositifs it funds when it asks for all of them."""
    if not access.est_agrege_seulement(principal):
        return 0
    d = table(Dispositif)
    q = select(func.coalesce(d.c.secret_statistique_seuil, defaut)).where(
        d.c.financeur_id == principal.organisation_id
    )
    if f.dispositif:
        q = q.where(d.c.id == f.dispositif)
    seuils = [int(v) for v in session.execute(q).scalars()]
    return max(seuils) if seuils else defaut


def verifier_filtres(f: Filtres, seuil: int) -> None:
    """Under statistical secrecy, no filter below the dispositif: two requests differing by
    one commune, cible or association would be subtracted cell by cell, and give the
    counts of that commune, cible or association that the secrecy masks in its own
    request. The tables by commune and by cible are there, with their masked cells."""
    if not seuil:
        return
    for champ, valeur in (
        ("commune", ",".join(f.commune) or None),
        ("cible", f.cible),
        ("association", str(f.association) if f.association else None),
    ):
        if valeur:
            raise champ_invalide(
                champ,
                f"sous secret statistique (seuil {seuil}), un financeur ne restreint pas les "
                "indicateurs en deçà du dispositif : lisez les tables par commune et par cible "
                "du document",
                valeur,
            )


def calculer_indicateurs(session: Session, principal: Principal, *, f: Filtres, seuil: int) -> DocumentIndicateurs:
    """The whole indicator document for the caller's perimeter and the filters.

    Aggregates only: no file, no name. A funder gets the cells below ``seuil``
    masked (``ANCRAGE_SECRET_STATISTIQUE_SEUIL``) and never a detail link.
    """
    access.verifier_acces(principal)
    seuil_applique = seuil_secret(session, principal, f, seuil)
    verifier_filtres(f, seuil_applique)
    tableaux = calculer_tableaux(session, principal, f)
    if seuil_applique:
        secret.masquer(tableaux, seuil_applique)
    if not access.detail_disponible(principal):
        for t in tableaux:
            t.detail_disponible = False
    return DocumentIndicateurs(parametres=_parametres(principal, f, seuil_applique), tableaux=tableaux)


# --- behind a cell: the files -----------------------------------------------------


def _conditions_detail(
    q: _Requetes, table_code: str
) -> tuple[str, ColumnElement[bool], dict[str, Callable[[str], ColumnElement[bool]]]]:
    """Population and per-dimension conditions of a table whose cells can be opened."""
    m = q.m

    def egal(expr: ColumnElement[Any]) -> Callable[[str], ColumnElement[bool]]:
        return lambda v: expr == v

    def mois(expr: ColumnElement[Any]) -> Callable[[str], ColumnElement[bool]]:
        def cond(v: str) -> ColumnElement[bool]:
            try:
                y, mm = (int(x) for x in v.split("-"))
            except ValueError:
                raise champ_invalide("cellule", "mois au format AAAA-MM attendu", v) from None
            return annee_mois(expr) == y * 100 + mm

        return cond

    def annee(v: str) -> ColumnElement[bool]:
        if not v.isdigit():
            raise champ_invalide("cellule", "année attendue", v)
        return q.dims_fa["annee_orientation"] == int(v)

    def dans(model: Any, colonne: str) -> Callable[[str], ColumnElement[bool]]:
        t = table(model)
        return lambda v: exists().where(t.c.mesure_id == m.c.id, t.c[colonne] == v)

    fa = {k: egal(e) for k, e in q.dims_fa.items()}
    fa["annee_orientation"] = annee

    def proc(v: str) -> ColumnElement[bool]:
        n = m.c.entree_nb_procedures_expulsion
        if v == "3_plus":
            return n >= 3
        return n == (int(v) if v.isdigit() else -1)

    sorties = {k: egal(e) for k, e in q.dims_sorties.items()}
    sorties["mois"] = mois(m.c.date_fin)
    o = q.o
    specs: dict[str, tuple[str, ColumnElement[bool], dict[str, Callable[[str], ColumnElement[bool]]]]] = {
        "file_active": ("fa", q.fa, fa),
        "file_active_cible": ("fa", q.fa, fa),
        "file_active_sexe": ("fa", q.fa, fa),
        "file_active_age_cible": ("fa", q.fa, fa),
        "file_active_acces_maintien": ("fa", q.fa, fa),
        "file_active_modalite_logement": (
            "fa",
            q.fa,
            fa,
        ),
        "file_active_composition": ("fa", q.fa, fa),
        "file_active_statut_occupation": ("fa", q.fa, fa),
        "file_active_annee_orientation": ("fa", q.fa, fa),
        "file_active_commune": ("fa", q.fa, fa),
        "file_active_type_accompagnement": ("fa", q.fa, fa),
        "file_active_ressources": ("fa", q.fa, {"ressource": dans(MesureRessourceEntree, "type")}),
        "file_active_dettes": ("fa", q.fa, {"dette": dans(MesureDetteEntree, "type")}),
        "file_active_procedures_expulsion": ("fa", q.fa, {"procedures": proc}),
        "entrees_par_mois": ("mesures", q.entrees, {"mois": mois(m.c.date_mandatement)}),
        "sorties_par_mois": ("mesures", q.sorties, sorties),
        "sorties_motif": ("mesures", q.sorties, sorties),
        "sorties_situation": ("mesures", q.sorties, sorties),
        "sorties_duree": ("mesures", q.sorties, sorties),
        "domaines_intervention": (
            "mesures",
            q.periode,
            {"domaine": dans(MesureDomaine, "domaine")},
        ),
        "suivis_6_mois": (
            "mesures",
            and_(q.scope_m, m.c.suivi_date_prevue >= q.f.du, m.c.suivi_date_prevue <= q.f.au),
            {"suivi": lambda v: m.c.suivi_realise_le.is_not(None) if v == "realise" else literal(True)},
        ),
        "orientations_statut": (
            "orientations",
            q.recues,
            {"statut_orientation": egal(o.c.statut)},
        ),
        "orientations_origine": ("orientations", q.recues, {"origine": egal(o.c.origine)}),
        "orientations_prescripteur": (
            "orientations",
            q.recues,
            {"prescripteur": lambda v: o.c.prescripteur_organisation_id == _uuid(v)},
        ),
        "decisions": ("decisions", q.decisions, {"decision": egal(q.ev.c.vers_statut)}),
        "refus_motif": (
            "decisions",
            and_(q.decisions, q.ev.c.vers_statut == "refusee"),
            {"motif_refus": egal(q.motif_refus)},
        ),
    }
    if table_code not in specs:
        raise Introuvable("Détail de la table", table_code)
    return specs[table_code]


def _uuid(v: str) -> uuid.UUID:
    try:
        return uuid.UUID(v)
    except ValueError:
        raise champ_invalide("cellule", "identifiant d'organisation (UUID) attendu", v) from None


def _parser_cellule(cellule: str) -> dict[str, str]:
    if cellule == TOTAL:
        return {}
    out = {}
    for part in cellule.split(";"):
        k, sep, v = part.partition("=")
        if not sep or not k or not v:
            raise champ_invalide(
                "cellule",
                "format « dimension=valeur;dimension=valeur » ou « total » attendu",
                cellule,
            )
        out[k] = v
    return out


LIMITE_DETAIL = 1000


def detail_cellule(
    session: Session,
    principal: Principal,
    *,
    f: Filtres,
    table_code: str,
    cellule: str,
    lecture: Session | None = None,
) -> DetailCellule:
    """The mesures or orientations that make one cell, as references and links.

    Only for those who may open these files (association, commission): a funder
    or anyone else gets 404. Each listed file is written to the access log.
    The files are read through ``lecture`` (the read replica, when there is one), the
    log is written and committed through ``session`` (the primary).
    """
    access.verifier_acces_detail(principal, table_code)
    lu = lecture if lecture is not None else session
    q = _Requetes(lu, principal, f)
    query, kind, lien = _requete_cellule(q, table_code, cellule)
    rows = list(lu.execute(query.limit(LIMITE_DETAIL + 1)))
    total = (
        len(rows)
        if len(rows) <= LIMITE_DETAIL
        else int(lu.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    )
    rows = rows[:LIMITE_DETAIL]
    elements = [ElementDetail(type=kind, id=i, reference=ref, lien=f"{lien}{i}") for i, ref in rows]
    journaliser_liste(session, principal, kind, [e.id for e in elements])
    session.commit()
    return DetailCellule(
        table=table_code,
        cellule=cellule,
        parametres=_parametres(principal, f, 0),
        total=total,
        elements=elements,
    )


def _requete_cellule(q: _Requetes, table_code: str, cellule: str) -> tuple[Select[Any], str, str]:
    """The query of the files (id, reference) behind one cell, their type and link prefix."""
    population, where, dims = _conditions_detail(q, table_code)
    conds = [where]
    for k, v in _parser_cellule(cellule).items():
        if v == TOTAL:
            continue
        if k not in dims:
            raise champ_invalide(
                "cellule",
                f"dimension inconnue pour cette table ; permises : {', '.join(sorted(dims))}",
                k,
            )
        conds.append(dims[k](v))
    m, o = q.m, q.o
    if population in ("fa", "mesures"):
        query = select(m.c.id, m.c.reference).select_from(q.m_h).where(*conds).order_by(m.c.reference)
        kind, lien = "mesure", "/api/v1/mesures/"
    else:
        from_ = q.from_dec if population == "decisions" else o
        query = select(o.c.id, o.c.reference).select_from(from_).where(*conds).distinct().order_by(o.c.reference)
        kind, lien = "orientation", "/api/v1/orientations/"
    return query, kind, lien


def dossiers_des_cellules(
    lecture: Session, principal: Principal, *, f: Filtres, cellules: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[str, set[uuid.UUID]]]:
    """Every file behind each (table, cell), without the 1 000 limit of ``detail_cellule``:
    a report keeps them at its deposit to name, later, the files that moved. Not written to
    the access log (no file is shown); cells without files to open (a mean, a rate) are left
    out. The caller must be allowed to open the files (``verifier_acces_detail``)."""
    q = _Requetes(lecture, principal, f)
    out: dict[tuple[str, str], tuple[str, set[uuid.UUID]]] = {}
    for table_code, cellule in cellules:
        try:
            access.verifier_acces_detail(principal, table_code)
            query, kind, _lien = _requete_cellule(q, table_code, cellule)
        except (Introuvable, ErreurValidation):
            continue
        out[(table_code, cellule)] = (kind, {row[0] for row in lecture.execute(query.order_by(None))})
    return out
