"""Migrations go up, down and up again on a fresh database (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import inspect

from api.core.db import make_engine
from api.core.migrate import downgrade, upgrade
from tests.conftest import base_jetable


def _tables(url: str) -> set[str]:
    eng = make_engine(url)
    try:
        return set(inspect(eng).get_table_names()) - {"alembic_version"}
    finally:
        eng.dispose()


def test_upgrade_downgrade_upgrade(tmp_path) -> None:
    with base_jetable(tmp_path, "ancrage_mig") as url:
        upgrade(url)
        tables = _tables(url)
        assert {"menage", "personne", "utilisateur", "organisation", "journal_acces"} <= tables
        downgrade(url, "base")
        assert _tables(url) == set()
        upgrade(url)
        assert _tables(url) == tables


def test_models_match_migrations(engine) -> None:
    """Autogenerate finds nothing to do: the tables declared in code are the migrated ones."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import api.tables  # noqa: F401

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), SQLModel.metadata)
    assert diff == []
