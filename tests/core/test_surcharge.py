"""Overload: 200 concurrent requests on a real server answer 2xx, 409 or 503, never 500.

A real uvicorn process on loopback over a throwaway database (SQLite file, or a database of its own
on the PostgreSQL server), built by ``create_app`` from the settings, so that the pool is
sized and timed by ``ANCRAGE_DB_POOL_*`` as in production. Half the requests are writes
(orientation pushes with an Idempotency-Key: a quarter all identical, a quarter distinct),
half are reads. A request that finds no free connection within the pool timeout gets a 503
with Retry-After, at once; before, it waited 30 s and failed with a 500.

Bounded: 200 requests, 60 s per request at most; the server process stops with the test.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from api.core.config import Settings
from api.core.db import make_engine
from api.core.migrate import upgrade
from tests.conftest import base_jetable
from tests.core import boucle
from tests.factories import dispositif_payload, orientation_payload
from tests.orientations.test_ingestion_concurrente import monde_reel

REQUETES = 200


@pytest.fixture
def serveur_reel(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Engine, Settings]]:
    """uvicorn in its own process (the load generator must not share its interpreter lock),
    configured by ANCRAGE_* variables like a deployment."""
    with base_jetable(tmp_path, "ancrage_charge") as url:
        upgrade(url)
        # The machine client's rate limit has its own test; here it would answer 429 first.
        reglages = settings.model_copy(update={"database_url": url, "client_requetes_par_minute": 100_000})
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {
            **os.environ,
            "ANCRAGE_ENV": "test",
            "ANCRAGE_DATABASE_URL": url,
            "ANCRAGE_SECRET_KEY": reglages.signing_key(),
            "ANCRAGE_LOG_LEVEL": "ERROR",
            "ANCRAGE_CLIENT_REQUETES_PAR_MINUTE": str(reglages.client_requetes_par_minute),
            "ANCRAGE_FRONTEND_DIST": str(reglages.frontend_dist),
        }
        journal = tmp_path / "serveur.log"
        with journal.open("wb") as sortie:
            proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "api.asgi:app", "--host", "127.0.0.1", "--port", str(port),
                 "--no-access-log"],
                env=env, stdout=sortie, stderr=subprocess.STDOUT,
            )
        engine = make_engine(url)
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}", engine, reglages
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
            engine.dispose()
            print(journal.read_text()[-3000:])


def test_200_requetes_concurrentes_sans_500(serveur_reel) -> None:
    url, engine, reglages = serveur_reel
    monde, h_admin, h_si = monde_reel(engine, reglages)
    with httpx.Client(base_url=url, timeout=30) as c:
        d = c.post("/api/v1/dispositifs", json=dispositif_payload(monde), headers=h_admin)
        assert d.status_code == 201, d.text
    dispositif_id = d.json()["id"]
    identique = orientation_payload(dispositif_id, external_ref="CHARGE-" + uuid.uuid4().hex[:8])
    cle_identique = str(uuid.uuid4())
    requetes: list[tuple[str, str, dict, dict | None]] = []
    for i in range(REQUETES):
        if i % 4 == 0:
            requetes.append(("POST", "/api/v1/orientations", {**h_si, "Idempotency-Key": cle_identique}, identique))
        elif i % 4 == 1:
            corps = orientation_payload(dispositif_id, external_ref=f"CHARGE-{i}-{uuid.uuid4().hex[:6]}")
            requetes.append(("POST", "/api/v1/orientations", {**h_si, "Idempotency-Key": str(uuid.uuid4())}, corps))
        elif i % 4 == 2:
            requetes.append(("GET", "/api/v1/orientations", h_si, None))
        else:
            requetes.append(("GET", f"/api/v1/dispositifs/{dispositif_id}", h_admin, None))

    async def tirer() -> list[httpx.Response]:
        limites = httpx.Limits(max_connections=REQUETES, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limites) as client:
            return await asyncio.gather(
                *(client.request(m, chemin, headers=h, json=corps) for m, chemin, h, corps in requetes),
                return_exceptions=True,
            )

    debut = time.perf_counter()
    reponses = boucle.executer(tirer)
    duree = time.perf_counter() - debut
    # A request left without an answer for 60 s counts as « délai dépassé ».
    statuts = Counter(r.status_code if isinstance(r, httpx.Response) else "délai dépassé" for r in reponses)
    reponses = [r for r in reponses if isinstance(r, httpx.Response)]
    lents = max((r.elapsed.total_seconds() for r in reponses), default=60.0)
    print(
        f"\n{REQUETES} requêtes concurrentes ({'PostgreSQL' if reglages.database_url.startswith('postgresql') else 'SQLite'}, "
        f"pool {getattr(reglages, 'db_pool_size', '?')}+{getattr(reglages, 'db_max_overflow', '?')}, "
        f"attente {getattr(reglages, 'db_pool_timeout', '?')} s) : "
        f"statuts {dict(statuts)} en {duree:.1f} s, la plus lente {lents:.1f} s"
    )
    assert statuts[500] == 0, [r.text for r in reponses if r.status_code == 500][:3]
    assert set(statuts) <= {200, 201, 409, 503}, statuts  # no 500, no request left hanging
    for r in reponses:
        if r.status_code == 503:
            assert r.headers["content-type"] == "application/problem+json"
            assert int(r.headers["Retry-After"]) == reglages.retry_after_secondes
            assert r.json()["type"] == "/problemes/surcharge"
    assert statuts[200] + statuts[201] > 0
