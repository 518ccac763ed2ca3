"""Ménages: creation, reading, search, updates under If-Match, and who may see what."""

from __future__ import annotations

from tests.factories import Monde, menage_payload


def _create(client, monde: Monde, who: str = "asso_agent", **overrides):
    r = client.post("/api/v1/menages", json=menage_payload(**overrides), headers=monde.h(who))
    assert r.status_code == 201, r.text
    return r


def test_create_and_read(client, monde: Monde) -> None:
    r = _create(client, monde)
    body = r.json()
    assert body["reference"].startswith("M-")
    assert body["composition"] == "femme_seule_avec_enfants"  # deduced from the persons
    assert r.headers["ETag"] == '"1"'
    assert r.headers["Location"] == f"/api/v1/menages/{body['id']}"
    assert r.headers["Cache-Control"] == "no-store"
    got = client.get(f"/api/v1/menages/{body['id']}", headers=monde.h("asso_agent"))
    assert got.status_code == 200
    assert got.json()["ressources"] == [{"type": "rsa", "montant_mensuel": 607}]
    assert got.json()["dettes"] == [{"type": "loyer", "montant": 2300}]
    assert [p["lien"] for p in got.json()["personnes"]] == ["demandeur", "enfant"]
    assert "nir" not in got.json()


def test_references_are_sequential(client, monde: Monde) -> None:
    a = _create(client, monde).json()["reference"]
    b = _create(client, monde).json()["reference"]
    assert int(b.rsplit("-", 1)[1]) == int(a.rsplit("-", 1)[1]) + 1


def test_other_association_gets_404_on_detail_and_nothing_in_list(client, monde: Monde) -> None:
    mid = _create(client, monde).json()["id"]
    for who in ("asso2_agent", "financeur", "admin", "gie", "bailleur"):
        r = client.get(f"/api/v1/menages/{mid}", headers=monde.h(who))
        assert r.status_code == 404, who
        assert r.headers["content-type"] == "application/problem+json"
        lst = client.get("/api/v1/menages", headers=monde.h(who)).json()
        assert mid not in [m["id"] for m in lst["items"]], who
    # the 404 of a hidden record is the same as that of a record that never existed
    unknown = client.get("/api/v1/menages/00000000-0000-4000-8000-000000000000", headers=monde.h("asso2_agent"))
    hidden = client.get(f"/api/v1/menages/{mid}", headers=monde.h("asso2_agent"))
    assert unknown.json()["title"] == hidden.json()["title"]
    assert unknown.json()["type"] == hidden.json()["type"]


def test_anonymous_gets_problem_401(client) -> None:
    r = client.get("/api/v1/menages")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert r.json()["type"] == "/problemes/non-authentifie"


def test_funder_and_admin_cannot_create(client, monde: Monde) -> None:
    for who in ("financeur", "admin"):
        r = client.post("/api/v1/menages", json=menage_payload(), headers=monde.h(who))
        assert r.status_code == 403, who
        assert r.json()["type"] == "/problemes/role-insuffisant"


def test_search_is_accent_and_case_insensitive(client, monde: Monde) -> None:
    personnes = [
        {"nom": "Le Goff", "prenom": "Maëlle", "date_naissance": "1979-03-14", "sexe": "femme", "lien": "demandeur"}
    ]
    body = _create(client, monde, personnes=personnes).json()
    _create(client, monde)
    for q in ("maelle", "MAËLLE", "le goff", "goff mae", body["reference"].lower()):
        r = client.get("/api/v1/menages", params={"q": q}, headers=monde.h("asso_agent"))
        assert r.status_code == 200
        ids = [m["id"] for m in r.json()["items"]]
        if q != "goff mae":
            assert body["id"] in ids, q
    r = client.get("/api/v1/menages", params={"q": "maelle"}, headers=monde.h("asso_agent"))
    assert r.json()["total"] == 1
    assert r.json()["items"][0]["demandeur_prenom"] == "Maëlle"


