"""Statistical secrecy for funders: on by default, per dispositif, secondary suppression,
and no pair of requests whose difference would give a masked cell back."""

from __future__ import annotations

from api.indicateurs.schemas import Tableau
from api.indicateurs.secret import UNITES_COMPTAGE, _lignes
from tests.factories import Monde
from tests.indicateurs.test_indicateurs_seeds import cellules, seed_001

URL = "/api/v1/indicateurs"
PARAMS = {"du": "2015-01-01", "au": "2016-04-30"}


def _recalculables(doc: dict, seuil: int) -> list[str]:
    """Every way a masked cell could be read back from one document: a visible count
    below the threshold, or a line (row, column, table) with one masked cell under a
    visible margin."""
    fautes = []
    for brut in doc["tableaux"]:
        t = Tableau.model_validate(brut)
        if t.unite not in UNITES_COMPTAGE:
            continue
        for c in t.cellules:
            if c.valeur is not None and 0 < c.valeur < seuil:
                fautes.append(f"{t.code} {c.cle} = {c.valeur}")
        for comp, marge in _lignes(t):
            if not marge.masque and sum(c.masque for c in comp) == 1:
                fautes.append(f"{t.code} : {marge.cle} moins les cellules visibles")
    return fautes


def test_secrecy_on_by_default_secondary_per_dispositif_no_differencing(client, db, monde: Monde) -> None:
    """One seed 001 world (the costly part), four checks."""
    d = seed_001(db, monde)
    _defaut_et_secondaire(client, monde)
    _filtres_refuses(client, monde)
    _seuil_par_dispositif(client, monde, str(d.id))


def _defaut_et_secondaire(client, monde: Monde) -> None:
    doc = client.get(URL, params=PARAMS, headers=monde.h("financeur")).json()
    assert doc["parametres"]["secret_statistique_seuil"] == 5  # the default setting
    assert _recalculables(doc, 5) == []
    fa = cellules(doc, "file_active_cible")
    # 3 and 1 masked; the total minus the visible cells gives 4, not which is which
    assert fa["cible=sortants_prison"] is None and fa["cible=violences_conjugales"] is None
    assert fa["total"] == 59
    # a lone small cell in a row gets a companion: sante_mentale × 20-30 (2) is not alone
    age = {
        k: v
        for k, v in cellules(doc, "file_active_age_cible").items()
        if k.startswith("cible=sante_mentale;")
    }
    assert sum(v is None for v in age.values()) >= 2
    # the same document without secrecy has cells that the check would flag: the test can fail
    gie = client.get(URL, params=PARAMS, headers=monde.h("gie")).json()
    assert _recalculables(gie, 5)


def _seuil_par_dispositif(client, monde: Monde, did: str) -> None:
    """The administrator sets the threshold of one dispositif."""
    r = client.patch(f"/api/v1/dispositifs/{did}", json={"secret_statistique_seuil": 0}, headers=monde.h("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["secret_statistique_seuil"] == 0
    doc = client.get(URL, params={**PARAMS, "dispositif": did}, headers=monde.h("financeur")).json()
    # seed 001's bilan gives the State exact counts of 1 and 3
    assert doc["parametres"]["secret_statistique_seuil"] == 0
    fa = cellules(doc, "file_active_cible")
    assert (fa["cible=sortants_prison"], fa["cible=violences_conjugales"]) == (3, 1)
    # a higher threshold for this dispositif only
    r = client.patch(f"/api/v1/dispositifs/{did}", json={"secret_statistique_seuil": 10}, headers=monde.h("admin"))
    assert r.status_code == 200, r.text
    doc = client.get(URL, params={**PARAMS, "dispositif": did}, headers=monde.h("financeur")).json()
    assert doc["parametres"]["secret_statistique_seuil"] == 10
    assert cellules(doc, "file_active_cible")["cible=reassurance"] is None  # 7 < 10
    assert _recalculables(doc, 10) == []


def _filtres_refuses(client, monde: Monde) -> None:
    """A request by commune or cible minus the request without it would give back the cells
    the secrecy masks: a funder under secrecy cannot restrict below the dispositif."""
    for param, valeur in (("commune", "35238"), ("cible", "sante_mentale"), ("association", str(monde.asso.id))):
        r = client.get(URL, params={**PARAMS, param: valeur}, headers=monde.h("financeur"))
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["champ"] == param
    # those who may see the files filter as before
    assert client.get(URL, params={**PARAMS, "cible": "sante_mentale"}, headers=monde.h("gie")).status_code == 200
