"""A pooled connection is checked only after it sat idle (api/core/db.py,
``verifier_apres_inactivite``): a connection cut meanwhile (PostgreSQL restarted, a
firewall or PgBouncer timeout) is replaced before a request gets it, and a connection used
a moment ago costs no round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from api.core.db import make_engine


@pytest.fixture
def moteur(base_dediee: Engine) -> Engine:
    if base_dediee.dialect.name != "postgresql":
        pytest.skip("PostgreSQL seulement : SQLite n'a pas de connexion à couper")
    return base_dediee


def test_une_connexion_coupee_pendant_son_inactivite_est_remplacee(moteur: Engine, monkeypatch) -> None:
    engine = make_engine(moteur.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0)
    try:
        with engine.connect() as c:
            avant = c.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with moteur.connect() as admin:  # PostgreSQL cuts it (as a restart would)
            admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": avant})
            admin.commit()
        # the connection has been idle longer than the threshold
        monkeypatch.setattr("api.core.db.time.monotonic", lambda: 10.0**9)
        with engine.connect() as c:
            apres = c.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert apres != avant
    finally:
        engine.dispose()


def test_une_connexion_servie_a_l_instant_n_est_pas_verifiee(moteur: Engine) -> None:
    engine = make_engine(moteur.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0)
    try:
        with engine.connect() as c:
            c.execute(text("SELECT 1 + 1"))
        pings_avant = []
        original = engine.dialect.do_ping

        def compter(conn):  # type: ignore[no-untyped-def]
            pings_avant.append(1)
            return original(conn)

        engine.dialect.do_ping = compter  # type: ignore[method-assign]
        for _ in range(5):
            with engine.connect() as c:
                c.execute(text("SELECT 1 + 1"))
        assert pings_avant == []  # SQLAlchemy's pool_pre_ping would have pinged five times
    finally:
        engine.dispose()
