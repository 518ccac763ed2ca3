"""``make bench-api``: the mesures list against /health, same server, same workers.

Goal (issue 8): the list reaches at least 40 % of /health's requests per second.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from sqlalchemy import text

from api.bench.outils import PG_DEFAUT, CompteurCpu, assurer_demo, jeton, machine, serveur_processus
from api.core.db import make_engine
from api.demo import referentiel


def _charge(url: str, duree: float, concurrence: int, token: str | None) -> dict[str, float]:
    cmd = [sys.executable, "-m", "api.bench.charge", url, "--duree", str(duree), "--concurrence", str(concurrence)]
    if token:
        cmd += ["--jeton", token]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)  # noqa: S603
    return dict(json.loads(out.stdout))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--duree", type=float, default=15)
    p.add_argument("--concurrence", type=int, default=8)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--menages", type=int, default=None)
    a = p.parse_args()
    url = os.environ.get("ANCRAGE_BENCH_DATABASE_URL", PG_DEFAUT)
    assurer_demo(url, menages=a.menages)
    engine = make_engine(url)
    with engine.connect() as conn:
        dispositif = conn.execute(text("SELECT id FROM dispositif WHERE code = '300-logements-35'")).scalar_one()
    engine.dispose()
    print(machine())
    with serveur_processus(url, workers=a.workers) as (base, pid):
        token = jeton(base, f"responsable.espoir@{referentiel.DEMO_DOMAIN}", referentiel.DEMO_PASSWORD)
        liste = f"{base}/api/v1/mesures?limit=50&statut=active&dispositif_id={dispositif}"
        _charge(base + "/health", 2, a.concurrence, None)  # warm-up
        _charge(liste, 2, a.concurrence, token)
        cpu = CompteurCpu(pid, url)
        cpu.demarrer()
        sante = _charge(base + "/health", a.duree, a.concurrence, None)
        sante_cpu = cpu.lire()
        cpu.demarrer()
        mesures = _charge(liste, a.duree, a.concurrence, token)
        mesures_cpu = cpu.lire()
    print(machine())  # the load at the end too: the figures are comparable only at a low load
    print(f"{'':28}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'erreurs':>9}{'CPU ms/req':>12}")
    cout: dict[str, float] = {}
    for nom, r, c in (
        ("GET /health", sante, sante_cpu),
        ("GET /api/v1/mesures?limit=50", mesures, mesures_cpu),
    ):
        n = max(r["requetes"], 1)
        cout[nom] = (sum(c.values()) + r["cpu_client_s"]) * 1000 / n
        print(
            f"{nom:28}{r['rps']:9.0f}{r['p50_ms']:9.1f}{r['p95_ms']:9.1f}{r['erreurs']:9.0f}{cout[nom]:12.2f}"
            f"   (serveur {c['serveur'] * 1000 / n:.2f} + PostgreSQL {c['postgres'] * 1000 / n:.2f}"
            f" + client {r['cpu_client_s'] * 1000 / n:.2f})"
        )
    ratio = mesures["rps"] / sante["rps"] if sante["rps"] else 0.0
    print(
        f"ratio liste / health : {ratio:.0%} (objectif ≥ 40 %) — {a.workers} workers, {a.concurrence} clients, "
        f"{a.duree:.0f} s chacun"
    )
    print(
        f"ratio des coûts CPU (health / liste, serveur + PostgreSQL + client) : "
        f"{cout['GET /health'] / cout['GET /api/v1/mesures?limit=50']:.0%} — le rapport des débits attendu "
        "quand le processeur est le goulot et que la machine n'a que ce travail"
    )


if __name__ == "__main__":
    main()
