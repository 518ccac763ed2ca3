"""The catalogue of indicator tables: each declaration is whole, the engine computes
exactly the catalogue, the OpenAPI document lists it, and a table added by one
declaration (``charge_referents``) gives the figures worked out by hand."""

from __future__ import annotations

import json
from datetime import date, timedelta

from api.indicateurs.catalogue import PAR_CODE, REGROUPEMENTS, TABLES
from api.mesures.models import MesureHistorique
from api.openapi_doc import openapi_json
from tests import factories as fab
from tests.factories import utilisateur
from tests.indicateurs.test_indicateurs_seeds import cellules

URL = "/api/v1/indicateurs"
D = date(2020, 6, 30)


def test_every_declaration_is_whole() -> None:
    noms = {g.nom for g in REGROUPEMENTS}
    assert len(noms) == len(REGROUPEMENTS)
    assert len(PAR_CODE) == len(TABLES)
    for t in TABLES:
        assert t.titre and t.definition.endswith("."), t.code
        assert 1 <= len(t.dimensions) <= 2, t.code
        assert (t.regroupement is None) != (t.calcul is None), t.code
        # a computation says which groupings it reads (the engine runs only those)
        # a grouping table reads its own grouping; a ``calcul`` names the groupings it reads
        # (none when it reads only a query of its own, as the funders' ventilation does)
        assert (not t.lit or t.calcul is not None) and set(t.lit) <= noms, t.code
        if t.regroupement is not None:
            (g,) = [g for g in REGROUPEMENTS if g.nom == t.regroupement]
            for d in t.dimensions:
                assert d.cle_groupe in g.cles, (t.code, d.code)
            assert t.valeur in g.agregats
        if t.detail and t.population.detail is not None:
            # a cell that can be opened names dimensions that say which files they keep
            assert all(d.detail is not None for d in t.dimensions), t.code


def test_document_is_the_catalogue_and_openapi_lists_it(client, db, monde) -> None:
    fab.mesure(db, monde, fab.dispositif(db, monde), men=fab.menage(db, monde, organisation=monde.asso), mandatement=date(2020, 1, 10), statut="active")
    doc = client.get(URL, params={"au": D.isoformat()}, headers=monde.h("gie")).json()
    assert [t["code"] for t in doc["tableaux"]] == [t.code for t in TABLES]
    spec = json.loads(openapi_json())["components"]["schemas"]
    code = spec["Tableau"]["properties"]["code"]
    assert code["enum"] == [t.code for t in TABLES]
    assert len(code["x-enum-descriptions"]) == len(TABLES)
    dims = spec["Dimension"]["properties"]["code"]["enum"]
    for t in doc["tableaux"]:
        assert [d["code"] for d in t["dimensions"]] == code["x-dimensions"][t["code"]], t["code"]
        assert all(d["code"] in dims for d in t["dimensions"])
    # the definitions are in the contract, in generic words
    assert "file_active_age_cible" in code["description"] and "au jour « au »" in code["description"]


def test_charge_referents_reads_the_referent_in_force_at_d(client, db, monde) -> None:
    d = fab.dispositif(db, monde)
    r1, r2 = utilisateur(db, monde.asso), utilisateur(db, monde.asso)

    def mesure(referent, **kw):
        return fab.mesure(db, monde, d, men=fab.menage(db, monde, organisation=monde.asso), referent_id=referent.id if referent else None, **kw, statut="active")

    mesure(r1, mandatement=date(2019, 5, 1))
    mesure(r1, mandatement=date(2020, 2, 1))
    m3 = mesure(r1, mandatement=date(2019, 9, 1))  # r2's at D, handed to r1 after D
    mesure(None, mandatement=date(2020, 3, 1))  # no référent
    mesure(r2, mandatement=date(2019, 1, 1), date_fin=date(2020, 4, 1))  # ended before D
    mesure(r2, mandatement=D + timedelta(days=1))  # after D
    db.add(
        MesureHistorique(
            mesure_id=m3.id, attribut="referent", valeur=str(r2.id), du=date(2019, 9, 1), jusqu_au=D + timedelta(days=10)
        )
    )
    db.flush()
    doc = client.get(URL, params={"au": D.isoformat()}, headers=monde.h("gie")).json()
    # At D: r1 has two mesures, r2 one (m3, by its history), one has none.
    assert cellules(doc, "charge_referents") == {
        "indicateur=referents": 2,
        "indicateur=mesures_par_referent": 1.5,
        "indicateur=mediane_par_referent": 1.5,
        "indicateur=maximum_par_referent": 2,
        "indicateur=sans_referent": 1,
    }
    # Today m3 is r1's: three for r1, r2's only mesure in the file active is the one after D.
    apres = client.get(URL, params={"au": (D + timedelta(days=20)).isoformat()}, headers=monde.h("gie")).json()
    assert cellules(apres, "charge_referents") == {
        "indicateur=referents": 2,
        "indicateur=mesures_par_referent": 2.0,
        "indicateur=mediane_par_referent": 2.0,
        "indicateur=maximum_par_referent": 3,
        "indicateur=sans_referent": 1,
    }
    # Named figures, never a file behind them.
    (t,) = [t for t in doc["tableaux"] if t["code"] == "charge_referents"]
    assert t["detail_disponible"] is False and t["unite"] == "ratio"
