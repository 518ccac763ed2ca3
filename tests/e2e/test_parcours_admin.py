"""The administration screens in headless Chromium (see conftest.py): the admin
configures a dispositif and its convention; a bailleur's responsable declares a
webhook and reads its delivery log. Screenshots: var/screenshots/6x-*.png.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Serveur
from tests.e2e.test_parcours import se_connecter

pytestmark = pytest.mark.e2e

BAILLEUR_EMAIL = "responsable.e2e@neotoa.fr"
BAILLEUR_PASSWORD = "bailleur-e2e-mot-de-passe-solide"


def _menu_admin(page: Any, entree: str) -> None:
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_role("button", name="Administration").click()
    nav.get_by_role("link", name=entree, exact=True).click()


def test_admin_configure_un_dispositif_et_sa_convention(
    page: Any, serveur: Serveur, capture: Any
) -> None:
    se_connecter(page, serveur.admin_email, serveur.admin_password)
    nav = page.get_by_role("navigation", name="Menu principal")
    expect(nav.get_by_role("link", name="Webhooks")).to_have_count(0)
    _menu_admin(page, "Dispositifs")
    expect(page.get_by_role("heading", level=1, name="Dispositifs")).to_be_visible()
    # The seed's dispositif is listed, with its sensitive cibles counted.
    ligne_seed = page.get_by_role("row", name=re.compile("300 logements accompagnés"))
    expect(ligne_seed).to_contain_text("5 dont 3 sensibles")
    page.get_by_role("link", name="Nouveau dispositif").click()
    expect(page.get_by_role("heading", level=1, name="Nouveau dispositif")).to_be_visible()

    page.locator('input[name="nom"]').fill("Accompagnement renforcé e2e")
    page.locator('input[name="code"]').fill("renforce_e2e")
    page.locator('select[name="financeur_id"]').select_option(label="DDETS 35")
    page.locator('select[name="commission_id"]').select_option(label="GIE Logement 35")
    page.locator('input[name="date_debut"]').fill("2026-01-01")
    page.locator('input[name="duree_max_mois"]').fill("24")
    # Two cibles, the second one sensitive; codes are derived from the labels.
    page.locator('input[name="cibles.0.libelle"]').fill("Réassurance du locataire")
    page.get_by_role("button", name="Ajouter une cible").click()
    page.locator('input[name="cibles.1.libelle"]').fill("Santé mentale")
    page.locator('input[name="cibles.1.libelle"]').blur()
    expect(page.locator('input[name="cibles.1.code"]')).to_have_value("sante_mentale")
    page.get_by_label("Cible 2 sensible").check(force=True)
    page.locator('input[name="types_accompagnement.0.libelle"]').fill("Évaluation")
    page.locator('input[name="types_accompagnement.0.duree_max_mois"]').fill("3")
    # Communes: one typed, two pasted at once; the second one is a wrong INSEE code.
    page.locator('input[name="communes.0"]').fill("35238")
    page.get_by_label("Ou coller plusieurs codes").fill("3523X, 35047")
    page.get_by_role("button", name="Ajouter ces codes").click()
    expect(page.locator('input[name="communes.2"]')).to_have_value("Bruz (35)")  # a code is read by its name
    page.get_by_role("button", name="Créer le dispositif").click()

    # The API's message shows under the commune at fault, not elsewhere.
    champ = page.locator(".fr-input-group", has=page.locator('input[name="communes.1"]'))
    expect(champ).to_have_class(re.compile("fr-input-group--error"))
    expect(champ).to_contain_text(re.compile("code commune INSEE invalide", re.IGNORECASE))
    expect(
        page.locator(".fr-input-group", has=page.locator('input[name="communes.0"]'))
    ).not_to_have_class(re.compile("fr-input-group--error"))
    expect(page.get_by_role("alert").first).to_contain_text("Le dispositif n'a pas été enregistré")
    capture(page, "6a-dispositif-erreur-insee")

    # Remove the wrong row, then save.
    page.get_by_role("button", name="Retirer la commune 2 (3523X)").click()
    expect(page.locator('input[name="communes.1"]')).to_have_value("Bruz (35)")
    page.get_by_role("button", name="Créer le dispositif").click()
    expect(page.get_by_text("Dispositif « Accompagnement renforcé e2e » créé.")).to_be_visible()
    ligne = page.get_by_role("row", name=re.compile("Accompagnement renforcé e2e"))
    expect(ligne).to_contain_text("2 dont 1 sensible")
    expect(ligne).to_contain_text("01/01/2026")
    capture(page, "6b-dispositifs-liste")

    # What the API stored.
    h = {"Authorization": f"Bearer {serveur.jeton(serveur.admin_email, serveur.admin_password)}"}
    items = httpx.get(f"{serveur.url}/api/v1/dispositifs", headers=h).json()["items"]
    d = next(i for i in items if i["code"] == "renforce_e2e")
    assert [(c["code"], c["sensible"], c["ordre"]) for c in d["cibles"]] == [
        ("reassurance_du_locataire", False, 1),
        ("sante_mentale", True, 2),
    ]
    assert d["communes"] == ["35047", "35238"]
    assert (d["duree_max_mois"], d["types_accompagnement"][0]["duree_max_mois"]) == (24, 3)

    # Edit: the form comes back with the sensitive flag; the lists are replaced.
    ligne.get_by_role("link", name="Modifier").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Modifier le dispositif"))).to_be_visible()
    expect(page.get_by_label("Cible 2 sensible")).to_be_checked()
    expect(page.get_by_label("Cible 1 sensible")).not_to_be_checked()
    page.locator('input[name="duree_max_mois"]').fill("30")
    page.get_by_role("button", name="Ajouter une commune").click()
    page.locator('input[name="communes.2"]').fill("35288")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Dispositif « Accompagnement renforcé e2e » enregistré.")).to_be_visible()
    d = httpx.get(f"{serveur.url}/api/v1/dispositifs/{d['id']}", headers=h).json()
    assert (d["duree_max_mois"], d["communes"]) == (30, ["35047", "35238", "35288"])

    # A co-funder (issue 16), created before the conventions screen lists the organisations.
    httpx.post(
        f"{serveur.url}/api/v1/organisations",
        json={"nom": "Conseil départemental e2e", "type": "financeur"},
        headers=h,
    ).raise_for_status()
    # Its convention with the association, from the dispositif's row.
    ligne = page.get_by_role("row", name=re.compile("Accompagnement renforcé e2e"))
    ligne.get_by_role("link", name="Conventions").click()
    expect(page.get_by_role("heading", level=1, name="Conventions")).to_be_visible()
    expect(page.get_by_text("Aucune convention.")).to_be_visible()
    page.locator('select[name="association_id"]').select_option(label="Association Espoir 35")
    page.locator('input[name="date_debut"]').fill("2026-01-01")
    page.locator('input[name="date_fin"]').fill("2027-12-31")
    page.locator('input[name="objectif_menages"]').fill("25")
    page.locator('input[name="budget_euros"]').fill("150 000")
    page.locator('input[name="communes.0"]').fill("35238")
    # Two funders whose shares add up to 90 %: the API refuses, the error shows by the funders.
    page.get_by_role("button", name="Ajouter un financeur").click()
    page.get_by_role("button", name="Ajouter un financeur").click()
    page.locator('select[name="financeurs.0.financeur_id"]').select_option(label="DDETS 35")
    page.locator('input[name="financeurs.0.part"]').fill("60")
    page.locator('select[name="financeurs.1.financeur_id"]').select_option(label="Conseil départemental e2e")
    page.locator('input[name="financeurs.1.part"]').fill("30")
    expect(page.get_by_text("Total : 90 % (la somme doit faire 100 %)")).to_be_visible()
    page.get_by_role("button", name="Créer la convention").click()
    expect(page.get_by_role("alert").filter(has_text="la somme des parts doit faire 100 %").first).to_be_visible()
    page.locator('input[name="financeurs.1.part"]').fill("40")
    expect(page.get_by_text("Total : 100 %")).to_be_visible()
    page.get_by_role("button", name="Créer la convention").click()
    expect(page.get_by_text(re.compile("Convention de Association Espoir 35 .* créée"))).to_be_visible()
    ligne_c = page.get_by_role("row", name=re.compile("Association Espoir 35"))
    expect(ligne_c).to_contain_text("DDETS 35 (60 %), Conseil départemental e2e (40 %)")
    expect(ligne_c).to_contain_text("01/01/2026 → 31/12/2027")
    expect(ligne_c).to_contain_text("Accompagnement renforcé e2e")
    expect(ligne_c).to_contain_text("150")
    capture(page, "6c-conventions")

    # The filter: the seed's dispositif has its own convention, not this one.
    page.locator('select[name="filtre_dispositif"]').select_option(
        label="300 logements accompagnés (Ille-et-Vilaine)"
    )
    expect(page.get_by_text("1 convention(s)")).to_be_visible()
    expect(page.get_by_role("cell", name="Accompagnement renforcé e2e")).to_have_count(0)


def test_responsable_bailleur_gere_ses_webhooks(page: Any, serveur: Serveur, capture: Any) -> None:
    h = {"Authorization": f"Bearer {serveur.jeton(serveur.admin_email, serveur.admin_password)}"}
    httpx.post(
        f"{serveur.url}/api/v1/utilisateurs",
        headers=h,
        json={
            "email": BAILLEUR_EMAIL,
            "nom": "Le Bris",
            "prenom": "Yann",
            "organisation_id": serveur.ids["bailleur"],
            "role": "responsable",
            "mot_de_passe": BAILLEUR_PASSWORD,
        },
    ).raise_for_status()
    se_connecter(page, BAILLEUR_EMAIL, BAILLEUR_PASSWORD)
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1, name="Webhooks")).to_be_visible()
    expect(page.get_by_text("Aucun webhook déclaré pour votre organisation.")).to_be_visible()

    # A malformed URL: the message shows under the field.
    page.locator('input[name="url"]').fill("pas-une-adresse")
    page.get_by_role("button", name="Créer le webhook").click()
    champ = page.locator(".fr-input-group", has=page.locator('input[name="url"]'))
    expect(champ).to_have_class(re.compile("fr-input-group--error"))

    # An address inside the network (here, the database's port): refused under the field too.
    page.locator('input[name="url"]').fill("https://127.0.0.1:5432/")
    page.get_by_role("button", name="Créer le webhook").click()
    expect(champ).to_have_class(re.compile("fr-input-group--error"))

    page.locator('input[name="url"]').fill("https://si.neotoa.example/ancrage/webhook")
    tire = page.locator('input[name="secret"]').input_value()
    assert re.fullmatch(r"[0-9a-f]{64}", tire)
    page.get_by_role("button", name="Créer le webhook").click()
    secret = page.get_by_test_id("secret-webhook")
    expect(secret).to_have_text(tire)
    expect(page.get_by_text("Ce secret ne sera plus jamais affiché")).to_be_visible()
    # The next one gets a fresh secret.
    assert page.locator('input[name="secret"]').input_value() != tire
    ligne = page.get_by_role("row", name="si.neotoa.example/ancrage/webhook")
    expect(ligne).to_contain_text("Actif")
    capture(page, "6d-webhook-secret")

    ligne.get_by_role("link", name="Livraisons").click()
    expect(page.get_by_role("heading", level=1, name="Livraisons du webhook")).to_be_visible()
    expect(page.get_by_text(re.compile("Aucune livraison pour l'instant"))).to_be_visible()
    capture(page, "6e-webhook-livraisons")

    # Delete, after a confirmation.
    page.get_by_role("link", name="Retour aux webhooks").click()
    page.get_by_role("button", name=re.compile("Supprimer")).click()
    confirmation = page.get_by_role("alertdialog")
    expect(confirmation).to_contain_text("Supprimer le webhook")
    capture(page, "6f-webhook-confirmation")
    confirmation.get_by_role("button", name="Annuler").click()
    expect(page.get_by_role("row", name="si.neotoa.example")).to_have_count(1)
    page.get_by_role("button", name=re.compile("Supprimer")).click()
    page.get_by_role("button", name="Confirmer la suppression").click()
    expect(page.get_by_text("Aucun webhook déclaré pour votre organisation.")).to_be_visible()

    # The responsable also manages their organisation's accounts.
    nav.get_by_role("link", name="Comptes").click()
    expect(page.get_by_role("heading", level=1, name="Comptes")).to_be_visible()
    ligne = page.get_by_role("row", name=re.compile(BAILLEUR_EMAIL))
    expect(ligne).to_contain_text("Néotoa")
    expect(page.locator('select[name="organisation_id"]')).to_have_count(0)
    ligne.get_by_role("button", name="Débloquer").click()
    expect(page.get_by_text("Blocage levé : Yann Le Bris peut de nouveau se connecter.")).to_be_visible()
    capture(page, "6g-comptes-responsable")
