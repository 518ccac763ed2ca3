"""Several API machines: the API holds no state of its own.

Two applications built by ``create_app(settings)``, each with its own engine (two
machines, or two workers), on the same database and the same Redis: a session opened
through one is used, refreshed and revoked through the other, and the sign-in limit is
counted across both. What could differ between machines, and why it does not:

* sessions and refresh tokens are rows (``session_auth``), read at every request;
* sign-in and machine-client counters are in Redis (``ANCRAGE_REDIS_URL``);
* the signing key is ``ANCRAGE_SECRET_KEY``, required in production (the key generated
  under ``var/`` exists only in development, on one machine);
* the per-process caches (compiled statements, the dummy password hash) hold no data;
* migrations at start-up run one machine at a time (an advisory lock).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from api.core.config import Settings
from api.core.migrate import VERROU_DEMARRAGE, un_demarrage_a_la_fois
from api.main import create_app
from api.organisations.models import TypeOrganisation
from tests.factories import MOT_DE_PASSE, organisation, utilisateur

TOKEN = "/api/v1/auth/token"
REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_joignable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


redis_requis = pytest.mark.skipif(
    not _redis_joignable(),
    reason="Redis injoignable sur 127.0.0.1:6379 : deux machines d'API sans Redis ne partagent pas "
    "leurs compteurs (la CI a Redis ; `apt-get install redis-server`)",
)


def _adresse() -> tuple[str, int]:
    # A fresh documentation address per call: Redis keeps counters across runs for the window.
    return (f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}", 1)


def _machine(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://testserver", client=_adresse())


def _login(c: TestClient, email: str, password: str) -> Any:
    return c.post(TOKEN, data={"grant_type": "password", "username": email, "password": password})


@redis_requis
def test_une_session_ouverte_sur_une_machine_vit_et_meurt_sur_l_autre(
    settings: Settings, base_dediee: Engine
) -> None:
    url = base_dediee.url.render_as_string(hide_password=False)
    reglages = settings.model_copy(update={"database_url": url, "redis_url": REDIS_URL})
    with Session(base_dediee) as s:
        email = utilisateur(s, organisation(s, TypeOrganisation.association)).email
        s.commit()
    # No engine passed: each application opens its own, as a machine would.
    apps = [create_app(reglages), create_app(reglages)]
    try:
        a, b = _machine(apps[0]), _machine(apps[1])

        # Opened on A, used on B.
        r = _login(a, email, MOT_DE_PASSE)
        assert r.status_code == 200, r.text
        jeton = {"Authorization": f"Bearer {r.json()['access_token']}"}
        rafraichissement = r.cookies["ancrage_refresh"]
        assert b.get("/api/v1/auth/me", headers=jeton).json()["email"] == email

        # Refreshed on B with the cookie A set; the used refresh token is then dead on A too.
        b.cookies.set("ancrage_refresh", rafraichissement, path="/api/v1/auth")
        r = b.post("/api/v1/auth/refresh")
        assert r.status_code == 200, r.text
        nouveau = {"Authorization": f"Bearer {r.json()['access_token']}"}
        assert a.get("/api/v1/auth/me", headers=nouveau).status_code == 200

        # Revoked on A (logout): refused at once on B, both access tokens.
        assert a.post("/api/v1/auth/logout", headers=nouveau).status_code == 204
        for h in (jeton, nouveau):
            assert b.get("/api/v1/auth/me", headers=h).status_code == 401
        assert b.post("/api/v1/auth/refresh").status_code == 401

        # Sign-in limit (10 failures per account per window) counted across both machines:
        # 5 wrong passwords on each, from ten addresses, then the right one is refused on both.
        for i in range(reglages.login_max_echecs):
            assert _login(_machine(apps[i % 2]), email, "mauvais").status_code == 401
        for app in apps:
            r = _login(_machine(app), email, MOT_DE_PASSE)
            assert r.status_code == 429, r.text
            assert int(r.headers["Retry-After"]) > 0
        # Unlocked through one machine, open again on the other.
        apps[0].state.login_guard.unlock(email.lower())
        assert _login(_machine(apps[1]), email, MOT_DE_PASSE).status_code == 200
    finally:
        for app in apps:
            app.state.engine.dispose()



def test_les_machines_migrent_une_a_la_fois(is_postgres: bool, base_dediee: Engine) -> None:
    """``python -m api serve`` migrates then creates the admin under an advisory lock: a
    second machine starting meanwhile waits instead of running the same migration."""
    if not is_postgres:
        pytest.skip("verrou de démarrage : PostgreSQL seulement (SQLite n'a qu'une machine)")
    url = base_dediee.url.render_as_string(hide_password=False)
    essai = text("SELECT pg_try_advisory_lock(:cle)").bindparams(cle=VERROU_DEMARRAGE)
    with un_demarrage_a_la_fois(url), base_dediee.connect() as autre:
        assert autre.execute(essai).scalar_one() is False
    with base_dediee.connect() as autre:
        assert autre.execute(essai).scalar_one() is True
        autre.execute(text("SELECT pg_advisory_unlock(:cle)"), {"cle": VERROU_DEMARRAGE})
