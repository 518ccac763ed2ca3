"""The rendez-vous journey: an agent plans rendez-vous of a mesure through the agenda's
screens, sees them in the week, edits one (through a concurrent change), writes its
compte rendu, then subscribes a calendar to the secret .ics address and revokes it.

The referral, the commission's decision and the start of the mesure go through the API
(as in test_parcours_mesure.py); the commission sits two weeks ago so that the mesure
may already have had a rendez-vous yesterday.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.e2e.conftest import Serveur
from tests.e2e.donnees import accepter, client_api, orienter, prendre_et_demarrer
from tests.e2e.test_parcours import se_connecter

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")
JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def _jour(d: date) -> str:
    """How the agenda names a day: « mardi 24/11/2026 »."""
    return f"{JOURS[d.weekday()]} {d:%d/%m/%Y}"


def _motif(texte: str) -> re.Pattern[str]:
    """A pattern Playwright can pass to the browser: its slashes escaped."""
    return re.compile(texte.replace("/", r"\/"))


def _region_jour(page: Any, d: date) -> Any:
    """The day's column of the week view (a region named by its heading)."""
    return page.get_by_role("region", name=_motif(f"^{_jour(d)}"))


def _mesure_demarree(serveur: Serveur, mandatement: date) -> dict[str, Any]:
    """A household referred, accepted by the commission on `mandatement`, its mesure started
    by the agent who becomes its référent. Returns the mesure."""
    with (
        client_api(serveur, serveur.agent_email, serveur.agent_password) as agent,
        client_api(serveur, serveur.gie_email, serveur.gie_password) as gie,
    ):
        # Received a month ago, as the commission recorded it: decided on that day.
        o = orienter(
            gie,
            serveur,
            {"nom": "Le Goff", "prenom": "Maïwenn", "date_naissance": "1987-05-02", "sexe": "femme"},
            composition="femme_seule_avec_enfants",
            motifs="Dette de loyer après une perte d'emploi.",
            date_reception=mandatement,
        )
        accepter(gie, serveur, mandatement, serveur.ids["association"], [(o, "reassurance_locataire", "evaluation")])
        mesure_id = agent.get(f"/api/v1/orientations/{o['id']}").raise_for_status().json()["mesure_id"]
        assert mesure_id
        r = prendre_et_demarrer(agent, mesure_id, mandatement)
        assert r.json()["date_mandatement"] == mandatement.isoformat()
        return dict(r.json())


