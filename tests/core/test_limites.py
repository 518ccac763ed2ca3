"""Limits (page size, body size, string lengths) and security headers."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from api.core.config import Settings
from api.main import create_app
from api.openapi_doc import openapi_json
from tests.factories import Monde, menage_payload


def test_taille_de_page_maximale(client, monde: Monde) -> None:
    h = monde.h("asso_agent")
    assert client.get("/api/v1/menages", params={"limit": 100}, headers=h).status_code == 200
    r = client.get("/api/v1/menages", params={"limit": 101}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "query.limit"
    assert client.get("/api/v1/audit", params={"limit": 101}, headers=h).status_code == 422


def test_corps_trop_gros_413(client, monde: Monde, settings) -> None:
    gros = json.dumps(menage_payload(adresse="x" * (settings.max_body_bytes + 10)))
    r = client.post(
        "/api/v1/menages",
        content=gros,
        headers=monde.h("asso_agent") | {"Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "/problemes/corps-trop-gros"


def test_type_de_contenu_415_documente(client, monde: Monde) -> None:
    r = client.post(
        "/api/v1/menages",
        content=b"nom=Martin",
        headers=monde.h("asso_agent") | {"Content-Type": "text/plain"},
    )
    assert r.status_code == 415
    assert r.json()["type"] == "/problemes/type-de-contenu"
    doc = json.loads(openapi_json())
    for path, ops in doc["paths"].items():
        for methode, op in ops.items():
            if "requestBody" in op:
                assert {"413", "415"} <= set(op["responses"]), (methode, path)


def test_textes_trop_longs_422(client, monde: Monde) -> None:
    h = monde.h("asso_agent")
    p = menage_payload()
    p["personnes"][0]["nom"] = "N" * 101
    r = client.post("/api/v1/menages", json=p, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "body.personnes.0.nom"
    assert "100 caractères au plus" in r.json()["errors"][0]["message"]
    assert client.get("/api/v1/menages", params={"q": "a" * 101}, headers=h).status_code == 422
    assert client.get("/api/v1/audit", params={"ressource": "r" * 31}, headers=h).status_code == 422


def _schemas_texte(doc: dict, schema: dict, chemin: str, vus: set[str]):
    """Every string schema reachable from ``schema`` (refs resolved), with its path."""
    if "$ref" in schema:
        nom = schema["$ref"].rsplit("/", 1)[1]
        if nom in vus:
            return
        yield from _schemas_texte(doc, doc["components"]["schemas"][nom], chemin, vus | {nom})
        return
    if schema.get("type") == "string":
        yield chemin, schema
    for cle in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(cle, []):
            yield from _schemas_texte(doc, sub, chemin, vus)
    for nom, sub in schema.get("properties", {}).items():
        yield from _schemas_texte(doc, sub, f"{chemin}.{nom}", vus)
    if "items" in schema:
        yield from _schemas_texte(doc, schema["items"], chemin + "[]", vus)


def test_chaque_texte_recu_a_une_longueur_maximale() -> None:
    """On every route: any free string a client sends (query, path, header, body) is bounded."""
    doc = json.loads(openapi_json())
    bornes = ("maxLength", "enum", "const", "pattern")
    sans_borne = []
    for path, ops in doc["paths"].items():
        for methode, op in ops.items():
            entrees = [
                (f"{p['in']}.{p['name']}", p.get("schema", {})) for p in op.get("parameters", [])
            ]
            for media in op.get("requestBody", {}).get("content", {}).values():
                entrees.append(("body", media.get("schema", {})))
            for nom, schema in entrees:
                for chemin, s in _schemas_texte(doc, schema, nom, set()):
                    fmt = s.get("format")
                    # typed formats are bounded by their parser; an email needs its own maxLength
                    if fmt in ("uuid", "date", "date-time", "binary"):
                        continue
                    # a file of a multipart form (OpenAPI 3.1 writes « contentMediaType »
                    # where 3.0 wrote format binary): bounded by its route's body limit
                    if "contentMediaType" in s:
                        continue
                    if fmt == "email" and "maxLength" in s:
                        continue
                    if not any(b in s for b in bornes):
                        sans_borne.append(f"{methode.upper()} {path} {chemin}")
    assert not sans_borne, sans_borne


def test_en_tetes_de_securite(client, monde: Monde) -> None:
    mid = client.post(
        "/api/v1/menages", json=menage_payload(), headers=monde.h("asso_agent")
    ).json()["id"]
    for url in (
        f"/api/v1/menages/{mid}",
        f"/api/v1/menages/{mid}/export",
        "/api/v1/menages",
        "/api/v1/audit",
    ):
        r = client.get(url, headers=monde.h("asso_agent"))
        assert r.status_code == 200, url
        assert r.headers["Cache-Control"] == "no-store", url
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        csp = r.headers["Content-Security-Policy"]
        assert (
            "default-src 'self'" in csp
            and "frame-ancestors 'none'" in csp
            and "script-src 'self'" in csp
        )
        assert "Strict-Transport-Security" not in r.headers  # not in development/test
    # errors about personal data are not cached either
    assert (
        client.get(f"/api/v1/menages/{mid}", headers=monde.h("asso2_agent")).headers[
            "Cache-Control"
        ]
        == "no-store"
    )


def test_hsts_en_production(engine, database_url: str) -> None:
    prod = Settings(
        env="production", database_url=database_url, secret_key="k" * 48, log_level="WARNING"
    )
    with TestClient(create_app(prod, engine=engine), base_url="https://ancrage.example.fr") as c:
        r = c.get("/health")
    assert r.status_code == 200
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(r.headers["Strict-Transport-Security"].split("=")[1].split(";")[0]) >= 31536000


def test_corps_illisible_422_et_non_400(client, monde: Monde) -> None:
    h = monde.h("asso_agent") | {"Content-Type": "application/json"}
    for corps in (b"P\xff", b"{pas du json"):
        r = client.post("/api/v1/menages", content=corps, headers=h)
        assert r.status_code == 422, corps
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["champ"].startswith("body")
