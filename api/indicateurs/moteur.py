"""The engine: builds the passes from the catalogue, then shapes every table the same way.

Every figure is an aggregate (GROUP BY) over the ``Perimetre`` (the caller's access ∧
the filters); Python only shapes the grouped rows into tables (a few thousand groups at
most, never the files themselves). Every grouping over the mesures and their entry
tables is one statement (``Requetes.passe_mesures``: the mesures of the scope selected
once, each grouping of ``catalogue.REGROUPEMENTS`` a GROUP BY over them, UNION ALL —
the same SQL on SQLite and PostgreSQL); the orientations, the decisions, the rendez-vous
and the modalités' periods are one pass each, whatever the number of groupings that read
them (``Requetes.passe_source``).

Definitions (also in each table's ``definition`` and in docs/indicateurs.md):

* a mesure is active on day J when ``date_mandatement <= J < date_fin``
  (``date_fin`` null: still running). The file active at D is the mesures
  active on D: mandated on or before D and not ended on or before D;
* a mesure's cible, type, statut, accès/maintien, modalité de logement and référent are
  those in force on the date the table speaks of (``mesure_historique``,
  api/mesures/historique.py): a later event never moves a past bilan;
* the demandeur's age is the age at that date, to the month (default), or at entry
  (``age=a_l_entree``); sex, composition, resources… are those of the situation at
  entry (the snapshot taken at mandatement), so no figure joins the persons and
  retention moves none (api/mesures/entree.py, docs/indicateurs.md);
* a month of the period counts for a mesure when it was active at least one
  day of that month (months cut to the period); mois-mesures add them up.
"""

from __future__ import annotations

import copy
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
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause
from sqlmodel import Session

from api.auth.principal import Principal
from api.core.errors import Introuvable
from api.core.instantane import en_parallele
from api.dispositifs.models import Cible, Convention, ConventionFinanceur, Dispositif, TypeAccompagnement
from api.indicateurs.catalogue import (
    MINIMA_SOCIAUX,
    PAR_CODE,
    PASSE_MESURES,
    REGROUPEMENTS,
    TABLES,
    Contexte,
    Dim,
    Population,
    Regroupement,
    Source,
    Table,
    marge,
    regroupements_de,
)
from api.indicateurs.libelles import LIBELLES, libelle
from api.indicateurs.perimetre import Filtres, Perimetre
from api.indicateurs.schemas import Cellule, Dimension, Modalite, ModeAge, Tableau
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
from api.mesures.entree import CLASSES_AGE, FOYER
from api.mesures.historique import ATTRIBUTS as ATTRIBUTS_HISTORIQUE
from api.mesures.models import Mesure as MesureModel
from api.mesures.models import MesureDetteEntree, MesureDomaine, MesureHistorique, MesureRessourceEntree, RendezVous
from api.organisations.models import Organisation
from api.orientations.models import Orientation as OrientationModel
from api.orientations.models import OrientationEvenement
from api.rappels.models import RappelRendezVous

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
TOTAL = "total"


@dataclass(frozen=True)
class Appartenance:
    """A key telling whether a row's ``colonne`` is among ``ids`` (a side table's): ``oui``
    or ``non``. Counted from the side table, the others by difference (``_scinder``)."""

    colonne: ColumnElement[Any]
    ids: Any
    oui: str
    non: str


def mois_periode(du: date, au: date) -> list[tuple[str, date, date]]:
    """Calendar months of the period, cut to it: (YYYY-MM, first day, last day)."""
    out = []
    y, m = du.year, du.month
    while (y, m) <= (au.year, au.month):
        suivant = date(y + (m == 12), m % 12 + 1, 1)
        out.append((f"{y:04d}-{m:02d}", max(date(y, m, 1), du), min(suivant - timedelta(days=1), au)))
        y, m = suivant.year, suivant.month
    return out


def mois_restants_duree_max(debut: ColumnElement[Any], mandatement: ColumnElement[Any], duree_max: Any, d: date) -> Any:
    """Full months left at ``d`` before a mesure reaches its dispositif's maximum duration
    (``duree_max_mois``), counted from the start of the accompaniment (the mandatement if it
    had not started at ``d``); NULL when the dispositif has no maximum. Only dates on or
    before ``d`` are read: a later event moves nothing. Literal constants: grouped by."""
    depart = case((debut <= d, debut), else_=mandatement)  # a NULL start compares to NULL
    ecoules: ColumnElement[Any] = (
        literal_column(str(d.year * 12 + d.month))
        - (partie("year", depart) * literal_column("12") + partie("month", depart))
        - case((partie("day", depart) > literal_column(str(d.day)), 1), else_=0)
    )
    return duree_max - ecoules


def echeance(restants: Any) -> Any:
    """Where a mesure of the file active stands against its maximum duration, from
    ``mois_restants_duree_max``: reached, reached within the next twelve months, later, or
    no maximum."""
    return case(
        (restants.is_(None), literal_column("'sans_duree_max'")),
        (restants <= literal_column("0"), literal_column("'atteinte'")),
        (restants <= literal_column("12"), literal_column("'dans_12_mois'")),
        else_=literal_column("'plus_de_12_mois'"),
    )


