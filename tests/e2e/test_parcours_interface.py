"""Issue 14, the day's work in the app: an agent finds a household by name from the
header and reads its timeline; a commission user is never offered a button it cannot
use; axe-core (its script injected) finds no serious or critical violation on the pages
covered, at 1280 and 390 px.

The referral, the decision, the start of the mesure and a rendez-vous go through the
API (as in test_parcours_rendez_vous.py): this journey is about reading them.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, Serveur
from tests.e2e.donnees import accepter, client_api, orienter, prendre_et_demarrer
from tests.e2e.test_parcours import se_connecter

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
LARGEURS = (1280, 390)


def _axe(page: Any, nom: str) -> None:
    """axe-core's WCAG 2.1 A/AA rules on the page as shown, at each width: no serious or
    critical violation (the accessibility statement quotes this audit)."""
    if not AXE.exists():
        pytest.fail("axe-core absent de frontend/node_modules : lancez `npm ci` dans frontend/")
    for largeur in LARGEURS:
        page.set_viewport_size({"width": largeur, "height": 900})
        page.wait_for_timeout(150)  # the DSFR's responsive scripts settle
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the app's Content-Security-Policy
            # (no inline script) stays as it is, and the page sees no script tag.
            page.evaluate(AXE.read_text(encoding="utf-8"))
        resultat = page.evaluate(
            "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => ({id: v.id, impact: v.impact, cibles: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
        )
        assert resultat == [], f"axe, {nom} à {largeur} px : {resultat}"
    page.set_viewport_size({"width": 1280, "height": 900})


def _dossier(serveur: Serveur, naissance: str) -> dict[str, Any]:
    """Mme Vallée referred, accepted a month ago, her mesure started by the agent, a home
    visit last week with its compte rendu."""
    mandatement = datetime.now(PARIS).date() - timedelta(days=30)
    with (
        client_api(serveur, serveur.agent_email, serveur.agent_password) as agent,
        client_api(serveur, serveur.gie_email, serveur.gie_password) as gie,
    ):
        # Received a month ago, as the commission recorded it: decided on that day.
        o = orienter(
            gie,
            serveur,
            {"nom": "Vallée", "prenom": "Élodie", "date_naissance": naissance, "sexe": "femme"},
            composition="femme_seule_avec_enfants",
            date_reception=mandatement,
        )
        accepter(gie, serveur, mandatement, serveur.ids["association"], [(o, "reassurance_locataire", "evaluation")])
        mesure_id = agent.get(f"/api/v1/orientations/{o['id']}").raise_for_status().json()["mesure_id"]
        mesure = prendre_et_demarrer(agent, mesure_id, mandatement).json()
        visite = (datetime.now(PARIS) - timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
        agent.post(
            "/api/v1/rendez-vous",
            json={
                "mesure_id": mesure_id,
                "debut": visite.replace(tzinfo=None).isoformat(),
                "type": "visite_domicile",
                "statut": "realise",
                "lieu": "Domicile",
                "compte_rendu": "Plan d'apurement proposé au bailleur.",
            },
        ).raise_for_status()
    return {"menage_id": o["menage_id"], "mesure": mesure}


def test_agent_trouve_un_menage_par_son_nom_et_lit_son_historique(page: Any, serveur: Serveur, capture: Any) -> None:
    _dossier(serveur, "1984-03-14")
    se_connecter(page, serveur.agent_email, serveur.agent_password)
    # The desk names people: the alerts and « Mes mesures » say who.
    expect(page.get_by_role("region", name="Mes mesures")).to_contain_text("Élodie VALLÉE")
    capture(page, "70-bureau-agent")
    _axe(page, "tableau de bord")

    # One search box in the header: a name, without its accent.
    page.get_by_role("searchbox", name=re.compile("Rechercher un ménage")).fill("vallee")
    page.get_by_role("searchbox", name=re.compile("Rechercher un ménage")).press("Enter")
    expect(page).to_have_url(re.compile(r"/menages\?q=vallee"))
    lien = page.get_by_role("row", name=re.compile("VALLÉE Élodie")).get_by_role("link")
    expect(lien).to_be_visible()
    capture(page, "71-recherche-en-tete")
    lien.click()

    # The household file: the focus is on its title, then the one timeline, newest first.
    titre = page.get_by_role("heading", level=1, name=re.compile("^Dossier M-"))
    expect(titre).to_be_focused()
    historique = page.get_by_role("region", name="Historique du dossier")
    entrees = historique.get_by_role("listitem")
    expect(entrees.first).to_contain_text("Changement de référent")  # today's, the newest
    textes = entrees.all_inner_texts()
    rang = {mot: next(i for i, t in enumerate(textes) if mot in t) for mot in ("Visite à domicile", "Démarrage", "Acceptée")}
    assert rang["Visite à domicile"] < rang["Démarrage"] < rang["Acceptée"], textes
    expect(historique.get_by_role("link", name=re.compile("rendez-vous de la mesure"))).to_have_count(1)
    # filtered by kind
    historique.get_by_role("radio", name="Rendez-vous").check(force=True)
    expect(entrees).to_have_count(1)
    historique.get_by_role("radio", name="Tout").check(force=True)
    expect(page.get_by_role("region", name="Mesures")).to_contain_text("Vous")  # the référent
    expect(page.get_by_role("heading", name="Qui a consulté ce dossier")).to_be_visible()
    expect(page.get_by_role("button", name="Exporter pour le ménage")).to_be_visible()
    capture(page, "72-fiche-historique")
    _axe(page, "fiche ménage")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    expect(page.get_by_text(re.compile("dossier imprimé par Association Espoir 35"))).to_be_visible()
    capture(page, "73-fiche-impression")
    page.emulate_media(media="screen")

    # The mesures list finds her by name too, and names her.
    page.goto("/mesures?reference=vallee")
    expect(page.get_by_role("link", name="Élodie VALLÉE")).to_be_visible()
    _axe(page, "mesures")
    page.goto("/rendez-vous")
    expect(page.get_by_role("heading", level=1, name="Rendez-vous")).to_be_visible()
    _axe(page, "agenda")

    # The accessibility statement, from the footer.
    page.get_by_role("link", name=re.compile("Accessibilité")).click()
    expect(page.get_by_role("heading", level=1, name="Déclaration d'accessibilité")).to_be_visible()
    _axe(page, "déclaration d'accessibilité")


def test_la_commission_ne_voit_pas_de_bouton_inutilisable(page: Any, serveur: Serveur, capture: Any) -> None:
    d = _dossier(serveur, "1991-07-02")
    se_connecter(page, serveur.gie_email, serveur.gie_password)
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link", name="Commission")).to_be_visible()
    expect(menu.get_by_role("link", name="Rendez-vous")).to_have_count(0)
    _axe(page, "tableau de bord de la commission")
    # The household as submitted to it: it decides, it does not hold the file.
    page.goto(f"/menages/{d['menage_id']}")
    expect(page.get_by_role("heading", level=1, name=re.compile("^Dossier M-"))).to_be_visible()
    expect(page.get_by_role("region", name="Historique du dossier")).to_contain_text("Acceptée")
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)
    expect(page.get_by_role("link", name="Orienter ce ménage")).to_have_count(0)
    capture(page, "74-fiche-vue-commission")
    _axe(page, "fiche ménage (commission)")
    # Nor a mesure's actions: it reads the mesure, the association acts on it.
    page.goto(f"/mesures/{d['mesure']['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(d["mesure"]["reference"])
    expect(page.get_by_role("button", name="Changer de référent")).to_have_count(0)
    page.goto("/commission")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _axe(page, "commission")
