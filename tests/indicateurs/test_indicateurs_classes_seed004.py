"""Seed 004's classes of persons (« 29 mineurs, 14 jeunes majeurs encore au domicile
familial, 48 adultes, 9 personnes isolées de plus de 65 ans »): the table
``file_active_personnes_age_foyer`` reads the counts snapshotted at mandatement, with the
persons' link and the household's size at entry."""

from __future__ import annotations

from datetime import date

from api.menages.models import Personne
from api.mesures.entree import instantane
from tests import factories as fab
from tests.factories import Monde
from tests.indicateurs.test_indicateurs_secret import _recalculables
from tests.indicateurs.test_indicateurs_seeds import cellules

URL = "/api/v1/indicateurs"
AU = {"du": "2023-01-01", "au": "2023-12-31"}
TABLE = "file_active_personnes_age_foyer"


def _document(client, h) -> dict:
    r = client.get(URL, params=AU, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def test_instantane_compte_jeunes_majeurs_au_domicile_et_isoles() -> None:
    d = date(2023, 3, 1)
    # 18 on the mandatement day: a young adult; a 25-year-old « autre » is not a child at home
    out = instantane(
        [
            ("demandeur", date(1980, 1, 1), "femme"),
            ("enfant", date(2005, 3, 1), "homme"),
            ("autre", date(1998, 1, 1), "homme"),
        ],
        d,
    )
    assert out["entree_nb_jeunes_majeurs_domicile"] == 1 and out["entree_nb_isoles_65_plus"] == 0
    # alone and 65 on the day; a child born after the mandatement does not make a household of two
    seul = instantane([("demandeur", date(1958, 3, 1), "femme"), ("enfant", date(2023, 6, 1), "homme")], d)
    assert seul["entree_nb_isoles_65_plus"] == 1
    # 64, alone: an adult; unknown age, alone: not counted as isolé de 65 ans et plus
    assert instantane([("demandeur", date(1958, 3, 2), "femme")], d)["entree_nb_isoles_65_plus"] == 0
    assert instantane([("demandeur", None, "femme")], d)["entree_nb_isoles_65_plus"] == 0


def test_personnes_par_classe_du_seed_004(client, db, monde: Monde) -> None:
    disp = fab.dispositif(db, monde, "SIME")

    def mesure(mandatement, naissance, autres=(), **kw):
        men = fab.menage(db, monde, naissance=naissance, autres=list(autres))
        return men, fab.mesure(db, monde, disp, men=men, mandatement=mandatement, **kw)

    # ages in full years on the mandatement day
    men_a, _ = mesure(
        date(2023, 3, 1),
        date(1980, 1, 1),  # demandeur, 43: adult
        [
            (date(1982, 5, 5), "femme", "conjoint"),  # 40: adult
            (date(2005, 3, 1), "homme", "enfant"),  # 18 that day: young adult at home
            (date(2005, 3, 2), "femme", "enfant"),  # 17: minor
            (date(2023, 6, 1), "femme", "enfant"),  # born after the mandatement: not counted
        ],
    )
    men_b, b = mesure(date(2022, 6, 15), date(1950, 6, 16))  # alone, 71: isolé 65+
    mesure(date(2023, 1, 10), date(1955, 1, 10), [(date(1958, 2, 1), "homme", "conjoint")])  # 68 and 64: adults
    mesure(
        date(2023, 5, 1),
        date(1970, 1, 1),  # 53: adult
        [
            (date(1997, 5, 2), "homme", "enfant"),  # 25: young adult at home
            (date(1997, 5, 1), "homme", "enfant"),  # 26 that day: adult
            (date(2004, 1, 1), "femme", "autre"),  # 19, not a child of the household: adult
        ],
    )
    mesure(date(2023, 2, 1), None)  # age unknown, alone
    mesure(date(2023, 7, 1), date(1958, 7, 2))  # alone, 64 the day before his birthday: adult
    # not in the file active at 31/12/2023
    mesure(date(2022, 1, 1), date(1940, 1, 1), date_fin=date(2023, 12, 31))  # ended on D
    mesure(date(2024, 1, 2), date(1940, 1, 1))  # mandated after D
    attendu = {
        "classe_age_foyer=mineur": 1,
        "classe_age_foyer=jeune_majeur_domicile": 2,
        "classe_age_foyer=adulte": 8,  # A: 2, C: 2, D: 3, F: 1
        "classe_age_foyer=isole_65_plus": 1,
        "classe_age_foyer=non_renseigne": 1,
        "total": 13,
    }
    doc = _document(client, monde.h("gie"))
    assert cellules(doc, TABLE) == attendu
    # the same persons as the age classes of the snapshot
    assert cellules(doc, "file_active_personnes_age")["total"] == 13
    assert cellules(doc, "file_active_personnes_age")["classe_age=18_25"] == 3
    (t,) = [t for t in doc["tableaux"] if t["code"] == TABLE]
    libelles = {v["code"]: v["libelle"] for v in t["dimensions"][0]["valeurs"]}
    assert libelles["jeune_majeur_domicile"] == "Jeunes majeurs encore au domicile familial"

    # after D: a child joins household A, a spouse joins B (no longer alone), B ends, a
    # new entry: the figures at D do not move
    db.add(
        Personne(
            menage_id=men_a.id,
            nom="X",
            prenom="Y",
            nom_recherche="x y",
            date_naissance=date(2004, 1, 1),
            sexe="homme",
            lien="enfant",
        )
    )
    db.add(
        Personne(
            menage_id=men_b.id,
            nom="X",
            prenom="Z",
            nom_recherche="x z",
            date_naissance=date(1950, 1, 1),
            sexe="femme",
            lien="conjoint",
        )
    )
    b.date_fin, b.statut = date(2024, 3, 1), "terminee"
    db.add(b)
    mesure(date(2024, 2, 1), date(1930, 1, 1))
    db.flush()
    assert cellules(_document(client, monde.h("gie")), TABLE) == attendu

    # a funder: under statistical secrecy, no masked cell recomputable
    fin = _document(client, monde.h("financeur"))
    c = cellules(fin, TABLE)
    assert c["classe_age_foyer=mineur"] is None and c["classe_age_foyer=isole_65_plus"] is None
    assert not [f for f in _recalculables(fin, 5) if "classe_age_foyer" in f]


def test_migration_0043_remplit_les_mesures_existantes(db, monde: Monde) -> None:
    """The migration's filling of existing mesures gives what the mandatement records."""
    import importlib.util

    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from sqlalchemy import text

    from tests import RACINE

    (chemin,) = (RACINE / "migrations" / "versions").glob("*_0043_*.py")
    spec = importlib.util.spec_from_file_location("migration_0043", chemin)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    disp = fab.dispositif(db, monde)
    cas = [
        (date(1980, 1, 1), [(date(2005, 3, 1), "homme", "enfant"), (date(1997, 3, 1), "homme", "enfant")]),  # 18 and 26
        (date(1950, 6, 16), []),
        (date(1958, 3, 2), []),
        (date(1950, 1, 1), [(date(1952, 1, 1), "femme", "conjoint")]),
    ]
    mesures = [
        fab.mesure(db, monde, disp, men=fab.menage(db, monde, naissance=n, autres=a), mandatement=date(2023, 3, 1))
        for n, a in cas
    ]
    releves = [(m.entree_nb_jeunes_majeurs_domicile, m.entree_nb_isoles_65_plus) for m in mesures]
    assert releves == [(1, 0), (0, 1), (0, 0), (0, 0)]
    conn = db.connection()
    conn.execute(text("UPDATE mesure SET entree_nb_jeunes_majeurs_domicile = 0, entree_nb_isoles_65_plus = 0"))
    with Operations.context(MigrationContext.configure(conn)):
        migration._remplir(conn.dialect.name)
    for m in mesures:
        db.refresh(m)
    assert [(m.entree_nb_jeunes_majeurs_domicile, m.entree_nb_isoles_65_plus) for m in mesures] == releves