def echeance_duree_max(debut: ColumnElement[Any], mandatement: ColumnElement[Any], duree_max: Any, d: date) -> Any:
    """``echeance`` of ``mois_restants_duree_max`` in one expression (a cell's files)."""
    return echeance(mois_restants_duree_max(debut, mandatement, duree_max, d))


def _nombre(v: Any) -> int | float | None:
    """An aggregate as Python number: an integer when it is one (SUM/COUNT come back as
    Decimal from PostgreSQL's NUMERIC, as int or float from SQLite)."""
    if v is None or type(v) is int:
        return v
    entier = int(v)  # exact for a Decimal; the comparison too
    return entier if entier == v else float(v)


# --- the queries -------------------------------------------------------------------


class Requetes:
    """Expressions and queries for one ``Perimetre`` (principal and filters)."""

    # Plus de 80 lignes : les expressions « en vigueur au D » de chaque dimension, posées ensemble
    # parce qu'elles partagent les mêmes sous-requêtes d'historique ; séparées, elles se répéteraient.
    def __init__(self, session: Session, principal: Principal, f: Filtres) -> None:
        self.session, self.principal, self.f = session, principal, f
        self.perimetre = Perimetre(principal, f)
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
            # the periods of the mesures in scope only (a semi-join): the history at D of the
            # whole département is ten times the rows of one association's
            .where(mh.c.du <= d, mh.c.jusqu_au > d, mh.c.mesure_id.in_(select(m.c.id).where(self.perimetre.mesures(m))))
            .group_by(mh.c.mesure_id)
            .subquery("h")
        )
        self.m_h: FromClause = m.outerjoin(self.h, self.h.c.mesure_id == m.c.id)

        def au_jour(attribut: str, colonne: ColumnElement[Any] | None = None) -> ColumnElement[Any]:
            return case(
                (self.h.c[f"a_{attribut}"] == 1, self.h.c[attribut]),
                else_=m.c[ATTRIBUTS_HISTORIQUE[attribut]] if colonne is None else colonne,
            )

        self.au_jour = au_jour
        self.scope_m = self.perimetre.mesures(m)
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
            "situation_professionnelle": func.coalesce(m.c.entree_situation_professionnelle, nr),
            # the reception date recorded at entry: no join to the orientations
            "annee_orientation": partie("year", func.coalesce(m.c.entree_reception_orientation, m.c.date_mandatement)),
            "commune": func.coalesce(m.c.entree_commune_insee, nr),
        }
        disp = table(Dispositif)
        self.dims_fa_detail: dict[str, ColumnElement[Any]] = {
            "echeance_duree_max": echeance_duree_max(
                m.c.date_debut,
                m.c.date_mandatement,
                select(disp.c.duree_max_mois).where(disp.c.id == m.c.dispositif_id).scalar_subquery(),
                d,
            ),
        }
        self.entrees = and_(self.scope_m, m.c.date_mandatement >= f.du, m.c.date_mandatement <= f.au)
        self.sorties = and_(self.scope_m, m.c.date_fin >= f.du, m.c.date_fin <= f.au)
        # Active at least one day of the period.
        self.periode = and_(
            self.scope_m,
            m.c.date_mandatement <= f.au,
            or_(m.c.date_fin.is_(None), m.c.date_fin > f.du),
        )
        self.suivis = and_(self.scope_m, m.c.suivi_date_prevue >= f.du, m.c.suivi_date_prevue <= f.au)
        debut = func.coalesce(m.c.date_debut, m.c.date_mandatement)
        duree = mois_entre(debut, m.c.date_fin)
        self.dims_sorties: dict[str, ColumnElement[Any]] = {
            "mois": annee_mois(m.c.date_fin),
            "motif_fin": func.coalesce(m.c.motif_fin, nr),
            "situation_sortie": func.coalesce(m.c.situation_sortie, nr),
            "duree": case(*((duree < b, code) for b, code in DUREES), else_="36_plus"),
        }
        o = self.o
        self.scope_o = self.perimetre.orientations(o)
        self.recues = and_(self.scope_o, o.c.date_reception >= f.du, o.c.date_reception <= f.au)
        self.date_ev = func.coalesce(self.ev.c.date_effet, jour(self.ev.c.quand, self.dialect))
        self.from_dec: FromClause = self.ev.join(o, o.c.id == self.ev.c.orientation_id)
        self.decisions = and_(
            self.scope_o,
            self.ev.c.vers_statut.in_(DECISIONS),
            self.date_ev >= f.du,
            self.date_ev <= f.au,
        )
        self.refus = and_(self.decisions, self.ev.c.vers_statut == "refusee")
        self.motif_refus = func.coalesce(self.ev.c.motif, o.c.motif_refus, nr)
        # The named expressions the catalogue's drill-down conditions read.
        self.expressions: dict[str, ColumnElement[Any]] = {
            **self.dims_fa,
            **self.dims_fa_detail,
            **self.dims_sorties,
            "statut_orientation": o.c.statut,
            "origine": o.c.origine,
            "decision": self.ev.c.vers_statut,
            "motif_refus": self.motif_refus,
        }

    def sur(self, session: Session) -> Requetes:
        """The same queries, read through another session (``calculer_tableaux``)."""
        autre = copy.copy(self)
        autre.session = session
        return autre

    def expression(self, nom: str) -> ColumnElement[Any]:
        return self.expressions[nom]

    def grouper(
        self,
        from_: FromClause,
        where: ColumnElement[bool],
        dims: dict[str, ColumnElement[Any]],
    ) -> list[Sequence[Any]]:
        """GROUP BY the named expressions, counting. They are computed in a subquery and
        grouped by name outside: PostgreSQL would not match a CASE with bound parameters
        repeated in GROUP BY."""
        cols = [e.label(k) for k, e in dims.items()]
        sub = select(*cols).select_from(from_).where(where).subquery()
        keys = [sub.c[k] for k in dims]
        return [tuple(r) for r in self.session.execute(select(*keys, func.count()).group_by(*keys))]

    # Plus de 80 lignes : une seule instruction SQL (CTE matérialisée, puis UNION ALL des regroupements),
    # écrite d'un trait pour qu'on lise la requête que mesure make bench-indicateurs.
    def passe_mesures(self, regroupements: Sequence[Regroupement]) -> dict[str, list[dict[str, Any]]]:
        """Every grouping over the mesures in one statement.

        The mesures of the scope that matter for the period are selected once (a
        materialised CTE: one index scan of ``mesure``, with their entry snapshot and
        the flags of each population), then each grouping is a GROUP BY over that row
        set, and the groupings are put together with UNION ALL — the same SQL on SQLite
        and PostgreSQL, so the same figures. Returns, per grouping, its rows as dicts of
        its keys and aggregates.
        """
        f, m = self.f, self.m
        dia = self.dialect
        fa = and_(m.c.date_mandatement <= f.au, or_(m.c.date_fin.is_(None), m.c.date_fin > f.au))
        entree = and_(m.c.date_mandatement >= f.du, m.c.date_mandatement <= f.au)
        sortie = and_(m.c.date_fin >= f.du, m.c.date_fin <= f.au)
        periode = and_(m.c.date_mandatement <= f.au, or_(m.c.date_fin.is_(None), m.c.date_fin > f.du))
        suivi = and_(m.c.suivi_date_prevue >= f.du, m.c.suivi_date_prevue <= f.au)
        n_mois = len(mois_periode(f.du, f.au))

        def rang(d: Any) -> Any:
            return (partie("year", d) - f.du.year) * 12 + partie("month", d) - f.du.month

        # an alias: the scope's own subqueries over ``dispositif`` must not correlate to it
        disp = table(Dispositif).alias("dispositif_duree")
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
            **{c: m.c[c] for c in FOYER},
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
            # the first held rendez-vous of the accompaniment (not the 6-month follow-up), kept
            # by the database at each write of a rendez-vous (migrations 0041 and 0044)
            "delai_rdv": case((entree, jours_entre(m.c.date_mandatement, jour(m.c.premier_rdv_realise, dia), dia))),
            # the référent in force at D, as text (the history keeps values as text)
            "referent": self.au_jour("referent", sql_cast(m.c.referent_id, String)),
            # against the dispositif's maximum duration (joined: one row per mesure): the
            # months left, once; the bracket is read in the grouping (``echeance`` below). As a
            # bracket here its CASE computed the months twice, for every row of the CTE
            # (≈ 10 ms of a 1 s document at département scale, measured paired).
            "restants_duree_max": mois_restants_duree_max(
                m.c.date_debut, m.c.date_mandatement, disp.c.duree_max_mois, f.au
            ),
        }
        p_sel = (
            select(m.c.id, m.c.menage_id, *(e.label(k) for k, e in cols.items()))
            .select_from(self.m_h.join(disp, disp.c.id == m.c.dispositif_id))
            .where(self.scope_m, or_(periode, entree, sortie, suivi))
        )
        p = p_sel.cte("p").prefix_with("MATERIALIZED")
        n = func.count()
        # Literal bounds and codes: a bound parameter would be a different one in GROUP BY.
        duree = case(
            *((p.c.duree_mois < literal_column(str(borne)), literal_column(f"'{code}'")) for borne, code in DUREES),
            else_=literal_column("'36_plus'"),
        )
        source = (
            p,
            {
                **{k: p.c[k] for k in ("fa", "en", "so", "pe", "su", "sp")},
                "delai_rdv": and_(p.c.en, p.c.delai_rdv.is_not(None)),
            },
            {**{c.name: c for c in p.c}, "duree": duree, "echeance_duree_max": echeance(p.c.restants_duree_max)},
            {
                "n": n,
                "age_min": func.min(p.c.age),
                "age_max": func.max(p.c.age),
                **{c: func.sum(p.c[c]) for c, _ in CLASSES_AGE},
                **{c: func.sum(p.c[c]) for c in FOYER},
                "endettes": func.sum(case((p.c.dette > 0, 1), else_=0)),
                "dette_locative": func.sum(p.c.dette),
                "menages": func.count(p.c.menage_id.distinct()),
                "suivis_faits": func.sum(p.c.suivi_fait),
            },
        )
        return self._union(regroupements, {Source.mesures: source})

    def passe_entrees(self, regroupements: Sequence[Regroupement]) -> dict[str, list[dict[str, Any]]]:
        """The groupings over the entry tables of the scope's mesures (resources, debts,
        domains recorded at entry), in one statement: each table joined to the mesures of
        its population, as the honest floor of ``make bench-indicateurs`` reads them. Read
        through the pass over the mesures' CTE (``mesure_id IN (SELECT id FROM p …)``),
        they cost twice as much: 22 000 to 37 000 primary-key probes per table."""
        m = self.m
        res, det, dom = table(MesureRessourceEntree), table(MesureDetteEntree), table(MesureDomaine)
        n = func.count()
        # the resources, read by two groupings, once
        r = (
            select(res.c.mesure_id, res.c.type)
            .select_from(res.join(m, m.c.id == res.c.mesure_id))
            .where(self.fa)
            .cte("r")
            .prefix_with("MATERIALIZED")
        )
        return self._union(
            regroupements,
            {
                Source.ressources: (
                    r,
                    {"fa": true(), "minima_sociaux": r.c.type.in_(MINIMA_SOCIAUX)},
                    {"ressource": r.c.type},
                    {"n": n, "mesures_distinctes": func.count(r.c.mesure_id.distinct())},
                ),
                Source.dettes: (
                    det.join(m, m.c.id == det.c.mesure_id),
                    {"fa": self.fa},
                    {"dette": det.c.type},
                    {"n": n, "montant": func.sum(det.c.montant)},
                ),
                Source.domaines: (
                    dom.join(m, m.c.id == dom.c.mesure_id),
                    {"pe": self.periode},
                    {"domaine": dom.c.domaine},
                    {"n": n},
                ),
            },
        )

    def _union(
        self,
        regroupements: Sequence[Regroupement],
        sources: Mapping[Source, tuple[Any, Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]]],
    ) -> dict[str, list[dict[str, Any]]]:
        """One GROUP BY per grouping over its source (its rows, its populations, its keys,
        its aggregates), put together with UNION ALL: one statement, the same SQL on SQLite
        and PostgreSQL. Returns, per grouping, its rows as dicts of its keys and aggregates."""
        out: dict[str, list[dict[str, Any]]] = {g.nom: [] for g in regroupements}
        if not regroupements:
            return out
        nk = max(len(g.cles) for g in regroupements)
        na = max(len(g.agregats) for g in regroupements)
        branches = []
        for g in regroupements:
            from_, populations, cles, agregats = sources[g.source]
            keys = [cles[k] for k in g.cles]
            kcols = [sql_cast(k, String) for k in keys] + [
                sql_cast(literal(None), String) for _ in range(nk - len(keys))
            ]
            acols = [sql_cast(agregats[a], Numeric) for a in g.agregats] + [
                sql_cast(literal(None), Numeric) for _ in range(na - len(g.agregats))
            ]
            sel = (
                select(
                    literal(g.nom).label("g"),
                    *(c.label(f"k{i}") for i, c in enumerate(kcols)),
                    *(c.label(f"a{i}") for i, c in enumerate(acols)),
                )
                .select_from(from_)
                .where(populations[g.population])
            )
            if keys:
                sel = sel.group_by(*keys)
            branches.append(sel)
        # per grouping: its rows' list, its names, where its keys and aggregates are in a row
        formes = {
            g.nom: (out[g.nom], (*g.cles, *g.agregats), 1 + len(g.cles), 1 + nk + len(g.agregats))
            for g in regroupements
        }
        for ligne in self.session.execute(union_all(*branches)):
            rangees, noms, fin_cles, fin = formes[ligne[0]]
            valeurs = (*ligne[1:fin_cles], *map(_nombre, ligne[1 + nk : fin]))
            rangees.append(dict(zip(noms, valeurs, strict=True)))
        return out

    def passe_source(self, source: Source, groupes: Sequence[Regroupement]) -> dict[str, list[dict[str, Any]]]:
        """The groupings over the orientations, the decisions, the rendez-vous or the
        modalités' periods: one pass per source, whatever the number of its groupings.

        The rows are grouped once by every key the groupings read and by one flag per
        population (a few dozen groups: the keys are short lists of codes), and each grouping
        sums the groups of its population by its own keys here. The rendez-vous of the year
        were read twice before (the tables by type and the absences by reminder: 160 and
        270 ms of a 1.5 s document at département scale, ``make bench-indicateurs``)."""
        from_, commun, populations, cles = self._source(source)
        noms = list(dict.fromkeys(k for g in groupes for k in g.cles))
        pops = list(dict.fromkeys(g.population for g in groupes))
        # A population is the source's common condition (the scope, the period) and its own;
        # the rows of any of them are read once, each flagged by the populations it is in.
        propres = [populations[pop] for pop in pops]
        drapeaux = {f"p_{i}": literal(1) if c is None else case((c, 1), else_=0) for i, c in enumerate(propres)}
        where = commun if any(c is None for c in propres) else and_(commun, or_(*(c for c in propres if c is not None)))
        # a key that is the same expression as another (the presence is the status) is grouped once
        exprs: dict[int, str] = {}
        for k in noms:
            if not isinstance(cles[k], Appartenance):
                exprs.setdefault(id(cles[k]), k)
        dims = {**{k: cles[k] for k in exprs.values()}, **drapeaux}
        lignes = [dict(zip(dims, r[:-1], strict=True)) | {"n": int(r[-1])} for r in self.grouper(from_, where, dims)]
        for k in noms:
            if isinstance(cles[k], Appartenance):
                lignes = self._scinder(lignes, k, cles[k], from_, where, dims)
        for ligne in lignes:
            for k in noms:
                ligne.setdefault(k, ligne.get(exprs.get(id(cles[k]), k)))
        out: dict[str, list[dict[str, Any]]] = {}
        for g in groupes:
            assert g.agregats == ("n",), g.nom  # these passes count
            drapeau = f"p_{pops.index(g.population)}"
            sommes: dict[tuple[Any, ...], int] = defaultdict(int)
            for r in lignes:
                if r[drapeau] == 1 and r["n"]:
                    sommes[tuple(r[k] for k in g.cles)] += r["n"]
            out[g.nom] = [dict(zip((*g.cles, "n"), (*k, n), strict=True)) for k, n in sommes.items()]
        return out

    def _scinder(
        self,
        lignes: list[dict[str, Any]],
        cle: str,
        a: Appartenance,
        from_: FromClause,
        where: ColumnElement[bool],
        dims: dict[str, ColumnElement[Any]],
    ) -> list[dict[str, Any]]:
        """Splits each group by a membership key: the members are counted from the side
        table (few rows, read by key), the others are the difference. Testing membership on
        every row of the year cost as much as reading them (≈ 90 ms for 220 000 rendez-vous,
        a hashed subplan evaluated per row, even with no reminder at all)."""
        membres = {tuple(r[:-1]): int(r[-1]) for r in self.grouper(from_, and_(where, a.colonne.in_(a.ids)), dims)}
        out = []
        for ligne in lignes:
            oui = membres.get(tuple(ligne[k] for k in dims), 0)
            out.append(ligne | {cle: a.oui, "n": oui})
            out.append(ligne | {cle: a.non, "n": ligne["n"] - oui})
        return out

    def _source(
        self, source: Source
    ) -> tuple[FromClause, ColumnElement[bool], dict[str, ColumnElement[bool] | None], dict[str, Any]]:
        """What a source other than the mesures offers: its rows, the condition all its
        populations share, each population's own condition (None: all the rows), the
        expressions of its keys."""
        o, m, f = self.o, self.m, self.f
        if source == Source.orientations:
            org = table(Organisation)
            from_: FromClause = o.join(org, org.c.id == o.c.prescripteur_organisation_id)
            return (
                from_,
                self.recues,
                {"recues": None},
                {
                    "statut_orientation": o.c.statut,
                    "origine": o.c.origine,
                    "prescripteur": o.c.prescripteur_organisation_id,
                    "nom_prescripteur": org.c.nom,
                },
            )
        if source == Source.decisions:
            return (
                self.from_dec,
                self.decisions,
                {"decisions": None},
                {
                    "decision": self.ev.c.vers_statut,
                    "motif_refus": case((self.ev.c.vers_statut == "refusee", self.motif_refus), else_=""),
                    "delai": jours_entre(o.c.date_reception, self.date_ev, self.dialect),
                },
            )
        if source == Source.rendez_vous:
            rdv = table(RendezVous)
            debut_p = datetime.combine(f.du, time.min, tzinfo=UTC)
            fin_p = datetime.combine(f.au + timedelta(days=1), time.min, tzinfo=UTC)
            periode = and_(self.scope_m, rdv.c.debut >= debut_p, rdv.c.debut < fin_p)
            rap = table(RappelRendezVous)
            # the reminders sent (a reminder of a rendez-vous moved since was sent all the same)
            rappeles = select(rap.c.rendez_vous_id).where(rap.c.statut == "envoye")
            return (
                rdv.join(m, m.c.id == rdv.c.mesure_id),
                periode,
                {"periode": None, "presences": rdv.c.statut.in_(("realise", "absent"))},
                {
                    "type_rdv": rdv.c.type,
                    "statut_rdv": rdv.c.statut,
                    "rappel": Appartenance(rdv.c.id, rappeles, "avec_rappel", "sans_rappel"),
                    "presence_rdv": rdv.c.statut,  # the same column object: grouped once
                },
            )
        if source == Source.modalites:
            return self._periodes_modalite()
        raise ValueError(source)

    def _periodes_modalite(
        self,
    ) -> tuple[FromClause, ColumnElement[bool], dict[str, ColumnElement[bool] | None], dict[str, Any]]:
        """The periods of each modalité de logement of the scope's mesures: the past ones
        (``mesure_historique``: closed by a change) and the current one (from the last
        change, or the mandatement, to the modalité's recorded end or the mesure's end).
        An entry is a period starting in the period, an exit one ending in it: only dates
        on or before « au » are read, so a later change moves nothing. Periods without a
        modalité (« none ») are not counted."""
        m, f = self.m, self.f
        # an alias: the scope's probe of the cible in force (``Perimetre.mesures``) reads
        # ``mesure_historique`` too, and must not correlate to these rows
        mh = table(MesureHistorique).alias("historique_modalite")
        dernier = (
            select(func.max(mh.c.jusqu_au))
            .where(mh.c.mesure_id == m.c.id, mh.c.attribut == "modalite_logement")
            .scalar_subquery()
        )
        # a period starting or ending in [du, au] belongs to a mesure mandated by « au » and
        # not ended before « du »: the other mesures are not read
        large = and_(m.c.date_mandatement <= f.au, or_(m.c.date_fin.is_(None), m.c.date_fin >= f.du))
        fin_modalite = and_(
            m.c.modalite_date_fin.is_not(None), or_(m.c.date_fin.is_(None), m.c.modalite_date_fin < m.c.date_fin)
        )
        courantes = select(
            m.c.modalite_logement.label("valeur"),
            func.coalesce(dernier, m.c.date_mandatement).label("du"),
            case((fin_modalite, m.c.modalite_date_fin), else_=m.c.date_fin).label("jusqu_au"),
            case((fin_modalite, literal_column("'fin_modalite'")), else_=literal_column("'fin_mesure'")).label("issue"),
            m.c.date_mandatement.label("mandatement"),
        ).where(self.scope_m, m.c.modalite_logement.is_not(None), large)
        passees = (
            select(
                mh.c.valeur,
                mh.c.du,
                mh.c.jusqu_au,
                literal_column("'changement_modalite'").label("issue"),
                m.c.date_mandatement.label("mandatement"),
            )
            .select_from(mh.join(m, m.c.id == mh.c.mesure_id))
            .where(
                self.scope_m,
                # literal: the partial index ``ix_mesure_historique_modalite`` is chosen
                # only when the planner sees the value (migration 0046)
                mh.c.attribut == literal_column("'modalite_logement'"),
                mh.c.valeur.is_not(None),
                mh.c.jusqu_au >= f.du,
                mh.c.du <= f.au,
            )
        )
        p = union_all(courantes, passees).subquery("periodes_modalite")
        # An empty period is none: a modalité recorded after the mesure's end (its start
        # after that end) describes no day of the mesure, and must not add an exit at D.
        non_vide = or_(p.c.jusqu_au.is_(None), p.c.du < p.c.jusqu_au)
        populations: dict[str, ColumnElement[bool] | None] = {
            "entrees_modalite": and_(p.c.du >= f.du, p.c.du <= f.au),
            "sorties_modalite": and_(p.c.jusqu_au >= f.du, p.c.jusqu_au <= f.au),
        }
        cles = {
            "modalite_logement": p.c.valeur,
            "moment_modalite": case((p.c.du == p.c.mandatement, "au_mandatement"), else_="en_cours_de_mesure"),
            "issue_modalite": p.c.issue,
        }
        return p, non_vide, populations, cles

    def conventions(self) -> list[Any]:
        """The conventions of the scope, each with the reader's share (``financement.py``)."""
        conv = table(Convention)
        return list(
            self.session.execute(
                select(
                    conv.c.date_debut,
                    conv.c.date_fin,
                    conv.c.objectif_menages,
                    conv.c.mois_mesures_finances,
                    conv.c.budget_euros,
                    self.perimetre.part_conventions(conv),
                ).where(*self.perimetre.conventions(conv))
            ).all()
        )

    def financeurs(self) -> list[Any]:
        """The conventions of the scope once per funder, with its share and name (the
        ventilation: ``activite_financeurs_*``); a funder reads its own rows only."""
        conv, cf, org = table(Convention), table(ConventionFinanceur), table(Organisation)
        return list(
            self.session.execute(
                select(
                    cf.c.financeur_id,
                    org.c.nom,
                    conv.c.date_debut,
                    conv.c.date_fin,
                    conv.c.objectif_menages,
                    conv.c.mois_mesures_finances,
                    conv.c.budget_euros,
                    cf.c.part_centiemes,
                )
                .select_from(conv.join(cf, cf.c.convention_id == conv.c.id).join(org, org.c.id == cf.c.financeur_id))
                .where(*self.perimetre.conventions(conv), *self.perimetre.financeurs_conventions(cf))
            ).all()
        )

    def libelles_dispositifs(self, model: type[Cible] | type[TypeAccompagnement]) -> list[tuple[str, str]]:
        """Cible (or type) labels of the dispositifs in scope (configuration rows, not counted)."""
        c = table(model)
        d = table(Dispositif)
        query = (
            select(c.c.code, c.c.libelle)
            .select_from(c.join(d, d.c.id == c.c.dispositif_id))
            .where(*self.perimetre.dispositifs(d))
        )
        out: dict[str, str] = {}
        for code, lib in self.session.execute(query.order_by(c.c.ordre, c.c.code)):
            out.setdefault(code, lib)
        return list(out.items())


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


