"""Reads run at once on several connections see one snapshot (api/core/instantane.py).

The indicators read their sources this way on PostgreSQL; a read that saw a later commit,
or missed the request's own write, would give a document whose tables disagree."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from api.auth.principal import Principal
from api.core import instantane
from api.core.instantane import en_parallele
from api.demo.generateur import charger
from api.dispositifs.models import Dispositif
from api.indicateurs import service
from api.organisations.models import TypeOrganisation


def _table(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE essai_instantane (x integer)"))
        conn.execute(text("INSERT INTO essai_instantane VALUES (1)"))


def _lire(session: Session, lectures: list) -> list:
    """The results in the order of the reads (``en_parallele`` gives them as they end)."""
    return [r for _, r in sorted(en_parallele(session, lectures), key=lambda x: x[0])]


def _compte(s: Session) -> int:
    return int(s.execute(text("SELECT count(*) FROM essai_instantane")).scalar_one())


def test_lectures_a_un_meme_instantane_sur_d_autres_connexions(base_dediee: Engine) -> None:
    if base_dediee.dialect.name != "postgresql":
        pytest.skip("PostgreSQL seulement : SQLite lit dans la session de la requête, l'une après l'autre")
    _table(base_dediee)
    pid = "SELECT pg_backend_pid()"
    with Session(base_dediee) as session:
        moi = session.execute(text(pid)).scalar_one()

        ensemble = threading.Barrier(2)  # both reads under way at once, or a 10 s timeout

        def avant_ecriture(s: Session) -> tuple[int, int]:
            ensemble.wait(timeout=10)
            return s.execute(text(pid)).scalar_one(), _compte(s)

        def apres_ecriture(s: Session) -> tuple[int, int]:
            ensemble.wait(timeout=10)
            # another client commits a row before this read's first statement
            with base_dediee.begin() as autre:
                autre.execute(text("INSERT INTO essai_instantane VALUES (2)"))
            return s.execute(text(pid)).scalar_one(), _compte(s)

        (p1, n1), (p2, n2) = _lire(session, [avant_ecriture, apres_ecriture])
        assert n1 == n2 == 1  # the snapshot exported before the commit, not one taken after it
        assert len({moi, p1, p2}) == 3  # each read on its own connection, at the same time
        assert _compte(session) == 2  # the request's READ COMMITTED session sees it afterwards


def test_plus_de_lectures_que_de_connexions(base_dediee: Engine) -> None:
    """Two connections take seven reads in turn, each set up by the settings given; the
    settings are the transaction's own (``SET LOCAL``): the pool gets its connections back
    as they were."""
    _table(base_dediee)

    def lecture(s: Session) -> tuple[object, str]:
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar_one() if base_dediee.dialect.name == "postgresql" else 0
        memoire = s.execute(text("SHOW work_mem")).scalar_one() if base_dediee.dialect.name == "postgresql" else "-"
        return pid, memoire

    postgresql = base_dediee.dialect.name == "postgresql"
    # the first two reads wait for each other: both connections are at work (else one could
    # take every read before the other has started, and the test would prove nothing)
    ensemble = threading.Barrier(2)

    def ensemble_puis_lecture(s: Session) -> tuple[object, str]:
        if postgresql:
            ensemble.wait(timeout=10)
        return lecture(s)

    reglages = ("SET LOCAL work_mem = '7MB'",) if postgresql else ()
    with Session(base_dediee) as session:
        recus = list(en_parallele(session, [ensemble_puis_lecture] * 2 + [lecture] * 5, reglages=reglages))
        session.rollback()
    assert sorted(i for i, _ in recus) == list(range(7))  # each read once
    if base_dediee.dialect.name == "postgresql":
        assert len({pid for _, (pid, _m) in recus}) == 2
        assert {m for _, (_p, m) in recus} == {"7MB"}
        with Session(base_dediee) as session:
            for _ in range(3):  # the pool's connections, after their transaction
                assert all(m != "7MB" for _, (_p, m) in en_parallele(session, [lecture, lecture]))
                session.rollback()


def test_la_transaction_qui_a_ecrit_lit_ses_propres_ecritures(base_dediee: Engine) -> None:
    _table(base_dediee)
    with Session(base_dediee) as session:
        session.execute(text("INSERT INTO essai_instantane VALUES (3)"))  # not committed
        assert _lire(session, [_compte, _compte]) == [2, 2]
        session.rollback()
        assert _lire(session, [_compte, _compte]) == [1, 1]


def test_une_erreur_de_lecture_remonte(base_dediee: Engine) -> None:
    _table(base_dediee)

    def echoue(s: Session) -> int:
        s.execute(text("SELECT * FROM table_absente"))
        return 0

    with Session(base_dediee) as session:
        with pytest.raises(Exception, match="table_absente"):
            _lire(session, [_compte, echoue])
        session.rollback()
        assert _lire(session, [_compte, _compte]) == [1, 1]


def test_document_identique_lu_en_parallele_ou_a_la_suite(base_dediee: Engine) -> None:
    """The document read on several connections (a session on the engine, on PostgreSQL)
    is the one read in one connection (a session bound to a connection: one after the
    other), table for table."""
    charger(base_dediee, menages=60, graine=5, aujourd_hui=date(2026, 11, 1), journal=lambda _m: None)
    documents = []

    def document(session: Session) -> None:
        d = session.exec(select(Dispositif).order_by(Dispositif.code)).first()
        assert d is not None
        funder = Principal("utilisateur", uuid.uuid4(), d.financeur_id, TypeOrganisation.financeur, "agent", uuid.uuid4())
        f = service.filtres(du=date(2024, 1, 1), au=date(2024, 12, 31), dispositif=d.id)
        documents.append(service.calculer_indicateurs(session, funder, f=f, seuil=0).model_dump(mode="json"))

    with Session(base_dediee) as par_moteur:
        document(par_moteur)
    with base_dediee.connect() as conn, Session(bind=conn) as par_connexion:
        document(par_connexion)
    parallele, suite = documents
    assert parallele["tableaux"] == suite["tableaux"]
    assert sum(c["valeur"] or 0 for t in suite["tableaux"] for c in t["cellules"]) > 100  # not an empty document
    if base_dediee.dialect.name == "postgresql":
        assert id(base_dediee) in instantane._ANNEXES  # the engine's session did read in parallel
