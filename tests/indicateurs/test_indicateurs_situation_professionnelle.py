"""Situation socio-professionnelle à l'entrée (seed 002 : « 20 % des ménages ont un emploi,
28 % sont au foyer, invalides, handicapés ou retraités, 1 % sont étudiants, stagiaires ou
apprentis »): a field of the ménage, copied on the mesure at mandatement, read by the
table ``file_active_situation_professionnelle``."""

from __future__ import annotations

from datetime import date

from api.menages.models import Menage
from tests import factories as fab
from tests.factories import Monde
from tests.indicateurs.test_indicateurs_secret import _recalculables
from tests.indicateurs.test_indicateurs_seeds import cellules

URL = "/api/v1/indicateurs"
AU_D = {"du": "2020-01-01", "au": "2020-06-30"}
TABLE = "file_active_situation_professionnelle"


def _document(client, h, params=AU_D) -> dict:
    r = client.get(URL, params=params, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def test_menage_porte_sa_situation_professionnelle(client, monde: Monde) -> None:
    h = monde.h("asso_agent")
    r = client.post("/api/v1/menages", json=fab.menage_payload(situation_professionnelle="emploi"), headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["situation_professionnelle"] == "emploi"
    url = f"/api/v1/menages/{r.json()['id']}"
    r = client.patch(
        url,
        json={"situation_professionnelle": "etudiant_stagiaire_apprenti"},
        headers={**h, "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    assert client.get(url, headers=h).json()["situation_professionnelle"] == "etudiant_stagiaire_apprenti"
    # a value outside the list is refused, naming the field and what is allowed
    r = client.patch(url, json={"situation_professionnelle": "chomeur"}, headers={**h, "If-Match": r.headers["ETag"]})
    assert r.status_code == 422
    assert "situation_professionnelle" in r.text and "sans_emploi" in r.text


def test_file_active_par_situation_professionnelle_a_l_entree(client, db, monde: Monde) -> None:
    d = fab.dispositif(db, monde)

    def mesure(situation, mandatement, **kw):
        men = fab.menage(db, monde, situation_professionnelle=situation)
        return fab.mesure(db, monde, d, men=men, mandatement=mandatement, **kw)

    # in the file active at 30/06/2020: mandated on or before D, not ended on or before D
    e1 = mesure("emploi", date(2020, 1, 10))
    mesure("emploi", date(2019, 3, 1), date_fin=date(2020, 9, 1))  # ends after D: counts
    mesure("au_foyer_invalide_retraite", date(2020, 2, 1))
    mesure("au_foyer_invalide_retraite", date(2020, 6, 30))  # mandated on D: counts
    mesure("au_foyer_invalide_retraite", date(2018, 5, 1))
    mesure("etudiant_stagiaire_apprenti", date(2020, 4, 1))
    mesure("sans_emploi", date(2020, 3, 1))
    mesure(None, date(2020, 5, 1))  # not given
    # not in the file active at D
    mesure("emploi", date(2020, 1, 10), date_fin=date(2020, 6, 30))  # ended on D
    mesure("sans_emploi", date(2020, 7, 1))  # mandated after D
    attendu = {
        "situation_professionnelle=emploi": 2,
        "situation_professionnelle=au_foyer_invalide_retraite": 3,
        "situation_professionnelle=etudiant_stagiaire_apprenti": 1,
        "situation_professionnelle=sans_emploi": 1,
        "situation_professionnelle=non_renseigne": 1,
        "total": 8,
    }
    doc = _document(client, monde.h("gie"))
    assert cellules(doc, TABLE) == attendu
    assert cellules(doc, "file_active")["total"] == 8
    (t,) = [t for t in doc["tableaux"] if t["code"] == TABLE]
    libelles = {v["code"]: v["libelle"] for v in t["dimensions"][0]["valeurs"]}
    assert libelles["au_foyer_invalide_retraite"] == "Au foyer, invalide, handicapé ou retraité"
    assert libelles["etudiant_stagiaire_apprenti"] == "Étudiant, stagiaire ou apprenti"

    # the files behind a cell
    r = client.get(
        f"{URL}/detail",
        params={**AU_D, "table": TABLE, "cellule": "situation_professionnelle=emploi"},
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 2 and e1.reference in {x["reference"] for x in r.json()["elements"]}

    # after D: the household loses its job (the file changes, not its entry), e1 ends, a
    # new entry: the figures at D do not move
    menage = db.get(Menage, e1.menage_id)
    assert menage is not None
    menage.situation_professionnelle = "sans_emploi"
    db.add(menage)
    e1.date_fin, e1.statut = date(2020, 8, 1), "terminee"
    db.add(e1)
    mesure("emploi", date(2020, 8, 1))
    db.flush()
    assert cellules(_document(client, monde.h("gie")), TABLE) == attendu

    # a mesure mandated from now on copies the new situation
    nouvelle = fab.mesure(db, monde, d, men=menage, mandatement=date(2020, 9, 1))
    assert nouvelle.entree_situation_professionnelle == "sans_emploi"

    # a funder: the same table under statistical secrecy (default threshold 5): every
    # cell is below 5, and none can be recomputed from a margin
    fin = _document(client, monde.h("financeur"))
    assert fin["parametres"]["secret_statistique_seuil"] == 5
    sp = cellules(fin, TABLE)
    assert sp["situation_professionnelle=emploi"] is None
    assert sp["situation_professionnelle=au_foyer_invalide_retraite"] is None
    assert not [f for f in _recalculables(fin, 5) if "situation_professionnelle" in f]