def _tableau(t: Table, mots: Mapping[str, str], dims: list[Dimension], cellules: list[Cellule]) -> Tableau:
    return Tableau(
        code=t.code,
        titre=t.titre.format(**mots),
        definition=t.definition.format(**mots),
        unite=t.unite,
        dimensions=dims,
        cellules=cellules,
        detail_disponible=t.detail,
    )


def _t0(dim: Dimension, valeurs: Mapping[str, Any]) -> list[Cellule]:
    """Named figures (no total): one cell per value of ``dim``."""
    return [
        Cellule(dimensions={dim.code: m.code}, cle=f"{dim.code}={m.code}", valeur=valeurs.get(m.code))
        for m in dim.valeurs
    ]


def _t1(
    dim: Dimension,
    valeurs: Mapping[str, float],
    *,
    pct: bool = False,
    base_pct: float | None = None,
    total: float | None = None,
) -> list[Cellule]:
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
    return cellules


def _t2(d1: Dimension, d2: Dimension, valeurs: Mapping[tuple[str, str], float]) -> list[Cellule]:
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
    return cellules


class _Moteur:
    """Shapes the tables of one document from the grouped rows and the configuration
    (``configuration``: conventions, funders, labels), both read by ``calculer_tableaux``."""

    def __init__(self, q: Requetes, lignes: dict[str, list[dict[str, Any]]], config: Mapping[str, Any]) -> None:
        self.q, self.f = q, q.f
        self.mois = mois_periode(self.f.du, self.f.au)
        self.config = config
        self.ctx = Contexte(
            lignes=lignes,
            f=self.f,
            mois=self.mois,
            conventions=lambda: config["conventions"],
            financeurs=lambda: config["financeurs"],
        )

    def libelles_dispositifs(self, quoi: str) -> list[tuple[str, str]]:
        return list(self.config[quoi])

    def dimension(
        self, d: Dim, mots: Mapping[str, str], vus: Iterable[str], lignes: Sequence[Mapping[str, Any]]
    ) -> Dimension:
        liste = d.libelles or d.code
        if d.valeurs == "cibles":
            valeurs = _modalites("cible", vus, self.libelles_dispositifs("cibles"))
        elif d.valeurs == "types":
            valeurs = _modalites("type_accompagnement", vus, self.libelles_dispositifs("types"))
        elif d.valeurs == "tranches":
            valeurs = _modalites("tranche_age", connus=codes_tranches(self.f.tranches_age))
        elif d.valeurs == "mois":
            valeurs = [Modalite(code=c, libelle=c) for c, _, _ in self.mois]
        elif d.valeurs == "vus":
            valeurs = [Modalite(code=c, libelle=d.libelle_de(c) if d.libelle_de else c) for c in sorted(vus)]
        elif d.valeurs == "fixes":
            valeurs = [Modalite(code=k, libelle=libelle(liste, k)) for k in d.codes]
        elif d.valeurs == "liste_complete":
            valeurs = _modalites(liste)
        elif d.valeurs == "motif_refus":
            vus = set(vus)
            connus = [(k, lib) for k, lib in LIBELLES[liste].items() if k != "non_renseigne" or k in vus]
            valeurs = _modalites(liste, vus, connus)
        elif d.valeurs == "financeurs":
            noms = {str(uuid.UUID(str(r[0]))): r[1] for r in self.ctx.financeurs()}
            valeurs = [Modalite(code=k, libelle=noms.get(k, k)) for k in sorted(vus, key=lambda k: noms.get(k, k))]
        elif d.valeurs == "prescripteurs":
            noms = {str(r["prescripteur"]): r["nom_prescripteur"] for r in lignes}
            valeurs = [Modalite(code=k, libelle=noms[k]) for k in sorted(vus, key=lambda k: noms[k])]
        else:
            valeurs = _modalites(liste, vus)
        return Dimension(code=d.code, titre=d.titre.format(**mots), valeurs=valeurs)

    def tableau(self, t: Table, mots: Mapping[str, str]) -> Tableau:
        lignes: list[dict[str, Any]] = []
        if t.regroupement is not None:
            lignes = self.ctx.lignes[t.regroupement]
            if t.ou:
                lignes = [r for r in lignes if all(r[k] == v for k, v in t.ou.items())]
            cles = [d.cle_groupe for d in t.dimensions]
            brut = marge(lignes, cles, t.valeur)
            codeurs = [d.en_code or (lambda v: v) for d in t.dimensions]
            valeurs: dict[Any, Any] = defaultdict(int)
            # the codes seen are those of the margin's keys (every group's key is one of
            # them): coded once per key, not once per group
            vus: list[set[Any]] = [set() for _ in t.dimensions]
            for k, v in brut.items():
                if len(t.dimensions) == 1:
                    code: Any = codeurs[0](k)
                    vus[0].add(code)
                else:
                    code = tuple(c(x) for c, x in zip(codeurs, k, strict=True))
                    for i, x in enumerate(code):
                        vus[i].add(x)
                valeurs[code] += v
        else:
            assert t.calcul is not None, t.code
            valeurs = dict(t.calcul(self.ctx))
            vus = [set(valeurs)]
        dims = [self.dimension(d, mots, vus[i], lignes) for i, d in enumerate(t.dimensions)]
        if not t.marges:
            return _tableau(t, mots, dims, _t0(dims[0], valeurs))
        if len(dims) == 2:
            return _tableau(t, mots, dims, _t2(dims[0], dims[1], valeurs))
        base = int(self.ctx.somme(*t.base)) if t.base else None
        return _tableau(t, mots, dims, _t1(dims[0], valeurs, pct=t.pourcentages, base_pct=base, total=base))


