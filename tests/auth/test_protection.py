"""Sign-in throttling and machine clients' rate limits (api/auth/throttle.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from ipaddress import ip_network

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.auth.throttle import ClientRateLimit
from api.bench.outils import port_libre
from api.core.config import PROJECT_ROOT
from api.core.db import get_session
from api.main import create_app
from tests.factories import MOT_DE_PASSE, Monde

TOKEN = "/api/v1/auth/token"


def _login(c: TestClient, email: str, password: str):
    return c.post(TOKEN, data={"grant_type": "password", "username": email, "password": password})


def _client(app, adresse: str) -> TestClient:
    return TestClient(app, base_url="http://testserver", client=(adresse, 50000))


def test_dix_echecs_par_compte_puis_429_meme_avec_le_bon_mot_de_passe(app, monde: Monde) -> None:
    email = monde.users["asso_agent"].email
    for i in range(10):
        # ten different addresses: only the account's counter fills up
        r = _login(_client(app, f"10.0.0.{i}"), email, "mauvais-mot-de-passe")
        assert r.status_code == 401, i
    r = _login(_client(app, "10.0.1.1"), email, MOT_DE_PASSE)
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert 1 <= int(r.headers["Retry-After"]) <= 15 * 60
    assert r.json()["type"] == "/problemes/trop-de-requetes"
    # another account is not affected
    assert (
        _login(_client(app, "10.0.1.1"), monde.users["asso_resp"].email, MOT_DE_PASSE).status_code
        == 200
    )


def test_dix_echecs_par_adresse_puis_429(app, monde: Monde) -> None:
    c = _client(app, "192.0.2.7")
    for i in range(10):
        assert _login(c, f"inconnu{i}@exemple.fr", "x").status_code == 401
    r = _login(c, monde.users["asso_agent"].email, MOT_DE_PASSE)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    # the same account from another address still signs in
    assert (
        _login(_client(app, "192.0.2.8"), monde.users["asso_agent"].email, MOT_DE_PASSE).status_code
        == 200
    )


def test_un_responsable_debloque_le_compte(app, client, monde: Monde) -> None:
    user = monde.users["asso_agent"]
    for i in range(10):
        _login(_client(app, f"10.1.0.{i}"), user.email, "mauvais")
    assert _login(_client(app, "10.1.1.1"), user.email, MOT_DE_PASSE).status_code == 429
    # an agent may not unlock; the responsable of the organisation may
    url = f"/api/v1/utilisateurs/{user.id}/deverrouiller"
    assert client.post(url, headers=monde.h("asso2_agent")).status_code == 404
    assert client.post(url, headers=monde.h("asso_agent")).status_code == 403
    assert client.post(url, headers=monde.h("asso_resp")).status_code == 204
    assert _login(_client(app, "10.1.1.1"), user.email, MOT_DE_PASSE).status_code == 200


def test_meme_reponse_et_meme_duree_compte_inconnu_ou_mauvais_mot_de_passe(
    app, monde: Monde
) -> None:
    def essai(email: str) -> tuple[float, dict]:
        c = _client(app, f"198.51.100.{uuid.uuid4().int % 250}")
        debut = time.perf_counter()
        r = _login(c, email, "pas-le-bon-mot-de-passe")
        duree = time.perf_counter() - debut
        assert r.status_code == 401
        return duree, r.json()

    connu = [essai(monde.users["asso_resp"].email) for _ in range(3)]
    inconnu = [essai(f"personne-{uuid.uuid4().hex[:6]}@exemple.fr") for _ in range(3)]
    assert connu[0][1] == inconnu[0][1]  # same type, title, detail: nothing tells them apart
    t_connu, t_inconnu = min(d for d, _ in connu), min(d for d, _ in inconnu)
    # Both pay one argon2 verification: same order of magnitude (generous, the machine is shared).
    assert t_inconnu > t_connu / 4 and t_connu > t_inconnu / 4, (t_connu, t_inconnu)


def test_limite_de_debit_des_clients_api(app, client, monde: Monde, settings) -> None:
    app.state.client_rate_limit = ClientRateLimit(
        settings.model_copy(update={"client_requetes_par_minute": 5})
    )
    h = monde.h("bailleur_si")
    for i in range(5):
        assert client.get("/api/v1/menages", headers=h).status_code == 200, i
    r = client.get("/api/v1/menages", headers=h)
    assert r.status_code == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert "5 requêtes par minute" in r.json()["detail"]
    # people are not rate limited by it
    for _ in range(6):
        assert client.get("/api/v1/menages", headers=monde.h("bailleur")).status_code == 200


def _jeton_client(c: TestClient, client_id: str, secret: str):
    return c.post(TOKEN, data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})


def test_echecs_d_un_client_api_limites_par_source_sans_bloquer_le_vrai_systeme(app, monde: Monde) -> None:
    """Ten wrong secrets for a client_id do not lock the real system out (a 32-byte secret
    cannot be guessed; a lockout would be a denial of service): the source is throttled."""
    cli = monde.clients["bailleur_si"]
    attaquant = _client(app, "203.0.113.66")
    for i in range(10):
        assert _jeton_client(attaquant, cli.client_id, f"faux-{i}").status_code == 401, i
    assert _jeton_client(_client(app, "198.51.100.10"), cli.client_id, MOT_DE_PASSE).status_code == 200
    r = _jeton_client(attaquant, cli.client_id, MOT_DE_PASSE)
    assert r.status_code == 429, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert 1 <= int(r.headers["Retry-After"]) <= 15 * 60


# --- X-Forwarded-For: believed only from the proxies named in ANCRAGE_TRUSTED_PROXIES ---


def _login_via(c, email: str, password: str, transmis: str):
    return c.post(
        TOKEN,
        data={"grant_type": "password", "username": email, "password": password},
        headers={"X-Forwarded-For": transmis},
    )


def test_x_forwarded_for_ignore_sans_mandataire_de_confiance(app, monde: Monde) -> None:
    c = _client(app, "127.0.0.1")
    for i in range(10):
        assert _login_via(c, f"inconnu{i}@exemple.fr", "x", f"203.0.113.{i}").status_code == 401
    r = _login_via(c, monde.users["asso_agent"].email, MOT_DE_PASSE, "203.0.113.200")
    assert r.status_code == 429, r.text


def test_x_forwarded_for_cru_d_un_mandataire_de_confiance(settings, engine, db, monde: Monde) -> None:
    app = create_app(settings.model_copy(update={"trusted_proxies": [ip_network("10.9.0.0/16")]}), engine=engine)
    app.dependency_overrides[get_session] = lambda: db
    mandataire = _client(app, "10.9.0.2")
    # The header's last untrusted address is the client; the proxies in front are skipped.
    for i in range(10):
        assert _login_via(mandataire, f"x{i}@exemple.fr", "x", "198.51.100.7, 10.9.3.4").status_code == 401
    email = monde.users["asso_agent"].email
    assert _login_via(mandataire, email, MOT_DE_PASSE, "198.51.100.7").status_code == 429
    assert _login_via(mandataire, email, MOT_DE_PASSE, "198.51.100.8").status_code == 200
    # A forged entry to the left of the real client changes nothing.
    assert _login_via(mandataire, email, MOT_DE_PASSE, "1.2.3.4, 198.51.100.7").status_code == 429
    # From an untrusted peer, the header is ignored: the peer itself is counted.
    autre = _client(app, "192.0.2.50")
    assert _login_via(autre, email, MOT_DE_PASSE, "198.51.100.7").status_code == 200


@contextmanager
def _serveur(base: Engine, **reglages: str) -> Iterator[str]:
    """``python -m api serve``, as the Dockerfile starts it, on a throwaway database."""
    port = port_libre()
    env = {
        **os.environ,
        "ANCRAGE_DATABASE_URL": base.url.render_as_string(hide_password=False),
        "ANCRAGE_SECRET_KEY": "proxy-" + "s" * 48,
        "ANCRAGE_PORT": str(port),
        "ANCRAGE_ENV": "development",
        "ANCRAGE_LOG_LEVEL": "WARNING",
        "ANCRAGE_FRONTEND_DIST": "/nonexistent-frontend-dist",
        **reglages,
    }
    env.pop("ANCRAGE_REDIS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "api", "serve"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("le serveur n'a pas démarré")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serveur_reel_garde_la_connexion_pendant_le_temps_de_reflexion(base_dediee) -> None:
    """A person thinks a few seconds between two clicks: the connection is still there
    for the second one (uvicorn's default closed it after 5 s)."""
    import http.client
    from urllib.parse import urlsplit

    with _serveur(base_dediee) as url:
        adresse = urlsplit(url)
        connexion = http.client.HTTPConnection(adresse.hostname or "", adresse.port, timeout=5)
        try:
            connexion.request("GET", "/health")
            assert connexion.getresponse().read() and connexion.sock is not None
            socket_initial = connexion.sock
            time.sleep(6.5)
            # http.client never reconnects by itself: a closed connection raises here.
            connexion.request("GET", "/health")
            assert connexion.getresponse().status == 200
            assert connexion.sock is socket_initial
        finally:
            connexion.close()


def _essais(url: str, transmis: list[str]) -> list[int]:
    with httpx.Client(base_url=url, timeout=10) as c:
        return [
            c.post(
                TOKEN,
                data={"grant_type": "password", "username": f"n{i}@exemple.fr", "password": "x"},
                headers={"X-Forwarded-For": t},
            ).status_code
            for i, t in enumerate(transmis)
        ]


def test_serveur_reel_ne_croit_pas_x_forwarded_for_de_la_boucle_locale(base_dediee) -> None:
    """Behind a pass-through proxy on the same host (peer 127.0.0.1), rotating the header
    must not escape the per-address limit: uvicorn must not trust 127.0.0.1 by default."""
    with _serveur(base_dediee) as url:
        statuts = _essais(url, [f"203.0.113.{i}" for i in range(11)])
    assert statuts == [401] * 10 + [429], statuts


def test_serveur_reel_croit_le_mandataire_nomme(base_dediee) -> None:
    with _serveur(base_dediee, ANCRAGE_TRUSTED_PROXIES='["127.0.0.1"]') as url:
        statuts = _essais(url, ["203.0.113.5"] * 11 + ["203.0.113.6"])
    assert statuts == [401] * 10 + [429, 401], statuts


REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_joignable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.skipif(
    not _redis_joignable(),
    reason="Redis injoignable sur 127.0.0.1:6379 : compteurs partagés non testés",
)
def test_deux_instances_partagent_les_compteurs_via_redis(
    settings, engine, db, monde: Monde
) -> None:
    reglages = settings.model_copy(update={"redis_url": REDIS_URL, "client_requetes_par_minute": 4})
    apps = [create_app(reglages, engine=engine) for _ in range(2)]
    for a in apps:
        a.dependency_overrides[get_session] = lambda: db
    clients = [TestClient(a, base_url="http://testserver", client=("203.0.113.9", 1)) for a in apps]
    h = monde.h("bailleur_si")
    # machine client: 2 requests through each instance, the 5th (either instance) is refused
    for c in clients:
        for _ in range(2):
            assert c.get("/api/v1/menages", headers=h).status_code == 200
    assert clients[1].get("/api/v1/menages", headers=h).status_code == 429
    assert clients[0].get("/api/v1/menages", headers=h).status_code == 429
    # sign-in: 5 failures on each instance fill the account's shared counter of 10
    email = monde.users["asso_agent"].email
    for i in range(10):
        c = TestClient(
            apps[i % 2], base_url="http://testserver", client=(f"203.0.113.{100 + i}", 1)
        )
        assert _login(c, email, "mauvais").status_code == 401
    assert _login(clients[0], email, MOT_DE_PASSE).status_code == 429
    apps[0].state.login_guard.unlock(email)  # leave Redis clean (keys are unique per test anyway)
