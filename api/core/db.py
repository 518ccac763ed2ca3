"""Database engine, sessions and the metadata naming convention.

The schema comes only from Alembic migrations (``migrations/``); nothing here
creates tables.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from api.core.fonctions_sql import enregistrer_sqlite


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Build the engine; SQLite gets real transactions and foreign keys."""
    sa_url = make_url(url)
    if sa_url.drivername == "postgresql":
        sa_url = sa_url.set(drivername="postgresql+psycopg")
    if sa_url.get_backend_name() == "sqlite":
        if sa_url.database and sa_url.database != ":memory:":
            from pathlib import Path

            Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(sa_url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

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
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(sa_url, **kwargs)


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
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


SessionDep = Annotated[Session, Depends(get_session)]