def mots_du_document(f: Filtres) -> dict[str, str]:
    """What the definitions' templates say of this document (dates, which age)."""
    d_au = f.au.strftime("%d/%m/%Y")
    if f.age == ModeAge.a_l_entree:
        age_titre, age_def = "à l'entrée", "à l'entrée : en années révolues au jour du mandatement"
    else:
        age_titre = f"au {d_au}"
        age_def = (
            f"au {d_au} : en années révolues, au mois près (l'anniversaire compté au premier "
            "jour du mois de naissance, le jour n'étant pas conservé)"
        )
    return {
        "au": d_au,
        "periode": f"du {f.du:%d/%m/%Y} au {f.au:%d/%m/%Y}",
        "age_titre": age_titre,
        "age_def": age_def,
    }


# The settings of a transaction that reads for the indicators (PostgreSQL).
REGLAGES_POSTGRESQL = (
    # Short analytical queries with high cost estimates: compiling them (JIT) costs far
    # more than it saves (seconds on a loaded machine). For this transaction only.
    "SET LOCAL jit = off",
    # The pass over the mesures keeps its row set (45 000 rows of 400 bytes at
    # département scale) for fourteen groupings: with the default 4 MB it spills to
    # temporary files, read back by every grouping (a third of the statement's time,
    # measured with EXPLAIN (ANALYZE, BUFFERS)). Memory of this backend, for this
    # transaction only.
    "SET LOCAL work_mem = '64MB'",
)


