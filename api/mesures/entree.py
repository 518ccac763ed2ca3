"""The demandeur and the persons of the household *at entry*, snapshotted on the mesure.

Product decision (docs/indicateurs.md, « Définitions »): every age an indicator shows is the age at
the mesure's entry (its mandatement), in full years, recorded when the mesure is
created — like the composition or the resources at entry. Three reasons:

* it is what social-work reporting states (« âge à l'entrée dans le dispositif »);
* it survives retention: anonymisation reduces birth dates to 1 January of the year,
  after which an age *at an arbitrary date* can no longer be computed exactly, while
  the snapshot was taken from the full date and never moves;
* the indicators read one row per mesure, with no join to the persons.

The demandeur's sex is snapshotted for the same last reason (it is not anonymised).
The persons of the household are counted by age class at entry; a person born after
the mandatement was not in the household at entry and is not counted.
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


def age_a(naissance: date, d: date) -> int:
    """Age in full years at ``d``: a birthday falling on ``d`` counts."""
    return d.year - naissance.year - ((naissance.month, naissance.day) > (d.month, d.day))


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
    out: dict[str, Any] = {col: 0 for col, _ in CLASSES_AGE}
    out["entree_age_demandeur"] = None
    out["entree_sexe_demandeur"] = None
    for lien, naissance, sexe in personnes:
        if naissance is not None and naissance > d:
            continue  # not born yet at entry
        age = age_a(naissance, d) if naissance is not None else None
        out[classe_age(age)] += 1
        if lien == "demandeur":
            out["entree_age_demandeur"] = age
            out["entree_sexe_demandeur"] = sexe
    return out
