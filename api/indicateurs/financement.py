"""The conventions' targets and budgets over a period (table ``activite``).

Pure arithmetic on the conventions of the scope (read by the engine through the
``Perimetre``): kept apart so that the rules of funding change here only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any


def arrondi(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(v, 1)


def financement(conventions: Sequence[Any], du: date, au: date) -> dict[str, float | None]:
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