def calculer_tableaux(
    session: Session, principal: Principal, f: Filtres, tables: Sequence[Table] = TABLES
) -> list[Tableau]:
    """Every table of ``tables`` (default: the catalogue) for the perimeter and filters.

    Only the groupings these tables read are computed (``catalogue.regroupements_de``): a
    report showing fifteen tables does not pay for the other passes (orientations,
    decisions, rendez-vous) nor for the groupings of the mesures it does not show."""
    noms = {nom for t in tables for nom in regroupements_de(t)}
    q = Requetes(session, principal, f)
    demandes = [g for g in REGROUPEMENTS if g.nom in noms]
    par_source: dict[Source, list[Regroupement]] = defaultdict(list)
    for g in demandes:
        if g.source not in PASSE_MESURES:
            par_source[g.source].append(g)

    par_mesures = [g for g in demandes if g.source == Source.mesures]
    entrees = [g for g in demandes if g.source in PASSE_MESURES and g.source != Source.mesures]

    def mesures(s: Session) -> dict[str, Any]:
        return q.sur(s).passe_mesures(par_mesures)

    def tables_d_entree(s: Session) -> dict[str, Any]:
        return q.sur(s).passe_entrees(entrees)

    def source(src: Source) -> Callable[[Session], dict[str, Any]]:
        return lambda s: q.sur(s).passe_source(src, par_source[src])

    def config(s: Session) -> dict[str, Any]:
        return configuration(q.sur(s))

    # The reads, the longest first (at département scale, ``make bench-indicateurs``' base,
    # timed one after the other: the pass over the mesures ≈ 550 ms, the entry tables
    # ≈ 260, the rendez-vous ≈ 210, the decisions ≈ 90, the modalités ≈ 80, the
    # orientations ≈ 10). On PostgreSQL two connections take them in turn at one snapshot
    # (api/core/instantane.py) and end together; the configuration, a few rows, comes
    # second so that the tables can be shaped here as their groupings arrive, while the
    # other connection still reads. On SQLite, the same reads one after the other.
    ordre = {s: i for i, s in enumerate((Source.rendez_vous, Source.decisions, Source.modalites, Source.orientations))}
    lectures: list[tuple[str, Callable[[Session], dict[str, Any]]]] = [
        *([("mesures", mesures)] if par_mesures else []),
        ("configuration", config),
        *([("entrees", tables_d_entree)] if entrees else []),
        *((src.value, source(src)) for src in sorted(par_source, key=lambda x: ordre.get(x, len(ordre)))),
    ]
    lignes: dict[str, list[dict[str, Any]]] = {}
    configuration_lue: dict[str, Any] = {}
    moteur = _Moteur(q, lignes, configuration_lue)
    mots = mots_du_document(f)
    besoins = [regroupements_de(t) for t in tables]
    tableaux: dict[int, Tableau] = {}
    reglages = REGLAGES_POSTGRESQL if q.dialect == "postgresql" else ()
    for i, part in en_parallele(session, [lire for _, lire in lectures], reglages=reglages):
        (configuration_lue if lectures[i][0] == "configuration" else lignes).update(part)
        if configuration_lue:
            for j, t in enumerate(tables):
                if j not in tableaux and besoins[j] <= lignes.keys():
                    tableaux[j] = moteur.tableau(t, mots)
    return [tableaux[j] if j in tableaux else moteur.tableau(t, mots) for j, t in enumerate(tables)]


