"""Authentication: sign-in grants, refresh rotation and reuse detection, logout,
disabled accounts, and every forged or misused token refused with 401."""

from __future__ import annotations

import base64
import time
import uuid
from datetime import timedelta

import pytest
from jose import jwt
from pydantic import AnyHttpUrl

from api.core.security import create_token
from tests.factories import MOT_DE_PASSE, Monde, utilisateur

TOKEN_URL = "/api/v1/auth/token"


def _login(client, email: str, password: str = MOT_DE_PASSE):
    return client.post(TOKEN_URL, data={"grant_type": "password", "username": email, "password": password})


def _assert_401(r) -> None:
    assert r.status_code == 401, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_password_grant_gives_access_token_and_refresh_cookie(client, monde: Monde) -> None:
    user = monde.users["asso_agent"]
    r = _login(client, user.email.upper())  # e-mail is case-insensitive
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 15 * 60
    assert "refresh_token" not in body  # it travels only in the httpOnly cookie
    cookie = r.headers["set-cookie"]
    assert "ancrage_refresh=" in cookie and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie and "Path=/api/v1/auth" in cookie
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == user.email
    assert me.json()["organisation"]["type"] == "association"
    assert me.json()["role"] == "agent"


def test_the_token_response_says_who_signed_in(client, monde: Monde) -> None:
    """A client can ask for « my » mesures (referent_id) without calling /auth/me first."""
    user = monde.users["asso_resp"]
    body = _login(client, user.email).json()
    assert body["principal"] == {
        "type": "utilisateur",
        "id": str(user.id),
        "organisation_id": str(monde.asso.id),
        "organisation_type": "association",
        "role": "responsable",
    }
    h = {"Authorization": f"Bearer {body['access_token']}"}
    r = client.get("/api/v1/mesures", params={"referent_id": body["principal"]["id"]}, headers=h)
    assert r.status_code == 200
    cli = monde.clients["bailleur_si"]
    body = client.post(
        TOKEN_URL, data={"grant_type": "client_credentials", "client_id": cli.client_id, "client_secret": MOT_DE_PASSE}
    ).json()
    assert body["principal"] == {
        "type": "client",
        "id": str(cli.id),
        "organisation_id": str(monde.bailleur.id),
        "organisation_type": "bailleur",
        "role": "client",
    }


def test_wrong_password_and_unknown_user_get_the_same_answer(client, monde: Monde) -> None:
    wrong = _login(client, monde.users["asso_agent"].email, "pas-le-bon-mot-de-passe")
    unknown = _login(client, "personne@nulle-part.test")
    for r in (wrong, unknown):
        _assert_401(r)
        assert r.json()["error"] == "invalid_grant"
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert "set-cookie" not in wrong.headers


def test_login_moves_an_old_argon2_hash_to_the_current_parameters(client, monde: Monde, db) -> None:
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    # pwdlib's defaults (64 MiB), used for accounts created before the OWASP parameters.
    ancien = PasswordHash((Argon2Hasher(),)).hash(MOT_DE_PASSE)
    assert "m=65536" in ancien
    user = monde.users["asso_agent"]
    user.mot_de_passe_hash = ancien
    db.add(user)
    db.flush()
    assert _login(client, user.email).status_code == 200
    db.refresh(user)
    assert "m=19456,t=2,p=1" in user.mot_de_passe_hash
    assert _login(client, user.email).status_code == 200  # the new hash verifies
    _assert_401(_login(client, user.email, "pas-le-bon-mot-de-passe"))


def test_disabled_user_cannot_sign_in(client, monde: Monde, db) -> None:
    user = monde.users["asso_agent"]
    user.actif = False
    db.add(user)
    db.flush()
    _assert_401(_login(client, user.email))