def test_pagination_and_limit(client, monde: Monde) -> None:
    for _ in range(3):
        _create(client, monde)
    r = client.get("/api/v1/menages", params={"limit": 2}, headers=monde.h("asso_agent")).json()
    assert r["total"] == 3 and len(r["items"]) == 2 and r["limit"] == 2
    r2 = client.get("/api/v1/menages", params={"limit": 2, "offset": 2}, headers=monde.h("asso_agent")).json()
    assert len(r2["items"]) == 1
    assert {m["id"] for m in r["items"]}.isdisjoint({m["id"] for m in r2["items"]})
    too_big = client.get("/api/v1/menages", params={"limit": 101}, headers=monde.h("asso_agent"))
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["champ"] == "query.limit"


def test_filters(client, monde: Monde) -> None:
    _create(client, monde, commune_insee="35047")
    _create(client, monde, commune_insee="35238")
    r = client.get("/api/v1/menages", params={"commune_insee": "35047"}, headers=monde.h("asso_agent")).json()
    assert r["total"] == 1
    bad = client.get("/api/v1/menages", params={"composition": "famille_nombreuse"}, headers=monde.h("asso_agent"))
    assert bad.status_code == 422
    err = bad.json()["errors"][0]
    assert err["champ"] == "query.composition" and err["valeur"] == "famille_nombreuse"
    assert "couple_avec_enfants" in err["message"]


def test_duplicate_demandeur_answers_409_with_link(client, monde: Monde) -> None:
    personnes = [
        {"nom": "Martin", "prenom": "Paul", "date_naissance": "1970-01-02", "sexe": "homme", "lien": "demandeur"}
    ]
    first = _create(client, monde, personnes=personnes).json()
    again = [{"nom": "MARTIN", "prenom": "Paul", "date_naissance": "1970-01-02", "sexe": "homme", "lien": "demandeur"}]
    r = client.post("/api/v1/menages", json=menage_payload(personnes=again), headers=monde.h("asso_agent"))
    assert r.status_code == 409
    assert r.json()["type"] == "/problemes/doublon"
    assert r.json()["existant_url"] == f"/api/v1/menages/{first['id']}"
    assert first["reference"] in r.json()["detail"]
    ok = client.post(
        "/api/v1/menages", json=menage_payload(personnes=again, doublon_confirme=True), headers=monde.h("asso_agent")
    )
    assert ok.status_code == 201
    # another organisation cannot see the first file: no duplicate hint for it
    other = client.post("/api/v1/menages", json=menage_payload(personnes=again), headers=monde.h("asso2_agent"))
    assert other.status_code == 201


def test_exactly_one_demandeur(client, monde: Monde) -> None:
    sans = [{"nom": "A", "prenom": "B", "lien": "conjoint"}]
    deux = [{"nom": "A", "prenom": "B", "lien": "demandeur"}, {"nom": "C", "prenom": "D", "lien": "demandeur"}]
    for personnes, n in ((sans, 0), (deux, 2)):
        r = client.post("/api/v1/menages", json=menage_payload(personnes=personnes), headers=monde.h("asso_agent"))
        assert r.status_code == 422
        assert f"reçu : {n}" in r.json()["errors"][0]["message"]


def test_update_requires_if_match_and_refuses_stale(client, monde: Monde) -> None:
    created = _create(client, monde)
    mid, etag = created.json()["id"], created.headers["ETag"]
    url = f"/api/v1/menages/{mid}"
    h = monde.h("asso_agent")
    r = client.patch(url, json={"adresse": "1 rue Neuve"}, headers=h)
    assert r.status_code == 428 and r.json()["type"] == "/problemes/version-requise"
    r = client.patch(url, json={"adresse": "1 rue Neuve"}, headers={**h, "If-Match": etag})
    assert r.status_code == 200 and r.json()["adresse"] == "1 rue Neuve"
    assert r.headers["ETag"] == '"2"'
    stale = client.patch(url, json={"adresse": "2 rue Vieille"}, headers={**h, "If-Match": etag})
    assert stale.status_code == 412 and stale.json()["type"] == "/problemes/version-perimee"
    assert client.get(url, headers=h).json()["adresse"] == "1 rue Neuve"


