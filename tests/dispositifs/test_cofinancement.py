"""Co-funding (issue 16): each convention names its funders and their shares; every
co-funder reads the dispositif's indicators and conventions, a funder that does not
fund it reads nothing (404 on the document and on a convention, an empty list of
conventions); the taux d'activité against the conventions in force, weighted by days.

Every expected figure is worked out by hand from the rows the test inserts.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from api.core.db import make_engine
from api.core.migrate import upgrade
from api.dispositifs.models import Dispositif
from api.organisations.models import TypeOrganisation
from tests import factories as fab
from tests.conftest import base_jetable
from tests.factories import Monde, creer_convention, creer_dispositif, headers, organisation, utilisateur
from tests.indicateurs.test_indicateurs_seeds import cellules

URL = "/api/v1/indicateurs"
PROBLEME = "application/problem+json"


class Financeurs:
    """The State (``monde.financeur``, holding the dispositif), the département co-funding
    it, and a third funder (Action Logement) that funds none of it."""

    def __init__(self, db, monde: Monde, settings) -> None:
        self.etat = monde.financeur
        self.departement = organisation(db, TypeOrganisation.financeur, "Conseil départemental 35")
        self.tiers = organisation(db, TypeOrganisation.financeur, "Action Logement")
        self.h = {
            "etat": monde.h("financeur"),
            "departement": headers(db, settings, utilisateur(db, self.departement)),
            "tiers": headers(db, settings, utilisateur(db, self.tiers)),
        }


@pytest.fixture
def fin(db, monde: Monde, settings) -> Financeurs:
    return Financeurs(db, monde, settings)


def _parts(*paires: tuple[Any, float]) -> list[dict[str, Any]]:
    return [{"financeur_id": str(o.id), "part": p} for o, p in paires]


def _convention(client, monde: Monde, d: Dispositif, debut: date, fin_: date, objectif: int, financeurs, **extra):
    r = client.post(
        "/api/v1/conventions",
        json={
            "dispositif_id": str(d.id),
            "association_id": str(monde.asso.id),
            "date_debut": debut.isoformat(),
            "date_fin": fin_.isoformat(),
            "objectif_menages": objectif,
            "communes": ["35238"],
            "financeurs": financeurs,
            **extra,
        },
        headers=monde.h("admin"),
    )
    assert r.status_code == 201, r.text
    return r.json()


# --- the typed API of conventions ------------------------------------------------------


def test_sans_financeurs_nommes_le_financeur_du_dispositif_a_100(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    c = creer_convention(client, monde, d["id"])
    assert c["financeurs"] == [{"financeur_id": str(monde.financeur.id), "part": 100.0}]


def test_une_convention_nomme_ses_financeurs_et_leurs_parts(client, monde: Monde, fin: Financeurs) -> None:
    d = creer_dispositif(client, monde)
    tiers = (fin.etat, 33.34), (fin.departement, 33.33), (fin.tiers, 33.33)
    c = creer_convention(client, monde, d["id"], financeurs=_parts(*tiers))
    assert c["financeurs"][0] == _parts(tiers[0])[0]  # the largest share first
    assert sorted(c["financeurs"], key=str) == sorted(_parts(*tiers), key=str)
    r = client.get(f"/api/v1/conventions/{c['id']}", headers=monde.h("admin"))
    assert r.json()["financeurs"] == c["financeurs"]
    # PATCH replaces the list
    r = client.patch(
        f"/api/v1/conventions/{c['id']}",
        json={"financeurs": _parts((fin.departement, 60), (fin.etat, 40))},
        headers=monde.h("admin"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["financeurs"] == _parts((fin.departement, 60), (fin.etat, 40))


@pytest.mark.parametrize(
    ("parts", "champ"),
    [
        (lambda f: _parts((f.etat, 0), (f.departement, 100)), "financeurs.0.part"),
        (lambda f: _parts((f.etat, 120)), "financeurs.0.part"),
        (lambda f: _parts((f.etat, 50.005), (f.departement, 49.995)), "financeurs.0.part"),
        (lambda f: _parts((f.etat, 50), (f.departement, 40)), "financeurs"),
        (lambda f: _parts((f.etat, 50), (f.etat, 50)), "financeurs.1.financeur_id"),
        (lambda f: [{"financeur_id": str(f.asso.id), "part": 100}], "financeurs.0.financeur_id"),
        (lambda f: [], "financeurs"),
    ],
    ids=["part-nulle", "part-plus-de-100", "trois-decimales", "somme-90", "en-double", "pas-un-financeur", "vide"],
)
def test_une_part_invalide_est_refusee_et_ne_change_rien(client, monde: Monde, fin: Financeurs, parts, champ) -> None:
    fin.asso = monde.asso  # type: ignore[attr-defined]
    d = creer_dispositif(client, monde)
    c = creer_convention(client, monde, d["id"], financeurs=_parts((fin.etat, 70), (fin.departement, 30)))
    payload = {
        "dispositif_id": d["id"],
        "association_id": str(monde.asso.id),
        "date_debut": "2024-01-01",
        "date_fin": "2024-12-31",
        "objectif_menages": 10,
        "communes": ["35238"],
        "financeurs": parts(fin),
    }
    for r in (
        client.post("/api/v1/conventions", json=payload, headers=monde.h("admin")),
        client.patch(
            f"/api/v1/conventions/{c['id']}",
            json={"objectif_menages": 99, "financeurs": parts(fin)},
            headers=monde.h("admin"),
        ),
    ):
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith(PROBLEME)
        # pydantic names the body's fields « body.… », the service's rules the field alone
        assert champ in [e["champ"].removeprefix("body.") for e in r.json()["errors"]], r.json()
    liste = client.get(f"/api/v1/conventions?dispositif_id={d['id']}", headers=monde.h("admin")).json()
    assert liste["total"] == 1
    assert liste["items"][0]["objectif_menages"] == 40
    assert liste["items"][0]["financeurs"] == _parts((fin.etat, 70), (fin.departement, 30))


# --- who reads what ------------------------------------------------------------------


def _dispositif_cofinance(client, db, monde: Monde, fin: Financeurs) -> tuple[Dispositif, Dispositif]:
    """D1 held by the State and co-funded by the département (60/40) with three mesures; D2
    held by the State alone, with one mesure."""
    d1 = fab.dispositif(db, monde, "D1")
    d2 = fab.dispositif(db, monde, "D2")
    for d in (d1, d2):
        d.secret_statistique_seuil = 0  # exact counts: the test compares figures
        db.add(d)
    db.flush()
    for i in range(3):
        fab.mesure(db, monde, d1, men=fab.menage(db, monde, organisation=monde.asso), mandatement=date(2023, 1, 1 + i), statut="active")
    fab.mesure(db, monde, d2, men=fab.menage(db, monde, organisation=monde.asso), mandatement=date(2023, 1, 1), statut="active")
    _convention(
        client, monde, d1, date(2023, 1, 1), date(2023, 12, 31), 10, _parts((fin.etat, 60), (fin.departement, 40))
    )
    _convention(client, monde, d2, date(2023, 1, 1), date(2023, 12, 31), 5, None)
    return d1, d2


def test_deux_cofinanceurs_lisent_le_meme_dispositif_un_troisieme_rien(client, db, monde, fin: Financeurs) -> None:
    d1, d2 = _dispositif_cofinance(client, db, monde, fin)
    params = {"du": "2023-01-01", "au": "2023-12-31", "dispositif": str(d1.id)}
    docs = {}
    for qui in ("etat", "departement"):
        r = client.get(URL, params=params, headers=fin.h[qui])
        assert r.status_code == 200, (qui, r.text)
        docs[qui] = r.json()
        assert cellules(docs[qui], "file_active")["total"] == 3, qui
        assert cellules(docs[qui], "activite")["indicateur=objectif_menages"] == 10, qui
    assert docs["etat"]["tableaux"] == docs["departement"]["tableaux"]
    # the third funder: the dispositif is unknown to it, and so is a document of its (empty) perimeter
    for p in (params, {"du": "2023-01-01", "au": "2023-12-31"}):
        r = client.get(URL, params=p, headers=fin.h["tiers"])
        assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEME), r.text
    # the département does not fund D2: 404 there; without a filter, D1 alone
    r = client.get(URL, params={**params, "dispositif": str(d2.id)}, headers=fin.h["departement"])
    assert r.status_code == 404, r.text
    tout = client.get(URL, params={"du": "2023-01-01", "au": "2023-12-31"}, headers=fin.h["departement"]).json()
    assert cellules(tout, "file_active")["total"] == 3
    tout = client.get(URL, params={"du": "2023-01-01", "au": "2023-12-31"}, headers=fin.h["etat"]).json()
    assert cellules(tout, "file_active")["total"] == 4


def test_les_conventions_d_un_dispositif_pour_ses_cofinanceurs_seulement(client, db, monde, fin) -> None:
    d1, d2 = _dispositif_cofinance(client, db, monde, fin)
    vues = {}
    for qui in ("etat", "departement", "tiers"):
        r = client.get("/api/v1/conventions?limit=100", headers=fin.h[qui])
        assert r.status_code == 200, r.text
        vues[qui] = {c["dispositif_id"] for c in r.json()["items"]}
    assert vues == {"etat": {str(d1.id), str(d2.id)}, "departement": {str(d1.id)}, "tiers": set()}
    (c1,) = client.get(f"/api/v1/conventions?dispositif_id={d1.id}", headers=fin.h["etat"]).json()["items"]
    assert client.get(f"/api/v1/conventions/{c1['id']}", headers=fin.h["departement"]).status_code == 200
    r = client.get(f"/api/v1/conventions/{c1['id']}", headers=fin.h["tiers"])
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEME)


def test_conventions_successives_cofinancees_cible_ponderee_mois_mesures_et_budget(client, db, monde, fin) -> None:
    """35 ménages for January–June (the State alone), then 40 for July–December (State and
    département, half each, stating 240 mois-mesures and 18 000 €): the département, a
    co-funder of the second convention only, reads the dispositif's year against 37.5."""
    d = fab.dispositif(db, monde)
    d.secret_statistique_seuil = 0
    db.add(d)
    db.flush()
    for i in range(3):
        fab.mesure(db, monde, d, men=fab.menage(db, monde, organisation=monde.asso), mandatement=date(2022, 6, 1 + i), statut="active")
    _convention(client, monde, d, date(2023, 1, 1), date(2023, 6, 30), 35, _parts((fin.etat, 100)))
    _convention(
        client,
        monde,
        d,
        date(2023, 7, 1),
        date(2023, 12, 31),
        40,
        _parts((fin.etat, 50), (fin.departement, 50)),
        mois_mesures_finances=240,
        budget_euros=18_000,
    )
    for qui in ("etat", "departement"):
        r = client.get(URL, params={"du": "2023-01-01", "au": "2023-12-31"}, headers=fin.h[qui])
        assert r.status_code == 200, r.text
        act = cellules(r.json(), "activite")
        # (35 × 181 + 40 × 184) ÷ 365 = 37.52: weighted by days, not 35 + 40 = 75
        assert act["indicateur=objectif_menages"] == 37.5, qui
        assert act["indicateur=mois_mesures"] == 36 and act["indicateur=activite_moyenne"] == 3.0
        assert act["indicateur=taux_activite"] == 8.0
        # each funder reads its half of the money and of the mois-mesures financés
        assert act["indicateur=mois_mesures_finances"] == 120
        assert act["indicateur=taux_mois_mesures"] == 15.0  # 36 of the whole 240
        assert act["indicateur=budget_periode"] == 9_000
        assert act["indicateur=cout_par_menage"] == 3_000  # 9 000 € ÷ 3 ménages
        assert act["indicateur=cout_par_mois_mesure"] == 250  # 9 000 € ÷ 36 mois-mesures
        libelles = {m["code"]: m["libelle"] for t in r.json()["tableaux"] if t["code"] == "activite"
                    for m in t["dimensions"][0]["valeurs"]}
        assert libelles["cout_par_menage"].startswith("Coût par ménage")
    assert client.get(URL, params={"du": "2023-01-01", "au": "2023-12-31"}, headers=fin.h["tiers"]).status_code == 404


