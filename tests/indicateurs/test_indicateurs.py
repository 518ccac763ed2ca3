"""Indicators: boundaries, filters, roles, statistical secrecy, the files behind a cell.

Every expected figure is worked out by hand from the rows the test inserts.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
from sqlmodel import select

from api.audit.models import JournalAcces
from api.menages.models import Personne
from api.mesures.models import Mesure
from api.organisations.models import TypeOrganisation
from tests import factories as fab
from tests.factories import headers, organisation, utilisateur
from tests.indicateurs.test_indicateurs_seeds import cellules, seed_001

URL = "/api/v1/indicateurs"
D = date(2020, 6, 30)


def _get(client, monde, who="gie", **params):
    params.setdefault("au", D.isoformat())
    r = client.get(URL, params=params, headers=monde.h(who) if isinstance(who, str) else who)
    assert r.status_code == 200, r.text
    return r.json()


def bornes(db, m):
    d = fab.dispositif(db, m)
    a = fab.mesure(db, m, d, men=fab.menage(db, m, organisation=m.asso, naissance=date(1960, 1, 1)), mandatement=date(2020, 1, 10), date_fin=D, motif_fin="relogement")  # ends on D
    b = fab.mesure(db, m, d, men=fab.menage(db, m, organisation=m.asso, naissance=date(1970, 1, 1), sexe="femme"), mandatement=D, statut="active")  # starts on D
    c = fab.mesure(db, m, d, men=fab.menage(db, m, organisation=m.asso, naissance=date(1989, 1, 1)), mandatement=date(2019, 1, 1), statut="active")  # 30th birthday on its mandatement day (ages are at entry)
    e = fab.mesure(db, m, d, men=fab.menage(db, m, organisation=m.asso, naissance=date(1989, 1, 2)), mandatement=date(2019, 1, 1), statut="active")  # 30 the day after its mandatement: 29 at entry
    f = fab.mesure(db, m, d, men=fab.menage(db, m, organisation=m.asso, naissance=date(1950, 1, 1)), mandatement=date(2020, 7, 1), statut="active")  # after D
    return d, a, b, c, e, f


def test_boundaries_mesure_ending_on_d_birthday_on_d(client, db, monde) -> None:
    bornes(db, monde)
    doc = _get(client, monde, du="2020-01-01")
    # a ends on D (out), b starts on D (in), c and e in, f after D (out).
    assert cellules(doc, "file_active")["total"] == 3
    # Default: the age at D (30/06/2020): c and e are 31, b is 50.
    age = cellules(doc, "file_active_age_cible")
    assert age["tranche_age=30-40"] == 2
    assert age["tranche_age=20-30"] == 0
    assert age["tranche_age=50-60"] == 1
    assert cellules(doc, "file_active_age_extremes") == {
        "indicateur=plus_jeune": 31,
        "indicateur=plus_age": 50,
    }
    assert doc["parametres"]["age"] == "au_jour"
    # The age at entry, on demand.
    entree = _get(client, monde, du="2020-01-01", age="a_l_entree")
    age = cellules(entree, "file_active_age_cible")
    assert age["tranche_age=30-40"] == 1  # c, 30 on its mandatement day
    assert age["tranche_age=20-30"] == 1  # e, 29 at entry (30 the day after)
    assert age["tranche_age=50-60"] == 1  # b, born 1970-01-01, mandated on D: 50
    assert age["tranche_age=60-70"] == 0  # a has ended
    assert cellules(entree, "file_active_age_extremes") == {
        "indicateur=plus_jeune": 29,
        "indicateur=plus_age": 50,
    }
    assert cellules(doc, "file_active_sexe") == {
        "sexe=homme": 2,
        "sexe=femme": 1,
        "sexe=non_renseigne": 0,
        "total": 3,
    }
    assert cellules(doc, "sorties_par_mois")["mois=2020-06"] == 1
    assert cellules(doc, "entrees_par_mois")["mois=2020-06"] == 1
    assert cellules(doc, "entrees_par_mois")["total"] == 2  # a (10 January) and b
    assert cellules(doc, "entrees_par_mois")["mois=2020-01"] == 1
    # Day before D: a is still in, b not yet.
    veille = _get(client, monde, au="2020-06-29", du="2020-06-01")
    assert cellules(veille, "file_active")["total"] == 3
    # The age at entry does not depend on the reference date.
    veille = _get(client, monde, au="2020-06-29", du="2020-06-01", age="a_l_entree")
    assert cellules(veille, "file_active_age_cible")["tranche_age=30-40"] == 1  # c


def test_period_of_one_day(client, db, monde) -> None:
    bornes(db, monde)
    doc = _get(client, monde, du="2020-06-30", au="2020-06-30")
    assert cellules(doc, "entrees_par_mois") == {"mois=2020-06": 1, "total": 1}  # b
    assert cellules(doc, "sorties_par_mois") == {"mois=2020-06": 1, "total": 1}  # a
    # Active on 30 June: b, c, e (a ended that day): 3 mois-mesures over 1 month.
    assert cellules(doc, "activite_par_mois") == {"mois=2020-06": 3, "total": 3}
    act = cellules(doc, "activite")
    assert (
        act["indicateur=mois_mesures"],
        act["indicateur=mois_periode"],
        act["indicateur=activite_moyenne"],
    ) == (3, 1, 3.0)
    assert act["indicateur=taux_activite"] is None  # no convention


def test_mois_mesures_months_cut_to_the_period(client, db, monde) -> None:
    d = fab.dispositif(db, monde)
    men = fab.menage(db, monde, organisation=monde.asso)
    fab.mesure(db, monde, d, men=men, mandatement=date(2020, 1, 31), date_fin=date(2020, 3, 1))  # Jan, Feb (not 1 March)
    fab.mesure(db, monde, d, men=fab.menage(db, monde, organisation=monde.asso), mandatement=date(2020, 2, 10), statut="active")  # Feb → Apr
    fab.convention(db, d, monde.asso, date(2020, 1, 1), date(2020, 12, 31), 4)
    doc = _get(client, monde, du="2020-01-15", au="2020-04-10")
    assert cellules(doc, "activite_par_mois") == {
        "mois=2020-01": 1,
        "mois=2020-02": 2,
        "mois=2020-03": 1,
        "mois=2020-04": 1,
        "total": 5,
    }
    act = cellules(doc, "activite")
    # 5 mois-mesures over 4 months = 1.25 → 1.2 shown; taux = 1.25 / 4 = 31.25 % → 31.2
    assert act == {
        "indicateur=mois_mesures": 5,
        "indicateur=mois_periode": 4,
        "indicateur=activite_moyenne": 1.2,
        "indicateur=objectif_menages": 4,
        "indicateur=taux_activite": 31.2,
        "indicateur=mois_mesures_finances": None,  # the convention does not say
        "indicateur=taux_mois_mesures": None,
        "indicateur=budget_periode": None,
        "indicateur=menages_accompagnes": 2,
        "indicateur=cout_par_menage": None,
        "indicateur=cout_par_mois_mesure": None,
    }
    assert cellules(doc, "sorties_duree")["duree=moins_6"] == 1  # 31/01 → 01/03: 1 month


def test_successive_conventions_weighted_by_days_and_costs(client, db, monde) -> None:
    """Two 2023 conventions, 35 for January–June then 40 for July–December: the target of
    the year is about 37.5 (Σ target × days covered ÷ days), not 75."""
    d = fab.dispositif(db, monde)
    for i in range(3):
        fab.mesure(db, monde, d, men=fab.menage(db, monde, organisation=monde.asso), mandatement=date(2022, 6, 1 + i), statut="active")
    fab.convention(db, d, monde.asso, date(2023, 1, 1), date(2023, 6, 30), 35)
    c2 = fab.convention(db, d, monde.asso, date(2023, 7, 1), date(2023, 12, 31), 40)
    # the second convention states its budget and mois-mesures (seed 003: k€ per household)
    c2.budget_euros, c2.mois_mesures_finances = 18_000, 240
    db.add(c2)
    db.flush()
    act = cellules(_get(client, monde, du="2023-01-01", au="2023-12-31"), "activite")
    # (35 × 181 + 40 × 184) ÷ 365 = 37.52
    assert act["indicateur=objectif_menages"] == 37.5
    assert act["indicateur=mois_mesures"] == 36 and act["indicateur=activite_moyenne"] == 3.0
    assert act["indicateur=taux_activite"] == round(100 * 3 / ((35 * 181 + 40 * 184) / 365), 1) == 8.0
    assert act["indicateur=budget_periode"] == 18_000
    assert act["indicateur=mois_mesures_finances"] == 240
    assert act["indicateur=taux_mois_mesures"] == 15.0  # 36 of 240
    assert act["indicateur=menages_accompagnes"] == 3
    assert act["indicateur=cout_par_menage"] == 6_000
    assert act["indicateur=cout_par_mois_mesure"] == 500
    # half the year: half the second convention's budget and mois-mesures, its target alone
    act = cellules(_get(client, monde, du="2023-10-01", au="2023-12-31"), "activite")
    assert act["indicateur=objectif_menages"] == 40
    assert act["indicateur=budget_periode"] == round(18_000 * 92 / 184)


def test_empty_scope(client, db, monde) -> None:
    bornes(db, monde)
    doc = _get(client, monde, who="asso2_agent", du="2020-01-01")
    assert cellules(doc, "file_active")["total"] == 0
    assert cellules(doc, "file_active_age_extremes") == {
        "indicateur=plus_jeune": None,
        "indicateur=plus_age": None,
    }
    assert all(v == 0 for v in cellules(doc, "file_active_age_cible").values())
    assert cellules(doc, "activite")["indicateur=mois_mesures"] == 0
    assert cellules(doc, "delai_orientation_decision") == {
        "indicateur=moyenne": None,
        "indicateur=mediane": None,
        "indicateur=nombre": 0,
    }


def _deux_dispositifs(db, m):
    """d1: funded by m.financeur, decided by m.gie; d2: another funder and commission."""
    autre_fin = organisation(db, TypeOrganisation.financeur, "Département")
    autre_gie = organisation(db, TypeOrganisation.gie, "CCAPEX")
    d1 = fab.dispositif(db, m, "D1")
    d2 = fab.dispositif(db, m, "D2", financeur=autre_fin, commission=autre_gie)
    fab.mesure(db, m, d1, men=fab.menage(db, m, organisation=m.asso, commune="35238"), mandatement=date(2020, 1, 1), cible="habitat_adapte", statut="active")
    fab.mesure(db, m, d1, men=fab.menage(db, m, organisation=m.asso, commune="35047"), mandatement=date(2020, 1, 1), cible="sante_mentale", statut="active")
    fab.mesure(db, m, d1, men=fab.menage(db, m, organisation=m.asso2, commune="35238"), mandatement=date(2020, 1, 1), cible="sante_mentale", association=m.asso2, statut="active")
    fab.mesure(db, m, d2, men=fab.menage(db, m, organisation=m.asso2, commune="35238"), mandatement=date(2020, 1, 1), cible="sante_mentale", association=m.asso2, statut="active")
    fab.mesure(db, m, d2, men=fab.menage(db, m, organisation=m.asso, commune="2A004"), mandatement=date(2020, 1, 1), cible="reassurance", statut="active")
    return d1, d2, autre_fin, autre_gie


def test_each_filter(client, db, monde) -> None:
    d1, d2, _, _ = _deux_dispositifs(db, monde)
    total = lambda **p: cellules(_get(client, monde, who="admin", **p), "file_active")["total"]  # noqa: E731
    assert total() == 5
    assert total(dispositif=str(d1.id)) == 3
    assert total(dispositif=str(d2.id)) == 2
    assert total(association=str(monde.asso.id)) == 3
    assert total(association=str(monde.asso2.id)) == 2
    assert total(commune="35238") == 3
    assert total(commune=["35238", "35047"]) == 4
    assert total(commune="2A004") == 1
    assert total(cible="sante_mentale") == 3
    assert total(cible="sante_mentale", association=str(monde.asso2.id), dispositif=str(d1.id)) == 1
    communes = cellules(_get(client, monde, who="admin"), "file_active_commune")
    assert communes == {"commune=2A004": 1, "commune=35047": 1, "commune=35238": 3, "total": 5}


def test_each_role_sees_its_perimeter(client, app, db, monde) -> None:
    # the perimeter, not the secrecy (tests/indicateurs/test_indicateurs_secret.py): exact counts
    app.state.settings = monde.settings.model_copy(update={"secret_statistique_seuil": 0})
    _, _, autre_fin, autre_gie = _deux_dispositifs(db, monde)
    vus = {
        who: cellules(_get(client, monde, who=who), "file_active")["total"]
        for who in ("asso_agent", "asso_resp", "asso2_agent", "gie", "financeur", "admin")
    }
    assert vus == {
        "asso_agent": 3,
        "asso_resp": 3,
        "asso2_agent": 2,
        "gie": 3,
        "financeur": 3,
        "admin": 5,
    }
    h_fin = headers(db, monde.settings, utilisateur(db, autre_fin))
    h_gie = headers(db, monde.settings, utilisateur(db, autre_gie))
    assert cellules(_get(client, monde, who=h_fin), "file_active")["total"] == 2
    assert cellules(_get(client, monde, who=h_gie), "file_active")["total"] == 2
    # A filter never widens the perimeter: the association asking for another's mesures gets none.
    doc = _get(client, monde, who="asso_agent", association=str(monde.asso2.id))
    assert cellules(doc, "file_active")["total"] == 0


def test_bailleur_prescripteur_and_anonymous_are_refused(client, db, monde) -> None:
    presc = headers(
        db, monde.settings, utilisateur(db, organisation(db, TypeOrganisation.prescripteur, "CCAS"))
    )
    for h in (monde.h("bailleur"), monde.h("bailleur_si"), presc):
        for url in (URL, URL + "/detail?table=file_active&cellule=total"):
            r = client.get(url, headers=h)
            assert r.status_code == 403, r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["type"] == "/problemes/role-insuffisant"
    assert client.get(URL).status_code == 401


def test_invalid_parameters_are_named(client, monde) -> None:
    cas = [
        ({"du": "2020-02-01", "au": "2020-01-01"}, "du"),
        ({"du": "2000-01-01", "au": "2020-01-01"}, "du"),
        ({"tranches_age": "30,20"}, "tranches_age"),
        ({"tranches_age": "a,b"}, "tranches_age"),
        ({"commune": "3523"}, "commune"),
        ({"format": "pdf"}, "query.format"),
        ({"au": "30/04/2016"}, "query.au"),
    ]
    for params, champ in cas:
        r = client.get(URL, params=params, headers=monde.h("gie"))
        assert r.status_code == 422, (params, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["champ"] == champ, r.json()


def test_custom_age_brackets(client, db, monde) -> None:
    bornes(db, monde)
    doc = _get(client, monde, tranches_age="25,35,60")
    assert cellules(doc, "file_active_age_cible") | {} == {
        **{k: v for k, v in cellules(doc, "file_active_age_cible").items()},
    }
    age = {
        k: v
        for k, v in cellules(doc, "file_active_age_cible").items()
        if ";" not in k and k.startswith("tranche")
    }
    # ages 29, 30, 50 → 25-35: 2, 35-60: 1
    assert age == {
        "tranche_age=moins_25": 0,
        "tranche_age=25-35": 2,
        "tranche_age=35-60": 1,
        "tranche_age=60_plus": 0,
        "tranche_age=non_renseigne": 0,
    }


def test_funder_gets_numbers_never_a_name_and_masked_small_cells(client, app, db, monde) -> None:
    seed_001(db, monde)
    app.state.settings = monde.settings.model_copy(update={"secret_statistique_seuil": 5})
    params = {"du": "2015-01-01", "au": "2016-04-30"}
    doc = client.get(URL, params=params, headers=monde.h("financeur")).json()
    assert doc["parametres"]["secret_statistique_seuil"] == 5
    (t,) = [t for t in doc["tableaux"] if t["code"] == "file_active_cible"]
    c = {x["cle"]: x for x in t["cellules"]}
    assert (
        c["cible=sortants_prison"]["valeur"] is None
        and c["cible=sortants_prison"]["masque"] is True
    )
    assert (
        c["cible=violences_conjugales"]["valeur"] is None
        and c["cible=violences_conjugales"]["masque"] is True
    )
    assert (
        c["cible=habitat_adapte"]["valeur"] == 15 and c["cible=habitat_adapte"]["masque"] is False
    )
    assert c["cible=reassurance"]["valeur"] == 7
    assert c["total"]["valeur"] == 59  # totals stay exact
    age = cellules(doc, "file_active_age_cible")
    assert age["cible=sante_mentale;tranche_age=20-30"] is None  # 2 < 5
    assert age["cible=sante_mentale;tranche_age=30-40"] == 9
    assert age["cible=sante_mentale;tranche_age=80_plus"] == 0  # zero is not masked
    # a margin below the threshold isolates a small group: masked too; the grand total stays
    assert age["cible=sortants_prison"] is None and age["total"] == 59
    assert all(not t["detail_disponible"] for t in doc["tableaux"])
    # The commission is not subject to the threshold.
    gie = client.get(URL, params=params, headers=monde.h("gie")).json()
    assert gie["parametres"]["secret_statistique_seuil"] == 0
    assert cellules(gie, "file_active_cible")["cible=sortants_prison"] == 3

    # Unmistakable names, so that a hit cannot be a label ("Parent" in "Parentalité").
    noms = set()
    for i, p in enumerate(db.exec(select(Personne)).all()):
        p.nom, p.prenom = f"Kerhervé{i:03d}", f"Maëlle{i:03d}"
        db.add(p)
        noms |= {p.nom, p.prenom}
    db.flush()
    refs = {m.reference for m in db.exec(select(Mesure))}
    textes = {
        "json": client.get(URL, params=params, headers=monde.h("financeur")).text,
        "csv": client.get(
            URL, params={**params, "format": "csv"}, headers=monde.h("financeur")
        ).text,
    }
    wb = openpyxl.load_workbook(
        io.BytesIO(
            client.get(
                URL, params={**params, "format": "xlsx"}, headers=monde.h("financeur")
            ).content
        )
    )
    textes["xlsx"] = " ".join(
        str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None
    )
    for fmt, texte in textes.items():
        for n in noms | refs:
            assert n not in texte, (fmt, n)
    lignes = list(csv.reader(io.StringIO(textes["csv"].lstrip("\ufeff")), delimiter=";"))
    masquees = [ln for ln in lignes if ln[0] == "file_active_cible" and ln[11] == "oui"]
    assert {ln[5] for ln in masquees} == {"sortants_prison", "violences_conjugales"}
    assert all(ln[9] == "" for ln in masquees)


def test_detail_lists_the_files_of_a_cell_and_logs_them(client, db, monde) -> None:
    _, a, b, c, e, _ = bornes(db, monde)
    params = {"au": D.isoformat(), "du": "2020-01-01"}
    r = client.get(
        URL + "/detail",
        params={
            **params,
            "table": "file_active_age_cible",
            "cellule": "cible=habitat_adapte;tranche_age=30-40",
            "age": "a_l_entree",
        },
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 1
    assert [x["reference"] for x in body["elements"]] == [c.reference]
    assert body["elements"][0]["lien"] == f"/api/v1/mesures/{c.id}"
    logged = db.exec(
        select(JournalAcces).where(
            JournalAcces.ressource == "mesure", JournalAcces.ressource_id == c.id
        )
    ).all()
    assert len(logged) == 1 and logged[0].action == "lister"
    # at D (the default) e is 31 too: the detail reads the same age as the table
    au_jour = client.get(
        URL + "/detail",
        params={**params, "table": "file_active_age_cible", "cellule": "tranche_age=30-40"},
        headers=monde.h("gie"),
    ).json()
    assert sorted(x["reference"] for x in au_jour["elements"]) == sorted([c.reference, e.reference])
    r = client.get(
        URL + "/detail",
        params={**params, "table": "file_active", "cellule": "total"},
        headers=monde.h("asso_agent"),
    )
    assert sorted(x["reference"] for x in r.json()["elements"]) == sorted(
        [b.reference, c.reference, e.reference]
    )
    r = client.get(
        URL + "/detail",
        params={**params, "table": "sorties_motif", "cellule": "motif_fin=relogement"},
        headers=monde.h("asso_agent"),
    )
    assert [x["reference"] for x in r.json()["elements"]] == [a.reference]
    r = client.get(
        URL + "/detail",
        params={**params, "table": "entrees_par_mois", "cellule": "mois=2020-06"},
        headers=monde.h("asso_agent"),
    )
    assert [x["reference"] for x in r.json()["elements"]] == [b.reference]
    # Another association sees none of them; a funder and admin get 404.
    r = client.get(
        URL + "/detail",
        params={**params, "table": "file_active", "cellule": "total"},
        headers=monde.h("asso2_agent"),
    )
    assert r.json()["total"] == 0
    for who in ("financeur", "admin"):
        r = client.get(
            URL + "/detail",
            params={**params, "table": "file_active", "cellule": "total"},
            headers=monde.h(who),
        )
        assert r.status_code == 404, who
        assert r.headers["content-type"] == "application/problem+json"
    r = client.get(
        URL + "/detail",
        params={**params, "table": "inconnue", "cellule": "total"},
        headers=monde.h("gie"),
    )
    assert r.status_code == 404
    r = client.get(
        URL + "/detail",
        params={**params, "table": "file_active", "cellule": "cible"},
        headers=monde.h("gie"),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "cellule"
    r = client.get(
        URL + "/detail",
        params={**params, "table": "file_active", "cellule": "couleur=bleu"},
        headers=monde.h("gie"),
    )
    assert r.status_code == 422


def test_detail_of_orientations_behind_decisions(client, db, monde) -> None:
    d = fab.dispositif(db, monde)
    men = fab.menage(db, monde, organisation=monde.bailleur)
    o1 = fab.orientation(db, monde, men, d, reception=date(2020, 1, 2), statut="ajournee", evenements=[("ajournee", date(2020, 1, 10), None), ("ajournee", date(2020, 2, 10), None)])
    o2 = fab.orientation(db, monde, fab.menage(db, monde, organisation=monde.bailleur), d, reception=date(2020, 1, 5), statut="refusee", evenements=[("refusee", date(2020, 1, 25), "parc_prive")])
    params = {"du": "2020-01-01", "au": "2020-03-31"}
    doc = _get(client, monde, **params)
    assert cellules(doc, "decisions")["decision=ajournee"] == 2  # one orientation postponed twice
    assert cellules(doc, "refus_motif")["motif_refus=parc_prive"] == 1
    # delays: 8, 39 (o1's two events from 2 January) and 20 days (o2): mean 22.3, median 20
    assert cellules(doc, "delai_orientation_decision") == {
        "indicateur=moyenne": 22.3,
        "indicateur=mediane": 20.0,
        "indicateur=nombre": 3,
    }
    assert cellules(doc, "orientations_statut")["statut_orientation=ajournee"] == 1
    assert cellules(doc, "orientations_origine") == {
        **{
            f"origine={k}": 0
            for k in (
                "ccas",
                "cdas_travailleur_social",
                "famille",
                "association",
                "ccapex",
                "siao",
                "autre",
            )
        },
        "origine=bailleur": 2,
        "total": 2,
    }
    assert cellules(doc, "orientations_prescripteur") == {
        f"prescripteur={monde.bailleur.id}": 2,
        "total": 2,
    }
    r = client.get(
        URL + "/detail",
        params={**params, "table": "decisions", "cellule": "decision=ajournee"},
        headers=monde.h("gie"),
    )
    assert [x["reference"] for x in r.json()["elements"]] == [o1.reference]
    assert r.json()["elements"][0]["lien"] == f"/api/v1/orientations/{o1.id}"
    r = client.get(
        URL + "/detail",
        params={**params, "table": "refus_motif", "cellule": "motif_refus=parc_prive"},
        headers=monde.h("gie"),
    )
    assert [x["reference"] for x in r.json()["elements"]] == [o2.reference]


def test_situation_at_entry_persons_rdv_domains_follow_ups(client, db, monde) -> None:
    d = fab.dispositif(db, monde)
    men1 = fab.menage(db, monde, organisation=monde.asso, naissance=date(1980, 1, 1), sexe="femme", composition="femme_seule_avec_enfants", autres=[(date(2010, 1, 1), "homme", "enfant"), (date(2002, 2, 1), "femme", "enfant")], ressources=["rsa", "allocations_familiales"], dettes=[("loyer", 2000), ("energie", 300)], nb_procedures=2, statut_occupation="locataire_parc_prive")
    men2 = fab.menage(db, monde, organisation=monde.asso, naissance=date(1950, 1, 1), ressources=["retraite"], dettes=[("loyer", 1000)], nb_procedures=4)
    men3 = fab.menage(db, monde, organisation=monde.asso, naissance=None, autres=[(None, "femme", "conjoint")], composition="couple_sans_enfant")
    m1 = fab.mesure(db, monde, d, men=men1, mandatement=date(2020, 2, 1), statut="active")
    m2 = fab.mesure(db, monde, d, men=men2, mandatement=date(2020, 3, 1), statut="active")
    m3 = fab.mesure(db, monde, d, men=men3, mandatement=date(2019, 3, 1), date_fin=date(2019, 12, 1), suivi_date_prevue=date(2020, 6, 1), suivi_realise_le=date(2020, 6, 3))
    fab.mesure(db, monde, d, men=fab.menage(db, monde, organisation=monde.asso), mandatement=date(2019, 1, 1), date_fin=date(2019, 10, 1), suivi_date_prevue=date(2020, 4, 1))
    fab.domaines(db, m1, "budget_dettes", "acces_droits")
    fab.domaines(db, m2, "budget_dettes")
    fab.domaines(db, m3, "sante")  # m3 ended before the period: not counted
    fab.rendez_vous(db, m1, date(2020, 2, 5), statut="annule")
    fab.rendez_vous(db, m1, date(2020, 2, 11))  # first held: 10 days after mandatement
    fab.rendez_vous(db, m1, date(2020, 3, 1), type="telephone")
    fab.rendez_vous(db, m2, date(2020, 3, 31), type="telephone", statut="absent")
    fab.rendez_vous(db, m2, date(2020, 4, 21), type="rencontre_tripartite")  # 51 days
    fab.rendez_vous(db, m3, date(2019, 4, 1))  # outside the period
    doc = _get(client, monde, du="2020-01-01", au="2020-06-30")
    assert cellules(doc, "file_active")["total"] == 2
    res = cellules(doc, "file_active_ressources")
    assert (
        res["ressource=rsa"],
        res["ressource=allocations_familiales"],
        res["ressource=retraite"],
        res["total"],
    ) == (1, 1, 1, 2)
    assert cellules(doc, "file_active_minima_sociaux") == {"indicateur=nombre": 1}
    dettes = cellules(doc, "file_active_dettes")
    assert (dettes["dette=loyer"], dettes["dette=energie"], dettes["dette=eau"]) == (2, 1, 0)
    assert cellules(doc, "file_active_dette_locative") == {
        "indicateur=avec_dette_locative": 2,
        "indicateur=montant_total": 3000,
        "indicateur=montant_moyen": 1500.0,
    }
    assert cellules(doc, "file_active_procedures_expulsion") == {
        "procedures=0": 0,
        "procedures=1": 0,
        "procedures=2": 1,
        "procedures=3_plus": 1,
        "total": 2,
    }
    assert cellules(doc, "file_active_composition")["composition=femme_seule_avec_enfants"] == 1
    assert (
        cellules(doc, "file_active_statut_occupation")["statut_occupation=locataire_parc_prive"]
        == 1
    )
    # persons at the entry of m1 (01/02/2020) and m2 (01/03/2020): 10 (minor), 18 on the
    # mandatement day (18–25), 40 (26–64), 70 (65+)
    assert cellules(doc, "file_active_personnes_age") == {
        "classe_age=mineur": 1,
        "classe_age=18_25": 1,
        "classe_age=26_64": 1,
        "classe_age=65_plus": 1,
        "classe_age=non_renseigne": 0,
        "total": 4,
    }
    assert cellules(doc, "delai_mandatement_premier_rdv") == {
        "indicateur=moyenne": 30.5,
        "indicateur=mediane": 30.5,
        "indicateur=nombre": 2,
    }
    rdv = cellules(doc, "rendez_vous")
    assert rdv["type_rdv=visite_domicile;statut_rdv=realise"] == 1
    assert rdv["type_rdv=visite_domicile;statut_rdv=annule"] == 1
    assert rdv["type_rdv=telephone;statut_rdv=realise"] == 1
    assert rdv["type_rdv=telephone;statut_rdv=absent"] == 1
    assert rdv["type_rdv=rencontre_tripartite"] == 1
    assert rdv["total"] == 5
    (dom,) = [t for t in doc["tableaux"] if t["code"] == "domaines_intervention"]
    dom = {c["cle"]: (c["valeur"], c["pourcentage"]) for c in dom["cellules"] if c["valeur"]}
    assert dom == {
        "domaine=budget_dettes": (2, 100.0),
        "domaine=acces_droits": (1, 50.0),
        "total": (2, 100.0),
    }
    assert cellules(doc, "suivis_6_mois") == {"suivi=du": 2, "suivi=realise": 1}


def test_every_cell_opens_on_exactly_its_files(client, db, monde) -> None:
    """Each figure is explainable: the detail of a cell lists as many files as it counts
    (decisions count events, so an orientation decided twice is listed once)."""
    seed_001(db, monde)
    params = {"du": "2015-01-01", "au": "2016-04-30"}
    doc = client.get(URL, params=params, headers=monde.h("gie")).json()
    ouvertes = 0
    for t in doc["tableaux"]:
        if not t["detail_disponible"]:
            continue
        for c in t["cellules"]:
            r = client.get(
                URL + "/detail",
                params={**params, "table": t["code"], "cellule": c["cle"]},
                headers=monde.h("gie"),
            )
            assert r.status_code == 200, (t["code"], c["cle"], r.text)
            if t["code"] in ("decisions", "refus_motif"):
                assert r.json()["total"] <= c["valeur"], (t["code"], c["cle"])
            else:
                assert r.json()["total"] == c["valeur"], (t["code"], c["cle"])
            ouvertes += 1
    assert ouvertes > 100


def test_orientations_perimeter_and_filters(client, app, db, monde) -> None:
    # the perimeter, not the secrecy (tests/indicateurs/test_indicateurs_secret.py): exact counts
    app.state.settings = monde.settings.model_copy(update={"secret_statistique_seuil": 0})
    d1, d2, autre_fin, autre_gie = _deux_dispositifs(db, monde)
    r = date(2020, 3, 1)
    fab.orientation(db, monde, fab.menage(db, monde, organisation=monde.bailleur, commune="35238"), d1, reception=r, statut="soumise", cible="sante_mentale")
    fab.orientation(db, monde, fab.menage(db, monde, organisation=monde.bailleur, commune="35047"), d1, reception=r, statut="acceptee", association=monde.asso, cible="habitat_adapte")
    fab.orientation(db, monde, fab.menage(db, monde, organisation=monde.bailleur, commune="35238"), d2, reception=r, statut="acceptee", association=monde.asso2, cible="sante_mentale")
    fab.orientation(db, monde, fab.menage(db, monde, organisation=monde.bailleur, commune="35238"), d2, reception=date(2019, 1, 1), statut="refusee")  # received before the period

    def recues(who, **p):
        doc = _get(client, monde, who=who, du="2020-01-01", **p)
        return cellules(doc, "orientations_statut")["total"]

    assert recues("admin") == 3
    assert recues("gie") == 2 and recues("financeur") == 2
    assert recues(headers(db, monde.settings, utilisateur(db, autre_gie))) == 1
    assert recues(headers(db, monde.settings, utilisateur(db, autre_fin))) == 1
    assert recues("asso_agent") == 1 and recues("asso2_agent") == 1  # addressed to them
    assert recues("admin", commune="35238") == 2
    assert recues("admin", cible="sante_mentale") == 2
    assert recues("admin", dispositif=str(d2.id)) == 1
    assert recues("admin", association=str(monde.asso.id)) == 1


def test_format_from_accept_header(client, db, monde) -> None:
    bornes(db, monde)
    h = monde.h("gie")
    r = client.get(URL, params={"au": D.isoformat()}, headers={**h, "Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="indicateurs_2020-01-01_2020-06-30.csv"' in r.headers["content-disposition"]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    r = client.get(URL, params={"au": D.isoformat()}, headers={**h, "Accept": xlsx})
    assert r.headers["content-type"] == xlsx
    assert openpyxl.load_workbook(io.BytesIO(r.content)).sheetnames[0] == "Paramètres"
    r = client.get(
        URL, params={"au": D.isoformat(), "format": "json"}, headers={**h, "Accept": "text/csv"}
    )
    assert r.headers["content-type"] == "application/json"


def test_annee_orientation_is_the_reception_recorded_at_mandatement(client, db, monde) -> None:
    """The year of orientation of the file active is the orientation's reception date
    copied on the mesure when it is mandated (no join to the orientations); a mesure
    without orientation counts in its mandatement year."""
    d = fab.dispositif(db, monde)
    men = fab.menage(db, monde, organisation=monde.asso, naissance=date(1980, 1, 1))
    o = fab.orientation(db, monde, men, d, reception=date(2018, 11, 5), statut="acceptee")
    avec = fab.mesure(db, monde, d, men=men, mandatement=date(2019, 2, 1), orientation=o, statut="active")
    sans = fab.mesure(db, monde, d, men=fab.menage(db, monde, organisation=monde.asso, naissance=date(1970, 1, 1)), mandatement=date(2019, 4, 1), statut="active")
    assert avec.entree_reception_orientation == date(2018, 11, 5)
    assert sans.entree_reception_orientation is None
    doc = _get(client, monde)
    assert cellules(doc, "file_active_annee_orientation") == {
        "annee_orientation=2018": 1,
        "annee_orientation=2019": 1,
        "total": 2,
    }


def test_absences_avec_et_sans_rappel(client, app, db, monde) -> None:
    """Held or missed rendez-vous of the period, by whether a reminder of it was sent: a
    reminder dropped (« caduc ») or a rendez-vous outside the period or still planned does
    not count; a funder reads it under statistical secrecy like every table."""
    from api.rappels.models import ConsentementRappel, RappelRendezVous

    d = fab.dispositif(db, monde)
    men = fab.menage(db, monde, organisation=monde.asso, naissance=date(1970, 1, 1))
    mes = fab.mesure(db, monde, d, men=men, mandatement=date(2020, 1, 10), statut="active")
    c = ConsentementRappel(
        menage_id=men.id, sms=True, telephone="+33612345678", telephone_a_appeler="+33299123456",
        date_consentement=date(2020, 1, 10), organisation_id=monde.asso.id,
    )
    db.add(c)
    db.flush()

    def rdv(jour: date, statut: str, rappel: str | None = None) -> None:
        r = fab.rendez_vous(db, mes, jour, statut=statut)
        if rappel:
            db.add(RappelRendezVous(
                rendez_vous_id=r.id, menage_id=men.id, consentement_id=c.id, canal="sms", motif="veille",
                rdv_debut=r.debut, destinataire=c.telephone, sujet="Rappel", corps="…", statut=rappel,
            ))
            db.flush()

    rdv(date(2020, 2, 3), "realise", "envoye")
    rdv(date(2020, 2, 10), "absent", "envoye")
    rdv(date(2020, 3, 2), "absent")
    rdv(date(2020, 3, 9), "absent", "caduc")  # not sent: « sans rappel »
    rdv(date(2020, 4, 6), "realise")
    rdv(date(2020, 4, 13), "realise")
    rdv(date(2020, 5, 4), "planifie", "envoye")  # neither held nor missed
    rdv(date(2020, 7, 6), "absent", "envoye")  # after the period
    doc = _get(client, monde, du="2020-01-01")
    (t,) = [t for t in doc["tableaux"] if t["code"] == "absences_rappel"]
    assert t["titre"] == "Absences aux rendez-vous, avec et sans rappel"
    assert [m["libelle"] for m in t["dimensions"][0]["valeurs"]] == ["Avec rappel", "Sans rappel"]
    v = cellules(doc, "absences_rappel")
    assert v["rappel=avec_rappel;presence_rdv=realise"] == 1
    assert v["rappel=avec_rappel;presence_rdv=absent"] == 1
    assert v["rappel=sans_rappel;presence_rdv=realise"] == 2
    assert v["rappel=sans_rappel;presence_rdv=absent"] == 2
    assert v["rappel=avec_rappel"] == 2 and v["presence_rdv=absent"] == 3 and v["total"] == 6

    app.state.settings = monde.settings.model_copy(update={"secret_statistique_seuil": 3})
    f = cellules(_get(client, monde, "financeur", du="2020-01-01"), "absences_rappel")
    assert f["rappel=avec_rappel;presence_rdv=realise"] is None and f["total"] == 6
