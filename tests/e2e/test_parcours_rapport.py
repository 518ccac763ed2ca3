"""The report journey: an association opens « Rapports », creates its annual report from the
shipped model, writes a narrative section beside the preview, deposits it (after the
confirmation that it freezes the report), sees no écart, and downloads the PDF."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, Serveur
from tests.e2e.donnees import association
from tests.e2e.test_parcours import se_connecter

pytestmark = pytest.mark.e2e

EMAIL, MOT_DE_PASSE = "agent.e2e@rapports35.fr", "rapports-e2e-mot-de-passe-solide"
TEXTE = "Un temps d'échange avec la DDETS en mai a permis de revoir les pratiques."


def test_association_ecrit_et_depose_son_rapport(page: Any, serveur: Serveur, capture: Any) -> None:
    association(serveur, "Association Rapports", [(EMAIL, MOT_DE_PASSE, "Maëlle", "Le Goff")])
    se_connecter(page, EMAIL, MOT_DE_PASSE)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Rapports").click()
    expect(page.get_by_role("heading", level=1, name="Rapports")).to_be_visible()

    page.get_by_label("Modèle").select_option(label="Rapport d'activité annuel (v1)")
    page.get_by_label("Dispositif").select_option(index=1)
    page.get_by_label("Année").fill("2025")
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.get_by_role("heading", level=1, name="Rapport d'activité annuel")).to_be_visible()

    page.get_by_label("Événements marquants de l'année").fill(TEXTE)
    page.get_by_role("button", name="Enregistrer les textes").click()
    expect(page.get_by_text("Sections enregistrées.")).to_be_visible()
    apercu = page.frame_locator("iframe[title='Aperçu du rapport']")
    expect(apercu.get_by_text(TEXTE)).to_be_visible(timeout=60_000)
    expect(apercu.get_by_role("heading", name="La file active", exact=True)).to_be_visible()
    capture(page, "rapport-brouillon")
    # a full-page capture leaves the iframe blank: the preview gets a capture of its own
    page.locator("iframe[title='Aperçu du rapport']").screenshot(path=str(SCREENSHOTS / "rapport-apercu.png"))

    page.get_by_role("button", name="Déposer…").click()
    expect(page.get_by_text("Le dépôt fige le rapport")).to_be_visible()
    page.get_by_role("button", name="Confirmer le dépôt").click()
    expect(page.get_by_text("Rapport déposé le")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("Écarts depuis le dépôt (0)")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Déposer…")).to_have_count(0)
    with page.expect_download(timeout=60_000) as telechargement:
        page.get_by_role("button", name="Télécharger le PDF").click()
    with open(telechargement.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    capture(page, "rapport-depose")
