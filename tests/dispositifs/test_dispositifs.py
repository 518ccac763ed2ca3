"""Dispositifs and conventions: admin CRUD, seed 001 as plain data, who reads what."""

from __future__ import annotations

from tests.factories import Monde, creer_convention, creer_dispositif, dispositif_payload


def test_seed_001_dispositif_created_from_the_json_example(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    assert d["nom"] == "300 logements accompagnés (Ille-et-Vilaine)"
    assert [c["code"] for c in d["cibles"]] == [
        "habitat_adapte_sur_mesure",
        "reassurance_locataire",
        "sante_mentale",
        "sortants_prison",
        "violences_conjugales",
    ]
    assert [c["sensible"] for c in d["cibles"]] == [False, False, True, True, True]
    assert [t["libelle"] for t in d["types_accompagnement"]] == [
        "Évaluation",
        "Capacité à habiter",
        "Soutien personnalisé au logement",
    ]
    assert d["types_accompagnement"][0]["duree_max_mois"] == 3
    assert d["duree_max_mois"] == 36
    assert "35238" in d["communes"]
    got = client.get(f"/api/v1/dispositifs/{d['id']}", headers=monde.h("gie"))
    assert got.status_code == 200
    assert got.json()["cibles"][2]["libelle"] == "Santé mentale"


def test_bailleur_sees_cible_confidentielle(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    for who in ("bailleur", "bailleur_si"):
        got = client.get(f"/api/v1/dispositifs/{d['id']}", headers=monde.h(who)).json()
        libelles = [c["libelle"] for c in got["cibles"]]
        assert (
            libelles
            == ["Habitat adapté sur mesure", "Réassurance du locataire"]
            + ["cible confidentielle"] * 3
        )
        assert "Santé mentale" not in str(got)
        listed = client.get("/api/v1/dispositifs", headers=monde.h(who)).json()["items"]
        assert "Violences conjugales" not in str(listed)


def test_only_admin_creates_and_modifies(client, monde: Monde) -> None:
    for who in ("gie", "asso_resp", "bailleur", "financeur", "bailleur_si"):
        r = client.post("/api/v1/dispositifs", json=dispositif_payload(monde), headers=monde.h(who))
        assert r.status_code == 403, who
        assert r.json()["type"] == "/problemes/role-insuffisant"
    d = creer_dispositif(client, monde)
    r = client.patch(f"/api/v1/dispositifs/{d['id']}", json={"nom": "x"}, headers=monde.h("gie"))
    assert r.status_code == 403


def test_update_replaces_lists_and_validates(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    r = client.patch(
        f"/api/v1/dispositifs/{d['id']}",
        json={
            "communes": ["35238"],
            "cibles": [{"code": "unique", "libelle": "Unique"}],
            "duree_max_mois": 24,
        },
        headers=monde.h("admin"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["communes"] == ["35238"]
    assert [c["code"] for c in r.json()["cibles"]] == ["unique"]
    assert r.json()["duree_max_mois"] == 24
    bad = client.patch(
        f"/api/v1/dispositifs/{d['id']}", json={"communes": ["3523"]}, headers=monde.h("admin")
    )
    assert bad.status_code == 422
    assert "3523" in bad.text


def test_bad_insee_code_is_named_by_its_row(client, monde: Monde) -> None:
    """The form shows the error under the commune at fault: the API names its position."""
    payload = dispositif_payload(monde, communes=["35238", "3523X", "35047"])
    r = client.post("/api/v1/dispositifs", json=payload, headers=monde.h("admin"))
    assert r.status_code == 422
    erreurs = r.json()["errors"]
    assert [e["champ"] for e in erreurs] == ["body.communes.1"]
    assert "3523X" in erreurs[0]["message"]
    d = creer_dispositif(client, monde)
    r = client.patch(
        f"/api/v1/dispositifs/{d['id']}",
        json={"communes": ["35238", "35238"]},
        headers=monde.h("admin"),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "body.communes"
    assert "en double" in r.json()["errors"][0]["message"]
    r = client.post(
        "/api/v1/conventions",
        json={
            "dispositif_id": d["id"],
            "association_id": str(monde.asso.id),
            "date_debut": "2026-01-01",
            "date_fin": "2026-12-31",
            "objectif_menages": 10,
            "communes": ["2C004"],
        },
        headers=monde.h("admin"),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "body.communes.0"


def test_wrong_organisation_types_and_duplicates(client, monde: Monde) -> None:
    r = client.post(
        "/api/v1/dispositifs",
        json=dispositif_payload(monde, commission_id=str(monde.asso.id)),
        headers=monde.h("admin"),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "commission_id"
    payload = dispositif_payload(monde)
    payload["cibles"].append(dict(payload["cibles"][0]))
    r = client.post("/api/v1/dispositifs", json=payload, headers=monde.h("admin"))
    assert r.status_code == 422
    assert "en double" in r.text
    d = creer_dispositif(client, monde)
    again = client.post(
        "/api/v1/dispositifs",
        json=dispositif_payload(monde, code=d["code"]),
        headers=monde.h("admin"),
    )
    assert again.status_code == 409


def test_conventions_crud_and_visibility(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    c = creer_convention(client, monde, d["id"])
    assert c["communes"] == ["35238", "35288"]
    assert c["objectif_menages"] == 40
    for who in ("admin", "asso_agent", "gie", "financeur"):
        r = client.get(f"/api/v1/conventions/{c['id']}", headers=monde.h(who))
        assert r.status_code == 200, who
    for who in ("asso2_agent", "bailleur", "bailleur_si"):
        r = client.get(f"/api/v1/conventions/{c['id']}", headers=monde.h(who))
        assert r.status_code == 404, who
        assert c["id"] not in str(client.get("/api/v1/conventions", headers=monde.h(who)).json())
    r = client.patch(
        f"/api/v1/conventions/{c['id']}",
        json={"budget_euros": 1000, "communes": ["35047"]},
        headers=monde.h("admin"),
    )
    assert r.status_code == 200
    assert (r.json()["budget_euros"], r.json()["communes"]) == (1000, ["35047"])
    r = client.patch(
        f"/api/v1/conventions/{c['id']}", json={"budget_euros": 1}, headers=monde.h("asso_resp")
    )
    assert r.status_code == 403
    payload = {
        k: c[k] for k in ("dispositif_id", "date_debut", "date_fin", "objectif_menages", "communes")
    }
    r = client.post(
        "/api/v1/conventions",
        json={**payload, "association_id": str(monde.bailleur.id)},
        headers=monde.h("admin"),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "association_id"
