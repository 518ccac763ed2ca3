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


# --- A client's mistake is a 4xx on every database (issue 13) ---------------------------

def _nul(r, *champs: str) -> None:
    """422 naming each field that holds U+0000, with its value and what is allowed."""
    body = _problem(r, 422)
    par_champ = {e["champ"]: e for e in body["errors"]}
    for champ in champs:
        assert champ in par_champ, (champ, body["errors"])
        assert "\x00" in par_champ[champ]["valeur"]
        assert "U+0000" in par_champ[champ]["message"] and "permis" in par_champ[champ]["message"]


def test_nul_dans_le_nom_d_une_personne(client, monde: Monde) -> None:
    payload = menage_payload()
    payload["personnes"][1]["nom"] = "Du\x00pont"
    _nul(client.post("/api/v1/menages", json=payload, headers=monde.h("asso_agent")), "body.personnes.1.nom")


def test_nul_dans_la_recherche_de_menages(client, monde: Monde) -> None:
    r = client.get("/api/v1/menages", params={"q": "Du\x00pont"}, headers=monde.h("asso_agent"))
    _nul(r, "query.q")


def test_nul_dans_external_ref_et_motifs_d_une_orientation(client, monde: Monde) -> None:
    from tests.factories import creer_dispositif, orientation_payload

    d = creer_dispositif(client, monde)
    payload = orientation_payload(d["id"], external_ref="NEO\x00-1", motifs="Impayés\x00")
    r = client.post("/api/v1/orientations", json=payload, headers=monde.h("bailleur_si"))
    _nul(r, "body.external_ref", "body.motifs")


def test_nul_dans_la_reference_de_mesure(client, monde: Monde) -> None:
    r = client.get("/api/v1/mesures", params={"reference": "M-\x00"}, headers=monde.h("asso_agent"))
    _nul(r, "query.reference")


def test_nul_dans_un_formulaire(client, monde: Monde) -> None:
    donnees = {"grant_type": "password", "username": "agent\x00@exemple.fr", "password": "x" * 12}
    _nul(client.post("/api/v1/auth/token", data=donnees), "body.username")
    _nul(client.post("/api/v1/auth/token", files={k: (None, v) for k, v in donnees.items()}), "body.username")


def test_nul_echappe_n_est_pas_un_nul(client, monde: Monde) -> None:
    """« \\u0000 » written as text (backslash kept) is an ordinary string."""
    payload = menage_payload(adresse="12 rue \\u0000")
    r = client.post("/api/v1/menages", json=payload, headers=monde.h("asso_agent"))
    assert r.status_code == 201, r.text
    assert r.json()["adresse"] == "12 rue \\u0000"


def test_patch_utilisateur_role_null_422(client, monde: Monde) -> None:
    uid = monde.users["asso_agent"].id
    r = client.patch(f"/api/v1/utilisateurs/{uid}", json={"role": None}, headers=monde.h("admin"))
    err = _problem(r, 422)["errors"][0]
    assert err["champ"] == "body.role" and err["valeur"] is None
    assert "null" in err["message"] and "omettez" in err["message"]


def test_patch_null_sur_champ_obligatoire_422(client, monde: Monde) -> None:
    """Each admin-managed record: null on a NOT NULL column is a 422, not a 500 nor a silent no-op."""
    from tests.factories import creer_convention, creer_dispositif

    d = creer_dispositif(client, monde)
    c = creer_convention(client, monde, d["id"])
    cas = {
        f"/api/v1/organisations/{monde.asso.id}": ("nom", "actif"),
        f"/api/v1/utilisateurs/{monde.users['asso_agent'].id}": ("nom", "prenom", "role", "actif", "mot_de_passe"),
        f"/api/v1/clients-api/{monde.clients['bailleur_si'].id}": ("nom", "actif"),
        f"/api/v1/dispositifs/{d['id']}": ("nom", "adhesion_requise", "creation_directe"),
        f"/api/v1/conventions/{c['id']}": ("date_debut", "date_fin", "objectif_menages"),
    }
    for url, champs in cas.items():
        for champ in champs:
            r = client.patch(url, json={champ: None}, headers=monde.h("admin"))
            assert _problem(r, 422)["errors"][0]["champ"] == f"body.{champ}", (url, champ)


