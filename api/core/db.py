"""Database engines, sessions and the metadata naming convention.

The schema comes only from Alembic migrations (``migrations/``); nothing here
creates tables.

Two sessions a route may ask for: ``SessionDep`` on the primary, for everything that
writes or must see the latest state (the principal, so that a revoked session is refused
at once; the access log), and ``SessionLectureDep`` for the heavy reads (indicators,
minutes, exports), bound to the read replica when ``ANCRAGE_DATABASE_REPLICA_URL`` names
one and otherwise the very same session as ``SessionDep``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy import Engine, event, exc, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import aliased
from sqlmodel import Session, create_engine

from api.core.fonctions_sql import enregistrer_sqlite

if TYPE_CHECKING:
    from api.core.config import Settings


def make_engine(url: str, settings: Settings | None = None, **kwargs: Any) -> Engine:
    """Build the engine; SQLite gets real transactions and foreign keys.

    With ``settings``, the pool is sized from them (``ANCRAGE_DB_POOL_*``): a request that
    waits longer than the pool timeout for a connection fails fast (503, see errors.py)."""
    sa_url = make_url(url)
    en_memoire = sa_url.get_backend_name() == "sqlite" and sa_url.database in (None, "", ":memory:")
    if settings is not None and not en_memoire:
        kwargs.setdefault("pool_size", settings.db_pool_size)
        kwargs.setdefault("max_overflow", settings.db_max_overflow)
        kwargs.setdefault("pool_timeout", settings.db_pool_timeout)
    if sa_url.drivername == "postgresql":
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    if sa_url.get_backend_name() == "sqlite":
        if sa_url.database and sa_url.database != ":memory:":
            from pathlib import Path

            Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
        # The busy timeout: how long a writer waits for SQLite's single write lock. The server
        # waits no longer than for a pool connection, then answers 503 (errors.py); commands
        # and tests without settings keep 30 s.
        attente = settings.db_pool_timeout if settings is not None else 30
        engine = create_engine(sa_url, connect_args={"check_same_thread": False, "timeout": attente}, **kwargs)

        # pysqlite's own transaction handling breaks SAVEPOINT and BEGIN: take it over
        # (SQLAlchemy's documented recipe), and turn foreign keys on.
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()
            enregistrer_sqlite(dbapi_conn)

        # IMMEDIATE takes the write lock at the start: concurrent writers then wait on the
        # busy timeout instead of failing with "database is locked" when a read
        # transaction tries to upgrade. SQLite is the embedded default; PostgreSQL scales.
        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # Without settings (commands, tests), the settings' own defaults: one place says them.
    from api.core.config import Settings

    kwargs.setdefault("pool_size", Settings.model_fields["db_pool_size"].default)
    kwargs.setdefault("max_overflow", Settings.model_fields["db_max_overflow"].default)
    ping = kwargs.pop("pool_pre_ping", None)
    engine = create_engine(sa_url, **kwargs)
    if ping is not False:
        verifier_apres_inactivite(engine)
    return engine


# A pooled connection is checked (one ``SELECT 1`` round trip) when it comes out of the pool
# only if it sat there longer than this. SQLAlchemy's ``pool_pre_ping`` checks it at every
# checkout: twice per request (the principal's read ends its transaction to give the
# connection back, the route takes one again): about a sixth of the API's and of
# PostgreSQL's CPU for a bare ``/auth/me`` (paired runs, docs/performance.md). A
# connection used a moment ago is alive; one idle for longer may have been cut (a restart
# of PostgreSQL, a firewall or PgBouncer timeout) and is replaced before a request gets it.
PING_APRES_INACTIVITE_S = 10.0


def verifier_apres_inactivite(engine: Engine, apres: float = PING_APRES_INACTIVITE_S) -> None:
    """SQLAlchemy's pessimistic disconnect handling, for connections idle ``apres`` seconds
    (its documented checkout-event recipe): a dead one raises ``DisconnectionError``, and
    the pool retries with a new connection."""

    @event.listens_for(engine, "checkin")
    def _rendue(_dbapi_conn: Any, record: Any) -> None:
        record.info["rendue_le"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _verifier(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        rendue = record.info.get("rendue_le")
        if rendue is None or time.monotonic() - rendue < apres:
            return  # a new connection, or one used a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as e:
            raise exc.DisconnectionError("connexion coupée pendant son inactivité") from e


_T = TypeVar("_T")


def alias_pret(modele: type[_T]) -> type[_T]:
    """An alias of a mapped class (``sqlalchemy.orm.aliased``), its columns and attributes
    built now. For the aliases a module builds once and every request shares.

    Why: an alias builds its column collection and each attribute on first use, and two
    request threads doing it at once can leave an attribute bound to the table itself
    instead of the alias (SQLAlchemy issue 12302, races generating ``.c``). The attribute
    is then kept, wrong, for the life of the worker: under ``make bench-capacite`` the
    agenda's demandeur was joined on ``personne`` instead of ``personne_1`` by one worker,
    a 500 on every second call of that shape. Built at import, in one thread, they are only
    read afterwards."""
    alias = aliased(modele)
    inspection = inspect(alias)
    inspection.selectable.c  # noqa: B018 - the column collection, built now
    for attribut in inspection.mapper.column_attrs:
        getattr(alias, attribut.key)
    return alias


def make_replica_engine(url: str) -> Engine:
    """The read replica's engine. Its transactions are ``READ ONLY`` (psycopg's
    ``read_only``, sent with each ``BEGIN``, which PgBouncer in transaction mode passes on):
    a hot standby refuses writes anyway, and a replica URL that names the primary by mistake
    fails loudly on the first write instead of taking it."""
    return make_engine(url, execution_options={"postgresql_readonly": True})


async def _fermer(session: Session, request: Request) -> None:
    if session.in_transaction():
        # Its own threads: a connection is released at once, not after the routes
        # queued in the shared thread pool (some of which wait for that very connection).
        await anyio.to_thread.run_sync(session.close, limiter=_liberation(request))
    else:
        session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; use cases commit in their service function.

    An ``async`` dependency although the session is synchronous: FastAPI runs a sync
    generator dependency through the thread pool twice (enter, exit), and these hand-offs
    between the event loop and a worker thread cost more CPU than most requests' own work
    (py-spy, ``make bench-api``). Creating a Session does no I/O; closing one whose
    transaction ended (the use cases commit) does none either: it is then done here.
    A session left inside a transaction is rolled back off the event loop."""
    session = request.app.state.session_factory()
    try:
        yield session
    finally:
        await _fermer(session, request)


def _liberation(request: Request) -> anyio.CapacityLimiter:
    # One per app, created on first use inside its event loop.
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "liberation", None)
    if limiter is None:
        limiter = request.app.state.liberation = anyio.CapacityLimiter(16)
    return limiter


SessionDep = Annotated[Session, Depends(get_session)]


async def get_session_lecture(request: Request, session: SessionDep) -> AsyncIterator[Session]:
    """The session of a heavy read: on the replica when there is one, else ``session``.

    A use case that reads here still writes its access-log entries through ``session``
    (the primary) and commits them there: the replica is read-only, and the entry must be
    durable before the records leave. Its replica transaction only reads; it ends, rolled
    back, when the request does. The replica may lag the primary by a fraction of a second
    (asynchronous streaming): fine for aggregates and exports, not for the principal."""
    factory = request.app.state.session_lecture_factory
    if factory is None:
        yield session
        return
    lecture = factory()
    try:
        yield lecture
    finally:
        await _fermer(lecture, request)


SessionLectureDep = Annotated[Session, Depends(get_session_lecture)]
