"""The access log: one entry per nominative read, readable by one's organisation, append-only."""

from __future__ import annotations

import uuid

import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, func, select

from api.audit.models import JournalAcces
from tests import factories as fab
from tests.factories import Monde, menage_payload


def _menage(client, monde: Monde, who: str = "asso_agent") -> str:
    r = client.post("/api/v1/menages", json=menage_payload(), headers=monde.h(who))
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _existe(db: Session, eid) -> bool:
    return (
        db.exec(select(func.count()).select_from(JournalAcces).where(JournalAcces.id == eid)).one()
        == 1
    )


def _lectures(db: Session, menage_id: str) -> int:
    return db.exec(
        select(func.count())
        .select_from(JournalAcces)
        .where(JournalAcces.ressource_id == uuid.UUID(menage_id), JournalAcces.action == "lire")
    ).one()


def test_sonde_cent_lectures_cent_entrees(client, db: Session, monde: Monde) -> None:
    mid = _menage(client, monde)
    h = monde.h("asso_resp")
    assert _lectures(db, mid) == 0
    for _ in range(100):
        assert client.get(f"/api/v1/menages/{mid}", headers=h).status_code == 200
    assert _lectures(db, mid) == 100
    entries = db.exec(
        select(JournalAcces).where(
            JournalAcces.ressource_id == uuid.UUID(mid), JournalAcces.action == "lire"
        )
    ).all()
    assert {(e.principal_id, e.organisation_id, e.role, e.ressource) for e in entries} == {
        (monde.users["asso_resp"].id, monde.asso.id, "responsable", "menage")
    }
    assert all(e.adresse == "testclient" and e.request_id for e in entries)
    # a refused read (another association) leaves no trace of the file
    assert client.get(f"/api/v1/menages/{mid}", headers=monde.h("asso2_agent")).status_code == 404
    assert _lectures(db, mid) == 100


def test_liste_journalise_chaque_menage_montre(client, db: Session, monde: Monde) -> None:
    ids = {_menage(client, monde) for _ in range(3)}
    r = client.get("/api/v1/menages", params={"limit": 2}, headers=monde.h("asso_agent"))
    montres = {m["id"] for m in r.json()["items"]}
    assert len(montres) == 2 and montres <= ids
    listed = db.exec(select(JournalAcces.ressource_id).where(JournalAcces.action == "lister")).all()
    assert sorted(map(str, listed)) == sorted(montres)


def test_journal_de_son_organisation_seulement(client, monde: Monde) -> None:
    mid = _menage(client, monde)
    autre = _menage(client, monde, "asso2_agent")
    client.get(f"/api/v1/menages/{mid}", headers=monde.h("asso_agent"))
    r = client.get("/api/v1/audit", headers=monde.h("asso_resp"))
    assert r.status_code == 200
    items = r.json()["items"]
    assert {i["organisation_id"] for i in items} == {str(monde.asso.id)}
    assert {(i["action"], i["ressource_id"]) for i in items} == {("creer", mid), ("lire", mid)}
    # the other association sees only its own creation
    r2 = client.get("/api/v1/audit", headers=monde.h("asso2_agent")).json()
    assert [(i["action"], i["ressource_id"]) for i in r2["items"]] == [("creer", autre)]
    # the admin sees everyone's
    tout = client.get("/api/v1/audit", params={"limit": 100}, headers=monde.h("admin")).json()
    assert {mid, autre} <= {i["ressource_id"] for i in tout["items"]}
    # a funder's log is its own (empty here), never the associations'
    assert client.get("/api/v1/audit", headers=monde.h("financeur")).json()["total"] == 0


