"""Issue 8 (département scale): references under concurrency, keyset pages of the mesures list,
idempotency reserved in the work's transaction."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from api.audit.models import JournalAcces
from api.core.compteurs import Compteur, prochaine_reference, prochaines_references
from api.core.models import utcnow
from api.orientations.models_integration import RequeteIdempotente
from tests import factories as fab
from tests.factories import Monde, creer_dispositif, orientation_payload


def test_references_unique_under_concurrency(base_dediee, is_postgres) -> None:
    """40 writers drawing references at once, each in its own transaction: never a duplicate
    (a sequence on PostgreSQL, the locked counter row on SQLite)."""

    def tirer(_: int) -> list[str]:
        with Session(base_dediee) as s:
            refs = prochaines_references(s, "M", "O")
            s.commit()
            return refs

    workers = 8 if is_postgres else 1  # SQLite: one writer at a time anyway
    with ThreadPoolExecutor(max_workers=workers) as pool:
        tirages = list(pool.map(tirer, range(40)))
    menages = [m for m, _ in tirages]
    orientations = [o for _, o in tirages]
    annee = utcnow().year
    assert len(set(menages)) == 40 and len(set(orientations)) == 40
    assert all(r.startswith(f"M-{annee}-") for r in menages)
    assert all(r.startswith(f"O-{annee}-") for r in orientations)


def test_sequence_starts_after_the_counter_row(base_dediee, is_postgres) -> None:
    """References given before the sequences (the ``compteur`` row) are never given again."""
    if not is_postgres:
        pytest.skip("séquences : PostgreSQL seulement (SQLite garde la ligne compteur)")
    cle = f"S-{utcnow().year}"
    with Session(base_dediee) as s:
        s.add(Compteur(cle=cle, valeur=41))
        s.commit()
    with Session(base_dediee) as s:
        assert prochaine_reference(s, "S") == f"{cle}-000042"
        s.commit()
    with Session(base_dediee) as s:
        assert prochaine_reference(s, "S") == f"{cle}-000043"
        s.rollback()  # a rolled-back number is burnt (a gap), never given again
    with Session(base_dediee) as s:
        assert prochaine_reference(s, "S") == f"{cle}-000044"
        s.commit()
    with base_dediee.connect() as conn:
        assert conn.execute(text("SELECT last_value FROM reference_s_" + str(utcnow().year))).scalar() == 44


def test_keyset_pages_cover_every_mesure_once(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    jours = [
        date(2023, 1, 10),
        date(2023, 1, 10),
        date(2023, 2, 1),
        date(2023, 3, 5),
        date(2023, 3, 5),
        date(2022, 12, 1),
        date(2023, 1, 10),
    ]
    ids = {str(fab.mesure(db, monde, disp, mandatement=j).id) for j in jours}
    h = monde.h("asso_agent")
    tout = client.get("/api/v1/mesures", params={"limit": 100}, headers=h).json()
    assert tout["total"] == 7 and tout["total_exact"] is True and tout["suivant"] is None
    vus: list[str] = []
    apres = None
    for _ in range(10):
        params: dict[str, str | int] = {"limit": 2}
        if apres:
            params["apres"] = apres
        r = client.get("/api/v1/mesures", params=params, headers=h)
        assert r.status_code == 200, r.text
        corps = r.json()
        assert corps["total"] == 7
        vus += [i["id"] for i in corps["items"]]
        apres = corps["suivant"]
        if apres is None:
            break
    assert vus == [i["id"] for i in tout["items"]]  # same order as one big page
    assert len(vus) == len(set(vus)) == 7 and set(vus) == ids
    # Same as offset pages, which keep working.
    par_decalage = [
        i["id"]
        for off in range(0, 7, 3)
        for i in client.get("/api/v1/mesures", params={"limit": 3, "offset": off}, headers=h).json()["items"]
    ]
    assert par_decalage == vus
    # Every mesure shown is logged once per page that showed it (CNIL: one entry per record).
    entrees = db.exec(
        select(JournalAcces).where(JournalAcces.ressource == "mesure", JournalAcces.action == "lister")
    ).all()
    assert {str(e.ressource_id) for e in entrees} == ids
    r = client.get("/api/v1/mesures", params={"apres": "pas-un-curseur"}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "apres"


def test_total_is_capped(client, monde: Monde, db, monkeypatch) -> None:
    from api.core import pagination
    from api.mesures import liste

    monkeypatch.setattr(pagination, "TOTAL_PLAFOND", 3)
    monkeypatch.setattr(liste, "TOTAL_PLAFOND", 3)
    disp = fab.dispositif(db, monde)
    for j in range(5):
        fab.mesure(db, monde, disp, mandatement=date(2023, 1, 1 + j))
    h = monde.h("asso_agent")
    corps = client.get("/api/v1/mesures", params={"limit": 2}, headers=h).json()
    assert corps["total"] == 3 and corps["total_exact"] is False
    assert len(corps["items"]) == 2 and corps["suivant"]
    # The cap follows the offset: from offset 2, up to 2 + 3 rows are counted (all 5 here).
    corps = client.get("/api/v1/mesures", params={"limit": 2, "offset": 2}, headers=h).json()
    assert corps["total"] == 5 and corps["total_exact"] is True
    corps = client.get(
        "/api/v1/mesures", params={"limit": 2, "dispositif_id": str(disp.id), "statut": "terminee"}, headers=h
    ).json()
    assert corps["total"] == 0 and corps["total_exact"] is True and corps["suivant"] is None


def test_failed_push_frees_its_idempotency_key(client, monde: Monde, db) -> None:
    """The reservation lives in the work's transaction: a refused push leaves no trace of
    the key, and the corrected push with the same key is done (not replayed)."""
    d = creer_dispositif(client, monde)
    cle = "cle-" + uuid.uuid4().hex
    h = {**monde.h("bailleur_si"), "Idempotency-Key": cle}
    db.commit()  # the test's world survives the failed push's rollback (a savepoint here)
    mauvais = orientation_payload(d["id"], cible_proposee_code="inconnue")
    r = client.post("/api/v1/orientations", json=mauvais, headers=h)
    assert r.status_code == 422, r.text
    assert db.exec(select(RequeteIdempotente).where(RequeteIdempotente.cle == cle)).first() is None
    bon = orientation_payload(d["id"])
    r = client.post("/api/v1/orientations", json=bon, headers=h)
    assert r.status_code == 201, r.text
    assert "Idempotency-Replayed" not in r.headers
    again = client.post("/api/v1/orientations", json=bon, headers=h)
    assert again.status_code == 201 and again.headers["Idempotency-Replayed"] == "true"
    assert again.json()["id"] == r.json()["id"]


def test_demo_loading_moves_sequences_past_the_counter_rows(base_dediee, is_postgres) -> None:
    """Counter rows written directly (demo loading) after a sequence exists: the sequence is
    moved past them, so the next reference cannot collide with a loaded one."""
    if not is_postgres:
        pytest.skip("séquences : PostgreSQL seulement")
    from api.core.compteurs import aligner_sequences

    annee = utcnow().year
    with Session(base_dediee) as s:
        prochaine_reference(s, "O")  # the sequence exists from now on
        s.add(Compteur(cle=f"O-{annee}", valeur=500))
        s.commit()
    with base_dediee.begin() as conn:
        aligner_sequences(conn)
    with Session(base_dediee) as s:
        assert prochaine_reference(s, "O") == f"O-{annee}-000501"
