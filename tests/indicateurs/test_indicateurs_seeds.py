"""Indicators on datasets shaped like the seed reports: the tables come back exactly.

Expected figures are written by hand from the seed reports (001: « bilan au
30/04/2016 » ; 004: SIME 2023), never computed by the code under test.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import openpyxl

from api.organisations.models import TypeOrganisation
from tests import factories as fab
from tests.factories import organisation

D001 = date(2016, 4, 30)
CIBLES = [
    "habitat_adapte",
    "reassurance",
    "sante_mentale",
    "sortants_prison",
    "violences_conjugales",
]
TRANCHES = ["20-30", "30-40", "40-50", "50-60", "60-70", "70-80"]
# Seed 001, table AGE/CIBLE (rows: cibles; columns: 20–30 … 70–80).
AGE_CIBLE = {
    "habitat_adapte": [2, 5, 5, 0, 2, 1],
    "reassurance": [0, 1, 3, 3, 0, 0],
    "sante_mentale": [2, 9, 6, 9, 6, 1],
    "sortants_prison": [0, 0, 3, 0, 0, 0],
    "violences_conjugales": [0, 0, 0, 1, 0, 0],
}
TOTAUX_CIBLE = {
    "habitat_adapte": 15,
    "reassurance": 7,
    "sante_mentale": 33,
    "sortants_prison": 3,
    "violences_conjugales": 1,
}
TOTAUX_TRANCHE = [4, 15, 17, 13, 8, 2]


def cellules(doc: dict, code: str) -> dict[str, object]:
    (t,) = [t for t in doc["tableaux"] if t["code"] == code]
    return {c["cle"]: c["valeur"] for c in t["cellules"]}


def _age(tranche_basse: int, i: int) -> int:
    if tranche_basse == 20:
        return 27 + i % 3  # the youngest is 27
    if tranche_basse == 70:
        return (79, 72)[i % 2]  # the oldest is 79
    return tranche_basse + (i * 3) % 10


def seed_001(db, m):
    """59 households in progress at 30/04/2016, 15 ended before, 1 mandated after, and
    the commission's decisions since 2015."""
    d = fab.dispositif(db, m)
    n = 0
    ages_vus = []
    for cible, ligne in AGE_CIBLE.items():
        for j, nb in enumerate(ligne):
            for i in range(nb):
                # The report's ages are « âge au 30/04/2016 », the indicators' default (age at
                # the reference date): born on the 1st of April, ``age`` years before.
                mandat = date(2015, 3, 1) + timedelta(days=7 * n)
                age = _age(20 + 10 * j, i)
                naissance = date(2016 - age, 4, 1)
                if cible == "sante_mentale" and j == 1 and i == 0:
                    # birthday on the reference day: 30 years old that very day
                    naissance = date(1986, 4, 30)
                    age = 30
                ages_vus.append(age)
                femme = n < 20
                ressources = ["aah"] if n < 12 else ["rsa"] if n < 22 else ["are"] if n < 26 else []
                if n < 2:
                    ressources.append("rsa")  # on AAH and RSA: counted once among the 26
                if n == 30:
                    ressources = ["salaire"]
                men = fab.menage(db, m, organisation=m.asso, naissance=naissance, sexe="femme" if femme else "homme", composition="femme_seule" if femme else "homme_seul", ressources=ressources)
                o = fab.orientation(db, m, men, d, reception=mandat - timedelta(days=20), statut="acceptee", evenements=[("acceptee", mandat - timedelta(days=5), None)])
                fab.mesure(db, m, d, men=men, mandatement=mandat, cible=cible, orientation=o, acces_maintien="acces" if n < 5 else "maintien", modalite_logement=("sous_location_gla" if n < 3 else "bail_direct")
                    if n < 5
                    else None, statut="active")
                n += 1
    assert n == 59 and min(ages_vus) == 27 and max(ages_vus) == 79
    # 15 ended on or before D (one on D itself): not in the file active.
    for k in range(15):
        men = fab.menage(db, m, organisation=m.asso, naissance=date(1950, 1, 1), sexe="homme")
        mandat = date(2015, 2, 1) + timedelta(days=k)
        o = fab.orientation(db, m, men, d, reception=mandat - timedelta(days=10), statut="acceptee", evenements=[("acceptee", mandat - timedelta(days=2), None)])
        fab.mesure(db, m, d, men=men, mandatement=mandat, cible="sante_mentale", orientation=o, date_fin=D001 if k == 0 else date(2016, 1, 1) + timedelta(days=k), motif_fin="objectifs_atteints")
    # Mandated the day after D.
    men = fab.menage(db, m, organisation=m.asso, naissance=date(1940, 1, 1))
    o = fab.orientation(db, m, men, d, reception=date(2016, 4, 20), statut="acceptee", evenements=[("acceptee", date(2016, 5, 1), None)])
    fab.mesure(db, m, d, men=men, mandatement=date(2016, 5, 1), cible="sante_mentale", orientation=o, statut="active")

    def refs(statut, evenements):
        men = fab.menage(db, m, organisation=m.bailleur, naissance=date(1970, 1, 1))
        fab.orientation(db, m, men, d, reception=date(2016, 1, 4), statut=statut, evenements=evenements)

    # 10 ajournements: 6 orientations postponed once, 2 postponed twice.
    for _ in range(6):
        refs("ajournee", [("ajournee", date(2016, 2, 1), None)])
    for _ in range(2):
        refs(
            "ajournee", [("ajournee", date(2016, 2, 1), None), ("ajournee", date(2016, 3, 1), None)]
        )
    for _ in range(5):
        refs("attente_infos", [("attente_infos", date(2016, 3, 1), None)])
    for _ in range(2):
        refs("liste_attente", [("liste_attente", date(2016, 3, 1), None)])
    for motif, nb in (
        ("droit_commun", 7),
        ("hors_cible", 2),
        ("territoire_non_couvert", 3),
        ("parc_prive", 12),
    ):
        for _ in range(nb):
            refs("refusee", [("refusee", date(2016, 3, 1), motif)])
    for _ in range(8):
        refs("refus_beneficiaire", [("refus_beneficiaire", date(2016, 3, 1), None)])
    # Decided before the period: not counted.
    men = fab.menage(db, m, organisation=m.bailleur, naissance=date(1970, 1, 1))
    fab.orientation(db, m, men, d, reception=date(2014, 12, 1), statut="refusee", evenements=[("refusee", date(2014, 12, 31), "parc_prive")])
    return d


