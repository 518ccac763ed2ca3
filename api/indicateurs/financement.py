"""The conventions' targets and budgets over a period (tables ``activite`` and
``activite_financeurs_*``).

Pure arithmetic on the conventions of the scope (read by the engine through the
``Perimetre``): kept apart so that the rules of funding change here only.

Each convention row carries the share of the reader (``part_centiemes``, 10 000 = 100 %):
a funder reads its share of the money and of the mois-mesures financés of each
convention (0 for a convention of the dispositif it does not fund); an association, a
commission or the administration read 10 000, the whole (docs/indicateurs.md, « Cofinancement »).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

CENT_POUR_CENT = 10_000


def arrondi(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(v, 1)


def financement(conventions: Sequence[Any], du: date, au: date) -> dict[str, float | None]:
    """The conventions' targets over the period, each weighted by the days of the period
    it covers: two successive conventions of 35 (January–June) and 40 (July–December)
    give 37.5 for the year, not 75. Mois-mesures financés and budgets are taken pro rata
    of the convention's own days falling in the period, then times the reader's share.

    The target in households is the convention's whole target for every reader (the
    households are accompanied together, not per funder), and so is ``mois_mesures_finances_total``,
    against which the rate of mois-mesures realised is read: a funder paying 60 % of a
    convention reads 60 % of the money and of the mois-mesures financés, and the same rate."""
    jours_periode = (au - du).days + 1
    objectif = 0.0
    mmf: float | None = None
    mmf_total: float | None = None
    budget: float | None = None
    for debut, fin, obj, mois_finances, budget_euros, part_centiemes in conventions:
        couverts = (min(fin, au) - max(debut, du)).days + 1
        if couverts <= 0:
            continue
        objectif += (obj or 0) * couverts / jours_periode
        prorata = couverts / ((fin - debut).days + 1)
        part = (part_centiemes or 0) / CENT_POUR_CENT
        if mois_finances is not None:
            mmf = (mmf or 0) + mois_finances * prorata * part
            mmf_total = (mmf_total or 0) + mois_finances * prorata
        if budget_euros is not None:
            budget = (budget or 0) + budget_euros * prorata * part
    return {
        "objectif": objectif or None,
        "mois_mesures_finances": mmf,
        "mois_mesures_finances_total": mmf_total,
        "budget": budget,
    }


def ventilation(lignes: Sequence[Any], du: date, au: date) -> dict[str, dict[str, float | None]]:
    """Per funder (its id as text), its share of the budget and of the mois-mesures financés
    over the period: ``lignes`` are (financeur, début, fin, objectif, mois financés, budget,
    part), one per convention and funder."""
    par_financeur: dict[str, list[Any]] = {}
    for financeur, *convention in lignes:
        par_financeur.setdefault(str(financeur), []).append(convention)
    return {k: financement(v, du, au) for k, v in par_financeur.items()}
