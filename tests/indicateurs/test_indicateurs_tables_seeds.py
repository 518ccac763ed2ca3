"""Tables of the seeds added to the catalogue (issue 16, second edition): each one replays a
small dataset whose expected figures are worked out by hand from the dates; each is true
at a past date (events after D do not move it); a funder gets them under statistical
secrecy with no cell recomputable."""

from __future__ import annotations

from datetime import date

from api.core.concurrency import etag
from api.mesures import service as mesures
from api.mesures.models import Mesure
from api.mesures.schemas import MesureUpdate
from tests import factories as fab
from tests.factories import Monde
from tests.indicateurs.test_indicateurs_secret import _recalculables
from tests.indicateurs.test_indicateurs_seeds import cellules

URL = "/api/v1/indicateurs"
D = date(2020, 6, 30)
AU_D = {"du": "2020-01-01", "au": D.isoformat()}

RENNES, BETTON, SAINT_MALO, BREST = "35238", "35024", "35288", "29019"
RENNES_METROPOLE, SAINT_MALO_AGGLO, BREST_METROPOLE = "243500139", "243500782", "242900314"


def _document(client, h, params=AU_D) -> dict:
    r = client.get(URL, params=params, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


# --- territory: EPCI and département (communes référentiel) ------------------------------


def test_file_active_par_epci_et_departement(client, db, monde: Monde) -> None:
    d = fab.dispositif(db, monde)

    def mesure(commune, mandatement, **kw):
        return fab.mesure(db, monde, d, men=fab.menage(db, monde, commune=commune), mandatement=mandatement, **kw)

    m1 = mesure(RENNES, date(2020, 1, 10))  # in the file active at D
    mesure(RENNES, date(2020, 1, 10), date_fin=date(2020, 3, 1))  # ended before D
    m3 = mesure(BETTON, date(2020, 2, 1), date_fin=date(2020, 9, 1))  # ends after D: counts at D
    mesure(SAINT_MALO, date(2020, 3, 1))
    mesure(BREST, date(2020, 5, 1))
    mesure(BREST, date(2020, 7, 15))  # mandated after D
    mesure(None, date(2020, 1, 10))  # no commune at entry
    attendu_epci = {
        f"epci={RENNES_METROPOLE}": 2,  # Rennes (m1) and Betton (m3)
        f"epci={SAINT_MALO_AGGLO}": 1,
        f"epci={BREST_METROPOLE}": 1,
        "epci=non_renseigne": 1,
        "total": 5,
    }
    attendu_dep = {"departement=35": 3, "departement=29": 1, "departement=non_renseigne": 1, "total": 5}
    doc = _document(client, monde.h("gie"))
    assert cellules(doc, "file_active_epci") == attendu_epci
    assert cellules(doc, "file_active_departement") == attendu_dep
    # the totals are the file active's
    assert cellules(doc, "file_active")["total"] == 5
    (t,) = [t for t in doc["tableaux"] if t["code"] == "file_active_epci"]
    libelles = {v["code"]: v["libelle"] for v in t["dimensions"][0]["valeurs"]}
    assert libelles[RENNES_METROPOLE] == "Rennes Métropole"
    (t,) = [t for t in doc["tableaux"] if t["code"] == "file_active_departement"]
    assert {v["code"]: v["libelle"] for v in t["dimensions"][0]["valeurs"]}["35"] == "35 — Ille-et-Vilaine"

    # the files behind a cell: the mesures of the EPCI's communes
    r = client.get(
        f"{URL}/detail",
        params={**AU_D, "table": "file_active_epci", "cellule": f"epci={RENNES_METROPOLE}"},
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    assert sorted(e["reference"] for e in r.json()["elements"]) == sorted([m1.reference, m3.reference])

    # later events (an exit, an entry, both after D) do not move the figures at D
    m1.date_fin, m1.statut = date(2020, 8, 1), "terminee"
    db.add(m1)
    mesure(RENNES, date(2020, 8, 1))
    db.flush()
    apres = _document(client, monde.h("gie"))
    assert cellules(apres, "file_active_epci") == attendu_epci
    assert cellules(apres, "file_active_departement") == attendu_dep

    # a funder: the same tables under statistical secrecy (default threshold 5)
    fin = _document(client, monde.h("financeur"))
    assert fin["parametres"]["secret_statistique_seuil"] == 5
    epci = cellules(fin, "file_active_epci")
    assert epci[f"epci={RENNES_METROPOLE}"] is None and epci[f"epci={BREST_METROPOLE}"] is None
    assert not [f for f in _recalculables(fin, 5) if "epci" in f or "departement" in f]


# --- maximum duration: mesures reaching it in the next twelve months (seed 004) -----------


def test_file_active_au_regard_de_la_duree_maximale(client, db, monde: Monde) -> None:
    """Seed 004: « 8 ménages accompagnés vont arriver au bout des 3 années d'accompagnement »
    in 2024, read at 31/12/2023. Months are full months from the start of the
    accompaniment (the mandatement if it had not started at D)."""
    d = fab.dispositif(db, monde, "SIME")
    d.duree_max_mois = 36
    db.add(d)
    sans = fab.dispositif(db, monde, "SANS", duree_max_mois=None)  # no maximum duration
    db.flush()

    def mesure(disp, mandatement, **kw):
        return fab.mesure(db, monde, disp, mandatement=mandatement, **kw)

    # 12/2023 − 01/2021 = 35 full months: 36 reached on 15/01/2024
    a = mesure(d, date(2021, 1, 10), date_debut=date(2021, 1, 15))
    # 12/2023 − 12/2020 = 36 full months on 31/12/2023: reached that very day
    mesure(d, date(2020, 12, 1), date_debut=date(2020, 12, 31))
    # 12/2023 − 01/2022 = 23 months: 36 reached in 01/2025, beyond twelve months
    mesure(d, date(2021, 12, 20), date_debut=date(2022, 1, 1))
    # never started: from the mandatement, 35 months
    mesure(d, date(2021, 1, 1))
    # started after D: at D it had not started, counted from the mandatement (12 months)
    e = mesure(d, date(2022, 12, 31), date_debut=date(2024, 1, 15))
    mesure(d, date(2021, 1, 1), date_fin=date(2023, 6, 1))  # ended before D
    mesure(sans, date(2019, 1, 1))
    au = {"du": "2023-01-01", "au": "2023-12-31"}
    attendu = {
        "echeance_duree_max=atteinte": 1,
        "echeance_duree_max=dans_12_mois": 2,
        "echeance_duree_max=plus_de_12_mois": 2,
        "echeance_duree_max=sans_duree_max": 1,
        "total": 6,
    }
    doc = _document(client, monde.h("gie"), au)
    assert cellules(doc, "file_active_duree_max") == attendu
    r = client.get(
        f"{URL}/detail",
        params={**au, "table": "file_active_duree_max", "cellule": "echeance_duree_max=plus_de_12_mois"},
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    assert e.reference in {x["reference"] for x in r.json()["elements"]} and r.json()["total"] == 2

    # after D: a exits, e's accompaniment is under way, a new mesure: nothing moves at D
    a.date_fin, a.statut = date(2024, 2, 1), "terminee"
    db.add(a)
    mesure(d, date(2024, 1, 5))
    db.flush()
    assert cellules(_document(client, monde.h("gie"), au), "file_active_duree_max") == attendu

    # a funder: masked, and no masked cell recomputable from its line
    fin = _document(client, monde.h("financeur"), au)
    assert cellules(fin, "file_active_duree_max")["echeance_duree_max=dans_12_mois"] is None
    assert not [f for f in _recalculables(fin, 5) if "duree_max" in f]


# --- flows of IML and logement de transition (seed 004) ------------------------------------


def _modifier(db, monde: Monde, mes: Mesure, **champs) -> None:
    """Through the use case, as the screen does: the history of the modalité is its own."""
    db.refresh(mes)
    mesures.modifier_mesure(
        db, fab.principal(monde.asso), mesure_id=mes.id, data=MesureUpdate(**champs), if_match=etag(mes.version)
    )
    db.refresh(mes)


def test_entrees_et_sorties_iml_et_logement_de_transition(client, db, monde: Monde) -> None:
    """Seed 004: « 12 ménages accompagnés dans un logement de transition : 5 en sont sortis
    (1 vers l'IML…) », « en 2023, 3 ménages ont basculé vers un accompagnement en IML »."""
    d = fab.dispositif(db, monde)

    def mesure(mandatement, modalite, debut_modalite=None):
        mes = fab.mesure(db, monde, d, mandatement=mandatement)
        db.commit()
        _modifier(db, monde, mes, modalite_logement=modalite, modalite_date_debut=debut_modalite or mandatement)
        return mes

    # A: in transition since 2022, switches to IML on 01/03/2023 (an exit and a switch)
    a = mesure(date(2022, 6, 1), "logement_transition")
    _modifier(db, monde, a, modalite_logement="iml_bail_glissant", modalite_date_debut=date(2023, 3, 1))
    # B: enters transition at its mandatement in 2023, the mesure ends on 01/09/2023
    b = mesure(date(2023, 2, 1), "logement_transition")
    b.date_fin, b.statut = date(2023, 9, 1), "terminee"
    db.add(b)
    # C: enters IML at its mandatement in 2023
    c = mesure(date(2023, 5, 1), "iml_bail_glissant")
    # E: enters transition at its mandatement, the modalité ends on 01/07/2023, the mesure goes on
    e = mesure(date(2023, 1, 10), "logement_transition")
    _modifier(db, monde, e, modalite_date_fin=date(2023, 7, 1))
    # F: entered IML in 2021, still there: neither an entry nor an exit in 2023
    mesure(date(2021, 1, 1), "iml_bail_glissant")
    db.commit()

    periode = {"du": "2023-01-01", "au": "2023-12-31"}
    T, IML = "logement_transition", "iml_bail_glissant"
    doc = _document(client, monde.h("gie"), periode)
    entrees = {k: v for k, v in cellules(doc, "entrees_modalite_logement").items() if v}
    attendu_entrees = {
        f"modalite_logement={T};moment_modalite=au_mandatement": 2,  # B, E
        f"modalite_logement={IML};moment_modalite=au_mandatement": 1,  # C
        f"modalite_logement={IML};moment_modalite=en_cours_de_mesure": 1,  # A's switch
        f"modalite_logement={T}": 2,
        f"modalite_logement={IML}": 2,
        "moment_modalite=au_mandatement": 3,
        "moment_modalite=en_cours_de_mesure": 1,
        "total": 4,
    }
    assert entrees == attendu_entrees
    sorties = {k: v for k, v in cellules(doc, "sorties_modalite_logement").items() if v}
    attendu_sorties = {
        f"modalite_logement={T};issue_modalite=changement_modalite": 1,  # A, to IML
        f"modalite_logement={T};issue_modalite=fin_mesure": 1,  # B
        f"modalite_logement={T};issue_modalite=fin_modalite": 1,  # E
        f"modalite_logement={T}": 3,
        "issue_modalite=changement_modalite": 1,
        "issue_modalite=fin_mesure": 1,
        "issue_modalite=fin_modalite": 1,
        "total": 3,
    }
    assert sorties == attendu_sorties
    # the stock at 31/12/2023 agrees: A, C and F in IML; E still accompanied, out of transition
    fa = cellules(doc, "file_active_modalite_logement")
    assert fa[f"modalite_logement={IML}"] == 3

    # after D: C leaves IML for a bail direct, A's mesure ends; the 2023 flows do not move
    _modifier(db, monde, c, modalite_logement="bail_direct", modalite_date_debut=date(2024, 2, 1))
    a.date_fin, a.statut = date(2024, 3, 1), "terminee"
    db.add(a)
    db.commit()
    apres = _document(client, monde.h("gie"), periode)
    assert {k: v for k, v in cellules(apres, "entrees_modalite_logement").items() if v} == attendu_entrees
    assert {k: v for k, v in cellules(apres, "sorties_modalite_logement").items() if v} == attendu_sorties

    # a funder: counts under statistical secrecy, no masked cell recomputable from its line
    fin = _document(client, monde.h("financeur"), periode)
    assert cellules(fin, "entrees_modalite_logement")[f"modalite_logement={IML}"] is None
    assert not [f for f in _recalculables(fin, 5) if "modalite_logement" in f]


# --- relogements: exits to a dwelling -------------------------------------------------------


def test_sorties_vers_un_logement(client, db, monde: Monde) -> None:
    d = fab.dispositif(db, monde)

    def sortie(fin, situation):
        return fab.mesure(db, monde, d, mandatement=date(2022, 1, 10), date_fin=fin, situation_sortie=situation)

    r1 = sortie(date(2023, 3, 1), "locataire_parc_public")
    r2 = sortie(date(2023, 11, 30), "proprietaire")
    sortie(date(2023, 6, 1), "sous_locataire")
    sortie(date(2023, 6, 15), "hebergement")
    sortie(date(2023, 12, 31), None)
    sortie(date(2022, 12, 31), "locataire_parc_prive")  # before the period
    periode = {"du": "2023-01-01", "au": "2023-12-31"}
    attendu = {
        "logement_sortie=logement_autonome": 2,
        "logement_sortie=logement_accompagne": 1,
        "logement_sortie=sans_logement_propre": 1,
        "logement_sortie=non_renseigne": 1,
        "total": 5,
    }
    doc = _document(client, monde.h("gie"), periode)
    assert cellules(doc, "sorties_logement") == attendu
    (t,) = [t for t in doc["tableaux"] if t["code"] == "sorties_logement"]
    assert {c["cle"]: c["pourcentage"] for c in t["cellules"]}["logement_sortie=logement_autonome"] == 40.0
    # the same exits as the table by situation
    assert cellules(doc, "sorties_situation")["total"] == 5
    r = client.get(
        f"{URL}/detail",
        params={**periode, "table": "sorties_logement", "cellule": "logement_sortie=logement_autonome"},
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    assert sorted(e["reference"] for e in r.json()["elements"]) == sorted([r1.reference, r2.reference])

    # an exit after the period moves nothing
    sortie(date(2024, 1, 15), "locataire_parc_prive")
    db.flush()
    assert cellules(_document(client, monde.h("gie"), periode), "sorties_logement") == attendu

    fin = _document(client, monde.h("financeur"), periode)
    assert cellules(fin, "sorties_logement")["logement_sortie=logement_autonome"] is None
    assert not [f for f in _recalculables(fin, 5) if "sorties_logement" in f]


# --- households accompanied during the period (seed 004: « 43 ménages accompagnés ») -------


def test_menages_accompagnes_sur_la_periode(client, db, monde: Monde) -> None:
    d = fab.dispositif(db, monde)
    deux_fois = fab.menage(db, monde)
    fab.mesure(db, monde, d, men=deux_fois, mandatement=date(2022, 3, 1), date_fin=date(2023, 2, 1))
    fab.mesure(db, monde, d, men=deux_fois, mandatement=date(2023, 5, 1))  # the same household: once
    fab.mesure(db, monde, d, mandatement=date(2023, 12, 31))  # its last day
    fab.mesure(db, monde, d, mandatement=date(2021, 1, 1), date_fin=date(2023, 1, 1))
    fab.mesure(db, monde, d, mandatement=date(2021, 1, 1), date_fin=date(2022, 12, 31))
    fab.mesure(db, monde, d, mandatement=date(2024, 1, 1))  # after the period
    periode = {"du": "2023-01-01", "au": "2023-12-31"}
    # the household seen twice (once) and the one mandated on 31/12: 2; the one ended on
    # 01/01/2023 is not (a mesure no longer counts on its end day), nor the two others
    attendu = {"indicateur=nombre": 2}
    doc = _document(client, monde.h("gie"), periode)
    assert cellules(doc, "activite_menages_accompagnes") == attendu
    assert cellules(doc, "activite")["indicateur=menages_accompagnes"] == 2
    # an entry after the period does not move it
    fab.mesure(db, monde, d, mandatement=date(2024, 2, 1))
    db.flush()
    assert cellules(_document(client, monde.h("gie"), periode), "activite_menages_accompagnes") == attendu
    fin = _document(client, monde.h("financeur"), periode)
    assert cellules(fin, "activite_menages_accompagnes") == {"indicateur=nombre": None}
