"""``make bench-indicateurs``: the full indicator document for one dispositif over one
year at département scale, against one raw SQL GROUP BY pass over the same mesures, and
against the **honest floor**: one raw aggregate pass over each source the document
reads, with the same filters, summed (``PLANCHER``). Three ratios: document ÷ GROUP BY,
document ÷ floor (goal ≤ 2), and the growth of the time with the data.

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
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import TextClause, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api.auth.principal import Principal
from api.bench.outils import PG_DEFAUT, assurer_demo, jeton, machine, serveur
from api.core.db import make_engine
from api.core.socle import figer_le_socle
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


# One raw pass per source the document reads, same dispositif and period (issue 16).
PLANCHER: dict[str, TextClause] = {
    "mesures du périmètre": RAW,
    "historique à la date": text(
        """
        SELECT h.attribut, count(*) FROM mesure_historique h JOIN mesure m ON m.id = h.mesure_id
        WHERE m.dispositif_id = :d AND h.du <= :au AND h.jusqu_au > :au GROUP BY h.attribut
        """
    ),
    "rendez-vous de la période": text(
        """
        SELECT r.type, r.statut, count(*) FROM rendez_vous r JOIN mesure m ON m.id = r.mesure_id
        WHERE m.dispositif_id = :d AND r.debut >= :du AND r.debut < :apres GROUP BY r.type, r.statut
        """
    ),
    "décisions de la période": text(
        """
        SELECT e.vers_statut, count(*) FROM orientation_evenement e JOIN orientation o ON o.id = e.orientation_id
        WHERE o.dispositif_id = :d AND e.date_effet >= :du AND e.date_effet <= :au GROUP BY e.vers_statut
        """
    ),
    "tables d'entrée": text(
        """
        SELECT 'r', x.type, count(*) FROM mesure_ressource_entree x JOIN mesure m ON m.id = x.mesure_id
        WHERE m.dispositif_id = :d AND m.date_mandatement <= :au AND (m.date_fin IS NULL OR m.date_fin > :du)
        GROUP BY x.type
        UNION ALL
        SELECT 'd', x.type, count(*) FROM mesure_dette_entree x JOIN mesure m ON m.id = x.mesure_id
        WHERE m.dispositif_id = :d AND m.date_mandatement <= :au AND (m.date_fin IS NULL OR m.date_fin > :du)
        GROUP BY x.type
        UNION ALL
        SELECT 'o', x.domaine, count(*) FROM mesure_domaine x JOIN mesure m ON m.id = x.mesure_id
        WHERE m.dispositif_id = :d AND m.date_mandatement <= :au AND (m.date_fin IS NULL OR m.date_fin > :du)
        GROUP BY x.domaine
        """
    ),
    "orientations reçues": text(
        """
        SELECT o.statut, o.origine, count(*) FROM orientation o
        WHERE o.dispositif_id = :d AND o.date_reception >= :du AND o.date_reception <= :au
        GROUP BY o.statut, o.origine
        """
    ),
}


def _principal(session: Session, url: str) -> tuple[Principal, uuid.UUID]:
    row = session.execute(text("SELECT d.id, d.financeur_id FROM dispositif d WHERE d.code = '300-logements-35'")).one()
    principal = Principal("utilisateur", uuid.uuid4(), row[1], TypeOrganisation.financeur, "agent", uuid.uuid4())
    return principal, row[0]


def _mesurer(url: str, runs: int, du: date, au: date) -> tuple[float, float, float, int, list[float]]:
    """Median times of the document, of the raw GROUP BY, and of the honest floor, and the
    ratio document ÷ floor of each pass (the three are timed in turn within a pass: on a
    virtual machine whose speed drifts by ± 15 % from one minute to the next, the ratio of
    a pass moves less than either median)."""
    engine = make_engine(url)
    apres = datetime.combine(au + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    p: dict[str, Any] = {"du": du, "au": au, "apres": apres}
    with Session(engine) as session:
        principal, dispositif = _principal(session, url)
        p["d"] = dispositif
        f = service.filtres(du=du, au=au, dispositif=dispositif)
        doc_times, raw_times, plancher_times = [], [], []
        n_mesures = session.execute(
            text("SELECT count(*) FROM mesure WHERE dispositif_id = :d"), {"d": dispositif}
        ).scalar_one()
        service.calculer_indicateurs(session, principal, f=f, seuil=0)  # warm-up (plans, caches)
        for q in PLANCHER.values():
            session.execute(q, p).all()
        for _ in range(runs):
            t0 = time.perf_counter()
            session.execute(RAW, p).all()
            raw_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for q in PLANCHER.values():
                session.execute(q, p).all()
            plancher_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            service.calculer_indicateurs(session, principal, f=f, seuil=0)
            doc_times.append(time.perf_counter() - t0)
    engine.dispose()
    return (
        statistics.median(doc_times),
        statistics.median(raw_times),
        statistics.median(plancher_times),
        int(n_mesures),
        sorted(d / p for d, p in zip(doc_times, plancher_times, strict=True)),
    )


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
    p.add_argument(
        "--menages", type=int, default=None, help="taille de la base (défaut : départementale) ; 10 %% pour la petite"
    )
    a = p.parse_args()
    url = os.environ.get("ANCRAGE_BENCH_DATABASE_URL", PG_DEFAUT)
    url10 = make_url(url).set(database=f"{make_url(url).database}_10").render_as_string(hide_password=False)
    assurer_demo(url, menages=a.menages)
    assurer_demo(url10, menages=max(1, a.menages // 10) if a.menages else 10_000)
    du, au = date(a.annee, 1, 1), date(a.annee, 12, 31)
    # the document is timed in this process: its start-up objects frozen, as a worker's are
    # (api/asgi.py), so that the collector walks what the document creates, as it does there
    figer_le_socle()
    print(machine())
    resultats = {}
    for nom, u in (("10 %", url10), ("100 %", url)):
        doc, raw, plancher, n, rapports = _mesurer(u, a.runs, du, au)
        rss, avant = _rss_serveur(u, du, au)
        resultats[nom] = (doc, raw, n, rss)
        print(
            f"{nom:>6} : {n:>7} mesures du dispositif · document {doc * 1000:8.1f} ms · GROUP BY brut "
            f"{raw * 1000:7.1f} ms (ratio {doc / raw:5.2f}) · plancher honnête {plancher * 1000:7.1f} ms "
            f"(ratio {doc / plancher:5.2f}, objectif ≤ 2 ; par passe {statistics.median(rapports):.2f}, "
            f"de {rapports[0]:.2f} à {rapports[-1]:.2f}) · pic mémoire du worker pendant le "
            f"rapport {rss:6.1f} Mo (démarrage et connexion argon2 : {avant:6.1f} Mo)"
        )
    (d10, _, n10, r10), (d100, _, n100, r100) = resultats["10 %"], resultats["100 %"]
    print(
        f"croissance : données ×{n100 / n10:.1f}, temps ×{d100 / d10:.1f} (ratio {d100 / d10 / (n100 / n10):.2f}, "
        f"objectif ≤ 1 : au plus linéaire) ; mémoire {r10:.0f} → {r100:.0f} Mo (objectif ≤ 150 Mo, sans croissance)"
    )


if __name__ == "__main__":
    main()
