"""Journeys through the real app in headless Chromium (see conftest.py).

Each step checks what a person sees; screenshots of the main screens are saved
under var/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Serveur

pytestmark = pytest.mark.e2e


def se_connecter(page: Any, email: str, password: str) -> None:
    page.goto("/connexion")
    # The page first asks whether a session is still open and whether ProConnect is offered:
    # typing before those answers could be lost when the form is drawn again.
    page.wait_for_load_state("networkidle")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1, name="Tableau de bord")).to_be_visible()


def se_deconnecter(page: Any) -> None:
    """Sign out, and wait for the sign-in page: the sign-out is a request of the app's. A
    test that went on at once (``page.goto``) could cut it short, and the next sign-in page
    found the session still open and went on to the dashboard (a flaky e2e in CI)."""
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/connexion$"))
    expect(page.get_by_label("Courriel")).to_be_visible()


def test_agent_association_ouvre_cherche_et_modifie_un_menage(
    page: Any, serveur: Serveur, capture: Any
) -> None:
    # Not signed in: any screen leads to the sign-in page.
    page.goto("/menages")
    expect(page).to_have_url(re.compile(r"/connexion$"))
    expect(page.get_by_role("heading", level=1, name="Connexion")).to_be_visible()
    capture(page, "01-connexion")

    # A wrong password gets a clear French message.
    page.get_by_label("Courriel").fill(serveur.agent_email)
    page.get_by_label("Mot de passe", exact=True).fill("pas-le-bon-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Courriel ou mot de passe incorrect.")
    capture(page, "02-connexion-refusee")

    page.get_by_label("Mot de passe", exact=True).fill(serveur.agent_password)
    page.get_by_role("button", name="Se connecter").click()
    # Back to the screen first asked for.
    expect(page.get_by_role("heading", level=1, name="Ménages")).to_be_visible()
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", level=1, name="Tableau de bord")).to_be_visible()
    expect(page.get_by_text("Association Espoir 35").first).to_be_visible()
    expect(nav.get_by_role("link", name="Ménages")).to_be_visible()
    expect(nav.get_by_role("button", name="Administration")).to_have_count(0)
    capture(page, "03-tableau-de-bord-association")

    # The session survives a reload (new access token through the httpOnly cookie).
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Tableau de bord")).to_be_visible()

    nav.get_by_role("link", name="Ménages").click()
    expect(
        page.get_by_text("Aucun dossier ménage visible pour votre organisation.")
    ).to_be_visible()
    page.get_by_role("link", name="Nouveau ménage").click()
    expect(page.get_by_role("heading", level=1, name="Nouveau ménage")).to_be_visible()

    page.locator('input[name="personnes.0.nom"]').fill("Le Goff")
    page.locator('input[name="personnes.0.prenom"]').fill("Maëlle")
    page.locator('input[name="personnes.0.date_naissance"]').fill("1979-03-14")
    page.locator('select[name="personnes.0.sexe"]').select_option("femme")
    page.get_by_role("button", name="Ajouter une personne").click()
    page.locator('input[name="personnes.1.nom"]').fill("Le Goff")
    page.locator('input[name="personnes.1.prenom"]').fill("Tom")
    page.locator('input[name="personnes.1.date_naissance"]').fill("2015-06-02")
    page.locator('select[name="statut_occupation"]').select_option("locataire_parc_public")
    page.locator('select[name="bailleur_id"]').select_option(label="Néotoa")
    page.get_by_role("button", name="Ajouter une ressource").click()
    page.locator('select[name="ressources.0.type"]').select_option("rsa")
    page.locator('input[name="ressources.0.montant_mensuel"]').fill("607")
    page.get_by_role("button", name="Ajouter une dette").click()
    page.locator('input[name="dettes.0.montant"]').fill("2 400")
    # A wrong INSEE code: the API's message shows next to the field.
    page.locator('input[name="commune_insee"]').fill("3523")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    champ_commune = page.locator(".fr-input-group", has=page.locator('input[name="commune_insee"]'))
    expect(champ_commune).to_contain_text(re.compile("format invalide", re.IGNORECASE))
    expect(champ_commune).to_have_class(re.compile("fr-input-group--error"))
    capture(page, "04-menage-creation-erreur-champ")

    # The commune by its name: « Rennes », chosen among the référentiel's suggestions.
    page.get_by_role("combobox", name=re.compile("^Commune")).fill("Rennes")
    page.get_by_role("option", name="Rennes — 35000, 35200, 35700 — Ille-et-Vilaine").click()
    expect(page.get_by_role("combobox", name=re.compile("^Commune"))).to_have_value("Rennes (35)")
    capture(page, "04-menage-commune-par-son-nom")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile(r"^Dossier M-\d{4}-\d{6}$"))
    ).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Dossier ")
    expect(page.get_by_text(f"Dossier {reference} ouvert.")).to_be_visible()
    expect(page.get_by_role("cell", name="14/03/1979")).to_be_visible()
    expect(page.get_by_role("cell", name="02/06/2015")).to_be_visible()
    expect(page.get_by_text("Femme seule avec enfant(s)")).to_be_visible()
    expect(page.get_by_text("Néotoa")).to_be_visible()
    expect(page.get_by_role("cell", name="RSA")).to_be_visible()
    expect(page.get_by_text("Rennes", exact=True)).to_be_visible()  # the commune by its name, not 35238
    capture(page, "05-menage-fiche")
    url_fiche = page.url

    # The same demandeur again: the duplicate is shown with a link to the existing file.
    page.goto("/menages/nouveau")
    page.locator('input[name="personnes.0.nom"]').fill("LE GOFF")
    page.locator('input[name="personnes.0.prenom"]').fill("Maelle")
    page.locator('input[name="personnes.0.date_naissance"]').fill("1979-03-14")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    expect(page.get_by_text("Ce ménage existe peut-être déjà")).to_be_visible()
    expect(page.get_by_role("link", name=f"Ouvrir le dossier {reference}")).to_be_visible()
    capture(page, "06-menage-doublon")
    # "C'est une autre personne": the file is opened anyway (doublon_confirme).
    page.get_by_role("button", name=re.compile("C'est une autre personne")).click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Dossier M-"))).to_be_visible()
    assert page.get_by_role("heading", level=1).inner_text() != f"Dossier {reference}"

    # Search, without accents or case.
    page.goto("/menages")
    page.get_by_role("main").get_by_label("Rechercher un ménage").fill("le goff")
    page.get_by_role("main").get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("2 ménages pour « le goff »")).to_be_visible()
    capture(page, "07-menages-recherche")
    page.get_by_role("link", name=reference).click()
    expect(page).to_have_url(url_fiche)

    # Edit.
    page.get_by_role("link", name="Modifier").click()
    expect(
        page.get_by_role("heading", level=1, name=f"Modifier le dossier {reference}")
    ).to_be_visible()
    page.locator('input[name="adresse"]').fill("12 rue de Brest, Rennes")
    capture(page, "08-menage-modification")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(f"Dossier {reference} enregistré.")).to_be_visible()
    expect(page.get_by_text("12 rue de Brest, Rennes")).to_be_visible()

    # Someone else saves the file meanwhile: the edit gets 412 and offers a reload.
    page.get_by_role("link", name="Modifier").click()
    expect(page.locator('input[name="adresse"]')).to_have_value("12 rue de Brest, Rennes")
    menage_id = url_fiche.rsplit("/", 1)[1]
    h = {"Authorization": f"Bearer {serveur.jeton(serveur.agent_email, serveur.agent_password)}"}
    lu = httpx.get(f"{serveur.url}/api/v1/menages/{menage_id}", headers=h)
    httpx.patch(
        f"{serveur.url}/api/v1/menages/{menage_id}",
        json={"telephone": "02 99 00 00 00"},
        headers={**h, "If-Match": lu.headers["ETag"]},
    ).raise_for_status()
    page.locator('input[name="adresse"]').fill("14 rue de Brest, Rennes")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le dossier a changé entre-temps")).to_be_visible()
    capture(page, "09-menage-version-perimee")
    page.get_by_role("button", name="Recharger le dossier").click()
    expect(page.locator('input[name="telephone"]')).to_have_value("02 99 00 00 00")
    expect(page.get_by_text("Le dossier a changé entre-temps")).to_have_count(0)

    se_deconnecter(page)
    expect(page.get_by_role("heading", level=1, name="Connexion")).to_be_visible()


def test_session_revoquee_ramene_a_la_connexion(page: Any, serveur: Serveur, capture: Any) -> None:
    se_connecter(page, serveur.agent_email, serveur.agent_password)
    # The dashboard's own calls must be over first: one answered 401 after the revocation
    # would lead to the sign-in page before the click below (a race seen in CI).
    for section in ("Alertes", "Mes mesures", "Mes prochains rendez-vous"):
        expect(page.get_by_role("region", name=section)).to_be_visible()
    expect(page.get_by_text(re.compile("^Chargement des"))).to_have_count(0)
    # The session is revoked behind the app's back (as a logout in another tab would):
    # the next call gets 401, the refresh fails too, and the app says the session expired.
    page.evaluate("fetch('/api/v1/auth/logout', {method: 'POST'})")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Ménages"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Connexion")).to_be_visible()
    expect(page.get_by_text("Votre session a expiré")).to_be_visible()
    capture(page, "10-session-expiree")
    # Signing in again goes back to the screen asked for.
    page.get_by_label("Courriel").fill(serveur.agent_email)
    page.get_by_label("Mot de passe", exact=True).fill(serveur.agent_password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1, name="Ménages")).to_be_visible()


def test_admin_cree_un_utilisateur_et_un_client_api(
    page: Any, serveur: Serveur, capture: Any
) -> None:
    se_connecter(page, serveur.admin_email, serveur.admin_password)
    nav = page.get_by_role("navigation", name="Menu principal")
    expect(nav.get_by_role("link", name="Ménages")).to_have_count(0)
    nav.get_by_role("button", name="Administration").click()
    nav.get_by_role("link", name="Utilisateurs").click()
    expect(page.get_by_role("heading", level=1, name="Utilisateurs")).to_be_visible()

    page.locator('input[name="prenom"]').fill("Paul")
    page.locator('input[name="nom"]').fill("Durand")
    page.locator('input[name="email"]').fill("paul.durand@espoir35.fr")
    page.locator('select[name="organisation_id"]').select_option(
        label="Association Espoir 35 (Association)"
    )
    page.locator('select[name="role"]').select_option("responsable")
    # Too short a password: the API's message shows under the field.
    page.locator('input[name="mot_de_passe"]').fill("court")
    page.get_by_role("button", name="Créer le compte").click()
    champ = page.locator(".fr-input-group", has=page.locator('input[name="mot_de_passe"]'))
    expect(champ).to_contain_text("12")
    page.locator('input[name="mot_de_passe"]').fill("un-mot-de-passe-assez-long")
    page.get_by_role("button", name="Créer le compte").click()
    expect(
        page.get_by_text("Compte créé pour Paul Durand (paul.durand@espoir35.fr).")
    ).to_be_visible()
    ligne = page.get_by_role("row", name=re.compile("paul.durand@espoir35.fr"))
    expect(ligne).to_contain_text("Responsable")
    expect(ligne).to_contain_text("Association Espoir 35")
    capture(page, "11-admin-utilisateurs")

    # Disable, then enable again.
    ligne.get_by_role("button", name=re.compile("Désactiver")).click()
    expect(ligne).to_contain_text("Désactivé")
    ligne.get_by_role("button", name=re.compile("Réactiver")).click()
    expect(ligne).to_contain_text("Actif")

    nav.get_by_role("button", name="Administration").click()
    nav.get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", level=1, name="Organisations")).to_be_visible()
    expect(page.get_by_role("cell", name="Néotoa")).to_be_visible()
    capture(page, "12-admin-organisations")

    nav.get_by_role("button", name="Administration").click()
    nav.get_by_role("link", name="Clients API").click()
    expect(page.get_by_role("heading", level=1, name="Clients API")).to_be_visible()
    page.locator('input[name="nom"]').fill("SI locatif Néotoa")
    page.locator('select[name="organisation_id"]').select_option(label="Néotoa (Bailleur social)")
    page.get_by_role("button", name="Créer le client").click()
    secret = page.get_by_test_id("secret-client")
    expect(secret).to_be_visible()
    assert len(secret.inner_text()) >= 20
    capture(page, "13-admin-client-api-secret")

    # The new user signs in.
    se_deconnecter(page)
    se_connecter(page, "paul.durand@espoir35.fr", "un-mot-de-passe-assez-long")
    expect(page.get_by_text("Paul Durand").first).to_be_visible()
