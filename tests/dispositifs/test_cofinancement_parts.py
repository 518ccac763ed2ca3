"""Co-funders' shares weigh the money (issue 16): a convention funded 60/40 by the State and
the département; each funder reads its share of the budget, of the mois-mesures financés
and of the costs; the association and the administration read the whole and its
ventilation by funder; the objective in households and the rates stay the conventions'.

Every expected figure is worked out by hand from the rows the test inserts.
"""

from __future__ import annotations

from datetime import date

import pytest

from api.organisations.models import TypeOrganisation
from tests import factories as fab
from tests.factories import Monde, headers, organisation, utilisateur
from tests.indicateurs.test_indicateurs_seeds import cellules

URL = "/api/v1/indicateurs"
ANNEE = {"du": "2023-01-01", "au": "2023-12-31"}


@pytest.fixture
def cofinance(client, db, monde: Monde, settings) -> dict[str, object]:
    """One dispositif, two households accompanied all of 2023 (mandated 01/01/2023, still
    running: 2 × 12 = 24 mois-mesures), one 2023 convention: 10 households, 120 mois-mesures
    financés, 10 000 €, the State 60 %, the département 40 %."""
    departement = organisation(db, TypeOrganisation.financeur, "Conseil départemental 35")
    d = fab.dispositif(db, monde)
    d.secret_statistique_seuil = 0  # exact counts: the test compares figures
    db.add(d)
    db.flush()
    for _ in range(2):
        fab.mesure(db, monde, d, mandatement=date(2023, 1, 1))
    r = client.post(
        "/api/v1/conventions",
        json={
            "dispositif_id": str(d.id),
            "association_id": str(monde.asso.id),
            "date_debut": "2023-01-01",
            "date_fin": "2023-12-31",
            "objectif_menages": 10,
            "mois_mesures_finances": 120,
            "budget_euros": 10_000,
            "communes": ["35238"],
            "financeurs": [
                {"financeur_id": str(monde.financeur.id), "part": 60},
                {"financeur_id": str(departement.id), "part": 40},
            ],
        },
        headers=monde.h("admin"),
    )
    assert r.status_code == 201, r.text
    return {
        "ids": {"etat": str(monde.financeur.id), "departement": str(departement.id)},
        "h": {
            "etat": monde.h("financeur"),
            "departement": headers(db, settings, utilisateur(db, departement)),
            "asso": monde.h("asso_resp"),
            "admin": monde.h("admin"),
        },
    }


def _document(client, h) -> dict:
    r = client.get(URL, params=ANNEE, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize(
    ("qui", "part"),
    [("etat", 0.6), ("departement", 0.4), ("asso", 1.0), ("admin", 1.0)],
)
def test_chaque_financeur_lit_sa_part_du_budget_et_des_mois_mesures(client, cofinance, qui, part) -> None:
    act = cellules(_document(client, cofinance["h"][qui]), "activite")
    budget, financés = 10_000 * part, 120 * part
    assert act["indicateur=budget_periode"] == budget
    assert act["indicateur=mois_mesures_finances"] == financés
    assert act["indicateur=cout_par_menage"] == budget / 2  # 2 ménages accompagnés
    assert act["indicateur=cout_par_mois_mesure"] == round(budget / 24)  # 24 mois-mesures réalisés
    # what is not money: the whole conventions' target, the same rates for everyone
    assert act["indicateur=mois_mesures"] == 24
    assert act["indicateur=objectif_menages"] == 10
    assert act["indicateur=taux_activite"] == 20.0  # 2 actives ÷ 10
    assert act["indicateur=taux_mois_mesures"] == 20.0  # 24 ÷ 120


@pytest.mark.parametrize("qui", ["asso", "admin"])
def test_l_association_et_l_admin_voient_la_ventilation(client, cofinance, qui) -> None:
    doc = _document(client, cofinance["h"][qui])
    ids = cofinance["ids"]
    budget = cellules(doc, "activite_financeurs_budget")
    assert budget == {f"financeur={ids['etat']}": 6_000, f"financeur={ids['departement']}": 4_000, "total": 10_000}
    mm = cellules(doc, "activite_financeurs_mois_mesures")
    assert mm == {f"financeur={ids['etat']}": 72, f"financeur={ids['departement']}": 48, "total": 120}
    (t,) = [t for t in doc["tableaux"] if t["code"] == "activite_financeurs_budget"]
    libelles = {v["code"]: v["libelle"] for v in t["dimensions"][0]["valeurs"]}
    assert libelles[ids["departement"]] == "Conseil départemental 35"


@pytest.mark.parametrize(
    ("qui", "autre", "montant", "mois"), [("etat", "departement", 6_000, 72), ("departement", "etat", 4_000, 48)]
)
def test_un_financeur_ne_voit_que_sa_ligne_de_la_ventilation(client, cofinance, qui, autre, montant, mois) -> None:
    doc = _document(client, cofinance["h"][qui])
    ids = cofinance["ids"]
    assert cellules(doc, "activite_financeurs_budget") == {f"financeur={ids[qui]}": montant, "total": montant}
    assert cellules(doc, "activite_financeurs_mois_mesures") == {f"financeur={ids[qui]}": mois, "total": mois}
    assert ids[autre] not in str(doc)


def test_une_convention_que_le_financeur_ne_finance_pas_ne_compte_pas_dans_son_budget(
    client, db, monde: Monde, cofinance
) -> None:
    """A second 2023 convention of the same dispositif, funded by the State alone (5 000 €):
    the État reads 6 000 + 5 000, the département still 4 000; both read the target 10 + 4."""
    (conv,) = client.get("/api/v1/conventions", headers=monde.h("admin")).json()["items"]
    r = client.post(
        "/api/v1/conventions",
        json={
            "dispositif_id": conv["dispositif_id"],
            "association_id": str(monde.asso.id),
            "date_debut": "2023-01-01",
            "date_fin": "2023-12-31",
            "objectif_menages": 4,
            "budget_euros": 5_000,
            "communes": ["35238"],
            "financeurs": [{"financeur_id": str(monde.financeur.id), "part": 100}],
        },
        headers=monde.h("admin"),
    )
    assert r.status_code == 201, r.text
    for qui, budget in (("etat", 11_000), ("departement", 4_000), ("admin", 15_000)):
        act = cellules(_document(client, cofinance["h"][qui]), "activite")
        assert act["indicateur=budget_periode"] == budget, qui
        assert act["indicateur=objectif_menages"] == 14, qui
