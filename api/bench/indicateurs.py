"""``make bench-indicateurs``: the full indicator document for one dispositif over one
year at département scale, against one raw SQL GROUP BY pass over the same mesures.

Also prints the server worker's peak memory after the report (issue 8: ≤ 150 MB, and no
growth between 10 % and 100 % of the data) and the growth of the time from 10 % to 100 %.
Goal: ratio ≤ 2; growth no worse than linear.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from datetime import date

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api.auth.principal import Principal
from api.bench.outils import PG_DEFAUT, assurer_demo, jeton, machine, serveur
from api.core.db import make_engine
from api.demo import referentiel
from api.indicateurs import service
from api.organisations.models import TypeOrganisation

RAW = text(
    """
    SELECT m.cible_code, m.statut, m.acces_maintien, count(*)
    FROM mesure m
    WHERE m.dispositif_id = :d AND m.date_mandatement <= :au AND (m.date_fin IS NULL OR m.date_fin >= :du)
    GROUP BY m.cible_code, m.statut, m.acces_maintien
    """
)


def _principal(session: Session, url: str) -> tuple[Principal, uuid.UUID]:
    row = session.execute(text("SELECT d.id, d.financeur_id FROM dispositif d WHERE d.code = '300-logements-35'")).one()
    principal = Principal("utilisateur", uuid.uuid4(), row[1], TypeOrganisation.financeur, "agent", uuid.uuid4())
    return principal, row[0]


def _mesurer(url: str, runs: int, du: date, au: date) -> tuple[float, float, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        principal, dispositif = _principal(session, url)
        f = service.filtres(du=du, au=au, dispositif=dispositif)
        doc_times, raw_times = [], []
        n_mesures = session.execute(
            text("SELECT count(*) FROM mesure WHERE dispositif_id = :d"), {"d": dispositif}
        ).scalar_one()
        service.calculer_indicateurs(session, principal, f=f, seuil=0)  # warm-up (plans, caches)
        for _ in range(runs):
            t0 = time.perf_counter()
            session.execute(RAW, {"d": dispositif, "du": du, "au": au}).all()
            raw_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            service.calculer_indicateurs(session, principal, f=f, seuil=0)
            doc_times.append(time.perf_counter() - t0)
    engine.dispose()
    return statistics.median(doc_times), statistics.median(raw_times), int(n_mesures)


def _memoire(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    with open(f"/proc/{pid}/status") as fh:
        return {line.split(":")[0]: int(line.split()[1]) / 1024 for line in fh if line.startswith(("VmRSS", "VmHWM"))}


def _rss_serveur(url: str, du: date, au: date) -> tuple[float, float]:
    """Peak RSS (VmHWM, MB) of a one-worker server while it computes the report over HTTP,
    and its peak before (start-up and the password login).

    The login checks a password with argon2, whose memory cost (19 MiB, a security
    setting of the authentication; 64 MiB for hashes made before 23/11/2026) is
    allocated at once and freed: the peak is reset (``/proc/PID/clear_refs``) after
    the login, so that the figure is the report's."""
    with serveur(url, workers=1) as base:
        token = jeton(base, f"responsable.ddets@{referentiel.DEMO_DOMAIN}", referentiel.DEMO_PASSWORD)
        h = {"Authorization": f"Bearer {token}"}
        engine = make_engine(url)
        with engine.connect() as conn:
            d = conn.execute(text("SELECT id FROM dispositif WHERE code = '300-logements-35'")).scalar_one()
        engine.dispose()
        pid = _pid_ecoute(base)
        avant = _memoire(pid)["VmHWM"]
        with open(f"/proc/{pid}/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM to the current RSS
        r = httpx.get(
            f"{base}/api/v1/indicateurs",
            params={"du": du.isoformat(), "au": au.isoformat(), "dispositif": str(d)},
            headers=h,
            timeout=300,
        )
        r.raise_for_status()
        return _memoire(pid)["VmHWM"], avant


def _pid_ecoute(base: str) -> int:
    """The uvicorn process listening on the base URL's port (one worker: the main process)."""
    import subprocess

    port = base.rsplit(":", 1)[1]
    out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=False).stdout  # noqa: S603, S607
    return int(out.split("pid=")[1].split(",")[0])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--annee", type=int, default=2025)
    a = p.parse_args()
    url = os.environ.get("ANCRAGE_BENCH_DATABASE_URL", PG_DEFAUT)
    url10 = make_url(url).set(database=f"{make_url(url).database}_10").render_as_string(hide_password=False)
    assurer_demo(url)
    assurer_demo(url10, menages=10_000)
    du, au = date(a.annee, 1, 1), date(a.annee, 12, 31)
    print(machine())
    resultats = {}
    for nom, u in (("10 %", url10), ("100 %", url)):
        doc, raw, n = _mesurer(u, a.runs, du, au)
        rss, avant = _rss_serveur(u, du, au)
        resultats[nom] = (doc, raw, n, rss)
        print(
            f"{nom:>6} : {n:>7} mesures du dispositif · document {doc * 1000:8.1f} ms · GROUP BY brut "
            f"{raw * 1000:7.1f} ms · ratio {doc / raw:5.2f} (objectif ≤ 2) · pic mémoire du worker pendant le "
            f"rapport {rss:6.1f} Mo (démarrage et connexion argon2 : {avant:6.1f} Mo)"
        )
    (d10, _, n10, r10), (d100, _, n100, r100) = resultats["10 %"], resultats["100 %"]
    print(
        f"croissance : données ×{n100 / n10:.1f}, temps ×{d100 / d10:.1f} (objectif : au plus linéaire) ; "
        f"mémoire {r10:.0f} → {r100:.0f} Mo (objectif ≤ 150 Mo, sans croissance)"
    )


if __name__ == "__main__":
    main()
