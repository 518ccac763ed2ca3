"""Organisations, accounts and API clients: who may manage what."""

from __future__ import annotations

from tests.factories import MOT_DE_PASSE, Monde


def test_admin_manages_organisations(client, monde: Monde) -> None:
    r = client.post(
        "/api/v1/organisations",
        json={"nom": "CCAS de Liffré", "type": "prescripteur", "commune_insee": "35152"},
        headers=monde.h("admin"),
    )
    assert r.status_code == 201, r.text
    oid = r.json()["id"]
    r = client.patch(f"/api/v1/organisations/{oid}", json={"nom": "CCAS Liffré"}, headers=monde.h("admin"))
    assert r.status_code == 200 and r.json()["nom"] == "CCAS Liffré"
    lst = client.get("/api/v1/organisations", params={"type": "prescripteur"}, headers=monde.h("asso_agent")).json()
    assert [o["nom"] for o in lst["items"]] == ["CCAS Liffré"]


def test_non_admin_cannot_manage_organisations(client, monde: Monde) -> None:
    for who in ("asso_resp", "gie", "bailleur", "financeur", "bailleur_si"):
        r = client.post("/api/v1/organisations", json={"nom": "X", "type": "association"}, headers=monde.h(who))
        assert r.status_code == 403, who
        assert r.json()["type"] == "/problemes/role-insuffisant"
        r = client.patch(f"/api/v1/organisations/{monde.asso.id}", json={"nom": "Y"}, headers=monde.h(who))
        assert r.status_code == 403, who


def test_invalid_organisation_type(client, monde: Monde) -> None:
    r = client.post("/api/v1/organisations", json={"nom": "X", "type": "mairie"}, headers=monde.h("admin"))
    assert r.status_code == 422
    err = r.json()["errors"][0]
    assert err["champ"] == "body.type" and err["valeur"] == "mairie" and "association" in err["message"]


def test_responsable_creates_users_in_own_organisation_only(client, monde: Monde) -> None:
    payload = {
        "email": "Nouvelle.Agente@espoir35.fr",
        "nom": "Durand",
        "prenom": "Léa",
        "mot_de_passe": "un-mot-de-passe-long",
    }
    r = client.post("/api/v1/utilisateurs", json=payload, headers=monde.h("asso_resp"))
    assert r.status_code == 201, r.text
    assert r.json()["organisation_id"] == str(monde.asso.id) and r.json()["email"] == "nouvelle.agente@espoir35.fr"
    assert "mot_de_passe_hash" not in r.json()
    other = client.post(
        "/api/v1/utilisateurs",
        json={**payload, "email": "x@ydomaine.fr", "organisation_id": str(monde.asso2.id)},
        headers=monde.h("asso_resp"),
    )
    assert other.status_code == 403
    agent = client.post(
        "/api/v1/utilisateurs", json={**payload, "email": "z@ydomaine.fr"}, headers=monde.h("asso_agent")
    )
    assert agent.status_code == 403
    dup = client.post("/api/v1/utilisateurs", json=payload, headers=monde.h("asso_resp"))
    assert dup.status_code == 409 and dup.json()["champ"] == "email"
    # the new account can sign in
    tok = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": payload["email"], "password": payload["mot_de_passe"]},
    )
    assert tok.status_code == 200


def test_short_password_refused(client, monde: Monde) -> None:
    r = client.post(
        "/api/v1/utilisateurs",
        json={"email": "a@bdomaine.fr", "nom": "A", "prenom": "B", "mot_de_passe": "court"},
        headers=monde.h("admin"),
    )
    assert r.status_code == 422 and "12 caractère" in r.json()["errors"][0]["message"]


def test_users_are_listed_within_own_organisation(client, monde: Monde) -> None:
    mine = client.get("/api/v1/utilisateurs", headers=monde.h("asso_agent")).json()
    assert {u["organisation_id"] for u in mine["items"]} == {str(monde.asso.id)}
    assert mine["total"] == 2
    other_user = monde.users["asso2_agent"]
    assert client.get(f"/api/v1/utilisateurs/{other_user.id}", headers=monde.h("asso_agent")).status_code == 404
    everyone = client.get("/api/v1/utilisateurs", params={"limit": 100}, headers=monde.h("admin")).json()
    assert everyone["total"] == len(monde.users)


def test_responsable_cannot_disable_self(client, monde: Monde) -> None:
    me = monde.users["asso_resp"]
    r = client.patch(f"/api/v1/utilisateurs/{me.id}", json={"actif": False}, headers=monde.h("asso_resp"))
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "actif"


def test_api_clients_admin_only_and_secret_shown_once(client, monde: Monde) -> None:
    r = client.post(
        "/api/v1/clients-api",
        json={"nom": "SI Néotoa", "organisation_id": str(monde.bailleur.id)},
        headers=monde.h("admin"),
    )
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["client_secret"]
    listed = client.get("/api/v1/clients-api", headers=monde.h("admin")).json()
    assert secret not in str(listed)
    tok = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": created["client_id"], "client_secret": secret},
    )
    assert tok.status_code == 200
    h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=h).status_code == 200
    off = client.patch(f"/api/v1/clients-api/{created['id']}", json={"actif": False}, headers=monde.h("admin"))
    assert off.status_code == 200
    assert client.get("/api/v1/auth/me", headers=h).status_code == 401
    for who in ("asso_resp", "bailleur", "bailleur_si"):
        assert client.get("/api/v1/clients-api", headers=monde.h(who)).status_code == 403, who
    wrong = client.post(
        "/api/v1/clients-api", json={"nom": "X", "organisation_id": str(monde.asso.id)}, headers=monde.h("admin")
    )
    assert wrong.status_code == 422


def test_first_admin_is_created_once(db) -> None:
    from sqlmodel import select

    from api.organisations.models import Organisation, Utilisateur
    from api.organisations.service import assurer_admin

    generated = assurer_admin(db, email="Admin@Test.fr", mot_de_passe=None)
    assert generated and len(generated) >= 16
    assert assurer_admin(db, email="autre@test.fr", mot_de_passe=MOT_DE_PASSE) is None
    admins = db.exec(
        select(Utilisateur)
        .join(Organisation, Organisation.id == Utilisateur.organisation_id)
        .where(Organisation.type == "admin")
    ).all()
    assert [a.email for a in admins] == ["admin@test.fr"]
