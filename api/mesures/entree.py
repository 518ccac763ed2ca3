"""The demandeur and the persons of the household *at entry*, snapshotted on the mesure.

Two ages are available in the indicators (docs/indicateurs.md, « Âges »):

* the age **at the date the table speaks of** (default, ``age=au_jour``), as the seeds
  read it (« âge au 30/04/2016 »): computed from the demandeur's month and year of
  birth (``entree_naissance_demandeur``, YYYYMM), the birthday taken as the first of
  the month. The day is dropped on purpose: retention keeps the month and the year on
  the anonymised mesure, so that this age is the same before and after anonymisation;
* the age **at entry** (``age=a_l_entree``): full years on the mandatement day, from
  the full birth date, recorded when the mesure is created.

Both survive retention (anonymisation reduces the persons' birth dates to 1 January of
the year) and the indicators read one row per mesure, with no join to the persons.

The demandeur's sex is snapshotted for the same last reason (it is not anonymised).
The persons of the household are counted by age class at entry; a person born after
the mandatement was not in the household at entry and is not counted.

Seed 004 counts the persons in other classes (« 29 mineurs, 14 jeunes majeurs encore au
domicile familial, 48 adultes, 9 personnes isolées de plus de 65 ans »), which need the
link and the household's size at entry: two more counts are snapshotted (``FOYER``), the
young adults living with their parents (18 to 25 years old at entry, link « enfant ») and
the persons of 65 or more living alone (the only person of the household at entry).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

# (column of the mesure, code of the age class in the indicators)
CLASSES_AGE = (
    ("entree_nb_mineurs", "mineur"),
    ("entree_nb_18_25", "18_25"),
    ("entree_nb_26_64", "26_64"),
    ("entree_nb_65_plus", "65_plus"),
    ("entree_nb_age_inconnu", "non_renseigne"),
)


# Two counts across the age classes, for seed 004's classes (docs/indicateurs.md).
JEUNES_MAJEURS = "entree_nb_jeunes_majeurs_domicile"
ISOLES_65 = "entree_nb_isoles_65_plus"
FOYER = (JEUNES_MAJEURS, ISOLES_65)


def age_a(naissance: date, d: date) -> int:
    """Age in full years at ``d``: a birthday falling on ``d`` counts."""
    return d.year - naissance.year - ((naissance.month, naissance.day) > (d.month, d.day))


def naissance_mois(naissance: date) -> int:
    """YYYYMM: the month and year of birth kept for ages at a date."""
    return naissance.year * 100 + naissance.month


def age_au_mois(naissance_yyyymm: int, d: date) -> int:
    """Age at ``d`` from the month and year of birth, the birthday being the first of the
    month (the same rule as the SQL of the indicators)."""
    mois = d.year * 12 + d.month - (naissance_yyyymm // 100 * 12 + naissance_yyyymm % 100)
    return mois // 12


def classe_age(age: int | None) -> str:
    if age is None:
        return "entree_nb_age_inconnu"
    if age < 18:
        return "entree_nb_mineurs"
    if age < 26:
        return "entree_nb_18_25"
    if age < 65:
        return "entree_nb_26_64"
    return "entree_nb_65_plus"


def instantane(personnes: Iterable[tuple[str, date | None, str | None]], d: date) -> dict[str, Any]:
    """The mesure's entry columns from the household's persons (lien, birth date, sex)
    on the mandatement date ``d``."""
    out: dict[str, Any] = {col: 0 for col, _ in CLASSES_AGE} | {col: 0 for col in FOYER}
    out["entree_age_demandeur"] = None
    out["entree_sexe_demandeur"] = None
    out["entree_naissance_demandeur"] = None
    ages: list[int | None] = []
    for lien, naissance, sexe in personnes:
        if naissance is not None and naissance > d:
            continue  # not born yet at entry
        age = age_a(naissance, d) if naissance is not None else None
        ages.append(age)
        out[classe_age(age)] += 1
        if lien == "enfant" and age is not None and 18 <= age < 26:
            out[JEUNES_MAJEURS] += 1
        if lien == "demandeur":
            out["entree_age_demandeur"] = age
            out["entree_sexe_demandeur"] = sexe
            out["entree_naissance_demandeur"] = naissance_mois(naissance) if naissance else None
    if len(ages) == 1 and ages[0] is not None and ages[0] >= 65:
        out[ISOLES_65] = 1
    return out