def test_update_keeps_person_ids_and_replaces_lists(client, monde: Monde) -> None:
    created = _create(client, monde).json()
    demandeur = created["personnes"][0]
    personnes = [
        {**{k: demandeur[k] for k in ("id", "nom", "prenom", "date_naissance", "sexe", "lien")}, "prenom": "Anne"}
    ]
    r = client.patch(
        f"/api/v1/menages/{created['id']}",
        json={
            "personnes": personnes,
            "ressources": [{"type": "aah", "montant_mensuel": 1016}],
            "composition": "femme_seule",
        },
        headers={**monde.h("asso_agent"), "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert [p["id"] for p in body["personnes"]] == [demandeur["id"]]
    assert body["personnes"][0]["prenom"] == "Anne"
    assert body["ressources"] == [{"type": "aah", "montant_mensuel": 1016}]
    assert body["dettes"] == [{"type": "loyer", "montant": 2300}]  # not sent: unchanged


def test_other_organisation_cannot_update(client, monde: Monde) -> None:
    mid = _create(client, monde).json()["id"]
    r = client.patch(
        f"/api/v1/menages/{mid}", json={"adresse": "x"}, headers={**monde.h("asso2_agent"), "If-Match": '"1"'}
    )
    assert r.status_code == 404


def test_bailleur_must_be_a_bailleur(client, monde: Monde) -> None:
    r = client.post(
        "/api/v1/menages", json=menage_payload(bailleur_id=str(monde.asso2.id)), headers=monde.h("asso_agent")
    )
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "bailleur_id"
    ok = client.post(
        "/api/v1/menages", json=menage_payload(bailleur_id=str(monde.bailleur.id)), headers=monde.h("asso_agent")
    )
    assert ok.status_code == 201


def test_reads_and_lists_are_logged(client, monde: Monde, db) -> None:
    from sqlmodel import select

    from api.audit.models import JournalAcces

    mid = _create(client, monde).json()["id"]
    client.get(f"/api/v1/menages/{mid}", headers=monde.h("asso_agent"))
    client.get("/api/v1/menages", headers=monde.h("asso_agent"))
    actions = [(j.action, str(j.ressource_id)) for j in db.exec(select(JournalAcces).order_by(JournalAcces.quand))]
    assert ("creer", mid) in actions and ("lire", mid) in actions and ("lister", mid) in actions


def test_search_wildcards_are_literal(client, monde: Monde) -> None:
    _create(client, monde)
    for q in ("%", "_", "\\"):
        r = client.get("/api/v1/menages", params={"q": q}, headers=monde.h("asso_agent"))
        assert r.status_code == 200 and r.json()["total"] == 0, q


# --- Search that scales (issue 20) ----------------------------------------------------------

URL = "/api/v1/menages"


def test_search_by_phone_whatever_the_separators(client, monde: Monde) -> None:
    cherche = _create(client, monde, telephone="06 12 34 56 78").json()
    _create(client, monde, telephone="02 99 00 11 22")
    _create(client, monde)
    for q in ("0612345678", "06.12.34", "+33 6 12 34 56 78", "12-34-56"):
        r = client.get(URL, params={"q": q}, headers=monde.h("asso_agent")).json()
        assert [m["id"] for m in r["items"]] == [cherche["id"]], q
    # a short number is not a phone search: no household has « 06 » in its name or reference
    assert client.get(URL, params={"q": "06 1"}, headers=monde.h("asso_agent")).json()["total"] == 0


def test_search_by_part_of_the_address(client, monde: Monde) -> None:
    """The header's search box finds a household by its address too (issue 14); a
    household the reader may not see stays out of it."""
    # names chosen without « ue » so that the two-letter search below tests the address alone
    # (a drawn « Hugues » or « Duez » matched by name)
    def sans_ue(nom: str, enfant: str) -> list[dict]:
        personnes = menage_payload()["personnes"]
        for personne, prenom in zip(personnes, ("Alice", enfant), strict=True):
            personne.update(nom=nom, prenom=prenom)
        return personnes

    cherche = _create(client, monde, adresse="12 rue de la Vallée, Rennes", personnes=sans_ue("Martin", "Paul")).json()
    _create(client, monde, adresse="3 place Sainte-Anne, Rennes", personnes=sans_ue("Bernard", "Max"))
    r = client.get(URL, params={"q": "RUE DE LA VALL"}, headers=monde.h("asso_agent")).json()
    assert [m["id"] for m in r["items"]] == [cherche["id"]]
    assert client.get(URL, params={"q": "rue de la vall"}, headers=monde.h("asso2_agent")).json()["total"] == 0
    # two characters match every address: not an address search
    assert client.get(URL, params={"q": "ue"}, headers=monde.h("asso_agent")).json()["total"] == 0


def test_search_by_part_of_the_reference(client, monde: Monde) -> None:
    body = _create(client, monde).json()
    _create(client, monde)
    r = client.get(URL, params={"q": body["reference"][-4:].lower()}, headers=monde.h("asso_agent")).json()
    assert body["id"] in [m["id"] for m in r["items"]]


def test_list_follows_a_cursor(client, monde: Monde) -> None:
    crees = {_create(client, monde).json()["id"] for _ in range(3)}
    h = monde.h("asso_agent")
    p1 = client.get(URL, params={"limit": 2}, headers=h).json()
    assert p1["total"] == 3 and p1["total_exact"] is True and p1["suivant"]
    p2 = client.get(URL, params={"limit": 2, "apres": p1["suivant"]}, headers=h).json()
    assert len(p2["items"]) == 1 and p2["suivant"] is None
    vus = [m["id"] for m in p1["items"] + p2["items"]]
    assert set(vus) == crees and len(vus) == 3
    assert vus == [m["id"] for m in client.get(URL, params={"limit": 3}, headers=h).json()["items"]]
    r = client.get(URL, params={"apres": "pas-un-curseur"}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "apres"


def test_total_is_capped_like_the_mesures_list(client, monde: Monde, monkeypatch) -> None:
    from api.menages import service

    for _ in range(3):
        _create(client, monde)
    monkeypatch.setattr(service, "TOTAL_PLAFOND", 2)
    r = client.get(URL, params={"limit": 1}, headers=monde.h("asso_agent")).json()
    assert (r["total"], r["total_exact"]) == (2, False)
    r = client.get(URL, params={"limit": 1, "offset": 1}, headers=monde.h("asso_agent")).json()
    assert (r["total"], r["total_exact"]) == (3, True)


def test_search_is_served_by_the_trigram_indexes(db, monde: Monde, is_postgres) -> None:
    """PostgreSQL: each part of the search (name, reference, phone, address) can be read from
    its pg_trgm index (migrations 0014, 0028) and the transmissions by an index, for a reader
    of the live file and for a referrer."""
    import pytest
    from sqlalchemy import text
    from sqlmodel import select

    from api.menages.service import candidats_recherche
    from tests.factories import principal

    if not is_postgres:
        pytest.skip("index trigrammes : PostgreSQL seulement (SQLite parcourt)")
    db.execute(text("SET LOCAL enable_seqscan = off"))
    for org in (monde.asso, monde.bailleur):
        candidats = candidats_recherche(principal(org), "Goff 0612345678")
        requete = select(candidats.c.id)
        sql = requete.compile(db.connection(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(db.execute(text(f"EXPLAIN {sql}")).scalars())
        indexes = ("ix_personne_nom_recherche_trgm", "ix_menage_reference_trgm", "ix_menage_telephone_trgm", "ix_menage_adresse_trgm")
        for index in indexes:
            assert index in plan, (org.type, index, plan)
        # The transmissions are read by an index too (their names' trigrams, or the
        # organisation's own transmissions), never scanned whole.
        assert "Seq Scan on menage_transmission" not in plan, plan
        assert "menage_transmission" in plan, plan
