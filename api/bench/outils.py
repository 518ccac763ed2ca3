"""Shared pieces of the benchmarks: the machine, a throwaway server, a demo database."""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.core.config import PROJECT_ROOT, Settings
from api.core.db import make_engine

PG_DEFAUT = "postgresql://postgres@127.0.0.1:5432/ancrage_bench"


def machine() -> str:
    """One line saying where the figures were measured."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.node()} · {os.cpu_count()} cœurs · {cpu} · Python {platform.python_version()} · charge {load:.2f}"
    )


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_postgres(url: str, *, recreer: bool = False) -> bool:
    """Create the database if missing; return True if it was (re)created empty."""
    sa_url = make_url(url)
    admin = make_engine(
        sa_url.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": sa_url.database}).first()
        if exists and recreer:
            conn.execute(text(f'DROP DATABASE "{sa_url.database}" WITH (FORCE)'))
            exists = None
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{sa_url.database}"'))
    admin.dispose()
    return not exists


def assurer_demo(url: str, *, menages: int | None = None, graine: int = 1) -> None:
    """Migrate and load the département demo into ``url`` unless it is already there."""
    from api.core.migrate import upgrade
    from api.demo.generateur import ECHELLES, charger

    base_postgres(url)
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM menage")).scalar_one()
    if n == 0:
        cible = menages or ECHELLES["departement"]
        print(f"Chargement de la démonstration départementale ({cible} ménages) dans {make_url(url).database}…")
        t0 = time.perf_counter()
        compte = charger(engine, echelle="departement", graine=graine, menages=menages)
        print(f"  chargée en {time.perf_counter() - t0:.0f} s : {compte}")
    # After a load, and after a migration that rewrote rows (a backfill leaves every old
    # row version dead and the planner's statistics stale): plans as in production, where
    # autovacuum would have passed. Quick when there is nothing to do.
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    engine.dispose()


@contextmanager
def serveur(url: str, *, workers: int = 2, port: int | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """A uvicorn server of the app on loopback, stopped on exit; yields its base URL."""
    with serveur_processus(url, workers=workers, port=port, env=env) as (base, _pid):
        yield base


@contextmanager
def serveur_processus(
    url: str,
    *,
    workers: int = 2,
    port: int | None = None,
    env: dict[str, str] | None = None,
    journal: IO[bytes] | None = None,
) -> Iterator[tuple[str, int]]:
    """Like ``serveur``, yielding the base URL and the server's process id (for CPU readings);
    its error output goes to ``journal`` when given (a bench that overloads it on purpose)."""
    port = port or port_libre()
    environ = {
        **os.environ,
        "ANCRAGE_DATABASE_URL": url,
        "ANCRAGE_LOG_LEVEL": "WARNING",
        "ANCRAGE_SECRET_KEY": "bench-" + "k" * 48,
        "ANCRAGE_ENV": "development",
        **(env or {}),
    }
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
            # As ``python -m api`` serves in production (``options_uvicorn``): idle
            # connections kept longer than a person thinks.
            "--timeout-keep-alive",
            environ.get("ANCRAGE_KEEP_ALIVE_SECONDES", str(Settings.model_fields["keep_alive_secondes"].default)),
        ],
        cwd=PROJECT_ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=journal,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError("le serveur s'est arrêté au démarrage")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        # Its workers too: a worker still inside a long request outlives a killed master,
        # and would keep its connections to a database the bench is about to drop.
        enfants = {p: _demarre_le(p) for p in arbre(proc.pid)[1:]}
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        for p, debut in enfants.items():
            if debut is not None and _demarre_le(p) == debut:  # still that worker, not a reused pid
                with suppress(ProcessLookupError):
                    os.kill(p, signal.SIGKILL)


def jeton(base: str, email: str, mot_de_passe: str) -> str:
    r = httpx.post(
        base + "/api/v1/auth/token",
        data={"grant_type": "password", "username": email, "password": mot_de_passe},
        timeout=10,
    )
    r.raise_for_status()
    return str(r.json()["access_token"])


def _demarre_le(pid: int) -> int | None:
    """Start time of a process (clock ticks since boot), None if it is gone."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _cpu_pid(pid: int) -> float:
    """User + system CPU seconds of one process (0 if it is gone or unreadable)."""
    try:
        champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def arbre(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's workers), from /proc."""
    enfants: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            enfants.setdefault(ppid, []).append(int(d.name))
    pids, pile = [], [pid]
    while pile:
        p = pile.pop()
        pids.append(p)
        pile.extend(enfants.get(p, []))
    return pids


class CompteurCpu:
    """CPU seconds spent by the server's processes and by the PostgreSQL backends serving its
    database, between two readings: a figure the other jobs of a shared machine disturb far
    less than requests per second (they take turns on the cores, they do not add to it)."""

    def __init__(self, serveur_pid: int | None, url: str | None) -> None:
        self.serveur_pid, self.url = serveur_pid, url
        self.debut: dict[int, float] = {}

    def _pids(self) -> dict[int, str]:
        pids: dict[int, str] = {}
        if self.serveur_pid is not None:
            pids.update({p: "serveur" for p in arbre(self.serveur_pid)})
        if self.url and make_url(self.url).get_backend_name() == "postgresql":
            engine = make_engine(self.url)
            try:
                with engine.connect() as conn:
                    rows = conn.execute(
                        text(
                            "SELECT pid FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        )
                    ).all()
                pids.update({int(r[0]): "postgres" for r in rows})
            finally:
                engine.dispose()
        return pids

    def demarrer(self) -> None:
        self.debut = {p: _cpu_pid(p) for p in self._pids()}

    def lire(self) -> dict[str, float]:
        """CPU seconds since ``demarrer``, per side (serveur, postgres)."""
        totaux = {"serveur": 0.0, "postgres": 0.0}
        for p, cote in self._pids().items():
            totaux[cote] += max(0.0, _cpu_pid(p) - self.debut.get(p, 0.0))
        return totaux