def test_client_credentials_with_form_and_basic(client, monde: Monde, db) -> None:
    cli = monde.clients["bailleur_si"]
    form = client.post(
        TOKEN_URL, data={"grant_type": "client_credentials", "client_id": cli.client_id, "client_secret": MOT_DE_PASSE}
    )
    assert form.status_code == 200, form.text
    assert "set-cookie" not in form.headers  # no refresh token for machines
    basic = base64.b64encode(f"{cli.client_id}:{MOT_DE_PASSE}".encode()).decode()
    r = client.post(TOKEN_URL, data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"})
    assert r.status_code == 200
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}).json()
    assert me["type"] == "client" and me["organisation"]["type"] == "bailleur"
    bad = client.post(
        TOKEN_URL, data={"grant_type": "client_credentials", "client_id": cli.client_id, "client_secret": "faux"}
    )
    _assert_401(bad)


def test_unknown_grant_type_is_a_validation_error(client) -> None:
    r = client.post(TOKEN_URL, data={"grant_type": "implicit"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "body.grant_type"


def test_refresh_rotates_and_reuse_revokes_the_family(client, monde: Monde) -> None:
    r = _login(client, monde.users["asso_agent"].email)
    first_refresh = client.cookies.get("ancrage_refresh")
    access1 = r.json()["access_token"]
    r2 = client.post("/api/v1/auth/refresh")
    assert r2.status_code == 200, r2.text
    second_refresh = client.cookies.get("ancrage_refresh")
    assert second_refresh and second_refresh != first_refresh
    access2 = r2.json()["access_token"]
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access2}"}).status_code == 200
    # A thief replays the first (already used) refresh token: the whole family dies.
    client.cookies.set("ancrage_refresh", first_refresh, path="/api/v1/auth")
    reuse = client.post("/api/v1/auth/refresh")
    _assert_401(reuse)
    assert "déjà utilisé" in reuse.json()["detail"]
    for access in (access1, access2):
        _assert_401(client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access}"}))
    client.cookies.set("ancrage_refresh", second_refresh, path="/api/v1/auth")
    _assert_401(client.post("/api/v1/auth/refresh"))


def test_refresh_without_cookie(client) -> None:
    _assert_401(client.post("/api/v1/auth/refresh"))


def test_logout_revokes_access_and_refresh(client, monde: Monde) -> None:
    access = _login(client, monde.users["asso_agent"].email).json()["access_token"]
    h = {"Authorization": f"Bearer {access}"}
    assert client.get("/api/v1/menages", headers=h).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=h).status_code == 204
    _assert_401(client.get("/api/v1/menages", headers=h))
    _assert_401(client.post("/api/v1/auth/refresh"))


def test_disabled_user_tokens_stop_at_next_request(client, monde: Monde) -> None:
    target = monde.users["asso_agent"]
    h_target = monde.h("asso_agent")
    assert client.get("/api/v1/menages", headers=h_target).status_code == 200
    r = client.patch(f"/api/v1/utilisateurs/{target.id}", json={"actif": False}, headers=monde.h("asso_resp"))
    assert r.status_code == 200 and r.json()["actif"] is False
    _assert_401(client.get("/api/v1/menages", headers=h_target))


def test_disabled_without_session_revocation_still_refused(client, monde: Monde, db) -> None:
    """Even if the sessions were not revoked, the account flag is read at each request."""
    user = monde.users["asso_agent"]
    h = monde.h("asso_agent")
    user.actif = False
    db.add(user)
    db.flush()
    _assert_401(client.get("/api/v1/menages", headers=h))


# --- forged and misused tokens ------------------------------------------------


def _claims(monde: Monde, **overrides):
    """Claims of a real session, so that only the tampered part can cause the refusal."""
    from api.auth.models import SessionAuth
    from api.core.models import utcnow

    user = monde.users["asso_agent"]
    auth = SessionAuth(utilisateur_id=user.id, expire_le=utcnow() + timedelta(days=1))
    monde.db.add(auth)
    monde.db.flush()
    now = int(time.time())
    claims = {
        "sub": f"utilisateur:{user.id}",
        "typ": "access",
        "sid": str(auth.id),
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + 600,
        "aud": monde.settings.jwt_audience,
        "iss": monde.settings.jwt_issuer,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _call(client, token: str):
    return client.get("/api/v1/menages", headers={"Authorization": f"Bearer {token}"})


def test_control_a_well_formed_token_is_accepted(client, monde: Monde) -> None:
    token = jwt.encode(_claims(monde), monde.settings.signing_key(), algorithm="HS256")
    assert _call(client, token).status_code == 200


def test_alg_none_refused(client, monde: Monde) -> None:
    import json

    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(_claims(monde)).encode())
    _assert_401(_call(client, f"{header}.{payload}."))


