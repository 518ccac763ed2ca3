"""One compact journey in Chromium: a responsable signs in with the official ProConnect button
(a real OpenID provider, oidc-provider, on a loopback port), goes through the provider's
pages, comes back signed in, then imports caseload files: dry run with an error, the
corrected file, the import, the history."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.e2e.conftest import Serveur

OIDC = Path(__file__).resolve().parents[1] / "oidc"
RESPONSABLE = "responsable.e2e@espoir35.fr"
_fournisseur: dict[str, Any] = {}


def ENV_SERVEUR(port: int) -> dict[str, str]:  # read by conftest's serveur
    node = shutil.which("node")
    if node is None or not (OIDC / "node_modules" / "oidc-provider").exists():
        pytest.skip("fournisseur OpenID de test absent (node, ou `make oidc`)")
    port_oidc = port + 1 if port < 65000 else port - 1
    proc = subprocess.Popen(
        [node, "server.js"],
        cwd=OIDC,
        env=os.environ
        | {
            "PORT": str(port_oidc),
            "REDIRECT_URI": f"http://127.0.0.1:{port}/api/v1/auth/proconnect/retour",
            "POST_LOGOUT_URI": f"http://127.0.0.1:{port}/connexion",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().startswith("pret")
    _fournisseur["proc"] = proc
    return {
        "ANCRAGE_PROCONNECT_ACTIF": "true",
        "ANCRAGE_PROCONNECT_ISSUER": f"http://127.0.0.1:{port_oidc}",
        "ANCRAGE_PROCONNECT_CLIENT_ID": "ancrage-test",
        "ANCRAGE_PROCONNECT_CLIENT_SECRET": "secret-de-test",
    }


@pytest.fixture(scope="module", autouse=True)
def _arreter_fournisseur() -> Any:
    yield
    proc = _fournisseur.pop("proc", None)
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def _classeur(cible: str) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    menages = wb.create_sheet("Ménages et personnes")
    menages.append(["reference_menage", "nom", "prenom", "date_naissance", "sexe", "lien", "commune_insee"])
    mesures = wb.create_sheet("Mesures")
    mesures.append(
        [
            "reference_mesure",
            "reference_menage",
            "dispositif",
            "cible",
            "type_accompagnement",
            "acces_maintien",
            "date_mandatement",
            "date_debut",
            "adhesion_date",
            "date_fin",
            "motif_fin",
            "situation_sortie",
        ]
    )
    for i in range(1, 4):
        menages.append([f"E2E-{i}", f"Kerleau{i}", "Anne", f"0{i}/02/1980", "Femme", "Demandeur", "35238"])
        fin = ["30/06/2024", "Relogement", "Locataire du parc public"] if i == 3 else []
        mesures.append(
            [
                f"S-E2E-{i}",
                f"E2E-{i}",
                "300_logements_35",
                cible if i == 2 else "Santé mentale",
                "Capacité à habiter",
                "Maintien",
                "02/05/2023",
                "15/05/2023",
                "15/05/2023",
                *fin,
            ]
        )
    flux = io.BytesIO()
    wb.save(flux)
    return flux.getvalue()


def test_proconnect_puis_import_de_la_file_active(page: Any, serveur: Serveur, capture: Any, tmp_path: Path) -> None:
    h = {"Authorization": f"Bearer {serveur.jeton(serveur.admin_email, serveur.admin_password)}"}
    asso = serveur.ids["association"]
    httpx.patch(
        f"{serveur.url}/api/v1/organisations/{asso}", headers=h, json={"proconnect_autorise": True}
    ).raise_for_status()
    httpx.post(
        f"{serveur.url}/api/v1/utilisateurs",
        headers=h,
        json={
            "email": RESPONSABLE,
            "nom": "Le Floch",
            "prenom": "Nolwenn",
            "organisation_id": asso,
            "role": "responsable",
            "mot_de_passe": "responsable-e2e-mot-de-passe",
        },
    ).raise_for_status()

    page.goto("/connexion")
    bouton = page.get_by_role("link", name=re.compile("S.identifier avec ProConnect"))
    expect(bouton).to_be_visible()
    capture(page, "proconnect-1-connexion")
    bouton.click()
    # The provider's own pages: its login form (the login is the e-mail), then its consent.
    page.locator('input[name="login"]').fill(RESPONSABLE)
    page.locator('input[name="password"]').fill("peu importe")
    page.locator('button[type="submit"]').click()
    page.locator('button[type="submit"]').click()
    expect(page.get_by_role("heading", level=1, name="Tableau de bord")).to_be_visible()

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Importer des dossiers").click()
    expect(page.get_by_role("heading", level=1, name="Importer des dossiers")).to_be_visible()
    faux = tmp_path / "file-active.xlsx"
    faux.write_bytes(_classeur("Jeunes majeurs"))
    page.locator("#fichiers-import").set_input_files(str(faux))
    page.get_by_role("button", name=re.compile("Essai à blanc")).click()
    expect(page.get_by_text("1 erreur(s) : rien ne peut être importé")).to_be_visible()
    ligne = page.get_by_role("row", name=re.compile("Jeunes majeurs"))
    expect(ligne).to_contain_text("Mesures")
    expect(ligne).to_contain_text("Santé mentale (sante_mentale)")
    expect(page.get_by_role("button", name="Importer", exact=True)).to_be_disabled()
    capture(page, "import-1-rapport-erreurs")

    juste = tmp_path / "file-active-corrigee.xlsx"
    juste.write_bytes(_classeur("Réassurance du locataire"))
    page.locator("#fichiers-import").set_input_files(str(juste))
    page.get_by_role("button", name=re.compile("Essai à blanc")).click()
    expect(page.get_by_text("Aucune erreur")).to_be_visible()
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_text("Import terminé")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("file-active-corrigee.xlsx.*Importé"))).to_be_visible()
    capture(page, "import-2-importe")
