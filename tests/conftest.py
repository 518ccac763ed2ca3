"""Test fixtures.

* The database is a throwaway one: a SQLite file by default, or, when
  ANCRAGE_DATABASE_URL names a PostgreSQL server, a fresh database created on
  it for this run and dropped at the end. Its schema comes from the Alembic
  migrations, as in production.
* Each test runs inside one transaction that is rolled back at the end; the
  services' own commits become savepoints.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api.core.config import Settings
from api.core.db import get_session, make_engine
from api.core.migrate import upgrade
from api.main import create_app
from tests import factories

TEST_SECRET = "test-secret-" + "x" * 40


def _server_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


@contextmanager
def base_jetable(dossier: Path, prefixe: str = "ancrage_test") -> Iterator[str]:
    """A new empty database for the duration of the block: a SQLite file in ``dossier``,
    or, when ANCRAGE_DATABASE_URL names a PostgreSQL server, a database created there."""
    configured = os.environ.get("ANCRAGE_DATABASE_URL", "")
    if not configured.startswith("postgresql"):
        yield f"sqlite:///{dossier / (prefixe + '_' + uuid.uuid4().hex[:6] + '.db')}"
        return
    name = f"{prefixe}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = make_engine(_server_url(configured), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(configured).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with base_jetable(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
def base_dediee(tmp_path: Path) -> Iterator[Engine]:
    """A fresh migrated database of its own, for tests that really commit (races, crashes,
    real servers): nothing they write can leak into the shared, rolled-back test database."""
    with base_jetable(tmp_path, "ancrage_dediee") as url:
        upgrade(url)
        eng = make_engine(url)
        try:
            yield eng
        finally:
            eng.dispose()


@pytest.fixture(scope="session")
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # No built frontend in the API tests (whether `make test` built one or not): the
    # end-to-end tests start their own server on frontend/dist.
    # Documents go to the test's own directory; no antivirus unless a test starts one
    # (tests/clamd.py): uploads are then stored marked « non analysé », as in development.
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=TEST_SECRET,
        log_level="WARNING",
        frontend_dist=Path("/nonexistent-frontend-dist"),
        documents_repertoire=tmp_path / "documents",
        clamav_adresse="unix:///nonexistent/clamd.sock",
        antivirus_obligatoire=False,
    )


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def app(settings: Settings, engine: Engine, db: Session) -> FastAPI:
    application = create_app(settings, engine=engine)
    application.dependency_overrides[get_session] = lambda: db
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def monde(db: Session, settings: Settings) -> factories.Monde:
    """A small world of partners: two associations, a GIE, a bailleur, a funder, admin."""
    return factories.monde(db, settings)