@pytest.mark.parametrize("alg", ["HS512", "HS384"])
def test_other_algorithm_refused(client, monde: Monde, alg: str) -> None:
    token = jwt.encode(_claims(monde), monde.settings.signing_key(), algorithm=alg)
    _assert_401(_call(client, token))


def test_rs256_token_refused(client, monde: Monde) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    _assert_401(_call(client, jwt.encode(_claims(monde), pem.decode(), algorithm="RS256")))


def test_other_key_refused(client, monde: Monde) -> None:
    _assert_401(_call(client, jwt.encode(_claims(monde), "une-autre-cle-" + "y" * 40, algorithm="HS256")))


def test_missing_exp_refused(client, monde: Monde) -> None:
    claims = _claims(monde)
    del claims["exp"]
    _assert_401(_call(client, jwt.encode(claims, monde.settings.signing_key(), algorithm="HS256")))


def test_expired_refused(client, monde: Monde) -> None:
    now = int(time.time())
    token = jwt.encode(_claims(monde, iat=now - 3600, exp=now - 60), monde.settings.signing_key(), algorithm="HS256")
    _assert_401(_call(client, token))


def test_wrong_audience_refused(client, monde: Monde) -> None:
    token = jwt.encode(_claims(monde, aud="une-autre-api"), monde.settings.signing_key(), algorithm="HS256")
    _assert_401(_call(client, token))


def test_wrong_issuer_refused(client, monde: Monde) -> None:
    token = jwt.encode(_claims(monde, iss="quelquun-d-autre"), monde.settings.signing_key(), algorithm="HS256")
    _assert_401(_call(client, token))


@pytest.mark.parametrize("claim", ["iat", "sub", "jti", "aud", "iss", "typ", "sid"])
def test_each_required_claim_missing_refused(client, monde: Monde, claim: str) -> None:
    claims = _claims(monde)
    del claims[claim]
    _assert_401(_call(client, jwt.encode(claims, monde.settings.signing_key(), algorithm="HS256")))


def test_refresh_token_used_as_access_refused(client, monde: Monde) -> None:
    _login(client, monde.users["asso_agent"].email)
    refresh = client.cookies.get("ancrage_refresh")
    _assert_401(_call(client, refresh))


def test_token_used_after_logout_refused(client, monde: Monde) -> None:
    access = _login(client, monde.users["asso_agent"].email).json()["access_token"]
    client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {access}"})
    _assert_401(_call(client, access))


def test_garbage_token_refused(client) -> None:
    _assert_401(_call(client, "pas.un.jeton"))
    _assert_401(_call(client, "x"))


def test_token_minted_by_helper_roundtrip(monde: Monde, settings) -> None:
    from api.core.security import InvalidToken, decode_token

    token, claims = create_token(
        settings, sub="utilisateur:x", typ="refresh", sid=uuid.uuid4(), lifetime=timedelta(minutes=1)
    )
    assert decode_token(settings, token, expected="refresh").jti == claims.jti
    with pytest.raises(InvalidToken):
        decode_token(settings, token, expected="access")


def test_second_user_of_same_org_is_distinct(client, monde: Monde, db) -> None:
    other = utilisateur(db, monde.asso, "agent")
    r = _login(client, other.email)
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}).json()
    assert me["id"] == str(other.id)


# --- every session of an account ends when its credentials or rights change -------

NOUVEAU_MOT_DE_PASSE = "un-tout-nouveau-mot-de-passe-7"


