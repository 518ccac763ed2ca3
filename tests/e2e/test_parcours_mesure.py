"""The whole journey through the screens, as issue 6 states it: an association agent
opens a household file and refers it; the commission puts it on a session's agenda and
accepts it for the association; the agent becomes référent, starts the mesure and
plans a rendez-vous; the agent then finds both on the tableau de bord and the mesure
in the indicators. No step goes through the API: each is what a person does.

Each screen is tested in depth by its own journey (test_parcours*.py); this one shows
they fit together. Screenshots: var/screenshots/1x-*.png.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Serveur
from tests.e2e.test_parcours import se_connecter, se_deconnecter

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")
DISPOSITIF = "300 logements accompagnés (Ille-et-Vilaine)"
CIBLE = "Réassurance du locataire"


def _valeur(table: Any, ligne: str) -> Any:
    """The value cells of the row whose header is exactly `ligne`."""
    return (
        table.get_by_role("row")
        .filter(has=table.page.get_by_role("rowheader", name=ligne, exact=True))
        .get_by_role("cell")
    )


def test_du_menage_aux_indicateurs_par_les_ecrans(page: Any, serveur: Serveur, capture: Any) -> None:
    aujourdhui = datetime.now(PARIS).date()
    jour = aujourdhui.strftime("%d/%m/%Y")
    demain = aujourdhui + timedelta(days=1)
    nav = page.get_by_role("navigation", name="Menu principal")

    # --- The agent opens the household file --------------------------------------------
    se_connecter(page, serveur.agent_email, serveur.agent_password)
    nav.get_by_role("link", name="Ménages").click()
    page.get_by_role("link", name="Nouveau ménage").click()
    page.locator('input[name="personnes.0.nom"]').fill("Kerbrat")
    page.locator('input[name="personnes.0.prenom"]').fill("Yann")
    page.locator('input[name="personnes.0.date_naissance"]').fill("1968-09-21")
    page.locator('select[name="personnes.0.sexe"]').select_option("homme")
    page.locator('input[name="commune_insee"]').fill("35238")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    titre = page.get_by_role("heading", level=1, name=re.compile(r"^Dossier M-\d{4}-\d{6}$"))
    expect(titre).to_be_visible()
    ref_menage = titre.inner_text().removeprefix("Dossier ")
    capture(page, "10-parcours-menage-ouvert")

    # --- … and refers it to the dispositif ---------------------------------------------------
    page.get_by_role("link", name="Orienter ce ménage").click()
    expect(page.get_by_role("heading", level=1, name="Nouvelle orientation")).to_be_visible()
    page.get_by_label("Dispositif", exact=True).select_option(label=DISPOSITIF)
    page.get_by_label("Origine de la demande").select_option("association")
    page.get_by_label("Accès ou maintien").select_option("maintien")
    page.get_by_label("Cible proposée").select_option(label=CIBLE)
    page.get_by_label("Motifs de l'orientation").fill("Impayés de loyer.")
    page.get_by_role("button", name="Soumettre à la commission").click()
    titre = page.get_by_role("heading", level=1, name=re.compile(r"^Orientation O-\d{4}-\d{6}$"))
    expect(titre).to_be_visible()
    ref_orientation = titre.inner_text().removeprefix("Orientation ")
    expect(page.get_by_test_id("statut-orientation")).to_have_text("Soumise")
    capture(page, "11-parcours-orientation-soumise")
    se_deconnecter(page)

    # --- The commission accepts it for the association ------------------------------------
    se_connecter(page, serveur.gie_email, serveur.gie_password)
    nav.get_by_role("link", name="Commission").click()
    nouvelle = page.get_by_role("form", name="Nouvelle session")
    expect(nouvelle.get_by_label("Dispositif")).to_have_value(serveur.ids["dispositif"])
    nouvelle.get_by_role("button", name="Créer la session").click()
    expect(page.get_by_role("heading", level=1, name=f"Session du {jour}")).to_be_visible()
    a_inscrire = page.get_by_role("region", name="Préparer l'ordre du jour : orientations en attente")
    a_inscrire.locator("label", has_text=ref_orientation).click()
    a_inscrire.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    fiche = page.get_by_role("region", name=f"Orientation {ref_orientation}")
    expect(fiche).to_contain_text("Yann KERBRAT")
    fiche.get_by_label("Décision", exact=True).select_option("acceptee")
    fiche.get_by_label("Association mandatée").select_option(label="Association Espoir 35")
    expect(fiche.get_by_label("Cible retenue")).to_have_value("reassurance_locataire")
    fiche.get_by_label("Type d'accompagnement").select_option(label="Évaluation (3 mois au plus)")
    fiche.get_by_role("button", name=f"Enregistrer la décision pour {ref_orientation}").click()
    expect(page.get_by_text(f"Orientation {ref_orientation} : acceptée.")).to_be_visible()
    capture(page, "12-parcours-commission-acceptee")
    se_deconnecter(page)

    # --- The agent takes the mesure, starts it, plans a rendez-vous ------------------------
    se_connecter(page, serveur.agent_email, serveur.agent_password)
    nav.get_by_role("link", name="Mesures").click()
    ligne = page.get_by_role("row", name=re.compile(ref_menage))
    expect(ligne).to_contain_text("Mandatée")
    ligne.get_by_role("link", name=re.compile(r"^S-\d{4}-\d{6}$")).click()
    titre = page.get_by_role("heading", level=1, name=re.compile(r"^Mesure S-\d{4}-\d{6}$"))
    expect(titre).to_be_visible()
    ref_mesure = titre.inner_text().removeprefix("Mesure ")
    page.get_by_role("button", name="Je deviens référent").click()
    expect(page.get_by_text(f"Vous êtes désormais référent(e) de la mesure {ref_mesure}.")).to_be_visible()
    actions = page.get_by_role("region", name="Actions")
    actions.get_by_role("button", name="Démarrer l'accompagnement").click()
    formulaire = page.get_by_role("form", name="Démarrer l'accompagnement")
    formulaire.get_by_label("Date d'adhésion du ménage").fill(aujourdhui.isoformat())
    formulaire.get_by_role("button", name="Enregistrer le démarrage").click()
    expect(page.get_by_text(f"Accompagnement démarré : la mesure {ref_mesure} est en évaluation.")).to_be_visible()
    capture(page, "13-parcours-mesure-demarree")

    page.get_by_role("link", name="Planifier un rendez-vous").click()
    expect(page.get_by_role("heading", level=1, name="Nouveau rendez-vous")).to_be_visible()
    page.get_by_label(re.compile(r"^Date")).fill(demain.isoformat())
    page.get_by_label("Heure de début").fill("10:00")
    page.get_by_label("Type de rendez-vous").select_option("visite_domicile")
    page.get_by_label("Lieu").fill("Domicile, Rennes")
    page.get_by_role("button", name="Enregistrer le rendez-vous").click()
    jour_rdv = page.get_by_role("region", name=re.compile(demain.strftime(r"%d\/%m\/%Y")))  # "/" escaped for Playwright
    expect(jour_rdv).to_contain_text("10:00")
    expect(jour_rdv).to_contain_text(ref_menage)
    capture(page, "14-parcours-rendez-vous-agenda")

    # --- The tableau de bord shows the mesure and tomorrow's rendez-vous --------------------
    nav.get_by_role("link", name="Tableau de bord").click()
    section_mesures = page.get_by_role("region", name="Mes mesures")
    expect(section_mesures).to_contain_text("1 mesure")
    ligne = section_mesures.get_by_role("row", name=re.compile(ref_mesure))
    expect(ligne).to_contain_text("En évaluation")
    expect(ligne).to_contain_text(jour)
    # the household by its demandeur's name (the reference stays on the file itself)
    expect(ligne.get_by_role("link", name="Yann KERBRAT")).to_be_visible()
    ligne_rdv = page.get_by_role("region", name="Mes prochains rendez-vous").get_by_role(
        "row", name=re.compile(ref_menage)
    )
    expect(ligne_rdv).to_contain_text(f"{demain.strftime('%d/%m/%Y')} à 10:00")
    expect(ligne_rdv).to_contain_text("Visite à domicile")
    expect(ligne_rdv).to_contain_text("Domicile, Rennes")
    capture(page, "15-parcours-tableau-de-bord")

    # --- … and the indicators count it, down to the file behind the figure -----------------
    nav.get_by_role("link", name="Indicateurs").click()
    page.get_by_label("Dispositif", exact=True).select_option(label=DISPOSITIF)
    page.get_by_label("Période", exact=True).select_option(label=f"Année {aujourdhui.year}, jusqu'à aujourd'hui")
    page.get_by_role("button", name="Afficher les indicateurs").click()
    cibles = page.get_by_role("table", name="File active par cible", exact=True)
    expect(_valeur(cibles, CIBLE)).to_have_text("1")
    expect(_valeur(cibles, "Total")).to_have_text("1")
    capture(page, "16-parcours-indicateurs")
    cibles.get_by_role("link", name=f"1 — voir les dossiers (File active par cible : {CIBLE})").click()
    panneau = page.get_by_role("region", name=re.compile("Dossiers derrière le chiffre"))
    expect(panneau.get_by_role("link", name=f"Mesure {ref_mesure}")).to_be_visible()

    # --- The referral, accepted, in the list filtered by status ------------------------------
    nav.get_by_role("link", name="Orientations").click()
    # The list's own screen first (the previous one stays up while the next loads).
    expect(page.get_by_role("heading", level=1, name="Orientations")).to_be_visible()
    page.get_by_label("Statut").select_option("acceptee")
    ligne_o = page.get_by_role("row", name=re.compile(ref_orientation))
    expect(ligne_o).to_contain_text(CIBLE)
    ligne_o.get_by_role("link", name=ref_orientation).click()
    historique = page.get_by_role("table", name="Historique de l'orientation")
    expect(historique.get_by_role("row", name=re.compile("En commission.*Acceptée"))).to_be_visible()
    capture(page, "17-parcours-orientation-historique")
