"""The kept indicator document: funders share one computation per key for a while,
those who record facts never read a kept one, and no organisation ever gets another's."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from api.core.cache import CacheDocuments, cle
from api.organisations.models import TypeOrganisation
from tests import factories as fab
from tests.factories import headers, organisation, utilisateur
from tests.indicateurs.test_indicateurs_seeds import cellules

URL = "/api/v1/indicateurs"
PARAMS = {"au": "2020-06-30"}


def _file_active(client, h, **extra) -> tuple[int, dict[str, str]]:
    r = client.get(URL, params=PARAMS, headers=h | extra)
    assert r.status_code == 200, r.text
    return cellules(r.json(), "file_active")["total"], dict(r.headers)


def _dispositif(db, m):
    # Exact figures for the funder (its convention says so): the counts below tell a kept
    # document from a fresh one; secrecy itself is tests/indicateurs/test_indicateurs_secret.py's.
    d = fab.dispositif(db, m)
    d.secret_statistique_seuil = 0
    db.add(d)
    db.flush()
    return d


def _mesure(db, m, d) -> None:
    fab.mesure(db, m, d, men=fab.menage(db, m, organisation=m.asso, naissance=date(1980, 1, 1)), mandatement=date(2020, 1, 10), statut="active")


def test_a_funder_reads_a_kept_document_until_it_asks_for_a_fresh_one(client, db, monde) -> None:
    d = _dispositif(db, monde)
    _mesure(db, monde, d)
    h = monde.h("financeur")
    total, entetes = _file_active(client, h)
    assert total == 1
    assert int(entetes["age"]) >= 0 and "last-modified" in entetes
    _mesure(db, monde, d)
    # Kept: the second mesure is not counted yet, and the answer says how old it is.
    assert _file_active(client, h)[0] == 1
    # Cache-Control: no-cache asks for a computation, which is kept in turn.
    assert _file_active(client, h, **{"Cache-Control": "no-cache"})[0] == 2
    assert _file_active(client, h)[0] == 2
    # CSV and XLSX are rendered from the same kept document.
    r = client.get(URL, params=PARAMS | {"format": "csv"}, headers=h)
    assert r.status_code == 200 and "age" in r.headers


def test_those_who_record_the_facts_always_read_them_fresh(client, db, monde) -> None:
    d = _dispositif(db, monde)
    _mesure(db, monde, d)
    for who in ("asso_agent", "gie"):
        avant = _file_active(client, monde.h(who))[0]
        _mesure(db, monde, d)
        assert _file_active(client, monde.h(who))[0] == avant + 1


def test_two_funders_never_share_a_kept_document(client, db, monde) -> None:
    """Same filters, two funders: a key without the caller's organisation would hand the
    first funder's figures to the second, who funds nothing here. Two analysts of the same
    funder read the same document (the policy reads the organisation, its type and the
    role, all in the key): they share one computation."""
    d = _dispositif(db, monde)
    _mesure(db, monde, d)
    autre = utilisateur(db, organisation(db, TypeOrganisation.financeur, "Département"), "agent")
    collegue = utilisateur(db, monde.financeur, "agent")
    assert _file_active(client, monde.h("financeur"))[0] == 1
    # The other funder funds nothing: its perimeter is empty, 404 (a kept document under a key
    # without the caller would have answered 200 with the first funder's figure).
    r = client.get(URL, params=PARAMS, headers=headers(db, monde.settings, autre))
    assert r.status_code == 404, r.text
    # A colleague of the same funder, same role, reads the kept document: the second mesure
    # is not counted yet (its own computation would count it)...
    _mesure(db, monde, d)
    assert _file_active(client, headers(db, monde.settings, collegue))[0] == 1
    # ... but a responsable of that funder (another role) gets a computation of its own.
    responsable = utilisateur(db, monde.financeur, "responsable")
    assert _file_active(client, headers(db, monde.settings, responsable))[0] == 2


def test_disabled_cache_computes_every_time() -> None:
    cache = CacheDocuments(0)
    appels = []
    for _ in range(3):
        cache.obtenir("x", "k", lambda: appels.append(1) or b"v")
    assert len(appels) == 3


def test_documents_computed_together_do_not_expire_together() -> None:
    """Each kept document lives between 80 % and 100 % of the TTL: fifty documents
    computed in the same second (a warm-up, the analysts' morning) are not all computed
    again in the same second, and none is ever served older than the TTL."""
    maintenant = [0.0]

    def encore_gardes(age: float) -> int:
        """Fifty documents kept at 0, then asked again at ``age``: how many are still kept."""
        cache = CacheDocuments(100, horloge=lambda: maintenant[0])
        maintenant[0] = 0.0
        for i in range(50):
            cache.obtenir("x", str(i), lambda: b"v")
        maintenant[0] = age
        appels: list[int] = []
        for i in range(50):
            cache.obtenir("x", str(i), lambda: appels.append(1) or b"v")
        return 50 - len(appels)

    assert encore_gardes(79.0) == 50
    assert 0 < encore_gardes(90.0) < 50  # some expired already, some not yet
    assert encore_gardes(100.5) == 0  # never older than the TTL


def test_redis_keeps_each_document_for_a_spread_lifetime() -> None:
    url = _redis_ou_skip()
    import redis

    r = redis.Redis.from_url(url)
    cache = CacheDocuments(100, url)
    restes = []
    for i in range(20):
        k = cle("test-etalement", i, id(object()))
        cache.obtenir("test", k, lambda: b"v")
        restes.append(r.pttl(f"ancrage:test:{k}"))
    assert all(79_000 < reste <= 100_000 for reste in restes), restes
    assert len(set(restes)) > 10  # drawn, not one lifetime for all


def test_keys_depend_on_every_part() -> None:
    assert cle(["a", 1], {"du": date(2020, 1, 1)}) == cle(["a", 1], {"du": date(2020, 1, 1)})
    assert cle(["a", 1], {"du": date(2020, 1, 1)}) != cle(["a", 2], {"du": date(2020, 1, 1)})
    assert cle(["a", 1], {"du": date(2020, 1, 1)}) != cle(["a", 1], {"du": date(2020, 1, 2)})


def _redis_ou_skip() -> str:
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_timeout=0.5).ping()
    except Exception:
        pytest.skip("Redis absent sur 127.0.0.1:6379 (la CI le démarre)")
    return url


def test_redis_shares_one_computation_between_workers() -> None:
    url = _redis_ou_skip()
    k = cle("test-partage", id(object()))
    appels: list[int] = []
    un, deux = CacheDocuments(60, url), CacheDocuments(60, url)  # two workers
    v1, t1 = un.obtenir("test", k, lambda: appels.append(1) or b"document")
    v2, t2 = deux.obtenir("test", k, lambda: appels.append(2) or b"autre")
    assert (v1, v2, appels) == (b"document", b"document", [1])
    assert t1 == t2


def test_two_workers_asked_at_once_share_one_computation() -> None:
    """Both workers miss the key at the same moment: the second waits for the first's
    computation instead of running its own (a lock per process alone computed it twice)."""
    url = _redis_ou_skip()
    k = cle("test-simultane", id(object()))
    un, deux = CacheDocuments(60, url), CacheDocuments(60, url)
    appels: list[str] = []
    commence, libere = threading.Event(), threading.Event()

    def lent() -> bytes:
        appels.append("un")
        commence.set()
        assert libere.wait(10)
        return b"document"

    with ThreadPoolExecutor(2) as pool:
        premier = pool.submit(un.obtenir, "test", k, lent)
        assert commence.wait(10)
        second = pool.submit(deux.obtenir, "test", k, lambda: appels.append("deux") or b"autre")
        time.sleep(0.3)  # the second worker is now waiting on the key, not computing
        libere.set()
        assert premier.result(10)[0] == second.result(10)[0] == b"document"
    assert appels == ["un"]


def test_a_worker_that_dies_holding_the_key_delays_no_one_for_ever() -> None:
    """A lock left by a dead worker: readers wait at most ``attente``, then compute."""
    url = _redis_ou_skip()
    k = cle("test-orphelin", id(object()))
    cache = CacheDocuments(60, url, attente=0.3)
    import redis

    redis.Redis.from_url(url).set(f"ancrage:test:{k}:calcul", b"jeton-d-un-mort", px=60_000)
    debut = time.monotonic()
    assert cache.obtenir("test", k, lambda: b"calcule")[0] == b"calcule"
    assert 0.25 < time.monotonic() - debut < 5


def test_an_unreachable_redis_computes_instead_of_failing() -> None:
    cache = CacheDocuments(60, "redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert cache.obtenir("test", "k", lambda: b"calcule")[0] == b"calcule"


def test_a_threshold_set_by_the_admin_reaches_the_funder_at_once(client, db, monde) -> None:
    d = _dispositif(db, monde)
    _mesure(db, monde, d)
    assert _file_active(client, monde.h("financeur"))[0] == 1
    r = client.patch(f"/api/v1/dispositifs/{d.id}", json={"secret_statistique_seuil": 5}, headers=monde.h("admin"))
    assert r.status_code == 200, r.text
    assert _file_active(client, monde.h("financeur"))[0] is None  # masked now, not the kept 1
