"""Migrations go up, down and up again on a fresh database (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import uuid

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from api.core.db import make_engine
from api.core.migrate import downgrade, upgrade


def _fresh_url(tmp_path) -> tuple[str, object]:
    configured = os.environ.get("ANCRAGE_DATABASE_URL", "")
    if not configured.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'mig.db'}", None
    name = f"ancrage_mig_{uuid.uuid4().hex[:8]}"
    admin = make_engine(
        make_url(configured).set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(configured).set(database=name).render_as_string(hide_password=False), (admin, name)


def _tables(url: str) -> set[str]:
    eng = make_engine(url)
    try:
        return set(inspect(eng).get_table_names()) - {"alembic_version"}
    finally:
        eng.dispose()


def test_upgrade_downgrade_upgrade(tmp_path) -> None:
    url, cleanup = _fresh_url(tmp_path)
    try:
        upgrade(url)
        tables = _tables(url)
        assert {"menage", "personne", "utilisateur", "organisation", "journal_acces"} <= tables
        downgrade(url, "base")
        assert _tables(url) == set()
        upgrade(url)
        assert _tables(url) == tables
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def test_models_match_migrations(engine) -> None:
    """Autogenerate finds nothing to do: the tables declared in code are the migrated ones."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import api.tables  # noqa: F401

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), SQLModel.metadata)
    assert diff == []
