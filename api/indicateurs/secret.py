"""Statistical secrecy of the indicators given to funders (docs/indicateurs.md).

Primary suppression: a count of households, files or persons below the threshold (but
not zero) is masked, totals included — a total below the threshold isolates a small
group by itself. Secondary suppression: in each line of a table (a one-dimension table
and its total; each row and each column of a two-dimension table with its margin), a
lone masked cell could be recomputed as the margin minus the visible cells; the
smallest other visible cell of that line is masked with it (a non-zero one first), and
so on until no line has a lone masked cell under a visible margin.

The requests a funder may make are limited so that two of them cannot be subtracted
to recover a masked cell: see ``verifier_filtres`` (service.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from api.indicateurs.schemas import Cellule, Tableau, Unite

# Counts of households, files, persons: the only cells a threshold masks.
UNITES_COMPTAGE = {
    Unite.mesures,
    Unite.menages,
    Unite.personnes,
    Unite.orientations,
    Unite.decisions,
    Unite.rendez_vous,
}
TOTAL = "total"


def _lignes(t: Tableau) -> list[tuple[list[Cellule], Cellule]]:
    """(components, margin) for each additive line of the table."""
    par_cle = {tuple(c.dimensions.get(d.code) for d in t.dimensions): c for c in t.cellules}
    if len(t.dimensions) == 1:
        total = par_cle.get((TOTAL,))
        if total is None:
            return []
        return [([c for k, c in par_cle.items() if k != (TOTAL,)], total)]
    if len(t.dimensions) != 2:
        return []
    d1, d2 = t.dimensions
    a_s = [v.code for v in d1.valeurs]
    b_s = [v.code for v in d2.valeurs]
    out = []
    for a in [*a_s, TOTAL]:
        comp = [par_cle[(a, b)] for b in b_s if (a, b) in par_cle]
        if (a, TOTAL) in par_cle:
            out.append((comp, par_cle[(a, TOTAL)]))
    for b in [*b_s, TOTAL]:
        comp = [par_cle[(a, b)] for a in a_s if (a, b) in par_cle]
        if (TOTAL, b) in par_cle:
            out.append((comp, par_cle[(TOTAL, b)]))
    return out


def _masquer_cellule(c: Cellule) -> None:
    c.valeur, c.pourcentage, c.masque = None, None, True


def masquer(tableaux: Iterable[Tableau], seuil: int) -> None:
    """Primary then secondary suppression, in place, for every counting table."""
    for t in tableaux:
        if t.unite not in UNITES_COMPTAGE:
            continue
        valeurs = {id(c): c.valeur for c in t.cellules}
        masquees: set[int] = {id(c) for c in t.cellules if c.valeur is not None and 0 < c.valeur < seuil}
        lignes = _lignes(t)
        change = bool(masquees)
        while change:
            change = False
            for comp, marge in lignes:
                cachees = [c for c in comp if id(c) in masquees]
                if len(cachees) != 1 or id(marge) in masquees:
                    continue
                visibles = [c for c in comp if id(c) not in masquees and valeurs[id(c)] is not None]
                if not visibles:
                    # nothing else to hide in this line: the margin would give the cell away
                    masquees.add(id(marge))
                else:
                    masquees.add(id(min(visibles, key=lambda c: (not (valeurs[id(c)] or 0) > 0, valeurs[id(c)] or 0))))
                change = True
        for c in t.cellules:
            if id(c) in masquees:
                _masquer_cellule(c)
