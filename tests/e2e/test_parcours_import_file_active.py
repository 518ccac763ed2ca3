"""The « Done means » of the caseload import, in Chromium: a responsable downloads the
template from the screen, fills it (written here with openpyxl, as her spreadsheet would
be), uploads it with three errors, reads the report on the screen, fixes them, imports
200 households whose mesures go back three years, and the indicators of the previous
year show them — to her on the screen, and to the funder through the API. Then the same
file again changes nothing, and one changed phone number changes only that household.

The expected figures are computed from the rows written below, not read back from the app.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import Serveur
from tests.e2e.test_parcours import se_connecter
from tests.e2e.test_parcours_indicateurs import DISPOSITIF, _valeur

pytestmark = pytest.mark.e2e

RESPONSABLE = "responsable.import@espoir35.fr"
MOT_DE_PASSE = "responsable-import-mot-de-passe"
N = 200
# Labels and codes mixed, as a real spreadsheet would have them.
CIBLES = ["Santé mentale", "reassurance_locataire", "Habitat adapté sur mesure"]


def _date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _lignes(aujourdhui: date) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """200 households, one mesure each: mandated one, two or three years ago (January to
    June), a fifth ended last November, a fifth ended today, the rest in progress."""
    a = aujourdhui.year
    menages, mesures = [], []
    for i in range(N):
        ref = f"DOS-{i:03d}"
        menages.append(
            {
                "reference_menage": ref,
                "nom": f"Importé{i:03d}",
                "prenom": "Anne" if i % 2 else "Yann",
                "date_naissance": _date(date(1960 + i % 40, 1 + i % 12, 1 + i % 28)),
                "sexe": "Femme" if i % 2 else "homme",
                "lien": "Demandeur",
                "commune_insee": "35238",
                "telephone": f"06 00 00 {i // 100:02d} {i % 100:02d}",
            }
        )
        mandatement = date(a - 3 + i % 3, 1 + i % 6, 1 + i % 20)
        debut = mandatement + timedelta(days=10)
        fin: dict[str, str] = {}
        if i % 5 == 0:
            fin = {"date_fin": _date(date(a - 1, 11, 15)), "motif_fin": "Relogement"}
            fin["situation_sortie"] = "Locataire du parc public"
        elif i % 5 == 1:
            fin = {"date_fin": _date(aujourdhui), "motif_fin": "Relogement"}
            fin["situation_sortie"] = "Locataire du parc public"
        mesures.append(
            {
                "reference_mesure": f"MES-{i:03d}",
                "reference_menage": ref,
                "dispositif": "300_logements_35",
                "cible": CIBLES[i % 3],
                "type_accompagnement": "Capacité à habiter",
                "acces_maintien": "Maintien",
                "date_mandatement": _date(mandatement),
                "date_debut": _date(debut),
                "adhesion_date": _date(debut),
                **fin,
            }
        )
    return menages, mesures


def _remplir(modele: bytes, menages: list[dict[str, str]], mesures: list[dict[str, str]]) -> bytes:
    """The downloaded template, its example rows removed, the rows written under its headers."""
    wb = load_workbook(io.BytesIO(modele))
    for nom, lignes in (
        ("Ménages et personnes", menages),
        ("Mesures", mesures),
        ("Ressources et dettes", []),
        ("Rendez-vous", []),
    ):
        ws = wb[nom]
        entetes = [c.value for c in ws[1]]
        ws.delete_rows(2, ws.max_row)
        for ligne in lignes:
            inconnues = set(ligne) - set(entetes)
            assert not inconnues, f"colonnes absentes du modèle « {nom} » : {inconnues}"
            ws.append([ligne.get(str(e), None) for e in entetes])
    flux = io.BytesIO()
    wb.save(flux)
    return flux.getvalue()


def _deposer(page: Any, chemin: Path) -> None:
    page.locator("#fichiers-import").set_input_files(str(chemin))
    page.get_by_role("button", name=re.compile("Essai à blanc")).click()


def _importer(page: Any, nom: str) -> Any:
    """Import the checked file; wait for this file's result (not an earlier one's), and
    return its line in the history (the newest first)."""
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_text(f"ligne(s) importée(s) depuis « {nom} »")).to_be_visible()
    ligne = (
        page.get_by_role("table", name="Historique des imports")
        .get_by_role("row")
        .filter(has_text=nom)
        .filter(has_text="Importé")
        .first
    )
    expect(ligne).to_be_visible()
    return ligne


def test_responsable_importe_sa_file_active_et_la_retrouve_dans_les_indicateurs(
    page: Any, serveur: Serveur, capture: Any, tmp_path: Path
) -> None:
    h_admin = {"Authorization": f"Bearer {serveur.jeton(serveur.admin_email, serveur.admin_password)}"}
    httpx.post(
        f"{serveur.url}/api/v1/utilisateurs",
        headers=h_admin,
        json={
            "email": RESPONSABLE,
            "nom": "Le Floch",
            "prenom": "Nolwenn",
            "organisation_id": serveur.ids["association"],
            "role": "responsable",
            "mot_de_passe": MOT_DE_PASSE,
        },
    ).raise_for_status()
    aujourdhui = date.today()
    annee = aujourdhui.year - 1

    se_connecter(page, RESPONSABLE, MOT_DE_PASSE)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Importer des dossiers").click()
    expect(page.get_by_role("heading", level=1, name="Importer des dossiers")).to_be_visible()
    expect(page.get_by_text("Aucun import pour l'instant.")).to_be_visible()

    # 1. The template, from the screen.
    with page.expect_download() as telechargement:
        page.get_by_role("button", name="Modèle XLSX (toutes les feuilles)").click()
    assert telechargement.value.suggested_filename == "ancrage-import-file-active.xlsx"
    modele = Path(telechargement.value.path()).read_bytes()

    # 2. Filled with three errors: a birth date in the future, a cible the dispositif does
    # not have, an access-or-maintenance value outside its list.
    menages, mesures = _lignes(aujourdhui)
    fautif_menages = [dict(m) for m in menages]
    fautif_mesures = [dict(m) for m in mesures]
    futur = _date(aujourdhui + timedelta(days=400))
    fautif_menages[4]["date_naissance"] = futur
    fautif_mesures[9]["cible"] = "Jeunes majeurs"
    fautif_mesures[20]["acces_maintien"] = "Les deux"
    faux = tmp_path / "file-active.xlsx"
    faux.write_bytes(_remplir(modele, fautif_menages, fautif_mesures))
    _deposer(page, faux)
    expect(page.get_by_text("3 erreur(s) : rien ne peut être importé")).to_be_visible()
    erreurs = page.get_by_role("table", name="Erreurs par ligne")
    expect(erreurs.get_by_role("row")).to_have_count(4)  # the header and three errors
    # Each error on its sheet, line (the header is line 1) and column, with its value.
    naissance = erreurs.get_by_role("row").filter(has_text=futur)
    expect(naissance).to_contain_text("Ménages et personnes")
    expect(naissance.get_by_role("cell").nth(1)).to_have_text("6")
    expect(naissance).to_contain_text("date_naissance")
    cible = erreurs.get_by_role("row", name=re.compile("Jeunes majeurs"))
    expect(cible).to_contain_text("Mesures")
    expect(cible.get_by_role("cell").nth(1)).to_have_text("11")
    expect(cible).to_contain_text("Santé mentale (sante_mentale)")  # what is allowed
    acces = erreurs.get_by_role("row", name=re.compile("Les deux"))
    expect(acces.get_by_role("cell").nth(1)).to_have_text("22")
    expect(acces).to_contain_text("acces_maintien")
    expect(acces).to_contain_text("Maintien (maintien)")
    expect(page.get_by_role("button", name="Importer", exact=True)).to_be_disabled()
    capture(page, "import-fa-1-trois-erreurs")

    # 3. Fixed, checked, imported.
    juste = tmp_path / "file-active-corrigee.xlsx"
    juste.write_bytes(_remplir(modele, menages, mesures))
    _deposer(page, juste)
    expect(page.get_by_text("Aucune erreur")).to_be_visible()
    expect(page.get_by_text(f"{2 * N} ligne(s) vérifiée(s)")).to_be_visible()
    historique = page.get_by_role("table", name="Historique des imports")
    derniere = _importer(page, "file-active-corrigee.xlsx")
    expect(derniere.get_by_role("cell").nth(5)).to_have_text(f"{N} / 0")
    expect(derniere.get_by_role("cell").nth(6)).to_have_text(f"{N} / 0")
    capture(page, "import-fa-2-importe")

    # 4. The same file again: nothing created, nothing modified.
    _deposer(page, juste)
    expect(page.get_by_text("Aucune erreur")).to_be_visible()
    expect(page.get_by_text("Import terminé")).to_have_count(0)  # the earlier result is gone
    _importer(page, "file-active-corrigee.xlsx")
    importes = historique.get_by_role("row").filter(has_text="Importé")
    expect(importes).to_have_count(2)
    expect(importes.first.get_by_role("cell").nth(5)).to_have_text("0 / 0")
    expect(importes.first.get_by_role("cell").nth(6)).to_have_text("0 / 0")

    # 5. One phone number changed: that household only.
    menages[7]["telephone"] = "02 99 00 00 07"
    telephone = tmp_path / "file-active-telephone.xlsx"
    telephone.write_bytes(_remplir(modele, menages, mesures))
    _deposer(page, telephone)
    expect(page.get_by_text("Aucune erreur")).to_be_visible()
    derniere = _importer(page, "file-active-telephone.xlsx")
    expect(derniere.get_by_role("cell").nth(5)).to_have_text("0 / 1")
    expect(derniere.get_by_role("cell").nth(6)).to_have_text("0 / 0")
    expect(
        page.get_by_role("table", name="Bilan par nature").last.get_by_role("row", name=re.compile("^Ménages"))
    ).to_have_text(re.compile(r"Ménages\s*0\s*1\s*199"))
    capture(page, "import-fa-3-reimports")
    h_resp = {"Authorization": f"Bearer {serveur.jeton(RESPONSABLE, MOT_DE_PASSE)}"}
    trouves = (
        httpx.get(f"{serveur.url}/api/v1/menages", headers=h_resp, params={"q": "Importé007"}).raise_for_status().json()
    )
    items = trouves["items"] if isinstance(trouves, dict) else trouves
    (trouve,) = items
    detail = httpx.get(f"{serveur.url}/api/v1/menages/{trouve['id']}", headers=h_resp).raise_for_status().json()
    assert detail["telephone"] == "02 99 00 00 07"

    # 6. The indicators of the previous year. The file active is counted on its last day
    # (31/12): every mesure was mandated by June of that year, and only the fifth ended in
    # its November is no longer in it; a third were mandated in it; that fifth left in it.
    en_cours = [i for i in range(N) if i % 5 != 0]
    entrees = sum(1 for i in range(N) if i % 3 == 2)
    sorties = N - len(en_cours)
    par_cible = {c: sum(1 for i in en_cours if i % 3 == k) for k, c in enumerate(CIBLES)}
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Indicateurs").click()
    expect(page.get_by_role("heading", level=1, name="Indicateurs")).to_be_visible()
    page.get_by_label("Dispositif", exact=True).select_option(label=DISPOSITIF)
    page.get_by_label("Période", exact=True).select_option(label=f"Année précédente ({annee})")
    page.get_by_role("button", name="Afficher les indicateurs").click()
    expect(page).to_have_url(re.compile(rf"du={annee}-01-01&au={annee}-12-31"))
    tableau = page.get_by_role("table", name="File active par cible", exact=True)
    expect(_valeur(tableau, "Total")).to_have_text(str(len(en_cours)))
    expect(_valeur(tableau, "Santé mentale")).to_have_text(str(par_cible["Santé mentale"]))
    expect(_valeur(tableau, "Habitat adapté sur mesure")).to_have_text(str(par_cible["Habitat adapté sur mesure"]))
    expect(_valeur(tableau, "Réassurance du locataire")).to_have_text(str(par_cible["reassurance_locataire"]))
    expect(
        _valeur(page.get_by_role("table", name="Entrées (mandatements) par mois", exact=True), "Total")
    ).to_have_text(str(entrees))
    expect(
        _valeur(page.get_by_role("table", name="Sorties (fins de mesure) par mois", exact=True), f"novembre {annee}")
    ).to_have_text(str(sorties))
    expect(
        _valeur(page.get_by_role("table", name="Sorties par motif de fin", exact=True), "Relogement").first
    ).to_have_text(str(sorties))
    capture(page, "import-fa-4-indicateurs-annee-precedente")

    # The funder reads the same aggregates at the dispositif's level (restricting them to the
    # only association carrying it would fall under statistical secrecy, and is refused).
    h_fin = {"Authorization": f"Bearer {serveur.jeton(serveur.financeur_email, serveur.financeur_password)}"}
    reponse = httpx.get(
        f"{serveur.url}/api/v1/indicateurs",
        headers=h_fin,
        params={
            "dispositif": serveur.ids["dispositif"],
            "du": f"{annee}-01-01",
            "au": f"{annee}-12-31",
        },
    )
    assert reponse.status_code == 200, reponse.text
    doc = reponse.json()
    (file_active,) = [t for t in doc["tableaux"] if t["code"] == "file_active_cible"]
    assert {c["cle"]: c["valeur"] for c in file_active["cellules"]}["total"] == len(en_cours)


def test_les_colonnes_d_un_autre_logiciel_s_associent_une_fois(
    page: Any, serveur: Serveur, capture: Any, tmp_path: Path
) -> None:
    """A file exported by another software, with its own headers: the screen proposes the
    mapping, the dry run then passes, and the next upload of the same export needs none."""
    from openpyxl import Workbook

    propres = {"Réf. dossier": "reference_menage", "Nom de famille": "nom", "Prénom usuel": "prenom"}
    wb = Workbook()
    ws = wb.active
    ws.title = "Ménages et personnes"
    ws.append([*propres, "lien", "date_naissance"])
    ws.append(["EXT-1", "Quéméner", "Loïc", "Demandeur", "02/02/1977"])
    mesures = wb.create_sheet("Mesures")
    entetes = ["reference_mesure", "reference_menage", "dispositif", "cible", "type_accompagnement"]
    mesures.append([*entetes, "acces_maintien", "date_mandatement"])
    mesures.append(["EXT-M1", "EXT-1", "300_logements_35", "Santé mentale", "Évaluation", "Accès", "03/03/2025"])
    fichier = tmp_path / "export-autre-logiciel.xlsx"
    wb.save(fichier)

    se_connecter(page, RESPONSABLE, MOT_DE_PASSE)
    page.goto("/import")
    expect(page.get_by_role("heading", level=1, name="Importer des dossiers")).to_be_visible()
    _deposer(page, fichier)
    section = page.get_by_role("region", name="Associer les colonnes de « Ménages et personnes »")
    expect(section).to_be_visible()
    expect(section.get_by_role("status")).to_contain_text("Référence du ménage, Nom, Prénom")
    # What the template's headers already say is recognised.
    expect(section.get_by_label("Colonne « lien » du fichier")).to_have_value("lien")
    bouton = section.get_by_role("button", name="Refaire l'essai avec ces colonnes")
    expect(bouton).to_be_disabled()
    for entete, cle in propres.items():
        section.get_by_label(f"Colonne « {entete} » du fichier").select_option(value=cle)
    capture(page, "import-fa-5-correspondance")
    bouton.click()
    expect(page.get_by_text("Aucune erreur")).to_be_visible()
    ligne = _importer(page, "export-autre-logiciel.xlsx")
    expect(ligne.get_by_role("cell").nth(5)).to_have_text("1 / 0")

    # Next time, the same export: no mapping asked, the kept one applies.
    page.reload()
    _deposer(page, fichier)
    expect(page.get_by_text("Aucune erreur")).to_be_visible()
    expect(page.get_by_role("region", name=re.compile("Associer les colonnes"))).to_have_count(0)
