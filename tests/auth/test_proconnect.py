"""ProConnect sign-in against a real OpenID provider: oidc-provider (npm), run with node on a
loopback port (tests/oidc/server.js), with its own login and consent pages, which these
tests fill in as a browser would. Ancrage talks to it over real HTTP: discovery, keys, code
exchange with PKCE, userinfo, end of session.

Without node or tests/oidc/node_modules (``make oidc``) the tests are skipped, loudly; in CI
(ANCRAGE_OIDC_REQUIRED=1) they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urljoin, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from pydantic import SecretStr
from sqlmodel import func, select

from api.auth import proconnect
from api.auth.models import ProConnectTentative, SessionAuth
from api.core.config import Settings
from api.core.db import get_session
from api.main import create_app
from api.organisations.models import Utilisateur
from tests import RACINE
from tests.factories import Monde, utilisateur

DOSSIER = RACINE / "tests" / "oidc"
REQUIS = os.environ.get("ANCRAGE_OIDC_REQUIRED") == "1"
CODE_TTL = 2  # seconds: the « expired code » test waits for it
SECRET = "secret-de-test"
RETOUR = "http://testserver/api/v1/auth/proconnect/retour"


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def fournisseur_oidc() -> Iterator[str]:
    node = shutil.which("node")
    if node is None or not (DOSSIER / "node_modules" / "oidc-provider").exists():
        raison = "fournisseur OpenID de test absent (node, ou `make oidc` pour tests/oidc/node_modules)"
        if REQUIS:
            pytest.fail(f"{raison} (ANCRAGE_OIDC_REQUIRED=1)")
        print(f"\n*** ProConnect NON TESTÉ : {raison} ***")
        pytest.skip(raison)
    port = _port_libre()
    env = os.environ | {
        "PORT": str(port),
        "REDIRECT_URI": RETOUR,
        "POST_LOGOUT_URI": "http://testserver/connexion",
        "CODE_TTL": str(CODE_TTL),
        "CLIENT_SECRET": SECRET,
    }
    proc = subprocess.Popen(
        [node, "server.js"], cwd=DOSSIER, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        ligne = proc.stdout.readline()
        assert ligne.startswith("pret"), f"le fournisseur OpenID n'a pas démarré : {ligne!r}"
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.fixture
def reglages(settings: Settings, fournisseur_oidc: str) -> Settings:
    return settings.model_copy(
        update={
            "proconnect_actif": True,
            "proconnect_issuer": fournisseur_oidc,
            "proconnect_client_id": "ancrage-test",
            "proconnect_client_secret": SecretStr(SECRET),
            "proconnect_acr": [],
        }
    )


@pytest.fixture
def pc(reglages: Settings, engine, db) -> Iterator[TestClient]:
    app = create_app(reglages, engine=engine)
    app.dependency_overrides[get_session] = lambda: db
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def agent(db, monde: Monde) -> Utilisateur:
    monde.asso.proconnect_autorise = True
    db.add(monde.asso)
    return utilisateur(db, monde.asso, "agent", email="agente.proconnect@asso.test")


def _naviguer_chez_le_fournisseur(url: str, login: str) -> str:
    """The browser's part at the provider: its login form, then its consent form; returns the
    URL it sends the browser back to (Ancrage's callback)."""
    with httpx.Client(follow_redirects=False, timeout=10) as nav:
        r = nav.get(url)
        for _ in range(12):
            lieu = r.headers.get("location")
            if lieu and lieu.startswith("http://testserver"):
                return lieu
            if lieu:
                r = nav.get(urljoin(str(r.url), lieu))
                continue
            assert r.status_code == 200, r.text[:500]
            action = re.search(r'<form[^>]*action="([^"]+)"', r.text)
            assert action is not None, r.text[:500]
            donnees = dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', r.text))
            if 'name="login"' in r.text:
                donnees |= {"login": login, "password": "peu importe"}
            r = nav.post(urljoin(str(r.url), action.group(1)), data=donnees)
    raise AssertionError("le fournisseur n'a pas renvoyé vers Ancrage")


def _commencer(pc: TestClient) -> str:
    r = pc.get("/api/v1/auth/proconnect/connexion", follow_redirects=False)
    assert r.status_code == 302, r.text
    assert r.headers["location"].startswith(proconnect.fournisseur(pc.app.state.settings).authorization_endpoint)
    parametres = parse_qs(urlparse(r.headers["location"]).query)
    assert parametres["code_challenge_method"] == ["S256"] and parametres["nonce"] and parametres["state"]
    return r.headers["location"]


def _rappel(pc: TestClient, retour: str):
    u = urlparse(retour)
    return pc.get(f"{u.path}?{u.query}", follow_redirects=False)


def _sessions(db) -> int:
    return db.exec(select(func.count()).select_from(SessionAuth)).one()


def test_parcours_complet_puis_deconnexion_chez_le_fournisseur(pc: TestClient, db, agent: Utilisateur) -> None:
    retour = _naviguer_chez_le_fournisseur(_commencer(pc), agent.email)
    r = _rappel(pc, retour)
    assert r.status_code == 302 and r.headers["location"] == "/", r.text
    # Ancrage's own session, as after a password sign-in: the refresh cookie gives a token.
    jeton = pc.post("/api/v1/auth/refresh")
    assert jeton.status_code == 200, jeton.text
    moi = pc.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {jeton.json()['access_token']}"})
    assert moi.status_code == 200 and moi.json()["id"] == str(agent.id)
    # Logout ends both: Ancrage's session now, the provider's by its end-session page.
    fin = pc.get("/api/v1/auth/proconnect/deconnexion", follow_redirects=False)
    assert fin.status_code == 302
    lieu = urlparse(fin.headers["location"])
    assert (
        f"{lieu.scheme}://{lieu.netloc}{lieu.path}"
        == proconnect.fournisseur(pc.app.state.settings).end_session_endpoint
    )
    assert parse_qs(lieu.query)["post_logout_redirect_uri"] == ["http://testserver/connexion"]
    assert "id_token_hint" in parse_qs(lieu.query)
    assert pc.post("/api/v1/auth/refresh").status_code == 401
    with httpx.Client(follow_redirects=False, timeout=10) as nav:
        page = nav.get(fin.headers["location"])
        assert page.status_code == 200 and "logout" in page.text.lower()  # the provider's confirmation


def test_mauvais_state(pc: TestClient, db, agent: Utilisateur) -> None:
    retour = _naviguer_chez_le_fournisseur(_commencer(pc), agent.email)
    avant = _sessions(db)
    r = _rappel(pc, retour.replace("state=", "state=x"))
    assert r.status_code == 401 and "n'a pas été commencée dans ce navigateur" in r.text
    # Another browser (without the cookie) with the right state: refused too.
    pc.cookies.clear()
    r = _rappel(pc, retour)
    assert r.status_code == 401
    assert _sessions(db) == avant


def test_mauvais_nonce(pc: TestClient, db, agent: Utilisateur) -> None:
    url = _commencer(pc)
    state = parse_qs(urlparse(url).query)["state"][0]
    tentative = db.get(ProConnectTentative, state)
    assert tentative is not None
    tentative.nonce = "un-autre-nonce"  # the ID token will carry the one sent to the provider
    db.add(tentative)
    db.flush()
    retour = _naviguer_chez_le_fournisseur(url, agent.email)
    avant = _sessions(db)
    r = _rappel(pc, retour)
    assert r.status_code == 401 and "Jeton de ProConnect refusé" in r.text
    assert _sessions(db) == avant


def test_code_expire(pc: TestClient, db, agent: Utilisateur) -> None:
    retour = _naviguer_chez_le_fournisseur(_commencer(pc), agent.email)
    time.sleep(CODE_TTL + 1)
    avant = _sessions(db)
    r = _rappel(pc, retour)
    assert r.status_code == 401 and "invalid_grant" in r.text
    assert _sessions(db) == avant


def test_jeton_signe_par_une_autre_cle(pc: TestClient, agent: Utilisateur) -> None:
    """An ID token with the right claims, signed by a key the provider never published."""
    reglages = pc.app.state.settings
    f = proconnect.fournisseur(reglages)
    intrus = RSAKey.generate_key(2048, parameters={"kid": next(iter(f.cles.keys)).kid})
    claims = {
        "iss": f.issuer,
        "aud": "ancrage-test",
        "sub": agent.email,
        "email": agent.email,
        "nonce": "n",
        "exp": int(time.time()) + 300,
        "iat": int(time.time()),
    }
    faux = jwt.encode({"alg": "RS256", "kid": intrus.kid}, claims, intrus)
    with pytest.raises(proconnect.RefusProConnect):
        proconnect.verifier_jeton(faux, f, reglages, nonce="n")
    # The same claims signed with no algorithm at all.
    with pytest.raises(proconnect.RefusProConnect):
        proconnect.verifier_jeton(faux.rsplit(".", 1)[0] + ".", f, reglages, nonce="n")


def test_courriel_inconnu_aucun_compte_cree(pc: TestClient, db, agent: Utilisateur) -> None:
    avant = db.exec(select(func.count()).select_from(Utilisateur)).one()
    retour = _naviguer_chez_le_fournisseur(_commencer(pc), "personne.inconnue@asso.test")
    r = _rappel(pc, retour)
    assert r.status_code == 403
    assert "personne.inconnue@asso.test n'a pas de compte dans Ancrage" in r.text and 'lang="fr"' in r.text
    assert db.exec(select(func.count()).select_from(Utilisateur)).one() == avant


def test_utilisateur_desactive(pc: TestClient, db, agent: Utilisateur) -> None:
    agent.actif = False
    db.add(agent)
    db.flush()
    avant = _sessions(db)
    r = _rappel(pc, _naviguer_chez_le_fournisseur(_commencer(pc), agent.email))
    assert r.status_code == 403 and "désactivé" in r.text
    assert _sessions(db) == avant


def test_organisation_non_autorisee(pc: TestClient, db, monde: Monde) -> None:
    autre = utilisateur(db, monde.asso2, "agent", email="agent.asso2@asso.test")
    r = _rappel(pc, _naviguer_chez_le_fournisseur(_commencer(pc), autre.email))
    assert r.status_code == 403 and "n'utilise pas encore ProConnect" in r.text


def test_routes_absentes_si_desactive(client) -> None:
    assert client.get("/api/v1/auth/proconnect/connexion", follow_redirects=False).status_code == 404
    assert client.get("/api/v1/auth/proconnect/etat").json() == {"actif": False}


def test_production_refuse_une_configuration_incomplete(settings: Settings) -> None:
    base = {"env": "production", "secret_key": "x" * 48, "database_url": settings.database_url}
    with pytest.raises(ValueError, match="ANCRAGE_PROCONNECT_CLIENT_SECRET"):
        Settings(
            **base,
            proconnect_actif=True,
            proconnect_issuer="https://proconnect.gouv.fr/api/v2",
            proconnect_client_id="id",
            proconnect_url_retour="https://a.fr/api/v1/auth/proconnect/retour",
        )
    Settings(**base, proconnect_actif=False)  # off: nothing required


def test_seul_l_admin_autorise_une_organisation(client, db, monde: Monde) -> None:
    url = f"/api/v1/organisations/{monde.asso.id}"
    assert client.patch(url, json={"proconnect_autorise": True}, headers=monde.h("asso_resp")).status_code == 403
    r = client.patch(url, json={"proconnect_autorise": True}, headers=monde.h("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["proconnect_autorise"] is True
    db.refresh(monde.asso)
    assert monde.asso.proconnect_autorise is True


def test_la_liste_des_comptes_dit_comment_chacun_se_connecte(client, monde: Monde) -> None:
    """The admin sees how each account may sign in: a password always, ProConnect once its
    organisation is allowed to."""

    def methodes(org_id: str) -> set[tuple[str, ...]]:
        r = client.get("/api/v1/utilisateurs", params={"organisation_id": org_id}, headers=monde.h("admin"))
        assert r.status_code == 200, r.text
        return {tuple(u["connexion"]) for u in r.json()["items"]}

    assert methodes(str(monde.asso.id)) == {("mot_de_passe",)}
    r = client.patch(
        f"/api/v1/organisations/{monde.asso.id}", json={"proconnect_autorise": True}, headers=monde.h("admin")
    )
    assert r.status_code == 200, r.text
    assert methodes(str(monde.asso.id)) == {("mot_de_passe", "proconnect")}
    assert methodes(str(monde.asso2.id)) == {("mot_de_passe",)}
    agent = monde.users["asso_agent"]
    un = client.get(f"/api/v1/utilisateurs/{agent.id}", headers=monde.h("admin")).json()
    assert un["connexion"] == ["mot_de_passe", "proconnect"]
