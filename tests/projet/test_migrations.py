"""Migrations go up, down and up again on a fresh database (SQLite and PostgreSQL)."""

from __future__ import annotations

import warnings

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

    def hors_expressions(_obj: object, name: str | None, type_: str, _reflected: bool, _compare_to: object) -> bool:
        return not (type_ == "index" and name in INDEX_EXPRESSIONS | INDEX_POSTGRESQL)

    with engine.connect() as conn, warnings.catch_warnings():
        # SQLAlchemy does not reflect expression indexes on SQLite (it warns, and the
        # suite turns warnings into errors): they are compared by the test below.
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        contexte = MigrationContext.configure(
            conn, opts={"compare_type": False, "include_object": hors_expressions}
        )
        diff = compare_metadata(contexte, SQLModel.metadata)
    assert diff == []


# Indexes on an expression, written per database in their migration (0010: the
# expression must be exactly the query's on each database for the planner to use it).
# Autogenerate cannot compare expressions, so they are not declared on the models.
INDEX_EXPRESSIONS = {"ix_orientation_evenement_decisions"}
# PostgreSQL only (0014: pg_trgm GIN indexes of the household search); SQLite scans.
INDEX_POSTGRESQL = {
    "ix_personne_nom_recherche_trgm",
    "ix_menage_reference_trgm",
    "ix_menage_telephone_trgm",
    "ix_menage_adresse_trgm",  # 0028: the header search by address (issue 14)
    "ix_menage_transmission_noms_recherche_trgm",  # 0042: the orientations' search by name, as sent
}


def test_expression_indexes_exist(engine) -> None:
    """The expression indexes left out of the comparison above do exist after migrating."""
    from sqlalchemy import text

    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            noms = conn.execute(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_%'")).scalars()
            assert set(noms) >= INDEX_EXPRESSIONS | INDEX_POSTGRESQL
        else:
            noms = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'")).scalars()
            assert set(noms) >= INDEX_EXPRESSIONS
