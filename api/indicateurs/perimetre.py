"""What a document covers: the caller's access and the request's filters, in one place.

``Perimetre`` is access ∧ filters. Every pass of the engine (the mesures, the
orientations and decisions, the rendez-vous, the conventions, the labels of the
dispositifs' cibles) takes its condition from here, so that a filter is written
once: adding one (an EPCI, a funder's share…) is a change to this file only.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from api.auth.principal import Principal
from api.core.errors import champ_invalide
from api.dispositifs.models import ConventionFinanceur
from api.indicateurs import access
from api.indicateurs.financement import CENT_POUR_CENT
from api.indicateurs.schemas import ModeAge
from api.indicateurs.sql import table
from api.menages.models import Menage
from api.mesures import service as mesures
from api.mesures.models import MesureHistorique

TRANCHES_AGE_DEFAUT = (20, 30, 40, 50, 60, 70, 80)
MAX_MOIS = 120


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
    """Validated parameters: ``au`` defaults to today (in France: the field's dates are French
    dates), ``du`` to January 1st of ``au``'s year."""
    au = au or mesures.aujourdhui()
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


@dataclass(frozen=True)
class Perimetre:
    """Access ∧ filters, as the condition each source needs (a table given by its columns)."""

    principal: Principal
    f: Filtres

    def mesures(self, m: Any) -> ColumnElement[bool]:
        """The mesures counted: those the principal may count, of the dispositif,
        association and communes asked for, whose cible *at ``au``* is the one asked for."""
        f = self.f
        conds: list[ColumnElement[bool]] = [access.condition_mesures(self.principal)]
        conds += self._dispositif_association(m)
        if f.commune:
            conds.append(m.c.entree_commune_insee.in_(f.commune))
        if f.cible:
            # the cible in force at D (a correlated probe: the scope is also used by
            # queries that do not join the history)
            mh = table(MesureHistorique)
            periode = (
                select(mh.c.valeur)
                .where(
                    mh.c.mesure_id == m.c.id,
                    mh.c.attribut == "cible",
                    mh.c.du <= f.au,
                    mh.c.jusqu_au > f.au,
                )
                .limit(1)
                .scalar_subquery()
            )
            conds.append(func.coalesce(periode, m.c.cible_code) == f.cible)
        return and_(*conds)

    def orientations(self, o: Any) -> ColumnElement[bool]:
        """The referrals counted; an orientation's cible is the decided one, else the
        proposed one; its territory is the household's commune."""
        f = self.f
        conds: list[ColumnElement[bool]] = [access.condition_orientations(self.principal)]
        conds += self._dispositif_association(o)
        if f.cible:
            conds.append(func.coalesce(o.c.cible_code, o.c.cible_proposee_code) == f.cible)
        if f.commune:
            men = table(Menage)
            conds.append(exists().where(men.c.id == o.c.menage_id, men.c.commune_insee.in_(f.commune)))
        return and_(*conds)

    def conventions(self, c: Any) -> list[ColumnElement[bool]]:
        """The conventions of the scope that cover part of the period."""
        f = self.f
        return [
            access.condition_conventions(self.principal),
            c.c.date_debut <= f.au,
            c.c.date_fin >= f.du,
            *self._dispositif_association(c),
        ]

    def part_conventions(self, c: Any) -> ColumnElement[Any]:
        """The reader's share of each convention, in hundredths of a percent: a funder's own
        (0 for a convention it does not fund), the whole for anyone else."""
        if not access.est_agrege_seulement(self.principal):
            return literal(CENT_POUR_CENT)
        cf = table(ConventionFinanceur)
        part = (
            select(cf.c.part_centiemes)
            .where(cf.c.convention_id == c.c.id, cf.c.financeur_id == self.principal.organisation_id)
            .scalar_subquery()
        )
        return func.coalesce(part, 0)

    def financeurs_conventions(self, cf: Any) -> list[ColumnElement[bool]]:
        """The funders of the ventilation: all of them for an association, a commission or
        the administration; a funder sees its own share only (the others' shares are the
        others' figures; the conventions' parts stay readable on /conventions)."""
        if not access.est_agrege_seulement(self.principal):
            return []
        return [cf.c.financeur_id == self.principal.organisation_id]

    def dispositifs(self, d: Any) -> list[ColumnElement[bool]]:
        """The dispositifs of the scope (their configuration: labels of cibles and types)."""
        conds: list[ColumnElement[bool]] = []
        if self.f.dispositif:
            conds.append(d.c.id == self.f.dispositif)
        perimetre = access.condition_colonnes_dispositif(self.principal, d.c.commission_id, d.c.id)
        if perimetre is not None:
            conds.append(perimetre)
        return conds

    def _dispositif_association(self, t: Any) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if self.f.dispositif:
            conds.append(t.c.dispositif_id == self.f.dispositif)
        if self.f.association:
            conds.append(t.c.association_id == self.f.association)
        return conds