def test_chaque_patch_refuse_null_sur_colonne_obligatoire() -> None:
    """Every PATCH body, field by field: null on a NOT NULL column is refused and named."""
    import pydantic

    import api.main  # noqa: F401 - every domain imported
    from api.core.schemas import ModificationPartielle

    def sous_classes(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from sous_classes(sub)

    vues = 0
    for schema in sous_classes(ModificationPartielle):
        colonnes = {c.name: c.nullable for c in schema.table.__table__.columns}
        for champ in schema.model_fields:
            if colonnes.get(champ) is False and champ not in schema.null_permis:
                try:
                    schema.model_validate({champ: None})
                except pydantic.ValidationError as exc:
                    assert exc.errors()[0]["loc"] == (champ,), (schema.__name__, champ)
                else:
                    raise AssertionError(f"{schema.__name__}.{champ} accepte null")
                prop = schema.model_json_schema()["properties"][champ]
                assert "null" not in str(prop.get("anyOf", "")), (schema.__name__, champ, prop)
                vues += 1
    assert vues >= 20


def test_corps_chunke_trop_gros_413(client, monde: Monde, settings) -> None:
    def morceaux():
        yield b'{"adresse": "'
        for _ in range(settings.max_body_bytes // 10_000 + 1):
            yield b"x" * 10_000
        yield b'"}'

    r = client.post(
        "/api/v1/menages", content=morceaux(), headers={**monde.h("asso_agent"), "Content-Type": "application/json"}
    )
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert _problem(r, 413)["type"] == "/problemes/corps-trop-gros"


def test_date_invalide_en_parametre_422(client, monde: Monde) -> None:
    err = _problem(client.get("/api/v1/audit", params={"du": "0.5"}, headers=monde.h("admin")), 422)["errors"][0]
    assert err["champ"] == "query.du" and err["valeur"] == "0.5"


def _parametres_types() -> list[tuple[str, str, str]]:
    """(path, parameter, wrong value) for every date, date-time, uuid, integer or boolean query
    parameter of every GET without path parameters."""
    import json

    from api.openapi_doc import openapi_json

    doc = json.loads(openapi_json())
    mauvais = {"date": "0.5", "date-time": "0.5", "uuid": "0.5", "integer": "0.5", "boolean": "peut-etre"}
    essais = []
    for path, ops in doc["paths"].items():
        op = ops.get("get")
        if op is None or "{" in path:
            continue
        for p in op.get("parameters", []):
            if p["in"] != "query":
                continue
            for t in [p["schema"], *p["schema"].get("anyOf", [])]:
                cle = t.get("format") or t.get("type")
                if cle in mauvais:
                    essais.append((path, p["name"], mauvais[cle]))
                    break
    return essais


def test_chaque_parametre_type_invalide_422(client, monde: Monde) -> None:
    """A value of the wrong type is a 422 naming the parameter for a role that may call the
    route (others: 401/403/404), never a 500."""
    essais = _parametres_types()
    assert len(essais) >= 10, essais
    roles = ("asso_agent", "gie", "financeur", "admin", "bailleur_si")
    for path, nom, valeur in essais:
        statuts = []
        for role in roles:
            r = client.get(path, params={nom: valeur}, headers=monde.h(role))
            assert r.status_code < 500, (path, nom, r.text)
            statuts.append(r.status_code)
            if r.status_code == 422:
                assert f"query.{nom}" in {e["champ"] for e in r.json()["errors"]}, (path, nom, r.text)
        assert 422 in statuts, (path, nom, statuts)


def test_405_nomme_toutes_les_methodes_permises(client, monde: Monde) -> None:
    r = client.delete("/api/v1/menages", headers=monde.h("asso_agent"))
    _problem(r, 405)
    assert set(r.headers["Allow"].split(", ")) == {"GET", "POST"}
    mid = client.post("/api/v1/menages", json=menage_payload(), headers=monde.h("asso_agent")).json()["id"]
    r = client.delete(f"/api/v1/menages/{mid}", headers=monde.h("asso_agent"))
    _problem(r, 405)
    assert set(r.headers["Allow"].split(", ")) == {"GET", "PATCH"}
    r = client.put("/health")
    assert _problem(r, 405) and r.headers["Allow"] == "GET"
    # an address no API route serves is unknown whatever the method (the app's catch-all is GET only)
    _problem(client.delete("/api/v1/nexiste-pas", headers=monde.h("asso_agent")), 404)


def test_base_surchargee_503_et_vraie_panne_500(settings, engine) -> None:
    """No free connection, or SQLite's write lock still taken: 503 with Retry-After, at once.
    A database error that is a fault (a missing table) stays a 500."""
    import sqlite3

    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import TimeoutError as SATimeoutError

    from api.main import create_app

    app = create_app(settings, engine=engine)
    erreurs = {
        "pool": SATimeoutError("QueuePool limit of size 10 overflow 10 reached, connection timed out, timeout 5"),
        "verrou": OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked")),
        "panne": OperationalError("SELECT …", {}, sqlite3.OperationalError("no such table: x")),
    }

    @app.get("/api/v1/boum/{cas}")
    def boum(cas: str) -> None:
        raise erreurs[cas]

    app.router.routes.insert(0, app.router.routes.pop())
    with TestClient(app, raise_server_exceptions=False) as c:
        for cas in ("pool", "verrou"):
            r = c.get(f"/api/v1/boum/{cas}")
            body = _problem(r, 503)
            assert body["type"] == "/problemes/surcharge"
            assert r.headers["Retry-After"] == str(settings.retry_after_secondes)
        _problem(c.get("/api/v1/boum/panne"), 500)