def test_seed_001_json_csv_xlsx(client, db, monde) -> None:
    seed_001(db, monde)
    params = {"du": "2015-01-01", "au": "2016-04-30"}
    doc = client.get("/api/v1/indicateurs", params=params, headers=monde.h("gie")).json()

    assert cellules(doc, "file_active_cible") == {
        "cible=habitat_adapte": 15,
        "cible=reassurance": 7,
        "cible=sante_mentale": 33,
        "cible=sortants_prison": 3,
        "cible=violences_conjugales": 1,
        "total": 59,
    }
    assert cellules(doc, "file_active_sexe") == {
        "sexe=homme": 39,
        "sexe=femme": 20,
        "sexe=non_renseigne": 0,
        "total": 59,
    }
    attendu = {}
    for c in CIBLES:
        for t, v in zip(TRANCHES, AGE_CIBLE[c]):
            attendu[f"cible={c};tranche_age={t}"] = v
        for t in ("moins_20", "80_plus", "non_renseigne"):
            attendu[f"cible={c};tranche_age={t}"] = 0
        attendu[f"cible={c}"] = TOTAUX_CIBLE[c]
    for t, v in zip(TRANCHES, TOTAUX_TRANCHE):
        attendu[f"tranche_age={t}"] = v
    for t in ("moins_20", "80_plus", "non_renseigne"):
        attendu[f"tranche_age={t}"] = 0
    attendu["total"] = 59
    assert cellules(doc, "file_active_age_cible") == attendu
    assert cellules(doc, "file_active_age_extremes") == {
        "indicateur=plus_jeune": 27,
        "indicateur=plus_age": 79,
    }
    (am,) = [t for t in doc["tableaux"] if t["code"] == "file_active_acces_maintien"]
    assert {c["cle"]: (c["valeur"], c["pourcentage"]) for c in am["cellules"]} == {
        "acces_maintien=acces": (5, 8.5),
        "acces_maintien=maintien": (54, 91.5),
        "total": (59, 100.0),
    }
    assert (
        cellules(doc, "file_active_modalite_logement")["modalite_logement=sous_location_gla"] == 3
    )
    assert cellules(doc, "file_active_modalite_logement")["modalite_logement=bail_direct"] == 2
    assert cellules(doc, "file_active_minima_sociaux") == {"indicateur=nombre": 26}
    res = cellules(doc, "file_active_ressources")
    assert (
        res["ressource=aah"],
        res["ressource=rsa"],
        res["ressource=are"],
        res["ressource=salaire"],
    ) == (12, 12, 4, 1)
    assert cellules(doc, "refus_motif") == {
        "motif_refus=droit_commun": 7,
        "motif_refus=hors_cible": 2,
        "motif_refus=territoire_non_couvert": 3,
        "motif_refus=financement_non_disponible": 0,
        "motif_refus=parc_prive": 12,
        "motif_refus=autre": 0,
        "total": 24,
    }
    assert cellules(doc, "decisions") == {
        "decision=acceptee": 74,
        "decision=ajournee": 10,
        "decision=attente_infos": 5,
        "decision=liste_attente": 2,
        "decision=refusee": 24,
        "decision=refus_beneficiaire": 8,
        "total": 123,
    }

    # CSV: the same cells, one line each.
    r = client.get(
        "/api/v1/indicateurs", params={**params, "format": "csv"}, headers=monde.h("gie")
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lignes = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff")), delimiter=";"))
    assert lignes[0][:3] == ["Code de l'indicateur", "Indicateur", "Unité"]
    grille = {(ln[5], ln[8]): int(ln[9]) for ln in lignes[1:] if ln[0] == "file_active_age_cible"}
    for c in CIBLES:
        for t, v in zip(TRANCHES, AGE_CIBLE[c]):
            assert grille[(c, t)] == v
        assert grille[(c, "total")] == TOTAUX_CIBLE[c]
    assert [grille[("total", t)] for t in TRANCHES] == TOTAUX_TRANCHE
    refus = {ln[5]: int(ln[9]) for ln in lignes[1:] if ln[0] == "refus_motif"}
    assert [
        refus[k]
        for k in (
            "droit_commun",
            "hors_cible",
            "territoire_non_couvert",
            "financement_non_disponible",
            "parc_prive",
            "total",
        )
    ] == [7, 2, 3, 0, 12, 24]
    sexe = {ln[5]: int(ln[9]) for ln in lignes[1:] if ln[0] == "file_active_sexe"}
    assert (sexe["homme"], sexe["femme"]) == (39, 20)
    # French spreadsheets: a BOM, « ; », and a decimal comma (39 of 59 = 66,1 %)
    assert r.content.startswith("\ufeff".encode())
    pct = {ln[5]: ln[10] for ln in lignes[1:] if ln[0] == "file_active_sexe"}
    assert (pct["homme"], pct["femme"], pct["total"]) == ("66,1", "33,9", "100")
    assert not any("." in ln[9] + ln[10] for ln in lignes[1:])

    # XLSX: parameters first, then the age × cible sheet laid out like the seed's table.
    r = client.get(
        "/api/v1/indicateurs", params={**params, "format": "xlsx"}, headers=monde.h("gie")
    )
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[0] == "Paramètres"
    assert wb["Paramètres"]["B4"].value == "2016-04-30"
    (nom,) = [n for n in wb.sheetnames if n.endswith("file_active_age_cible")]
    ws = wb[nom]
    assert ws["A1"].value == "File active par cible et tranche d'âge au 30/04/2016"
    entetes = [c.value for c in ws[5]]
    assert entetes[2:8] == [
        "20 à 30 ans",
        "30 à 40 ans",
        "40 à 50 ans",
        "50 à 60 ans",
        "60 à 70 ans",
        "70 à 80 ans",
    ]
    assert entetes[-1] == "Total"
    for i, c in enumerate(CIBLES):
        row = [x.value for x in ws[6 + i]]
        assert row[2:8] == AGE_CIBLE[c] and row[-1] == TOTAUX_CIBLE[c]
    assert [x.value for x in ws[6 + len(CIBLES)]][2:8] == TOTAUX_TRANCHE
    assert [x.value for x in ws[6 + len(CIBLES)]][-1] == 59


# --- seed 004: a year of flows (SIME 2023) -----------------------------------------------

ENTREES_2023 = [0, 0, 1, 0, 0, 0, 2, 1, 2, 2, 1, 1]
SORTIES_2023 = [2, 2, 1, 1, 0, 1, 0, 0, 1, 0, 0, 2]
# Active at least one day each month: worked out by hand from the stock (35 on 1 January),
# the entries on the 10th and the exits on the 15th (28th in December).
ACTIFS_2023 = [35, 33, 32, 31, 30, 30, 31, 32, 34, 35, 36, 37]


def seed_004(db, m):
    d = fab.dispositif(db, m, "SIME", cibles=[("prevention_expulsion", "Prévention des expulsions", False)])
    # The DDETS reads the bilan's exact counts: the partners' convention says so
    # (statistical secrecy set to 0 for this dispositif by the administrator).
    d.secret_statistique_seuil = 0
    autre = fab.dispositif(db, m, "AUTRE", financeur=organisation(db, TypeOrganisation.financeur, "Autre"), commission=organisation(db, TypeOrganisation.gie, "Autre GIE"), cibles=[])
    fab.convention(db, d, m.asso, date(2021, 1, 1), date(2023, 12, 31), 40)
    fab.convention(
        db, d, m.asso, date(2019, 1, 1), date(2020, 12, 31), 25
    )  # ended before: not counted
    fab.convention(db, autre, m.asso, date(2023, 1, 1), date(2023, 12, 31), 99)  # outside the scope

    def une(reception, mandat, **kw):
        men = fab.menage(db, m, organisation=m.asso, naissance=date(1975, 6, 1))
        o = fab.orientation(db, m, men, d, reception=reception, statut="acceptee", evenements=[("acceptee", mandat, None)], origine="ccapex")
        return fab.mesure(db, m, d, men=men, mandatement=mandat, cible="prevention_expulsion", orientation=o, **kw, statut="active")

    # 25 running all year: 7 referred in 2021, 18 in 2022.
    for k in range(25):
        annee = 2021 if k < 7 else 2022
        une(date(annee, 3, 1), date(annee, 3, 20), date_debut=date(annee, 4, 1))
    # 10 exits in 2023 (they were in the stock on 1 January).
    sorties = [  # (mandatement, date_debut, date_fin, motif, situation)
        (date(2022, 9, 1), None, date(2023, 1, 15), "non_adhesion", "sans_logement"),
        (
            date(2022, 9, 1),
            None,
            date(2023, 1, 15),
            "sanction_fin_prise_en_charge",
            "heberge_tiers",
        ),
        (date(2022, 10, 1), None, date(2023, 2, 15), "non_adhesion", "sans_logement"),
        (date(2022, 10, 1), None, date(2023, 2, 15), "non_adhesion", "heberge_tiers"),
        (
            date(2022, 11, 1),
            None,
            date(2023, 3, 15),
            "sanction_fin_prise_en_charge",
            "sans_logement",
        ),
        (date(2022, 12, 1), None, date(2023, 4, 15), "non_adhesion", "sans_logement"),
        (
            date(2021, 12, 1),
            date(2021, 12, 15),
            date(2023, 6, 15),
            "relogement",
            "locataire_parc_public",
        ),
        (
            date(2021, 5, 1),
            date(2021, 6, 1),
            date(2023, 9, 15),
            "reorientation_autre_dispositif",
            "logement_transition",
        ),
        (
            date(2020, 12, 1),
            date(2020, 12, 28),
            date(2023, 12, 28),
            "duree_maximale_atteinte",
            "locataire_parc_public",
        ),
        (
            date(2021, 1, 20),
            date(2021, 2, 1),
            date(2023, 12, 28),
            "glissement_bail",
            "locataire_parc_public",
        ),
    ]
    for mandat, debut, fin, motif, situation in sorties:
        une(
            mandat - timedelta(days=15),
            mandat,
            date_debut=debut,
            date_fin=fin,
            motif_fin=motif,
            situation_sortie=situation,
        )
    # 10 entries in 2023, on the 10th of their month.
    for mois, nb in enumerate(ENTREES_2023, start=1):
        for _ in range(nb):
            une(date(2023, mois, 1), date(2023, mois, 10))
    # Another dispositif's mesure: never in these figures.
    men = fab.menage(db, m, organisation=m.asso)
    fab.mesure(db, m, autre, men=men, mandatement=date(2023, 5, 5), cible="x", statut="active")
    return d


def test_seed_004_flux_d_une_annee(client, db, monde) -> None:
    d = seed_004(db, monde)
    params = {"du": "2023-01-01", "au": "2023-12-31", "dispositif": str(d.id)}
    doc = client.get("/api/v1/indicateurs", params=params, headers=monde.h("financeur")).json()
    mois = [f"2023-{k:02d}" for k in range(1, 13)]
    assert cellules(doc, "entrees_par_mois") == {
        **{f"mois={k}": v for k, v in zip(mois, ENTREES_2023)},
        "total": 10,
    }
    assert cellules(doc, "sorties_par_mois") == {
        **{f"mois={k}": v for k, v in zip(mois, SORTIES_2023)},
        "total": 10,
    }
    assert cellules(doc, "activite_par_mois") == {
        **{f"mois={k}": v for k, v in zip(mois, ACTIFS_2023)},
        "total": 396,
    }
    activite = cellules(doc, "activite")
    assert {k: activite[k] for k in list(activite)[:5]} == {
        "indicateur=mois_mesures": 396,
        "indicateur=mois_periode": 12,
        "indicateur=activite_moyenne": 33.0,
        "indicateur=objectif_menages": 40,
        "indicateur=taux_activite": 82.5,
    }
    assert cellules(doc, "file_active")["total"] == 35
    assert cellules(doc, "file_active_annee_orientation") == {
        "annee_orientation=2021": 7,
        "annee_orientation=2022": 18,
        "annee_orientation=2023": 10,
        "total": 35,
    }
    motifs = cellules(doc, "sorties_motif")
    assert (
        motifs["motif_fin=non_adhesion"],
        motifs["motif_fin=sanction_fin_prise_en_charge"],
        motifs["motif_fin=relogement"],
        motifs["total"],
    ) == (4, 2, 1, 10)
    assert cellules(doc, "sorties_duree") == {
        "duree=moins_6": 6,
        "duree=6_12": 0,
        "duree=12_24": 1,
        "duree=24_36": 2,
        "duree=36_plus": 1,
        "total": 10,
    }
    situations = cellules(doc, "sorties_situation")
    assert (
        situations["situation_sortie=sans_logement"],
        situations["situation_sortie=locataire_parc_public"],
    ) == (4, 3)
    # The year's stock identity: 35 on 1 January + 10 entries − 10 exits = 35 on 31 December.
    debut = client.get(
        "/api/v1/indicateurs",
        params={**params, "au": "2022-12-31", "du": "2022-01-01"},
        headers=monde.h("financeur"),
    ).json()
    assert cellules(debut, "file_active")["total"] == 35
