"""No lost update: concurrent conflicting PATCHes on one ménage, with real commits."""

from __future__ import annotations

import threading
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.audit.models import JournalAcces
from api.main import create_app
from tests import factories
from tests.factories import menage_payload

FILS = 8
ESSAIS = 4


@pytest.mark.postgres
def test_aucune_mise_a_jour_perdue(is_postgres: bool, settings, base_dediee) -> None:
    engine = base_dediee
    if not is_postgres:
        pytest.skip(
            "SQLite sérialise toutes les écritures (un seul écrivain) : "
            "la course n'existe que sur PostgreSQL"
        )
    # Real sessions and commits (no rolled-back test transaction): the world is committed.
    with Session(engine, expire_on_commit=False) as s:
        m = factories.monde(s, settings)
        s.commit()
        headers = [m.h("asso_agent") for _ in range(FILS)]
        s.commit()
    app = create_app(settings, engine=engine)
    with TestClient(app) as c:
        cree = c.post("/api/v1/menages", json=menage_payload(), headers=headers[0])
        assert cree.status_code == 201
    mid = cree.json()["id"]
    succes: list[str] = []
    refus: list[int] = []
    verrou = threading.Lock()
    depart = threading.Barrier(FILS)

    def travail(n: int) -> None:
        client = TestClient(app)
        depart.wait()
        for essai in range(ESSAIS):
            lu = client.get(f"/api/v1/menages/{mid}", headers=headers[n])
            adresse = f"{n} rue {essai}"
            r = client.patch(
                f"/api/v1/menages/{mid}",
                json={"adresse": adresse},
                headers=headers[n] | {"If-Match": lu.headers["ETag"]},
            )
            with verrou:
                if r.status_code == 200:
                    succes.append(adresse)
                else:
                    refus.append(r.status_code)

    fils = [threading.Thread(target=travail, args=(n,)) for n in range(FILS)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()

    assert set(refus) <= {412}, refus
    assert len(succes) + len(refus) == FILS * ESSAIS
    assert succes and refus, "la course n'a pas eu lieu : rien n'a été refusé"
    with TestClient(app) as c:
        final = c.get(f"/api/v1/menages/{mid}", headers=headers[0]).json()
    # every accepted update is counted in the version; none overwrote another silently
    assert final["version"] == 1 + len(succes)
    assert final["adresse"] in succes
    with Session(engine) as s:
        modifs = s.exec(
            select(func.count())
            .select_from(JournalAcces)
            .where(JournalAcces.ressource_id == uuid.UUID(mid), JournalAcces.action == "modifier")
        ).one()
    assert modifs == len(succes)
