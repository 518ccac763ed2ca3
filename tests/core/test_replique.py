"""Heavy reads on a read replica (``ANCRAGE_DATABASE_REPLICA_URL``).

The indicators (document, CSV, XLSX, a cell's files), the commission's minutes and a
household's export read through ``SessionLectureDep``; their access-log entries are
written and committed on the primary. Three levels:

* the setting itself (PostgreSQL only) and, without it, one session as before;
* the routing, on a dedicated PostgreSQL database used as both primary and "replica":
  the replica engine's transactions are READ ONLY, so a write sent there would fail,
  and each engine's statements are recorded;
* a real streaming replica: a second cluster made by ``pg_createcluster`` and
  ``pg_basebackup -R`` from the test server, on another port, in recovery; data written
  through the API on the primary is read back from it. It needs the PostgreSQL server
  tools, root or the postgres account, and a ``replication`` line for 127.0.0.1 in the
  primary's pg_hba.conf (``.ci/run`` adds it). Elsewhere it is skipped with the reason,
  unless ``ANCRAGE_REPLICA_REQUIRED=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from api.audit.models import JournalAcces
from api.bench.outils import port_libre
from api.core.config import Settings
from api.main import create_app
from api.mesures.service import aujourdhui  # the French date, as the product reads « today »
from tests.factories import Monde, creer_convention, creer_dispositif, monde, orienter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLES = ("admin", "bailleur", "gie", "asso_agent", "financeur")


def test_le_replica_est_un_serveur_postgresql(settings: Settings) -> None:
    pg = "postgresql://postgres@127.0.0.1:5432/ancrage"
    with pytest.raises(ValueError, match="ANCRAGE_DATABASE_REPLICA_URL"):
        Settings(database_url="sqlite:///x.db", database_replica_url=pg)
    with pytest.raises(ValueError, match="ANCRAGE_DATABASE_REPLICA_URL"):
        Settings(database_url=pg, database_replica_url="sqlite:///x.db")
    assert Settings(database_url=pg, database_replica_url=pg.replace("5432", "5433")).database_replica_url
    # Without the setting, heavy reads share the request's session (one transaction, as before).
    app = create_app(settings)
    assert app.state.engine_lecture is None and app.state.session_lecture_factory is None
    app.state.engine.dispose()


# --- a committed world and the heavy reads ----------------------------------------------


def _monde_valide(engine: Engine, settings: Settings) -> Monde:
    """The test world, committed (the app reads it through its own connections), with one
    token per role minted and committed too."""
    with Session(engine, expire_on_commit=False) as s:
        m = monde(s, settings)
        entetes = {who: m.h(who) for who in ROLES}
        s.commit()
    m.h = entetes.__getitem__  # type: ignore[method-assign]
    return m


def _ecrire_par_l_api(c: TestClient, m: Monde) -> dict[str, Any]:
    """Through the API (on the primary): a dispositif, two referrals, a commission session
    that accepts one and refuses the other."""
    d = creer_dispositif(c, m)
    creer_convention(c, m, d["id"])
    o1, o2 = orienter(c, m, d["id"]), orienter(c, m, d["id"])
    r = c.post(
        "/api/v1/commissions",
        json={"dispositif_id": d["id"], "date": aujourdhui().isoformat(), "lieu": "Rennes"},
        headers=m.h("gie"),
    )
    assert r.status_code == 201, r.text
    s = r.json()
    r = c.post(
        f"/api/v1/commissions/{s['id']}/ordre-du-jour",
        json={"orientation_ids": [o1["id"], o2["id"]]},
        headers=m.h("gie"),
    )
    assert r.status_code == 200, r.text
    decisions = [
        {
            "orientation_id": o1["id"],
            "vers_statut": "acceptee",
            "association_id": str(m.asso.id),
            "cible_code": "reassurance_locataire",
            "type_accompagnement_code": "evaluation",
        },
        {"orientation_id": o2["id"], "vers_statut": "refusee", "motif_refus": "territoire_non_couvert"},
    ]
    r = c.post(f"/api/v1/commissions/{s['id']}/decisions", json={"decisions": decisions}, headers=m.h("gie"))
    assert r.status_code == 200, r.text
    return {"dispositif": d, "acceptee": o1, "refusee": o2, "session": s}


class Releve:
    """The statements each engine ran, request by request."""

    def __init__(self, app: FastAPI) -> None:
        self.primaire: list[str] = []
        self.replica: list[str] = []
        event.listen(app.state.engine, "before_cursor_execute", self._sur(self.primaire))
        event.listen(app.state.engine_lecture, "before_cursor_execute", self._sur(self.replica))

    @staticmethod
    def _sur(liste: list[str]) -> Callable[..., None]:
        def ecouter(_conn: Any, _cur: Any, statement: str, *_args: Any) -> None:
            liste.append(" ".join(statement.split()))

        return ecouter

    def vider(self) -> None:
        self.primaire.clear()
        self.replica.clear()


def _lectures_lourdes(c: TestClient, m: Monde, ecrit: dict[str, Any], releve: Releve) -> dict[str, Any]:
    """Each heavy read, checked to have read on the replica engine and, on the primary,
    only loaded the principal and written its access-log entries."""
    d, o1, s = ecrit["dispositif"], ecrit["acceptee"], ecrit["session"]
    lectures: dict[str, tuple[str, dict[str, str], str]] = {
        "document": ("/api/v1/indicateurs", {"dispositif": d["id"]}, "gie"),
        "csv": ("/api/v1/indicateurs", {"dispositif": d["id"], "format": "csv"}, "financeur"),
        "xlsx": ("/api/v1/indicateurs", {"dispositif": d["id"], "format": "xlsx"}, "gie"),
        "detail": (
            "/api/v1/indicateurs/detail",
            {"dispositif": d["id"], "table": "orientations_statut", "cellule": "statut_orientation=acceptee"},
            "gie",
        ),
        "proces_verbal": (f"/api/v1/commissions/{s['id']}/proces-verbal.csv", {}, "gie"),
        "export": (f"/api/v1/menages/{o1['menage_id']}/export", {}, "bailleur"),
    }
    reponses: dict[str, Any] = {}
    for nom, (url, params, who) in lectures.items():
        releve.vider()
        r = c.get(url, params=params, headers=m.h(who))
        assert r.status_code == 200, (nom, r.text)
        assert releve.replica, f"{nom} : rien lu sur le réplica"
        ecritures = [q for q in releve.replica if not q.upper().startswith(("SELECT", "WITH", "SET LOCAL", "SHOW"))]
        assert not ecritures, (nom, ecritures)
        for q in releve.primaire:
            assert "FROM session_auth" in q or q.startswith("INSERT INTO journal_acces"), (nom, q)
        journalise = [q for q in releve.primaire if q.startswith("INSERT INTO journal_acces")]
        assert bool(journalise) == (nom in ("detail", "proces_verbal", "export")), (nom, journalise)
        reponses[nom] = r
    assert reponses["xlsx"].headers["content-type"] == XLSX
    assert reponses["csv"].text.count("\n") > 1
    statuts = next(t for t in reponses["document"].json()["tableaux"] if t["code"] == "orientations_statut")
    assert {c["cle"]: c["valeur"] for c in statuts["cellules"]}["statut_orientation=acceptee"] == 1
    assert [e["id"] for e in reponses["detail"].json()["elements"]] == [o1["id"]]
    assert o1["reference"] in reponses["proces_verbal"].text
    assert reponses["export"].json()["menage"]["id"] == o1["menage_id"]
    return reponses


def _journal(engine: Engine, **criteres: Any) -> int:
    with Session(engine) as s:
        q = select(func.count()).select_from(JournalAcces)
        for k, v in criteres.items():
            q = q.where(col(getattr(JournalAcces, k)) == v)
        return int(s.exec(q).one())


def _verifier_journal(engine: Engine, ecrit: dict[str, Any]) -> None:
    """The logged heavy reads left their entries on the primary, committed."""
    o1 = ecrit["acceptee"]
    assert _journal(engine, action="lister", ressource="orientation", ressource_id=o1["id"]) >= 2  # detail, PV
    assert _journal(engine, action="exporter", ressource="menage", ressource_id=o1["menage_id"]) == 1
    assert _journal(engine, action="exporter", ressource="session_commission", ressource_id=ecrit["session"]["id"]) == 1


def test_lectures_lourdes_sur_le_replica_journal_sur_le_primaire(
    is_postgres: bool, settings: Settings, base_dediee: Engine
) -> None:
    if not is_postgres:
        pytest.skip("réplica en lecture : PostgreSQL seulement (ANCRAGE_DATABASE_URL=postgresql://…)")
    url = base_dediee.url.render_as_string(hide_password=False)
    # The same database as "replica": its engine is read-only, a write sent there would fail.
    app = create_app(settings.model_copy(update={"database_url": url, "database_replica_url": url}))
    try:
        with TestClient(app, base_url="http://testserver") as c:
            m = _monde_valide(base_dediee, settings)
            ecrit = _ecrire_par_l_api(c, m)
            releve = Releve(app)
            _lectures_lourdes(c, m, ecrit, releve)
            # An ordinary read stays on the primary.
            releve.vider()
            assert c.get(f"/api/v1/orientations/{ecrit['acceptee']['id']}", headers=m.h("gie")).status_code == 200
            assert releve.primaire and not releve.replica
        _verifier_journal(base_dediee, ecrit)
    finally:
        app.state.engine.dispose()
        app.state.engine_lecture.dispose()


# --- a real streaming replica -------------------------------------------------------------


def _impossible(raison: str) -> None:
    """Skip with the reason, or fail when CI requires the replica test."""
    message = f"réplica en flux non testé : {raison}"
    if os.environ.get("ANCRAGE_REPLICA_REQUIRED") == "1":
        pytest.fail(message + " (ANCRAGE_REPLICA_REQUIRED=1)")
    pytest.skip(message)


def _en_postgres(*cmd: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """A PostgreSQL tool as the postgres account (CI runs as root). Generous timeout: the base
    backup waits for a checkpoint of the shared test server, slow when the machine is busy."""
    prefixe = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefixe, *cmd], capture_output=True, text=True, timeout=timeout, check=False)


def _attendre(condition: Callable[[], bool], delai: float, quoi: str) -> None:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        try:
            if condition():
                return
        except psycopg.OperationalError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"délai dépassé : {quoi}")


def _valeur(conninfo: str, sql: str) -> Any:
    with psycopg.connect(conninfo, connect_timeout=3, autocommit=True) as conn:
        row = conn.execute(sql).fetchone()
        return None if row is None else row[0]


@contextmanager
def replica_en_flux(primaire_url: str) -> Iterator[int]:
    """A hot standby of the primary's whole cluster on a free port, its data in a temporary
    directory, registered as a Debian cluster for the duration of the block, then dropped."""
    u = make_url(primaire_url)
    if u.host not in ("127.0.0.1", "localhost"):
        _impossible(f"le serveur de test {u.host} n'est pas local")
    for outil in ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "pg_basebackup"):
        if shutil.which(outil) is None:
            _impossible(f"{outil} introuvable (paquets postgresql-common et postgresql)")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        _impossible("pas de compte système postgres")
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        _impossible("il faut être root ou postgres pour créer un cluster")
    primaire = f"host=127.0.0.1 port={u.port or 5432} user={u.username or 'postgres'} dbname=postgres"
    version = str(int(_valeur(primaire, "SELECT current_setting('server_version_num')::int / 10000")))
    taille = int(_valeur(primaire, "SELECT sum(pg_database_size(datname)) FROM pg_database"))
    if taille > 4 * 1024**3:
        _impossible(f"le serveur de test pèse {taille // 1024**2} Mo : la copie dépasserait la minute")

    nom, port = f"ancrage_replica_{os.getpid()}", port_libre()
    dossier = Path(tempfile.mkdtemp(prefix="ancrage_replica_"))
    proprio = pwd.getpwnam("postgres")
    os.chown(dossier, proprio.pw_uid, proprio.pw_gid)
    donnees = dossier / "donnees"
    try:
        # Trust on the standby itself: it listens on 127.0.0.1 only, for this test.
        r = _en_postgres(
            "pg_createcluster", version, nom, "-d", str(donnees), "-p", str(port), "--start-conf=manual",
            "--", "--auth-local=trust", "--auth-host=trust", "--no-sync",
        )
        assert r.returncode == 0, r.stderr
        shutil.rmtree(donnees)  # replaced by the primary's copy
        r = _en_postgres(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres",
            "-D", str(donnees), "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )
        if r.returncode != 0:
            if "pg_hba.conf" in r.stderr or "replication" in r.stderr:
                _impossible(
                    "le serveur refuse la réplication depuis 127.0.0.1 ; ajouter à pg_hba.conf "
                    f"« host replication all 127.0.0.1/32 trust » puis recharger (.ci/run le fait) : {r.stderr.strip()}"
                )
            raise AssertionError(r.stderr)
        # A throwaway copy: no fsync (--no-sync above, fsync=off here), stopped at once below.
        r = _en_postgres("pg_ctlcluster", "--skip-systemctl-redirect", version, nom, "start", "-o", "-c fsync=off")
        assert r.returncode == 0, r.stdout + r.stderr
        replica = f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
        _attendre(lambda: _valeur(replica, "SELECT pg_is_in_recovery()") is True, 30, "réplica en récupération")
        yield port
    finally:
        _en_postgres("pg_ctlcluster", "--skip-systemctl-redirect", version, nom, "stop", "-m", "immediate")
        _en_postgres("pg_dropcluster", version, nom)
        shutil.rmtree(dossier, ignore_errors=True)


def _rattrape(primaire: Engine, replica_conninfo: str) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    with primaire.connect() as conn:
        lsn = conn.execute(text("SELECT pg_current_wal_lsn()::text")).scalar_one()
    _attendre(
        lambda: bool(_valeur(replica_conninfo, f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")),
        20,
        f"réplica rattrapé jusqu'à {lsn}",
    )


def test_indicateurs_lus_sur_un_replica_en_flux(is_postgres: bool, settings: Settings, base_dediee: Engine) -> None:
    if not is_postgres:
        pytest.skip("réplica en flux : PostgreSQL seulement (ANCRAGE_DATABASE_URL=postgresql://…)")
    url = base_dediee.url.render_as_string(hide_password=False)
    with replica_en_flux(url) as port:
        replica_url = make_url(url).set(port=port).render_as_string(hide_password=False)
        base = make_url(url).database
        app = create_app(settings.model_copy(update={"database_url": url, "database_replica_url": replica_url}))
        try:
            with TestClient(app, base_url="http://testserver") as c:
                m = _monde_valide(base_dediee, settings)
                ecrit = _ecrire_par_l_api(c, m)  # on the primary
                _rattrape(app.state.engine, f"host=127.0.0.1 port={port} user=postgres dbname={base}")
                with app.state.engine_lecture.connect() as conn:
                    assert conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
                    assert conn.execute(text("SELECT inet_server_port()")).scalar_one() == port
                _lectures_lourdes(c, m, ecrit, Releve(app))
            _verifier_journal(base_dediee, ecrit)  # written on the primary, the standby refuses writes
        finally:
            app.state.engine.dispose()
            app.state.engine_lecture.dispose()
