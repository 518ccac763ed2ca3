"""Writes ``donnees/communes.json.gz`` and ``donnees/territoires.tsv.gz`` from the npm package
``@etalab/decoupage-administratif`` (installed by ``npm ci`` in ``frontend/``): ``make communes``.

The generated file is committed, so that the API (and its Docker image) needs neither
Node nor the network; a new version of the package (a new year of the administrative
map: mergers of communes, new EPCI) is taken by bumping it in ``frontend/package.json``
and running ``make communes`` again. Data: Licence Ouverte 2.0 (Etalab); package code: MIT.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

RACINE = Path(__file__).resolve().parents[2]
PAQUET = RACINE / "frontend" / "node_modules" / "@etalab" / "decoupage-administratif"
SORTIE = Path(__file__).resolve().parent / "donnees" / "communes.json.gz"
SORTIE_TERRITOIRES = SORTIE.with_name("territoires.tsv.gz")
# Current communes and the municipal arrondissements of Paris, Lyon and Marseille (a household
# lives in « Marseille 3e », code 13203); communes déléguées and associées are no longer communes.
TYPES = {"commune-actuelle", "arrondissement-municipal"}


def _lire(nom: str) -> Any:
    return json.loads((PAQUET / "data" / f"{nom}.json").read_text(encoding="utf-8"))


def generer() -> dict[str, Any]:
    version = json.loads((PAQUET / "package.json").read_text(encoding="utf-8"))["version"]
    epci_de: dict[str, str] = {}
    epci = {}
    for e in _lire("epci"):
        epci[e["code"]] = e["nom"]
        for membre in e.get("membres", []):
            epci_de[membre["code"]] = e["code"]
    communes = [
        # [code INSEE, nom, codes postaux, département, EPCI (SIREN) or "", population]
        [
            c["code"],
            c["nom"],
            c.get("codesPostaux", []),
            c.get("departement", ""),
            epci_de.get(c["code"], epci_de.get(c.get("commune", ""), "")),
            c.get("population", 0),
        ]
        for c in _lire("communes")
        if c.get("type") in TYPES
    ]
    departements = {d["code"]: d["nom"] for d in _lire("departements")}
    return {
        "source": f"@etalab/decoupage-administratif {version}",
        "licence": "Licence Ouverte 2.0 (Etalab)",
        "communes": communes,
        "epci": epci,
        "departements": departements,
    }


def territoires(donnees: dict[str, Any]) -> str:
    """What the indicators' territory groupings need, and nothing else (api/communes/service.py,
    ``territoires``): one line per commune (``c``, INSEE code, département, EPCI or empty),
    per EPCI (``e``, SIREN, name) and per département (``d``, code, name), tab-separated."""
    lignes = [f"c\t{code}\t{dep}\t{epci}" for code, _nom, _cps, dep, epci, _pop in sorted(donnees["communes"])]
    lignes += [f"e\t{code}\t{nom}" for code, nom in sorted(donnees["epci"].items())]
    lignes += [f"d\t{code}\t{nom}" for code, nom in sorted(donnees["departements"].items())]
    return "\n".join(lignes) + "\n"


def ecrire(chemin: Path, brut: bytes) -> None:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same package gives the same bytes (no spurious diff in git)
    with gzip.GzipFile(chemin, "wb", mtime=0) as f:
        f.write(brut)


def main() -> None:
    donnees = generer()
    ecrire(SORTIE, json.dumps(donnees, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    ecrire(SORTIE_TERRITOIRES, territoires(donnees).encode("utf-8"))
    print(f"{len(donnees['communes'])} communes, {len(donnees['epci'])} EPCI → {SORTIE} ({donnees['source']})")


if __name__ == "__main__":
    main()
