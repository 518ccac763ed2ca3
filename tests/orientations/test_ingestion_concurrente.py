"""50 concurrent identical pushes (same Idempotency-Key) create exactly one orientation.

Real commits through a real server: the per-test rollback cannot show a race.
PostgreSQL only: SQLite serialises writers on one file lock, so there is no
race to prove there (50 writers queued on its lock exceed the pool and busy timeouts).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from sqlalchemy import func
from sqlmodel import Session, select

from api.main import create_app
from api.organisations.models import TypeOrganisation
from api.orientations.models import Orientation
from tests import factories
from tests.factories import dispositif_payload, orientation_payload


@pytest.fixture
def serveur(settings, base_dediee, is_postgres):
    if not is_postgres:
        pytest.skip(
            "course réelle seulement sur PostgreSQL : "
            "SQLite met les écrivains en file sur un verrou de fichier, 50 à la fois dépassent ses délais"
        )
    app = create_app(settings, engine=base_dediee)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def monde_reel(engine, settings) -> tuple[factories.Monde, dict[str, str], dict[str, str]]:
    """A world committed in the dedicated database: the world, the admin's and the bailleur's
    machine client's headers."""
    with Session(engine, expire_on_commit=False) as s:
        monde = factories.Monde(
            settings=settings,
            db=s,
            asso=factories.organisation(s, TypeOrganisation.association),
            asso2=factories.organisation(s, TypeOrganisation.association),
            gie=factories.organisation(s, TypeOrganisation.gie),
            bailleur=factories.organisation(s, TypeOrganisation.bailleur),
            financeur=factories.organisation(s, TypeOrganisation.financeur),
            admin_org=factories.organisation(s, TypeOrganisation.admin),
        )
        admin = factories.utilisateur(s, monde.admin_org, "responsable")
        client_si = factories.client_api(s, monde.bailleur)
        h_admin = factories.headers(s, settings, admin)
        h_si = factories.headers(s, settings, client_si)
        s.commit()
    return monde, h_admin, h_si


def test_50_concurrent_identical_pushes_make_one_orientation(serveur, base_dediee, settings) -> None:
    engine = base_dediee
    monde, h_admin, h_si = monde_reel(engine, settings)
    d = httpx.post(f"{serveur}/api/v1/dispositifs", json=dispositif_payload(monde), headers=h_admin)
    assert d.status_code == 201, d.text
    ref = "NEO-RACE-" + uuid.uuid4().hex[:8]
    payload = orientation_payload(d.json()["id"], external_ref=ref)
    headers = {**h_si, "Idempotency-Key": str(uuid.uuid4())}
    barriere = threading.Barrier(50)

    def pousser(_: int) -> httpx.Response:
        with httpx.Client(base_url=serveur, timeout=60) as c:
            barriere.wait()
            return c.post("/api/v1/orientations", json=payload, headers=headers)

    with ThreadPoolExecutor(max_workers=50) as pool:
        reponses = list(pool.map(pousser, range(50)))
    codes = sorted(r.status_code for r in reponses)
    rejeux = sum(1 for r in reponses if r.headers.get("Idempotency-Replayed"))
    print(f"\n50 envois : codes {dict(Counter(codes))}, dont {rejeux} réponses rejouées")
    assert set(codes) <= {201, 409}, codes
    crees = [r for r in reponses if r.status_code == 201]
    assert crees, codes
    assert len({r.json()["id"] for r in crees}) == 1
    assert sum(1 for r in crees if "Idempotency-Replayed" not in r.headers) == 1
    with Session(engine) as s:
        n = s.exec(
            select(func.count()).select_from(Orientation).where(Orientation.external_ref == ref)
        ).one()
    assert n == 1
