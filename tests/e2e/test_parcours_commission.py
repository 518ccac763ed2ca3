"""The referral journey through the screens: the association refers a household from
its file (a draft, then submitted); the commission sees it waiting on its desk, creates
a session, names the members present, puts the referral on its agenda from the waiting
list, accepts it for the association, downloads the procès-verbal (PDF, DOCX and CSV,
each read back) and closes the session; the association then sees its referral « Acceptée ».
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import Serveur
from tests.e2e.test_parcours import se_connecter, se_deconnecter

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")
DISPOSITIF = "300 logements accompagnés (Ille-et-Vilaine)"


def test_orientation_par_formulaire_puis_decision_en_commission(page: Any, serveur: Serveur, capture: Any) -> None:
    aujourdhui = datetime.now(PARIS).date()
    jour = aujourdhui.strftime("%d/%m/%Y")
    h = {"Authorization": f"Bearer {serveur.jeton(serveur.agent_email, serveur.agent_password)}"}
    # The household file the association already holds (the household screens are tested elsewhere).
    r = httpx.post(
        f"{serveur.url}/api/v1/menages",
        headers=h,
        json={
            "composition": "femme_seule",
            "commune_insee": "35238",
            "personnes": [
                {
                    "lien": "demandeur",
                    "nom": "Quéméner",
                    "prenom": "Soizic",
                    "date_naissance": "1981-05-09",
                    "sexe": "femme",
                }
            ],
        },
    )
    assert r.status_code == 201, r.text
    menage = r.json()

    # --- The association refers the household from its file ------------------------------
    se_connecter(page, serveur.agent_email, serveur.agent_password)
    page.goto(f"/menages/{menage['id']}")
    expect(page.get_by_role("heading", level=1, name=f"Dossier {menage['reference']}")).to_be_visible()
    page.get_by_role("link", name="Orienter ce ménage").click()
    expect(page.get_by_role("heading", level=1, name="Nouvelle orientation")).to_be_visible()
    formulaire = page.get_by_role("form", name="Nouvelle orientation")
    expect(formulaire.get_by_role("link", name=f"Dossier {menage['reference']}")).to_be_visible()

    # Nothing chosen: the API's messages show next to the required fields.
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("alert").first).to_contain_text("L'orientation n'a pas été enregistrée")
    for libelle in ("Dispositif", "Origine de la demande", "Accès ou maintien"):
        champ = page.locator(".fr-select-group", has=page.get_by_label(libelle, exact=True))
        expect(champ).to_have_class(re.compile("fr-select-group--error"))
    capture(page, "2x-orientation-erreurs-champs")

    page.get_by_label("Dispositif", exact=True).select_option(label=DISPOSITIF)
    page.get_by_label("Origine de la demande").select_option("association")
    page.get_by_label("Accès ou maintien").select_option("maintien")
    page.get_by_label("Cible proposée").select_option(label="Réassurance du locataire")
    page.get_by_label("Personne qui oriente").fill("Claire Martin, conseillère")
    page.get_by_label("Référence dans votre système").fill("ESP-2026-0042")
    page.get_by_label("Motifs de l'orientation").fill("Impayés de loyer depuis six mois, procédure engagée.")
    capture(page, "2x-orientation-formulaire")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    titre = page.get_by_role("heading", level=1, name=re.compile(r"^Orientation O-\d{4}-\d{6}$"))
    expect(titre).to_be_visible()
    reference = titre.inner_text().removeprefix("Orientation ")
    url_orientation = page.url
    expect(page.get_by_text(f"Brouillon {reference} enregistré.")).to_be_visible()
    expect(page.get_by_test_id("statut-orientation")).to_have_text("Brouillon")
    expect(page.get_by_text(DISPOSITIF)).to_be_visible()
    expect(page.get_by_text("Réassurance du locataire")).to_be_visible()
    capture(page, "2x-orientation-brouillon")

    # The same external reference again: the 409 shows next to its field.
    page.goto(f"/orientations/nouvelle?menage={menage['id']}")
    page.get_by_label("Dispositif", exact=True).select_option(label=DISPOSITIF)
    page.get_by_label("Origine de la demande").select_option("association")
    page.get_by_label("Accès ou maintien").select_option("maintien")
    page.get_by_label("Référence dans votre système").fill("ESP-2026-0042")
    page.get_by_role("button", name="Soumettre à la commission").click()
    champ_ref = page.locator(".fr-input-group", has=page.get_by_label("Référence dans votre système"))
    expect(champ_ref).to_contain_text(f"({reference})")
    expect(champ_ref).to_have_class(re.compile("fr-input-group--error"))
    capture(page, "2x-orientation-doublon-reference")

    # From the referrals list, the household is searched in the form itself.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Orientations").click()
    page.get_by_role("link", name="Nouvelle orientation").click()
    expect(page.get_by_role("heading", level=1, name="Nouvelle orientation")).to_be_visible()
    page.get_by_label("Rechercher le ménage").fill("quemener")
    page.get_by_role("button", name="Chercher", exact=True).click()
    choix = page.get_by_label("Ménage orienté")
    expect(choix.locator("option", has_text=menage["reference"])).to_have_count(1)
    choix.select_option(label=f"{menage['reference']} — Soizic QUÉMÉNER")
    capture(page, "2x-orientation-depuis-liste")

    # The draft is submitted from its page (transition under If-Match).
    page.goto(url_orientation)
    actions = page.get_by_role("region", name="Actions")
    actions.get_by_label("Commentaire (facultatif)").fill("Dossier complet.")
    actions.get_by_role("button", name="Soumettre à la commission").click()
    expect(page.get_by_test_id("statut-orientation")).to_have_text("Soumise")
    expect(page.get_by_text(f"Orientation {reference} : soumise.")).to_be_visible()
    historique = page.get_by_role("table", name="Historique de l'orientation")
    expect(historique.get_by_role("row", name=re.compile("Brouillon.*Soumise"))).to_be_visible()
    # A submitted referral is the commission's: the prescriber has no more step to take.
    expect(page.get_by_role("region", name="Actions")).to_have_count(0)
    capture(page, "2x-orientation-soumise")
    se_deconnecter(page)

    # --- The commission: a session, its agenda, the decision ----------------------------
    se_connecter(page, serveur.gie_email, serveur.gie_password)
    # The commission's desk: what waits for a session, with its days of waiting.
    bureau = page.get_by_role("region", name="Commission")
    attente = bureau.get_by_role("table", name="Orientations en attente d'une séance")
    expect(attente.get_by_role("row", name=re.compile(reference))).to_contain_text("Reçue aujourd'hui")
    expect(bureau).to_contain_text("Aucune séance à venir.")
    capture(page, "2x-commission-bureau")
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_role("link", name="Commission").click()
    expect(page.get_by_role("heading", level=1, name="Commission")).to_be_visible()
    expect(page.get_by_text("Aucune session pour l'instant.")).to_be_visible()
    nouvelle = page.get_by_role("form", name="Nouvelle session")
    expect(nouvelle.get_by_label("Dispositif")).to_have_value(serveur.ids["dispositif"])
    expect(nouvelle.get_by_label("Date de la session")).to_have_value(aujourdhui.isoformat())
    nouvelle.get_by_label("Lieu").fill("Salle du conseil, Rennes")
    nouvelle.get_by_role("button", name="Créer la session").click()
    expect(page.get_by_role("heading", level=1, name=f"Session du {jour}")).to_be_visible()
    expect(page.get_by_text(f"Session du {jour} créée.")).to_be_visible()
    expect(page.get_by_text("Aucune orientation inscrite pour l'instant.")).to_be_visible()

    # Members present, printed in the procès-verbal's header.
    membres = page.get_by_role("form", name="Membres présents")
    membres.get_by_label("Membres présents").fill("Mme Le Gall, présidente\nM. Robin, DDETS")
    membres.get_by_role("button", name="Enregistrer les membres présents").click()
    expect(page.get_by_text("Membres présents enregistrés (2).")).to_be_visible()

    a_inscrire = page.get_by_role("region", name="Préparer l'ordre du jour : orientations en attente")
    # DSFR draws its own box over the native checkbox: a person clicks the label.
    a_inscrire.locator("label", has_text=reference).click()
    expect(a_inscrire.get_by_label(re.compile(f"^{reference} "))).to_be_checked()
    capture(page, "2x-commission-session-a-inscrire")
    a_inscrire.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    expect(page.get_by_text("1 orientation inscrite à l'ordre du jour.")).to_be_visible()

    ordre = page.get_by_role("region", name=re.compile(r"^Ordre du jour"))
    expect(ordre.get_by_role("heading", level=2)).to_have_text("Ordre du jour (1)")
    fiche = ordre.get_by_role("region", name=f"Orientation {reference}")
    expect(fiche).to_contain_text("Soizic QUÉMÉNER")
    expect(fiche).to_contain_text("En commission")
    expect(fiche).to_contain_text("Impayés de loyer depuis six mois")
    expect(a_inscrire.get_by_text(re.compile(f"^{reference} "))).to_have_count(0)

    # Accepting without naming the association: the API's message shows next to the field.
    fiche.get_by_label("Décision", exact=True).select_option("acceptee")
    expect(fiche.get_by_label("Cible retenue")).to_have_value("reassurance_locataire")
    fiche.get_by_label("Type d'accompagnement").select_option(label="Évaluation (3 mois au plus)")
    fiche.get_by_role("button", name=f"Enregistrer la décision pour {reference}").click()
    champ_asso = fiche.locator(".fr-select-group", has=page.get_by_label("Association mandatée"))
    expect(champ_asso).to_contain_text(re.compile("obligatoire pour accepter", re.IGNORECASE))
    capture(page, "2x-commission-decision-erreur")

    fiche.get_by_label("Association mandatée").select_option(label="Association Espoir 35")
    fiche.get_by_label("Commentaire de la commission").fill("Accord unanime.")
    capture(page, "2x-commission-decision")
    fiche.get_by_role("button", name=f"Enregistrer la décision pour {reference}").click()
    expect(page.get_by_text(f"Orientation {reference} : acceptée.")).to_be_visible()
    expect(fiche).to_contain_text("Décision : Acceptée — Association Espoir 35, Réassurance du locataire, Évaluation")
    expect(fiche.get_by_label("Décision", exact=True)).to_have_count(0)
    capture(page, "2x-commission-session-decidee")

    # The minutes, fetched with the token and saved as files: the PDF to print and sign,
    # the DOCX to edit, the CSV for a spreadsheet; each read back with a reader of its format.
    def telecharger(libelle: str) -> Any:
        with page.expect_download() as telechargement:
            page.get_by_role("button", name=f"Procès-verbal : {libelle}").click()
        return telechargement.value

    pdf = telecharger("PDF à imprimer et signer")
    assert pdf.suggested_filename == f"pv-commission-{aujourdhui.isoformat()}.pdf"
    texte = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf.path()).pages)
    for attendu in (
        "Procès-verbal de la commission",
        f"Date de la séance {jour}",
        "Salle du conseil, Rennes",
        "Mme Le Gall, présidente",
        reference,
        "Acceptation",
        "Association Espoir 35",
        "Accord unanime.",
        "Nom, date et signature",
    ):
        assert attendu in texte, (attendu, texte)
    docx = telecharger("Word (DOCX) à modifier")
    assert docx.suggested_filename.endswith(".docx")
    doc = Document(docx.path())
    texte_docx = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "M. Robin, DDETS" in texte_docx and f"Acceptation\nle {jour}" in texte_docx
    fichier = telecharger("CSV pour un tableur")
    with open(fichier.path(), encoding="utf-8-sig") as f:
        lignes = list(csv.reader(io.StringIO(f.read()), delimiter=";"))
    assert len(lignes) == 2, lignes
    ligne = dict(zip(lignes[0], lignes[1], strict=True))
    assert ligne["Référence orientation"] == reference
    assert ligne["Référence ménage"] == menage["reference"]
    assert (ligne["Décision"], ligne["Date de décision"]) == ("Acceptation", jour)
    assert ligne["Association mandatée"] == "Association Espoir 35"
    assert ligne["Cible retenue"] == "Réassurance du locataire"
    assert ligne["Commentaire"] == "Accord unanime."
    assert ligne["Référence mesure"], ligne  # the mesure mandated by the acceptance

    # Closing the session, after a confirmation.
    page.get_by_role("button", name="Clore la session").click()
    page.get_by_role("group", name="Confirmer la clôture").get_by_role("button", name="Confirmer la clôture").click()
    expect(page.get_by_text("Session close", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Préparer l'ordre du jour : orientations en attente")).to_have_count(0)
    expect(page.get_by_role("button", name="Clore la session")).to_have_count(0)
    capture(page, "2x-commission-session-close")

    nav.get_by_role("link", name="Commission").click()
    ligne_session = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"Session du {jour}"))
    expect(ligne_session).to_contain_text("Salle du conseil, Rennes")
    expect(ligne_session).to_contain_text("Close")
    capture(page, "2x-commission-sessions")
    se_deconnecter(page)

    # --- The association sees its referral accepted --------------------------------------
    se_connecter(page, serveur.agent_email, serveur.agent_password)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Orientations").click()
    ligne_o = page.get_by_role("row", name=re.compile(reference))
    expect(ligne_o).to_contain_text("Acceptée")
    ligne_o.get_by_role("link", name=reference).click()
    expect(page.get_by_test_id("statut-orientation")).to_have_text("Acceptée")
    expect(page.get_by_text("Association Espoir 35", exact=True)).to_be_visible()
    capture(page, "2x-orientation-acceptee")
