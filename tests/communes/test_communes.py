"""The communes' référentiel: typed by name or postcode, read by name, EPCI and département
for the indicators' territories."""

from __future__ import annotations

from api.communes import service
from tests.factories import Monde


def test_search_by_name_postcode_or_code(client, monde: Monde) -> None:
    h = monde.h("asso_agent")
    r = client.get("/api/v1/communes", params={"q": "Rennes"}, headers=h)
    assert r.status_code == 200, r.text
    rennes = r.json()[0]
    assert (rennes["code"], rennes["nom"], rennes["departement_nom"], rennes["epci_nom"]) == (
        "35238",
        "Rennes",
        "Ille-et-Vilaine",
        "Rennes Métropole",
    )
    assert "35000" in rennes["codes_postaux"]
    # case, accents, hyphens and « st » do not matter; the most populated homonym first
    assert client.get("/api/v1/communes", params={"q": "st malo"}, headers=h).json()[0]["code"] == "35288"
    assert client.get("/api/v1/communes", params={"q": "QUIMPERLE"}, headers=h).json()[0]["nom"] == "Quimperlé"
    assert client.get("/api/v1/communes", params={"q": "35200"}, headers=h).json()[0]["nom"] == "Rennes"
    assert client.get("/api/v1/communes", params={"q": "2A004"}, headers=h).json()[0]["nom"] == "Ajaccio"
    assert client.get("/api/v1/communes", params={"q": "zzzz"}, headers=h).json() == []
    assert len(client.get("/api/v1/communes", params={"q": "saint", "limit": 5}, headers=h).json()) == 5
    # one commune by its code; an unknown code is a 404, a malformed one a 422 naming the field
    assert client.get("/api/v1/communes/13203", headers=h).json()["nom"] == "Marseille 3e Arrondissement"
    assert client.get("/api/v1/communes/99999", headers=h).status_code == 404
    r = client.get("/api/v1/communes/Rennes", headers=h)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    for q in ("", "x" * 101):
        assert client.get("/api/v1/communes", params={"q": q}, headers=h).status_code == 422
    assert client.get("/api/v1/communes", params={"q": "Rennes"}).status_code == 401


def test_territory_of_a_commune_for_the_indicators() -> None:
    t = service.territoire("35238")
    assert t is not None and (t.epci_nom, t.departement) == ("Rennes Métropole", "35")
    metropole = service.communes_de(epci=t.epci)
    assert "35238" in metropole and "35051" in metropole and "35288" not in metropole  # Cesson, not Saint-Malo
    departement = service.communes_de(departement="35")
    assert set(metropole) <= set(departement) and len(departement) > 300
    assert service.territoire("00000") is None
    assert service.nom("35238") == "Rennes" and service.nom(None) is None


def test_territories_file_agrees_with_the_referentiel_for_every_commune() -> None:
    """``territoires.tsv.gz`` is what the indicators read; ``communes.json.gz`` what the
    screens search. Both come from ``make communes``: the same département, EPCI and names."""
    ref, t = service.referentiel(), service.territoires()
    assert set(t.communes) == set(ref.communes)
    for code, c in ref.communes.items():
        assert t.communes[code] == (c.departement, c.epci), code
    assert t.epci == ref.epci and t.departements == ref.departements


def test_the_indicators_territories_do_not_load_the_whole_referentiel() -> None:
    """The whole référentiel (names, postcodes, search keys) costs a worker ≈ 45 MB it never
    gives back; an indicators document grouped by EPCI needs only the territories."""
    service.referentiel.cache_clear()
    try:
        assert service.territoire("35238") is not None
        assert service.communes_de(departement="35")
        assert service.referentiel.cache_info().currsize == 0
    finally:
        service.referentiel.cache_clear()