def test_filtres_du_journal(client, monde: Monde) -> None:
    mid = _menage(client, monde)
    autre = _menage(client, monde)
    for _ in range(3):
        client.get(f"/api/v1/menages/{mid}", headers=monde.h("asso_resp"))
    h = monde.h("asso_resp")
    par_id = client.get("/api/v1/audit", params={"ressource_id": mid}, headers=h).json()
    assert par_id["total"] == 4  # 1 creation + 3 reads
    lectures = client.get(
        "/api/v1/audit", params={"ressource_id": mid, "action": "lire"}, headers=h
    ).json()
    assert lectures["total"] == 3
    par_qui = client.get(
        "/api/v1/audit", params={"principal_id": str(monde.users["asso_agent"].id)}, headers=h
    ).json()
    assert {i["ressource_id"] for i in par_qui["items"]} == {mid, autre}
    assert (
        client.get("/api/v1/audit", params={"ressource": "orientation"}, headers=h).json()["total"]
        == 0
    )
    futur = client.get("/api/v1/audit", params={"du": "2099-01-01T00:00:00Z"}, headers=h).json()
    assert futur["total"] == 0
    passe = client.get("/api/v1/audit", params={"au": "2000-01-01T00:00:00Z"}, headers=h).json()
    assert passe["total"] == 0
    page = client.get("/api/v1/audit", params={"limit": 2, "offset": 1}, headers=h).json()
    assert page["total"] == 5 and len(page["items"]) == 2
    bad = client.get(
        "/api/v1/audit",
        params={"du": "2026-02-01T00:00:00Z", "au": "2026-01-01T00:00:00Z"},
        headers=h,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["champ"] == "au"


def test_client_api_ne_lit_pas_le_journal(client, monde: Monde) -> None:
    r = client.get("/api/v1/audit", headers=monde.h("bailleur_si"))
    assert r.status_code == 403
    assert r.json()["type"] == "/problemes/role-insuffisant"


def test_qui_a_consulte_ce_dossier(client, monde: Monde) -> None:
    mid = _menage(client, monde)
    client.get(f"/api/v1/menages/{mid}", headers=monde.h("asso_resp"))
    r = client.get(f"/api/v1/menages/{mid}/acces", headers=monde.h("asso_agent"))
    assert r.status_code == 200
    items = r.json()["items"]
    assert [(i["action"], i["principal_id"], i["organisation_nom"]) for i in items] == [
        ("lire", str(monde.users["asso_resp"].id), "Association Espoir 35"),
        ("creer", str(monde.users["asso_agent"].id), "Association Espoir 35"),
    ]
    assert "adresse" not in items[0]  # staff IP addresses stay in the organisation's own log
    for who in ("asso2_agent", "gie", "bailleur", "financeur", "admin"):
        assert (
            client.get(f"/api/v1/menages/{mid}/acces", headers=monde.h(who)).status_code == 404
        ), who


def test_aucune_route_n_ecrit_dans_le_journal(app) -> None:
    for route in iter_route_contexts(app.routes):
        if route.path and ("/audit" in route.path or route.path.endswith("/acces")):
            assert set(route.methods) <= {"GET", "HEAD"}, route.path


def _refuse(db: Session, sql: str, **params) -> None:
    with pytest.raises(DatabaseError, match="ajout seul"), db.begin_nested():
        db.execute(text(sql), params)


def test_le_journal_refuse_modification_et_suppression(client, db: Session, monde: Monde) -> None:
    mid = _menage(client, monde)
    (entree,) = db.exec(
        select(JournalAcces).where(JournalAcces.ressource_id == uuid.UUID(mid))
    ).all()
    eid = entree.id.hex if db.get_bind().dialect.name == "sqlite" else str(entree.id)
    _refuse(db, "UPDATE journal_acces SET action = 'lire' WHERE id = :id", id=eid)
    _refuse(db, "DELETE FROM journal_acces WHERE id = :id", id=eid)
    _refuse(db, "DELETE FROM journal_acces")
    db.expire_all()
    assert db.get(JournalAcces, entree.id).action == "creer"


def test_seule_la_purge_supprime(db: Session, monde: Monde, is_postgres: bool) -> None:
    vieux = JournalAcces(
        quand=fab.utc(2024, 1, 1),
        principal_type="utilisateur",
        principal_id=monde.users["asso_agent"].id,
        organisation_id=monde.asso.id,
        role="agent",
        action="lire",
        ressource="menage",
    )
    db.add(vieux)
    db.flush()
    eid = str(vieux.id) if is_postgres else vieux.id.hex
    if is_postgres:
        # even an old entry needs the purge's transaction-local switch
        _refuse(db, "DELETE FROM journal_acces WHERE id = :id", id=eid)
        with db.begin_nested():
            db.execute(text("SET LOCAL ancrage.purge = 'on'"))
            db.execute(text("DELETE FROM journal_acces WHERE id = :id"), {"id": eid})
    else:
        # SQLite: entries older than 6 months may go (the purge keeps 12)
        with db.begin_nested():
            db.execute(text("DELETE FROM journal_acces WHERE id = :id"), {"id": eid})
    assert not _existe(db, vieux.id)