def _sessions_ouvertes(client, monde: Monde, qui: str) -> tuple[list[dict[str, str]], str]:
    """Two sessions of the account: one by signing in (access token and refresh cookie),
    one minted directly; returns both access headers and the refresh cookie."""
    r = _login(client, monde.users[qui].email)
    assert r.status_code == 200, r.text
    cookie = client.cookies.get("ancrage_refresh")
    assert cookie
    return [{"Authorization": f"Bearer {r.json()['access_token']}"}, monde.h(qui)], cookie


def _assert_sessions_mortes(client, acces: list[dict[str, str]], cookie: str) -> None:
    for h in acces:
        _assert_401(client.get("/api/v1/auth/me", headers=h))
    client.cookies.set("ancrage_refresh", cookie, path="/api/v1/auth")
    _assert_401(client.post("/api/v1/auth/refresh"))


@pytest.mark.parametrize(
    ("cible", "auteur", "changement"),
    [
        ("asso_resp", None, {"mot_de_passe": NOUVEAU_MOT_DE_PASSE}),  # by the user themself
        ("asso_agent", "admin", {"mot_de_passe": NOUVEAU_MOT_DE_PASSE}),
        ("asso_agent", "asso_resp", {"mot_de_passe": NOUVEAU_MOT_DE_PASSE}),
        ("asso_agent", "asso_resp", {"role": "responsable"}),
        ("asso_agent", "admin", {"organisation_id": "asso2"}),
        ("asso_agent", "asso_resp", {"actif": False}),
    ],
    ids=["mdp-soi-meme", "mdp-admin", "mdp-responsable", "role", "organisation", "desactivation"],
)
def test_changement_de_compte_revoque_toutes_ses_sessions(
    client, monde: Monde, cible: str, auteur: str | None, changement: dict
) -> None:
    user = monde.users[cible]
    acces, cookie = _sessions_ouvertes(client, monde, cible)
    for h in acces:
        assert client.get("/api/v1/auth/me", headers=h).status_code == 200
    if changement.get("organisation_id") == "asso2":
        changement = {"organisation_id": str(monde.asso2.id)}
    # By the user themself: through the very session that is about to end.
    h_auteur = acces[0] if auteur is None else monde.h(auteur)
    r = client.patch(f"/api/v1/utilisateurs/{user.id}", json=changement, headers=h_auteur)
    assert r.status_code == 200, r.text
    _assert_sessions_mortes(client, acces, cookie)
    if "mot_de_passe" in changement:
        _assert_401(_login(client, user.email))
        assert _login(client, user.email, NOUVEAU_MOT_DE_PASSE).status_code == 200


def test_desactivation_de_l_organisation_revoque_les_sessions_de_ses_comptes(client, monde: Monde) -> None:
    acces, cookie = _sessions_ouvertes(client, monde, "asso_agent")
    h_client = monde.h("bailleur_si")
    assert client.get("/api/v1/auth/me", headers=h_client).status_code == 200
    for org in (monde.asso, monde.bailleur):
        r = client.patch(f"/api/v1/organisations/{org.id}", json={"actif": False}, headers=monde.h("admin"))
        assert r.status_code == 200, r.text
    _assert_sessions_mortes(client, acces, cookie)
    _assert_401(client.get("/api/v1/auth/me", headers=h_client))
    # Re-enabling the organisation does not bring the old sessions back.
    client.patch(f"/api/v1/organisations/{monde.asso.id}", json={"actif": True}, headers=monde.h("admin"))
    _assert_sessions_mortes(client, acces, cookie)


def test_changement_sans_effet_sur_les_droits_garde_les_sessions(client, monde: Monde) -> None:
    """A new name, or a role set to the one already held, changes no right: sessions go on."""
    acces, _ = _sessions_ouvertes(client, monde, "asso_agent")
    user = monde.users["asso_agent"]
    for changement in ({"nom": "Nouveau-Nom"}, {"role": "agent"}, {"actif": True}):
        r = client.patch(f"/api/v1/utilisateurs/{user.id}", json=changement, headers=monde.h("asso_resp"))
        assert r.status_code == 200, r.text
    for h in acces:
        assert client.get("/api/v1/auth/me", headers=h).status_code == 200
    assert client.post("/api/v1/auth/refresh").status_code == 200


