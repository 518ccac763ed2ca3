"""``make bench-rapport``: the annual report of one association (PDF, then DOCX), rendered by
a one-worker server: time of each request and the worker's peak memory above its baseline.

By default on a small demo (``SCALE=small``, SQLite, built in a temporary folder each run);
``--postgres`` uses ``ANCRAGE_BENCH_DATABASE_URL`` (the département demo, loaded there on first
use). Target (issue 15): under 3 s, no more than 50 MB above the worker's baseline. The first
render of a worker imports WeasyPrint and matplotlib: it is shown apart (« à froid »).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx
from sqlmodel import Session

from api.bench.outils import PG_DEFAUT, CompteurCpu, assurer_demo, jeton, machine, serveur_processus
from api.core.db import make_engine
from api.core.migrate import upgrade
from api.demo import referentiel
from api.demo.comptes import comptes_demo


def _memoire(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    with open(f"/proc/{pid}/status") as fh:
        return {line.split(":")[0]: int(line.split()[1]) / 1024 for line in fh if line.startswith(("VmRSS", "VmHWM"))}


def _remettre_pic(pid: int) -> float:
    with open(f"/proc/{pid}/clear_refs", "w") as fh:
        fh.write("5")  # VmHWM back to the current RSS
    return _memoire(pid)["VmRSS"]


def _base_small(dossier: Path) -> str:
    from api.demo.generateur import charger

    url = f"sqlite:///{dossier / 'bench_rapport.db'}"
    upgrade(url)
    engine = make_engine(url)
    charger(engine, echelle="small", journal=lambda _m: None)
    engine.dispose()
    return url


def _mesurer(url: str, annee: int, tours: int) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        responsable = comptes_demo(session)["responsable"][0]
    engine.dispose()
    with serveur_processus(url, workers=1) as (base, pid):
        cpu = CompteurCpu(pid, url)
        h = {"Authorization": f"Bearer {jeton(base, responsable.email, referentiel.DEMO_PASSWORD)}"}
        with httpx.Client(base_url=base, headers=h, timeout=300) as c:
            conv = c.get("/api/v1/conventions", params={"association_id": str(responsable.organisation_id)}).json()
            dispositif = conv["items"][0]["dispositif_id"]
            modele = next(m for m in c.get("/api/v1/rapports/modeles").json() if m["code"] == "rapport_activite_annuel")
            corps = {"modele_id": modele["id"], "dispositif_id": dispositif, "annee": annee}
            r = c.post("/api/v1/rapports", json=corps)
            r.raise_for_status()
            rid = r.json()["id"]
            periode = {"du": f"{annee}-01-01", "au": f"{annee}-12-31", "dispositif": dispositif}
            fa = c.get("/api/v1/indicateurs", params=periode)
            total = next(t for t in fa.json()["tableaux"] if t["code"] == "file_active")["cellules"][-1]["valeur"]
            print(f"association {responsable.organisation_id}, année {annee} : file active au 31/12 = {total}")
            for tour in range(tours):
                for fmt in ("pdf", "docx"):
                    avant = _remettre_pic(pid)
                    cpu.demarrer()
                    t0 = time.perf_counter()
                    r = c.get(f"/api/v1/rapports/{rid}/document", params={"format": fmt})
                    duree = time.perf_counter() - t0
                    r.raise_for_status()
                    conso = cpu.lire()
                    pic = _memoire(pid)["VmHWM"]
                    etat = "à froid" if tour == 0 else "à chaud"
                    # CPU: what the machine's other jobs disturb least (they take turns on the cores).
                    print(f"{fmt:>4} {etat:>7} : {duree:6.2f} s · CPU worker {conso['serveur']:5.2f} s + PostgreSQL "
                          f"{conso['postgres']:5.2f} s · {len(r.content) / 1024:6.0f} Ko · pic du worker "
                          f"{pic:6.1f} Mo, {pic - avant:+6.1f} Mo au-dessus de son niveau avant la requête "
                          f"({avant:.1f} Mo) — objectif < 3 s et ≤ +50 Mo")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--postgres", action="store_true", help="démonstration départementale (ANCRAGE_BENCH_DATABASE_URL)")
    p.add_argument("--annee", type=int, default=date.today().year - 1)
    p.add_argument("--tours", type=int, default=2)
    a = p.parse_args()
    print(machine())
    if a.postgres:
        url = os.environ.get("ANCRAGE_BENCH_DATABASE_URL", PG_DEFAUT)
        assurer_demo(url)
        _mesurer(url, a.annee, a.tours)
        return
    with tempfile.TemporaryDirectory(prefix="bench_rapport_") as dossier:
        _mesurer(_base_small(Path(dossier)), a.annee, a.tours)


if __name__ == "__main__":
    main()
