"""The indicators journey: the association and the funder open « Indicateurs »,
choose the dispositif and the year, read the figures the data implies, open the
files behind a figure (association only), and download the CSV and the XLSX.

The data (two referrals accepted, two mesures started, one ended today) is made
through the API by tests/e2e/donnees_indicateurs.py, for a second association so
that the figures do not depend on the other journeys of the session.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Serveur
from tests.e2e.donnees_indicateurs import HORIZON_EMAIL, HORIZON_PASSWORD, creer_donnees_indicateurs
from tests.e2e.test_parcours import se_connecter, se_deconnecter

pytestmark = pytest.mark.e2e

DISPOSITIF = "300 logements accompagnés (Ille-et-Vilaine)"
MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def _valeur(table: Any, ligne: str) -> Any:
    """The value cells of the row whose header is exactly `ligne`."""
    return (
        table.get_by_role("row")
        .filter(has=table.page.get_by_role("rowheader", name=ligne, exact=True))
        .get_by_role("cell")
    )


def _lignes_csv(contenu: bytes) -> list[dict[str, str]]:
    texte = contenu.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(texte), delimiter=";"))


def _cellule_csv(lignes: list[dict[str, str]], table: str, code: str) -> str:
    (ligne,) = [
        r
        for r in lignes
        if r["Code de l'indicateur"] == table and r["Code de la valeur 1"] == code and not r["Code de la valeur 2"]
    ]
    return ligne["Valeur"]


def test_association_et_financeur_lisent_les_indicateurs(page: Any, serveur: Serveur, capture: Any) -> None:
    d = creer_donnees_indicateurs(serveur)
    jour = d["aujourdhui"]
    annee = jour.year
    mois = f"{MOIS[jour.month - 1]} {annee}"
    age = d["age_en_cours"]
    tranche = f"{age // 10 * 10} à {age // 10 * 10 + 10} ans"
    nom_fichier = f"indicateurs_{annee}-01-01_{jour.isoformat()}"

    # The association opens Indicateurs: no association to choose, it sees its own mesures.
    se_connecter(page, HORIZON_EMAIL, HORIZON_PASSWORD)
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_role("link", name="Indicateurs").click()
    expect(page.get_by_role("heading", level=1, name="Indicateurs")).to_be_visible()
    expect(page.get_by_label("Association", exact=True)).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Périmètre :")).to_contain_text(
        "mesures portées par votre association"
    )

    # Last year: nothing yet.
    page.get_by_label("Dispositif", exact=True).select_option(label=DISPOSITIF)
    page.get_by_label("Période", exact=True).select_option(label=f"Année précédente ({annee - 1})")
    expect(page.get_by_role("textbox", name=re.compile(r"^Du\b"))).to_have_value(f"{annee - 1}-01-01")
    expect(page.get_by_role("textbox", name=re.compile(r"^Au\b"))).to_have_value(f"{annee - 1}-12-31")
    page.get_by_role("button", name="Afficher les indicateurs").click()
    expect(page).to_have_url(
        re.compile(rf"dispositif={serveur.ids['dispositif']}&du={annee - 1}-01-01&au={annee - 1}-12-31")
    )
    cibles = page.get_by_role("table", name="File active par cible", exact=True)
    expect(_valeur(cibles, "Total")).to_have_text("0")
    expect(page.get_by_text("Aucune mesure ni orientation sur ce périmètre et cette période")).to_be_visible()

    # This year, up to today: the mesure in progress, the one ended today.
    page.get_by_label("Période", exact=True).select_option(label=f"Année {annee}, jusqu'à aujourd'hui")
    page.get_by_role("button", name="Afficher les indicateurs").click()
    expect(page).to_have_url(re.compile(rf"du={annee}-01-01&au={jour.isoformat()}"))
    expect(_valeur(cibles, "Habitat adapté sur mesure")).to_have_text("1")
    expect(_valeur(cibles, "Santé mentale")).to_have_text("0")
    expect(_valeur(cibles, "Total")).to_have_text("1")
    expect(
        _valeur(page.get_by_role("table", name="Entrées (mandatements) par mois", exact=True), "Total")
    ).to_have_text("2")
    sorties = page.get_by_role("table", name="Sorties (fins de mesure) par mois", exact=True)
    expect(_valeur(sorties, mois)).to_have_text("1")
    expect(_valeur(page.get_by_role("table", name="Sorties par motif de fin", exact=True), "Relogement")).to_have_text(
        ["1", "100 %"]
    )
    # The charts say the same in words.
    expect(
        page.get_by_role(
            "img", name=re.compile(r"par cible\. Habitat adapté sur mesure : 1 ; Réassurance du locataire : 0")
        )
    ).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile(rf"par tranche d'âge du demandeur\..*{tranche} : 1"))
    ).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(rf"Sorties par mois.*{mois} : 1"))).to_be_visible()
    capture(page, "50-indicateurs-association")

    # A figure opens the files behind it: the mesure in progress, not the ended one.
    cibles.get_by_role("link", name="1 — voir les dossiers (File active par cible : Habitat adapté sur mesure)").click()
    panneau = page.get_by_role(
        "region", name="Dossiers derrière le chiffre : File active par cible — Habitat adapté sur mesure"
    )
    expect(panneau).to_be_visible()
    expect(panneau.get_by_role("heading")).to_be_focused()
    expect(page).to_have_url(re.compile(r"table=file_active_cible&cellule=cible%3Dhabitat_adapte_sur_mesure"))
    expect(panneau.get_by_role("status")).to_have_text("1 dossier.")
    expect(panneau.get_by_role("link", name=f"Mesure {d['en_cours']['reference']}")).to_be_visible()
    expect(panneau.get_by_role("link", name=f"Mesure {d['terminee']['reference']}")).to_have_count(0)
    capture(page, "51-indicateurs-dossiers-d-un-chiffre")
    # The link can be shared: the same files open from the address.
    page.reload()
    expect(panneau.get_by_role("link", name=f"Mesure {d['en_cours']['reference']}")).to_be_visible()
    panneau.get_by_role("button", name="Fermer la liste des dossiers").click()
    expect(panneau).to_have_count(0)
    expect(cibles.get_by_role("link", name=re.compile("Habitat adapté sur mesure"))).to_be_focused()
    sorties.get_by_role(
        "link", name=re.compile(rf"^1 — voir les dossiers \(Sorties \(fins de mesure\) par mois : {mois}\)")
    ).click()
    panneau_sorties = page.get_by_role("region", name=re.compile("Dossiers derrière le chiffre : Sorties"))
    expect(panneau_sorties.get_by_role("link", name=f"Mesure {d['terminee']['reference']}")).to_be_visible()

    # CSV and XLSX: the same document, under the server's file name.
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Télécharger (CSV)").click()
    fichier = telechargement.value
    assert fichier.suggested_filename == f"{nom_fichier}.csv"
    lignes = _lignes_csv(Path(fichier.path()).read_bytes())
    assert _cellule_csv(lignes, "file_active_cible", "habitat_adapte_sur_mesure") == "1"
    assert _cellule_csv(lignes, "file_active_cible", "total") == "1"
    assert _cellule_csv(lignes, "sorties_par_mois", f"{annee}-{jour.month:02d}") == "1"
    expect(page.get_by_text(f"Fichier « {nom_fichier}.csv » téléchargé.")).to_be_visible()
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Télécharger (XLSX)").click()
    fichier = telechargement.value
    assert fichier.suggested_filename == f"{nom_fichier}.xlsx"
    contenu = Path(fichier.path()).read_bytes()
    assert zipfile.is_zipfile(io.BytesIO(contenu))
    classeur = openpyxl.load_workbook(io.BytesIO(contenu))
    assert classeur.sheetnames[0] == "Paramètres"
    feuille = next(classeur[n] for n in classeur.sheetnames if n.endswith("file_active_cible"))
    valeurs = {r[0]: r[1] for r in feuille.iter_rows(min_row=6, values_only=True) if r[0]}
    assert valeurs["Habitat adapté sur mesure"] == 1
    assert valeurs["Total"] == 1

    # The funder: its dispositifs, aggregates only; it chooses the association.
    se_deconnecter(page)
    se_connecter(page, serveur.financeur_email, serveur.financeur_password)
    nav.get_by_role("link", name="Indicateurs").click()
    expect(nav.get_by_role("link", name="Ménages")).to_have_count(0)
    page.get_by_label("Dispositif", exact=True).select_option(label=DISPOSITIF)
    page.get_by_label("Association", exact=True).select_option(label="Association Horizon")
    page.get_by_label("Période", exact=True).select_option(label=f"Année {annee}, jusqu'à aujourd'hui")
    page.get_by_role("button", name="Afficher les indicateurs").click()
    expect(page).to_have_url(re.compile(rf"association={d['association']['id']}"))
    expect(page.get_by_role("status").filter(has_text="Périmètre :")).to_contain_text("agrégats seulement")
    expect(_valeur(cibles, "Habitat adapté sur mesure")).to_have_text("1")
    expect(_valeur(sorties, mois)).to_have_text("1")
    # No figure leads to files, and no name anywhere.
    expect(cibles.get_by_role("link")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("voir les dossiers"))).to_have_count(0)
    expect(page.get_by_text(re.compile("Le Bihan|Morvan"))).to_have_count(0)
    capture(page, "52-indicateurs-financeur")
    # A funder's document may be kept a few minutes: the screen says when it was computed,
    # and « Recalculer » asks the API for a fresh one (Cache-Control: no-cache).
    calcul = page.get_by_text(re.compile(r"Chiffres calculés le \d{2}/\d{2}/\d{4} à \d{2}:\d{2}\."))
    expect(calcul).to_be_visible()
    with page.expect_request(lambda r: "/api/v1/indicateurs?" in r.url and "format=" not in r.url) as demande:
        page.get_by_role("button", name="Recalculer").click()
    assert demande.value.headers.get("cache-control") == "no-cache"
    expect(_valeur(cibles, "Habitat adapté sur mesure")).to_have_text("1")
    expect(calcul).to_be_visible()
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Télécharger (CSV)").click()
    contenu = Path(telechargement.value.path()).read_bytes()
    assert _cellule_csv(_lignes_csv(contenu), "file_active_cible", "habitat_adapte_sur_mesure") == "1"
    assert b"Le Bihan" not in contenu and b"Morvan" not in contenu
    # A shared link to the files behind a figure says they are not for this organisation.
    page.goto(
        f"/indicateurs?{page.url.split('?', 1)[1]}&table=file_active_cible&cellule=cible%3Dhabitat_adapte_sur_mesure"
    )
    expect(
        page.get_by_text("Les dossiers derrière ce chiffre ne sont pas accessibles à votre organisation")
    ).to_be_visible()
    capture(page, "53-indicateurs-financeur-detail-refuse")