def configuration(q: Requetes) -> dict[str, Any]:
    """What the tables read besides the grouped rows: the conventions of the scope, once
    and once per funder, and the labels of the cibles and types of its dispositifs."""
    return {
        "conventions": q.conventions(),
        "financeurs": q.financeurs(),
        "cibles": q.libelles_dispositifs(Cible),
        "types": q.libelles_dispositifs(TypeAccompagnement),
    }


# --- behind a cell: the files -----------------------------------------------------


def conditions_detail(q: Requetes, table_code: str) -> tuple[Population, ColumnElement[bool], dict[str, Any]]:
    """The population of a table whose cells can be opened, its condition, and the
    condition of each dimension a cell may name: those of every table of the same
    population (a cell of the file active by cible may also name a tranche d'âge)."""
    t = PAR_CODE.get(table_code)
    if t is None or not t.detail or t.population.detail is None:
        raise Introuvable("Détail de la table", table_code)
    dims: dict[str, Any] = {}
    for autre in TABLES:
        if autre.population is t.population and autre.detail:
            for d in autre.dimensions:
                if d.detail is not None:
                    dims.setdefault(d.code, d.detail)
    conditions = {k: (lambda v, c=c: c(q, v)) for k, c in dims.items()}
    return t.population, t.population.detail(q), conditions
