"""Alembic driven from Python: configuration lives in pyproject.toml ([tool.alembic])."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic import command
from alembic.config import Config

from api.core.config import PROJECT_ROOT


def alembic_config(url: str | None = None, connection: Any = None) -> Config:
    cfg = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str | None = None, revision: str = "head", connection: Any = None) -> None:
    command.upgrade(alembic_config(url, connection), revision)


def downgrade(url: str | None = None, revision: str = "base", connection: Any = None) -> None:
    command.downgrade(alembic_config(url, connection), revision)


# The key of the PostgreSQL advisory lock taken by every starting API machine (any constant
# no other code uses; "ancr" in ASCII).
VERROU_DEMARRAGE = 0x616E6372


@contextmanager
def un_demarrage_a_la_fois(url: str) -> Iterator[None]:
    """Hold the start-up lock while migrating and creating the first admin.

    ``python -m api serve`` migrates before serving: several API machines started together
    (a deployment, a region's load balancer restarting them) would run the same migration
    at once and all but one would fail half-way. On PostgreSQL they queue on an advisory
    lock and the later ones find nothing left to do; SQLite has one machine."""
    if not url.startswith("postgresql"):
        yield
        return
    from sqlalchemy import text

    from api.core.db import make_engine

    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:cle)"), {"cle": VERROU_DEMARRAGE})
            conn.commit()  # a session lock: it outlives the transaction, not the connection
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:cle)"), {"cle": VERROU_DEMARRAGE})
                conn.commit()
    finally:
        engine.dispose()