# --- the migration -----------------------------------------------------------------------


def test_la_migration_donne_chaque_convention_existante_au_financeur_du_dispositif(tmp_path) -> None:
    with base_jetable(tmp_path, "ancrage_cofi") as url:
        upgrade(url, "0025")
        eng = make_engine(url)
        try:
            with eng.begin() as cx:
                for i, t in (("a1", "association"), ("f1", "financeur"), ("g1", "gie")):
                    cx.execute(
                        text(
                            "INSERT INTO organisation (id, type, nom, actif, proconnect_autorise, cree_le) "
                            "VALUES (:id, :t, :nom, true, false, '2026-01-01')"
                        ),
                        {"id": _uuid(i), "t": t, "nom": i},
                    )
                cx.execute(
                    text(
                        "INSERT INTO dispositif (id, code, nom, financeur_id, commission_id, adhesion_requise, "
                        "creation_directe, date_debut, cree_le) VALUES (:id, 'd', 'D', :f, :g, true, false, "
                        "'2020-01-01', '2026-01-01')"
                    ),
                    {"id": _uuid("d1"), "f": _uuid("f1"), "g": _uuid("g1")},
                )
                cx.execute(
                    text(
                        "INSERT INTO convention (id, dispositif_id, association_id, date_debut, date_fin, "
                        "objectif_menages, cree_le) VALUES (:id, :d, :a, '2023-01-01', '2023-12-31', 35, "
                        "'2026-01-01')"
                    ),
                    {"id": _uuid("c1"), "d": _uuid("d1"), "a": _uuid("a1")},
                )
            upgrade(url, "0029")
            with eng.connect() as cx:
                rows = cx.execute(
                    text("SELECT convention_id, financeur_id, part_centiemes FROM convention_financeur")
                ).all()
            assert [(str(c).replace("-", ""), str(f).replace("-", ""), p) for c, f, p in rows] == [
                (_uuid("c1"), _uuid("f1"), 10_000)
            ]
        finally:
            eng.dispose()


def _uuid(graine: str) -> str:
    """32 hex digits: how SQLite stores a UUID, and a form PostgreSQL reads."""
    return uuid.uuid5(uuid.NAMESPACE_URL, graine).hex
