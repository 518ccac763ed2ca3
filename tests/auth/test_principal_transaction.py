"""On PostgreSQL the principal's read opens the transaction the route goes on with (issue 20):
one transaction per request, not one for the principal and one for the route (each costs a
``BEGIN``, a ``COMMIT`` and a pool checkout). SQLite still ends the read first: there every
transaction takes the write lock (``BEGIN IMMEDIATE``).

Counted on the test's connection, where each transaction of the request's session is a
savepoint (tests/conftest.py). A refused principal still changes nothing, and the next
request still sees what the test wrote.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from api.auth.models import SessionAuth
from tests.core.instructions import instructions
from tests.factories import Monde, menage_payload


def test_one_transaction_per_request_on_postgresql(client: Any, monde: Monde, engine: Engine) -> None:
    h = monde.h("asso_agent")
    assert client.get("/api/v1/mesures", headers=h).status_code == 200  # caches warmed
    with instructions(engine, lambda s: s.startswith("SAVEPOINT")) as ouvertes:
        r = client.get("/api/v1/mesures", headers=h)
    assert r.status_code == 200, r.text
    attendu = 2 if engine.dialect.name == "sqlite" else 1
    assert len(ouvertes) == attendu, ouvertes


def test_a_refusal_after_the_principal_read_leaves_nothing_behind(client: Any, monde: Monde) -> None:
    """A funder refused a household (403 after its principal was read, the transaction still
    open on PostgreSQL), then a new session of the same funder is accepted at once."""
    h = monde.h("financeur")
    assert client.post("/api/v1/menages", json=menage_payload(), headers=h).status_code == 403
    assert not monde.db.in_transaction()
    h2 = monde.h("financeur")
    assert client.get("/api/v1/auth/me", headers=h2).status_code == 200
    assert len(monde.db.exec(select(SessionAuth)).all()) >= 2
    # Both sessions of this funder are still there: the refusal's rollback undid none of
    # what the test wrote before or after it.
    financeur = monde.users["financeur"].id
    assert len(monde.db.exec(select(SessionAuth).where(SessionAuth.utilisateur_id == financeur)).all()) == 2
