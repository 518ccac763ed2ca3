"""The référentiel of French communes: names, postcodes, INSEE codes, EPCI and département.

Read once from ``donnees/communes.json.gz`` (generated from ``@etalab/decoupage-administratif``
by ``make communes``, committed) and kept in memory: 35 000 communes are about 10 MB and a
search over them takes a few milliseconds, less than a query to the database would.

``territoire`` is the function the indicators' territory filters use: a commune's EPCI and
département; ``communes_de`` gives the communes of an EPCI or a département. Both read
``donnees/territoires.tsv.gz`` (``territoires``), not the whole référentiel: a worker that
computes indicators grouped by EPCI keeps ≈ 5 MB instead of ≈ 45 MB (the names, postcodes
and search keys of 35 000 communes, loaded for the first document and never released).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from api.core.texte import normaliser

FICHIER = Path(__file__).resolve().parent / "donnees" / "communes.json.gz"
FICHIER_TERRITOIRES = FICHIER.with_name("territoires.tsv.gz")


@dataclass(frozen=True)
class Commune:
    code: str  # INSEE
    nom: str
    codes_postaux: tuple[str, ...]
    departement: str
    epci: str | None  # SIREN of the EPCI, None for the few communes outside any
    population: int


@dataclass(frozen=True)
class Territoire:
    commune: str
    epci: str | None
    epci_nom: str | None
    departement: str
    departement_nom: str | None


@dataclass(frozen=True)
class _Referentiel:
    source: str
    licence: str
    communes: dict[str, Commune]
    epci: dict[str, str]
    departements: dict[str, str]
    cles: list[tuple[str, Commune]]  # normalised name → commune, for the search


@dataclass(frozen=True)
class _Territoires:
    communes: dict[str, tuple[str, str | None]]  # INSEE code → (département, EPCI)
    epci: dict[str, str]
    departements: dict[str, str]


@cache
def territoires() -> _Territoires:
    """The département and EPCI of each commune, and their names (``make communes`` writes
    the file beside the référentiel, from the same package)."""
    communes: dict[str, tuple[str, str | None]] = {}
    epci: dict[str, str] = {}
    departements: dict[str, str] = {}
    with gzip.open(FICHIER_TERRITOIRES, "rt", encoding="utf-8") as f:
        for ligne in f:
            genre, code, valeur, *reste = ligne.rstrip("\n").split("\t")
            if genre == "c":
                # interned: 35 000 communes share about a hundred départements and 1,300 EPCI
                communes[code] = (sys.intern(valeur), sys.intern(reste[0]) if reste[0] else None)
            elif genre == "e":
                epci[code] = valeur
            else:
                departements[code] = valeur
    return _Territoires(communes, epci, departements)


def _cle(nom: str) -> str:
    """« Saint-Malo », « st malo », « SAINT MALO » → « saint malo »."""
    texte = normaliser(nom.replace("-", " ").replace("'", " ").replace("’", " "))
    return re.sub(r"\bste?\b", lambda m: "sainte" if m.group(0) == "ste" else "saint", texte)


@cache
def referentiel() -> _Referentiel:
    with gzip.open(FICHIER, "rt", encoding="utf-8") as f:
        brut = json.load(f)
    communes = {
        code: Commune(code, nom, tuple(cps), dep, epci or None, pop)
        for code, nom, cps, dep, epci, pop in brut["communes"]
    }
    return _Referentiel(
        source=brut["source"],
        licence=brut["licence"],
        communes=communes,
        epci=brut["epci"],
        departements=brut["departements"],
        cles=[(_cle(c.nom), c) for c in communes.values()],
    )


def commune(code: str) -> Commune | None:
    return referentiel().communes.get(code)


def nom(code: str | None) -> str | None:
    """The name of a commune from its INSEE code (None for an unknown code)."""
    c = commune(code) if code else None
    return c.nom if c else None


def rechercher(texte: str, *, limite: int = 10) -> list[Commune]:
    """Communes by name, postcode or INSEE code, the best first: an exact name, then names
    that start with the text, then names that contain it; the most populated first within
    each (« Saint-Denis » gives the one of 110 000 people before the hamlets)."""
    ref = referentiel()
    brut = texte.strip()
    if not brut:
        return []
    if re.fullmatch(r"\d{2,5}|2[abAB]\d{0,3}", brut):
        code = brut.upper()
        trouves = [
            c
            for c in ref.communes.values()
            if c.code.startswith(code) or any(cp.startswith(code) for cp in c.codes_postaux)
        ]
        trouves.sort(key=lambda c: (c.code != code and code not in c.codes_postaux, -c.population, c.nom))
        return trouves[:limite]
    cle = _cle(brut)
    if not cle:
        return []
    classes: list[tuple[int, int, str, Commune]] = []
    for nom_norm, c in ref.cles:
        if nom_norm == cle:
            rang = 0
        elif nom_norm.startswith(cle):
            rang = 1
        elif cle in nom_norm:
            rang = 2
        else:
            continue
        classes.append((rang, -c.population, c.nom, c))
    classes.sort(key=lambda x: x[:3])
    return [c for *_, c in classes[:limite]]


@cache
def _par_nom() -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = {}
    for cle, c in referentiel().cles:
        index.setdefault(cle, []).append(c)
    return index


_PRECISION = re.compile(r"^(?P<nom>.*?)\s*\((?P<precision>\d{2,3}|\d{5}|2[ABab])\)$")


def par_nom(texte: str) -> list[Commune]:
    """The communes of exactly this name (any case, accents, hyphens, « St »), the most
    populated first. « Saint-Denis (93) » or « Saint-Denis (93200) » keeps those of that
    département or postcode. A file gives a name where a form would give a choice: the
    caller accepts one match, and names the candidates of several."""
    m = _PRECISION.match(texte.strip())
    nom_, precision = (m.group("nom"), m.group("precision").upper()) if m else (texte, None)
    trouvees = list(_par_nom().get(_cle(nom_), []))
    if precision is not None:
        trouvees = [
            c for c in trouvees if c.departement == precision or precision in c.codes_postaux or c.code == precision
        ]
    return sorted(trouvees, key=lambda c: (-c.population, c.code))


def territoire(code: str) -> Territoire | None:
    """A commune's EPCI and département, for the territory filters of the indicators."""
    t = territoires()
    c = t.communes.get(code)
    if c is None:
        return None
    departement, epci = c
    return Territoire(
        commune=code,
        epci=epci,
        epci_nom=t.epci.get(epci) if epci else None,
        departement=departement,
        departement_nom=t.departements.get(departement),
    )


def communes_de(*, epci: str | None = None, departement: str | None = None) -> list[str]:
    """The INSEE codes of an EPCI's or a département's communes (both given: those of both)."""
    return sorted(
        code
        for code, (dep, e) in territoires().communes.items()
        if (epci is None or e == epci) and (departement is None or dep == departement)
    )