def test_seul_l_administrateur_change_un_compte_d_organisation(client, monde: Monde) -> None:
    user = monde.users["asso_agent"]
    url = f"/api/v1/utilisateurs/{user.id}"
    r = client.patch(url, json={"organisation_id": str(monde.asso2.id)}, headers=monde.h("asso_resp"))
    assert r.status_code == 403, r.text
    r = client.patch(url, json={"organisation_id": str(uuid.uuid4())}, headers=monde.h("admin"))
    assert r.status_code == 404, r.text
    r = client.patch(url, json={"organisation_id": str(monde.asso2.id)}, headers=monde.h("admin"))
    assert r.status_code == 200 and r.json()["organisation_id"] == str(monde.asso2.id)


# --- Origin of the cookie-authenticated routes ---------------------------------------


def _ouvrir(client, monde: Monde) -> dict[str, str]:
    r = _login(client, monde.users["asso_agent"].email)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.mark.parametrize(
    "entete",
    [
        {"Origin": "https://malveillant.example"},
        {"Origin": "null"},
        {"Origin": "https://testserver"},  # same host, other scheme
        {"Referer": "https://malveillant.example/page"},
    ],
    ids=["origine-etrangere", "origine-null", "autre-schema", "referer-etranger"],
)
def test_origine_etrangere_refusee_sur_refresh_et_logout(client, monde: Monde, entete: dict) -> None:
    h = _ouvrir(client, monde)
    for chemin in ("/api/v1/auth/refresh", "/api/v1/auth/logout"):
        r = client.post(chemin, headers={**h, **entete})
        assert r.status_code == 403, (chemin, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"] == "/problemes/origine-refusee"
    # Neither request did anything: the session and its refresh token still work.
    assert client.get("/api/v1/auth/me", headers=h).status_code == 200
    assert client.post("/api/v1/auth/refresh").status_code == 200


def test_origine_du_serveur_ou_configuree_acceptee(app, client, monde: Monde, settings) -> None:
    _ouvrir(client, monde)
    # No Origin (a non-browser client), the server's own origin (Host), or its Referer.
    for entete in ({}, {"Origin": "http://testserver"}, {"Referer": "http://testserver/tableau-de-bord"}):
        assert client.post("/api/v1/auth/refresh", headers=entete).status_code == 200, entete
    app.state.settings = settings.model_copy(
        update={
            "cors_origins": ["https://app.partenaire.example"],
            "public_url": AnyHttpUrl("https://ancrage.example.fr"),
        }
    )
    for origine in ("https://app.partenaire.example", "https://ancrage.example.fr"):
        assert client.post("/api/v1/auth/refresh", headers={"Origin": origine}).status_code == 200, origine
    assert client.post("/api/v1/auth/logout", headers={"Origin": "https://ancrage.example.fr"}).status_code == 204


def test_origine_https_derriere_un_mandataire_de_confiance(settings, engine, db, monde: Monde) -> None:
    """TLS ends at the proxy: its X-Forwarded-Proto makes https://<Host> the server's origin,
    and only when the proxy is trusted."""
    from ipaddress import ip_network

    from fastapi.testclient import TestClient

    from api.core.db import get_session
    from api.main import create_app

    app = create_app(settings.model_copy(update={"trusted_proxies": [ip_network("10.9.0.1")]}), engine=engine)
    app.dependency_overrides[get_session] = lambda: db
    entetes = {"Origin": "https://ancrage.example.fr", "Host": "ancrage.example.fr", "X-Forwarded-Proto": "https"}
    for pair, attendu in (("10.9.0.1", 200), ("192.0.2.1", 403)):
        with TestClient(app, base_url="http://testserver", client=(pair, 1)) as c:
            _login(c, monde.users["asso_agent"].email)
            assert c.post("/api/v1/auth/refresh", headers=entetes).status_code == attendu, pair
