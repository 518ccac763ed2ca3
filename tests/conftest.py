"""Test fixtures.

* The database is a throwaway one: a SQLite file by default, or, when
  ANCRAGE_DATABASE_URL names a PostgreSQL server, a fresh database created on
  it for this run and dropped at the end. Its schema comes from the Alembic
  migrations, as in production.
* Each test runs inside one transaction that is rolled back at the end; the
  services' own commits become savepoints. A request gets the test's session as
  it would get its own: what the test wrote is committed before, what the
  request leaves uncommitted is rolled back after (``app``).
* The suite is hermetic: the caller's ``ANCRAGE_*`` variables (a production
  ``ANCRAGE_SECRET_KEY`` or ``ANCRAGE_ENV``, a Redis, a replica…) are removed
  before anything reads them, except the few the suite itself is driven by
  (``VARIABLES_DE_LA_SUITE``), and the settings of the tests are read from their
  arguments only (``ReglagesDeTest``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api.core.config import Settings
from api.core.db import get_session, make_engine
from api.core.migrate import upgrade
from api.main import create_app
from tests import factories

TEST_SECRET = "test-secret-" + "x" * 40

# The ANCRAGE_* variables that drive the suite rather than the application: the server on
# which it creates its own throwaway database (never a database it would write into), the
# CI switches that turn a missing Chromium or replica into a failure, and the number of
# generated examples of the access-policy properties.
VARIABLES_DE_LA_SUITE = frozenset(
    {"ANCRAGE_DATABASE_URL", "ANCRAGE_E2E_REQUIRED", "ANCRAGE_REPLICA_REQUIRED", "ANCRAGE_EXEMPLES_POLITIQUE"}
)


def nettoyer_environnement(environ: MutableMapping[str, str]) -> list[str]:
    """Remove every ANCRAGE_* variable the suite is not driven by; return their names.

    Done when this module is imported, before any test, fixture or pytest-xdist worker
    exists, so that ``Settings()`` in a test, ``get_settings()`` in the app and the servers
    the tests start as subprocesses (``{**os.environ, ...}``) all see the same clean
    environment whatever the developer exported (the README invites exporting
    ANCRAGE_SECRET_KEY)."""
    retirees = sorted(k for k in environ if k.startswith("ANCRAGE_") and k not in VARIABLES_DE_LA_SUITE)
    for nom in retirees:
        del environ[nom]
    return retirees


nettoyer_environnement(os.environ)


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


class ReglagesDeTest(Settings):
    """Settings read from their arguments only: no environment variable, no .env file.
    A test that sets ANCRAGE_* with monkeypatch after the import-time cleaning cannot
    leak it into the suite's settings either."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def reglages_de_test(database_url: str, documents: Path = Path("/nonexistent-documents")) -> Settings:
    """The body of the ``settings`` fixture (tests/projet/test_hermetique.py calls it directly)."""
    # No built frontend in the API tests (whether `make test` built one or not): the
    # end-to-end tests start their own server on frontend/dist.
    # Documents go to the test's own directory; no antivirus unless a test starts one
    # (tests/documents/clamd.py): uploads are then stored marked « non analysé », as in development.
    return ReglagesDeTest(
        env="test",
        database_url=database_url,
        secret_key=TEST_SECRET,
        log_level="WARNING",
        frontend_dist=Path("/nonexistent-frontend-dist"),
        documents_repertoire=documents,
        clamav_adresse="unix:///nonexistent/clamd.sock",
        antivirus_obligatoire=False,
    )


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return reglages_de_test(database_url, tmp_path / "documents")


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

    async def session_de_la_requete() -> AsyncIterator[Session]:
        # The test's session, used as a request's own session is in production: the request
        # sees what the test wrote (committed first: a real request sees committed rows
        # only), and what it leaves uncommitted (a refusal after the principal's read) is
        # rolled back when it ends, as closing its session does in production.
        if db.in_transaction():
            db.commit()
        try:
            yield db
        finally:
            if db.in_transaction():
                db.rollback()

    application.dependency_overrides[get_session] = session_de_la_requete
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def monde(db: Session, settings: Settings) -> factories.Monde:
    """A small world of partners: two associations, a GIE, a bailleur, a funder, admin."""
    return factories.monde(db, settings)
