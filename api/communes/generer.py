"""Writes ``donnees/communes.json.gz`` from the npm package ``@etalab/decoupage-administratif``
(installed by ``npm ci`` in ``frontend/``): ``make communes``.

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
        [c["code"], c["nom"], c.get("codesPostaux", []), c.get("departement", ""),
         epci_de.get(c["code"], epci_de.get(c.get("commune", ""), "")), c.get("population", 0)]
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


def main() -> None:
    donnees = generer()
    SORTIE.parent.mkdir(parents=True, exist_ok=True)
    brut = json.dumps(donnees, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    # mtime=0: the same package gives the same bytes (no spurious diff in git)
    with gzip.GzipFile(SORTIE, "wb", mtime=0) as f:
        f.write(brut)
    print(f"{len(donnees['communes'])} communes, {len(donnees['epci'])} EPCI → {SORTIE} ({donnees['source']})")


if __name__ == "__main__":
    main()