def test_agenda_creer_modifier_compte_rendu_et_adresse_ics(page: Any, serveur: Serveur, capture: Any) -> None:
    aujourdhui = datetime.now(PARIS).date()
    hier, demain = aujourdhui - timedelta(days=1), aujourdhui + timedelta(days=1)
    mesure = _mesure_demarree(serveur, aujourdhui - timedelta(days=14))
    menage = mesure["menage_reference"]

    se_connecter(page, serveur.agent_email, serveur.agent_password)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Rendez-vous").click()
    expect(page.get_by_role("heading", level=1, name="Rendez-vous")).to_be_visible()
    lundi = aujourdhui - timedelta(days=aujourdhui.weekday())
    expect(page.get_by_role("heading", level=2, name=f"Semaine du {lundi:%d/%m/%Y}")).to_be_visible()
    expect(page.get_by_role("region", name=_motif(rf"^{_jour(aujourdhui)} \(aujourd'hui\)$"))).to_be_visible()

    # 1. From the mesure's page (its link carries ?mesure=): yesterday's home visit.
    page.goto(f"/rendez-vous/nouveau?mesure={mesure['id']}")
    expect(page.get_by_role("heading", level=1, name="Nouveau rendez-vous")).to_be_visible()
    # The searchable picker shows the person and the references (issue 14).
    expect(page.get_by_label("Ménage et mesure")).to_have_value(re.compile(mesure["reference"]))
    page.get_by_label(re.compile(r"^Date")).fill(hier.isoformat())
    page.get_by_label("Heure de début").fill("10:00")
    page.get_by_label("Durée (minutes)").fill("90")
    page.get_by_label("Lieu").fill("Domicile, Rennes")
    # The type is required: the API's answer shows next to the field.
    page.get_by_role("button", name="Enregistrer le rendez-vous").click()
    expect(page.get_by_role("heading", name="Le rendez-vous n'a pas été enregistré")).to_be_visible()
    champ_type = page.locator(".fr-select-group", has=page.get_by_label("Type de rendez-vous"))
    expect(champ_type).to_have_class(re.compile("fr-select-group--error"))
    capture(page, "40-rendez-vous-creation-erreur-champ")
    page.get_by_label("Type de rendez-vous").select_option("visite_domicile")
    page.get_by_role("button", name="Enregistrer le rendez-vous").click()

    # Back in the agenda, on that day's week: the rendez-vous is on its day, still to report.
    expect(page.get_by_text(f"Rendez-vous du {_jour(hier)} à 10:00 enregistré")).to_be_visible()
    jour_hier = _region_jour(page, hier)
    lien_hier = jour_hier.get_by_role("link", name=re.compile(menage))
    expect(lien_hier).to_contain_text("10:00 – 11:30")
    expect(lien_hier).to_contain_text("Visite à domicile")
    expect(lien_hier).to_contain_text("À renseigner")

    # 2. Tomorrow's office meeting, the mesure chosen among the agent's own.
    page.get_by_role("link", name="Nouveau rendez-vous").click()
    expect(page.get_by_role("heading", level=1, name="Nouveau rendez-vous")).to_be_visible()
    choix = page.locator(f"datalist#mesure_id-choix option[value*='{mesure['reference']}']").get_attribute("value")
    assert choix
    page.get_by_label("Ménage et mesure").fill(choix)
    page.get_by_label(re.compile(r"^Date")).fill(demain.isoformat())
    page.get_by_label("Heure de début").fill("14:00")
    page.get_by_label("Type de rendez-vous").select_option("entretien_bureau")
    page.get_by_label("Lieu").fill("Permanence de Villejean")
    page.get_by_role("button", name="Enregistrer le rendez-vous").click()
    expect(page.get_by_text(f"Rendez-vous du {_jour(demain)} à 14:00 enregistré")).to_be_visible()
    lien_demain = _region_jour(page, demain).get_by_role("link", name=re.compile(menage))
    expect(lien_demain).to_contain_text("14:00 – 15:00")
    expect(lien_demain).to_contain_text("Permanence de Villejean")
    capture(page, "41-agenda-semaine")

    # The plain list view: one row per rendez-vous of the week.
    page.get_by_text("Liste", exact=True).click()
    expect(page).to_have_url(re.compile(r"vue=liste"))
    tableau = page.get_by_role("table", name=re.compile(r"^Rendez-vous, semaine du"))
    ligne = tableau.get_by_role("row", name=_motif(rf"{_jour(demain)}.*{menage}"))
    expect(ligne).to_contain_text("Entretien au bureau")
    expect(ligne).to_contain_text("Planifié")
    capture(page, "42-agenda-liste")

    # 3. Tomorrow's one: marking it held is refused (it is in the future), next to the field;
    # then it is moved to 15:30 with the landlord, through a colleague's concurrent change.
    ligne.get_by_role("link", name=_jour(demain)).click()
    expect(page.get_by_role("heading", level=1, name=f"Rendez-vous du {_jour(demain)} à 14:00")).to_be_visible()
    rdv_id = page.url.rsplit("/", 1)[-1]
    page.get_by_label("Statut").select_option("realise")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("heading", name="Les modifications n'ont pas été enregistrées")).to_be_visible()
    expect(page.locator(".fr-select-group--error", has=page.get_by_label("Statut"))).to_contain_text(
        "daté dans le futur"
    )
    capture(page, "43-rendez-vous-statut-refuse")
    page.get_by_label("Statut").select_option("planifie")
    page.get_by_label("Heure de début").fill("15:30")
    # DSFR draws the box over the input: the person clicks its label.
    page.locator("label", has_text="Le bailleur participe (rencontre tripartite)").click()
    expect(page.get_by_label("Le bailleur participe (rencontre tripartite)")).to_be_checked()
    with client_api(serveur, serveur.agent_email, serveur.agent_password) as collegue:
        lu = collegue.get(f"/api/v1/rendez-vous/{rdv_id}").raise_for_status()
        collegue.patch(
            f"/api/v1/rendez-vous/{rdv_id}",
            json={"lieu": "Permanence de Villejean, bureau 2"},
            headers={"If-Match": lu.headers["ETag"]},
        ).raise_for_status()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("heading", name="Le rendez-vous a changé entre-temps")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer", exact=True)).to_be_disabled()
    capture(page, "44-rendez-vous-version-perimee")
    page.get_by_role("button", name="Recharger le rendez-vous").click()
    expect(page.get_by_label("Lieu")).to_have_value("Permanence de Villejean, bureau 2")
    expect(page.get_by_label("Heure de début")).to_have_value("14:00")
    page.get_by_label("Heure de début").fill("15:30")
    # DSFR draws the box over the input: the person clicks its label.
    page.locator("label", has_text="Le bailleur participe (rencontre tripartite)").click()
    expect(page.get_by_label("Le bailleur participe (rencontre tripartite)")).to_be_checked()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text(f"Rendez-vous du {_jour(demain)} à 15:30 enregistré (planifié)")).to_be_visible()
    lien_demain = _region_jour(page, demain).get_by_role("link", name=re.compile(menage))
    expect(lien_demain).to_contain_text("15:30 – 16:30")
    expect(lien_demain).to_contain_text("bureau 2")

    # 4. Yesterday's one: held, with its compte rendu.
    page.goto(f"/rendez-vous?semaine={hier.isoformat()}")
    _region_jour(page, hier).get_by_role("link", name=re.compile(menage)).click()
    expect(page.get_by_role("heading", level=1, name=f"Rendez-vous du {_jour(hier)} à 10:00")).to_be_visible()
    page.get_by_label("Statut").select_option("realise")
    compte_rendu = (
        "Point sur la dette de loyer (1 240 €). Dossier FSL à déposer ; plan d'apurement proposé au bailleur."
    )
    page.get_by_label("Compte rendu").fill(compte_rendu)
    capture(page, "45-rendez-vous-compte-rendu")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text(f"Rendez-vous du {_jour(hier)} à 10:00 enregistré (réalisé)")).to_be_visible()
    lien_hier = _region_jour(page, hier).get_by_role("link", name=re.compile(menage))
    expect(lien_hier).to_contain_text("Réalisé")
    expect(lien_hier).not_to_contain_text("À renseigner")
    lien_hier.click()
    expect(page.get_by_label("Compte rendu")).to_have_value(compte_rendu)
    # A held rendez-vous keeps its status.
    expect(page.get_by_label("Statut").locator("option")).to_have_count(1)

    # 5. The calendar's secret address: created, copied, read by a calendar, revoked.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=serveur.url)
    page.get_by_role("link", name="Retour à l'agenda").click()
    page.get_by_role("button", name="Copier l'adresse de mon agenda").click()
    expect(page.get_by_text("Adresse copiée dans le presse-papiers")).to_be_visible()
    champ_url = page.get_by_label("Adresse de mon agenda (iCalendar)")
    expect(champ_url).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/api/v1/calendrier/[^/]+\.ics$"))
    url = champ_url.input_value()
    assert page.evaluate("navigator.clipboard.readText()") == url
    capture(page, "46-agenda-adresse-ics")
    r = httpx.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    evenements = {str(e["uid"]): e for e in Calendar.from_ical(r.content).walk("VEVENT")}
    evenement = evenements[f"{rdv_id}@ancrage"]
    assert str(evenement["summary"]) == menage
    assert str(evenement["location"]) == "Permanence de Villejean, bureau 2"
    assert evenement.decoded("dtstart").astimezone(PARIS) == datetime(
        demain.year, demain.month, demain.day, 15, 30, tzinfo=PARIS
    )
    # Only planned rendez-vous are in the feed: yesterday's (held) is not.
    assert all(
        e.decoded("dtstart").astimezone(PARIS).date() != hier or str(e["summary"]) != menage
        for e in evenements.values()
    )

    page.get_by_role("button", name="Révoquer l'adresse de mon agenda").click()
    expect(page.get_by_text("Adresse révoquée")).to_be_visible()
    assert httpx.get(url).status_code == 404
    page.get_by_role("button", name="Révoquer l'adresse de mon agenda").click()
    expect(page.get_by_text("Aucune adresse d'agenda n'était active")).to_be_visible()

    # On a phone the days come one under the other, in order, the rendez-vous still readable.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/rendez-vous?semaine={demain.isoformat()}")
    lien = _region_jour(page, demain).get_by_role("link", name=re.compile(menage))
    expect(lien).to_contain_text("15:30 – 16:30")
    capture(page, "47-agenda-telephone")
