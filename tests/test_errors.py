"""Every error is application/problem+json naming the field, the value and what is allowed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import Monde, menage_payload

PROBLEM = "application/problem+json"


def _problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    assert "Traceback" not in r.text
    return body


def test_malformed_json(client, monde: Monde) -> None:
    r = client.post(
        "/api/v1/menages",
        content=b'{"personnes": [',
        headers={**monde.h("asso_agent"), "Content-Type": "application/json"},
    )
    body = _problem(r, 422)
    assert body["errors"][0]["message"] == "corps JSON mal formé"


def test_wrong_content_type(client, monde: Monde) -> None:
    r = client.post(
        "/api/v1/menages", content=b"nom=Dupont", headers={**monde.h("asso_agent"), "Content-Type": "text/plain"}
    )
    body = _problem(r, 415)
    assert "text/plain" in body["detail"] and "application/json" in body["detail"]


def test_unknown_query_parameter_value(client, monde: Monde) -> None:
    body = _problem(client.get("/api/v1/menages?composition=tribu", headers=monde.h("asso_agent")), 422)
    err = body["errors"][0]
    assert err["champ"] == "query.composition" and err["valeur"] == "tribu"
    assert "homme_seul" in err["message"]


def test_too_long_string(client, monde: Monde) -> None:
    body = _problem(
        client.post("/api/v1/menages", json=menage_payload(adresse="x" * 301), headers=monde.h("asso_agent")), 422
    )
    err = body["errors"][0]
    assert err["champ"] == "body.adresse"
    assert "300 caractères au plus" in err["message"]


def test_negative_amount(client, monde: Monde) -> None:
    payload = menage_payload(dettes=[{"type": "loyer", "montant": -5}])
    body = _problem(client.post("/api/v1/menages", json=payload, headers=monde.h("asso_agent")), 422)
    err = body["errors"][0]
    assert err["champ"] == "body.dettes.0.montant" and err["valeur"] == -5
    assert "supérieur ou égal à 0" in err["message"]


def test_impossible_date(client, monde: Monde) -> None:
    payload = menage_payload()
    payload["personnes"][0]["date_naissance"] = "1980-02-30"
    body = _problem(client.post("/api/v1/menages", json=payload, headers=monde.h("asso_agent")), 422)
    err = body["errors"][0]
    assert err["champ"] == "body.personnes.0.date_naissance" and err["valeur"] == "1980-02-30"
    assert "AAAA-MM-JJ" in err["message"]


def test_future_birth_date(client, monde: Monde) -> None:
    payload = menage_payload()
    payload["personnes"][0]["date_naissance"] = "2999-01-01"
    body = _problem(client.post("/api/v1/menages", json=payload, headers=monde.h("asso_agent")), 422)
    assert "plage permise" in body["errors"][0]["message"]


def test_unknown_field_refused(client, monde: Monde) -> None:
    body = _problem(
        client.post("/api/v1/menages", json=menage_payload(nir="180017512345678"), headers=monde.h("asso_agent")), 422
    )
    assert body["errors"][0]["champ"] == "body.nir" and body["errors"][0]["message"] == "champ inconnu"


def test_invalid_insee_code(client, monde: Monde) -> None:
    body = _problem(
        client.post("/api/v1/menages", json=menage_payload(commune_insee="3523"), headers=monde.h("asso_agent")), 422
    )
    assert body["errors"][0]["champ"] == "body.commune_insee"
    assert body["errors"][0]["message"] == "format invalide : code INSEE de commune à 5 caractères (ex. 35238, ou 2A004 en Corse)"


def test_invalid_uuid_in_path(client, monde: Monde) -> None:
    body = _problem(client.get("/api/v1/menages/pas-un-uuid", headers=monde.h("asso_agent")), 422)
    assert body["errors"][0]["champ"] == "path.menage_id"


def test_body_too_large(client, monde: Monde) -> None:
    big = b'{"adresse": "' + b"x" * 1_100_000 + b'"}'
    _problem(
        client.post(
            "/api/v1/menages", content=big, headers={**monde.h("asso_agent"), "Content-Type": "application/json"}
        ),
        413,
    )


def test_unknown_route_and_method(client) -> None:
    _problem(client.get("/api/v1/nexiste-pas"), 404)
    _problem(client.delete("/health"), 405)


def test_unexpected_error_hides_the_trace(settings, engine) -> None:
    from api.main import create_app

    app = create_app(settings, engine=engine)

    @app.get("/api/v1/boum")
    def boum() -> None:
        raise RuntimeError("secret interne: mot de passe = hunter2")

    app.router.routes.insert(0, app.router.routes.pop())  # before the frontend's catch-all

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/v1/boum")
    body = _problem(r, 500)
    assert "hunter2" not in r.text and "RuntimeError" not in r.text
    assert body["type"] == "/problemes/erreur-interne"
