"""Independent reads of one request run at once, on several PostgreSQL connections that
all see the same snapshot.

A PostgreSQL statement runs on one core unless the planner gives it parallel workers,
which it does for a plain scan of a large table but not for a statement whose rows feed a
common table expression read many times (the indicators' pass over the mesures). A
document that reads five sources one after the other then uses one core of two. Here its
reads go to other connections at the same time, as ``pg_dump --jobs`` does: the request's
transaction exports its snapshot (``pg_export_snapshot``) and each connection imports it
(``SET TRANSACTION SNAPSHOT``, REPEATABLE READ, READ ONLY), so that every read sees the
database as of one instant, which the statements of one READ COMMITTED transaction, each
with its own snapshot, do not. On SQLite, or when the transaction has already written
(the other connections would not see its own changes), the reads run one after the
other in the request's session: same results, one core.

The connections come from a small pool of their own per engine (``pool_size`` 2,
``max_overflow`` 4): a document never waits for the connections of the requests that
are queued behind it, and the requests never wait for a document's."""

from __future__ import annotations

import contextvars
import queue
import re
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlmodel import Session

from api.core.db import verifier_apres_inactivite

T = TypeVar("T")

_EXECUTEUR = ThreadPoolExecutor(max_workers=6, thread_name_prefix="instantane")
_ANNEXES: dict[int, tuple[weakref.ref[Engine], Engine]] = {}
_VERROU = threading.Lock()
_SNAPSHOT = re.compile(r"^[0-9A-F]+-[0-9A-F]+-[0-9]+$")


def _annexe(engine: Engine) -> Engine:
    """The engine's own small pool for the reads run at once, disposed with it."""
    with _VERROU:
        deja = _ANNEXES.get(id(engine))
        if deja is not None and deja[0]() is engine:
            return deja[1]
        if deja is not None:  # an id outlives its object: an engine collected undisposed
            deja[1].dispose()
        base = create_engine(engine.url, pool_size=2, max_overflow=4, pool_timeout=30)
        verifier_apres_inactivite(base)
        annexe = base.execution_options(**engine.get_execution_options())
        _ANNEXES[id(engine)] = (weakref.ref(engine), annexe)

    @event.listens_for(engine, "engine_disposed")
    def _liberer(_engine: Engine) -> None:
        with _VERROU:
            a = _ANNEXES.pop(id(engine), None)
        if a is not None:
            a[1].dispose()

    return annexe


def en_parallele(
    session: Session,
    lectures: Sequence[Callable[[Session], T]],
    *,
    connexions: int = 2,
    reglages: Sequence[str] = (),
) -> Iterator[tuple[int, T]]:
    """Each read's index and result, as they complete. Each read is given a session
    that sees the same snapshot as the next statement of ``session`` would: on
    PostgreSQL, ``connexions`` connections take the reads in the order given, the next
    one as soon as they are free (the longest first, so they end together); elsewhere,
    the reads run one after the other in ``session``. ``reglages`` are statements that set
    up each session first (``SET LOCAL``: they belong to a transaction); on a connection
    of the pool, they are sent with the snapshot's import, in one round trip (a thread
    waiting for its turn at the GIL pays up to 5 ms per round trip while another builds
    its statements: ``sys.getswitchinterval``)."""
    bind = session.get_bind()
    sequentiel = len(lectures) < 2 or not isinstance(bind, Engine) or bind.dialect.name != "postgresql"
    if not sequentiel:
        libre, snapshot = session.execute(
            text("SELECT pg_current_xact_id_if_assigned() IS NULL, pg_export_snapshot()")
        ).one()
        sequentiel = not libre or not _SNAPSHOT.match(str(snapshot))
    if sequentiel:
        for r in reglages:
            session.execute(text(r))
        for i, lire in enumerate(lectures):
            yield i, lire(session)
        return
    assert isinstance(bind, Engine)
    annexe = _annexe(bind)
    a_faire: queue.SimpleQueue[tuple[int, Callable[[Session], T]]] = queue.SimpleQueue()
    for i, lire in enumerate(lectures):
        a_faire.put((i, lire))
    faits: queue.SimpleQueue[tuple[int, T] | BaseException | None] = queue.SimpleQueue()
    arret = threading.Event()

    def travailler() -> None:
        try:
            with Session(annexe) as s:
                # the first statements of the transaction: nothing may read before the import
                debut = [
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                    f"SET TRANSACTION SNAPSHOT '{snapshot}'",
                    *reglages,
                ]
                s.connection().exec_driver_sql("; ".join(debut))
                while not arret.is_set():
                    try:
                        i, lire = a_faire.get_nowait()
                    except queue.Empty:
                        break
                    faits.put((i, lire(s)))
                s.rollback()
        except BaseException as e:  # handed to the caller's thread, which raises it
            faits.put(e)
        finally:
            faits.put(None)

    n = min(connexions, len(lectures))
    for _ in range(n):
        _EXECUTEUR.submit(contextvars.copy_context().run, travailler)
    # The exporting transaction stays open (this generator is not done) until every
    # worker has ended, so until every import is done; on an error, raised here at once,
    # a worker that had not imported yet fails its import (the snapshot is gone) and
    # ends, its error unread.
    termines = 0
    try:
        while termines < n:
            fait = faits.get()
            if fait is None:
                termines += 1
            elif isinstance(fait, BaseException):
                raise fait
            else:
                yield fait
    finally:
        arret.set()  # on an error, or a caller that stops reading: no further read starts
