"""A large caseload file in Chromium: above ANCRAGE_IMPORT_LIGNES_SYNCHRONES lines the dry
run and the import are background tasks. The responsable deposits, sees the task waiting,
leaves the screen and comes back to find it again (the task lives in the database), then
the worker (``python -m api notifications``, the e-mails' one) runs it: the report, then the
import, followed on the screen until « Import terminé ».
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, Serveur
from tests.e2e.test_parcours import se_connecter
from tests.e2e.test_parcours_import_file_active import _lignes, _remplir

pytestmark = pytest.mark.e2e

RESPONSABLE = "responsable.fond@espoir35.fr"
MOT_DE_PASSE = "responsable-fond-mot-de-passe"
N = 20  # households: 40 lines, above the threshold below


def ENV_SERVEUR(port: int) -> dict[str, str]:  # the name tests/e2e/conftest.py reads
    return {"ANCRAGE_IMPORT_LIGNES_SYNCHRONES": "10"}


def _ecran(page: Any) -> None:
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Importer des dossiers").click()
    expect(page.get_by_role("heading", level=1, name="Importer des dossiers")).to_be_visible()


def test_un_gros_fichier_se_suit_en_tache_de_fond_et_se_retrouve(
    page: Any, serveur: Serveur, capture: Any, tmp_path: Path
) -> None:
    h_admin = {"Authorization": f"Bearer {serveur.jeton(serveur.admin_email, serveur.admin_password)}"}
    httpx.post(
        f"{serveur.url}/api/v1/utilisateurs",
        headers=h_admin,
        json={
            "email": RESPONSABLE,
            "nom": "Le Bihan",
            "prenom": "Gwen",
            "organisation_id": serveur.ids["association"],
            "role": "responsable",
            "mot_de_passe": MOT_DE_PASSE,
        },
    ).raise_for_status()
    h_resp = {"Authorization": f"Bearer {serveur.jeton(RESPONSABLE, MOT_DE_PASSE)}"}
    modele = httpx.get(f"{serveur.url}/api/v1/imports/modele.xlsx", headers=h_resp).raise_for_status().content
    menages, mesures = _lignes(date.today())
    fichier = tmp_path / "grosse-file.xlsx"
    fichier.write_bytes(_remplir(modele, menages[:N], mesures[:N]))

    se_connecter(page, RESPONSABLE, MOT_DE_PASSE)
    _ecran(page)
    page.locator("#fichiers-import").set_input_files(str(fichier))
    page.get_by_role("button", name=re.compile("Essai à blanc")).click()
    # No worker yet: the task waits, and says it may be left.
    expect(page.get_by_role("heading", name=re.compile("Essai à blanc en cours"))).to_be_visible()
    expect(page.get_by_text("Vous pouvez quitter cet écran et revenir")).to_be_visible()
    expect(page.locator("progress#progression-import")).to_be_visible()
    expect(page.get_by_text(f"Lignes lues : {2 * N}")).to_be_visible()

    # Leave, come back: the history shows the task, and the screen follows it again.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", level=1, name="Tableau de bord")).to_be_visible()
    _ecran(page)
    historique = page.get_by_role("table", name="Historique des imports")
    expect(historique.get_by_role("row").filter(has_text="grosse-file.xlsx")).to_contain_text(
        f"En attente du traitement (0 / {2 * N} lignes écrites)"
    )
    expect(page.get_by_role("heading", name=re.compile("Essai à blanc en cours"))).to_be_visible()
    capture(page, "import-fond-1-en-attente")

    # The worker, as production runs it, on the server's database.
    travailleur = subprocess.Popen(
        [sys.executable, "-m", "api", "notifications", "--intervalle", "0.5"],
        env=serveur.env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        expect(page.get_by_text("Aucune erreur")).to_be_visible(timeout=60_000)
        # The file input was emptied by leaving the screen: the report asks for the file again.
        expect(page.get_by_text(f"{2 * N} ligne(s) vérifiée(s). Pour importer, choisissez à nouveau")).to_be_visible()
        expect(page.get_by_role("button", name="Importer", exact=True)).to_be_disabled()
        page.locator("#fichiers-import").set_input_files(str(fichier))
        page.get_by_role("button", name="Importer", exact=True).click()
        expect(page.get_by_role("heading", name=re.compile("Import en cours"))).to_be_visible()
        expect(page.get_by_text("ligne(s) importée(s) depuis « grosse-file.xlsx »")).to_be_visible(timeout=60_000)
        ligne = historique.get_by_role("row").filter(has_text="grosse-file.xlsx").filter(has_text="Importé").first
        expect(ligne.get_by_role("cell").nth(5)).to_have_text(f"{N} / 0")
        capture(page, "import-fond-2-importe")
    finally:
        travailleur.terminate()
        try:
            travailleur.wait(timeout=10)
        except subprocess.TimeoutExpired:
            travailleur.kill()
