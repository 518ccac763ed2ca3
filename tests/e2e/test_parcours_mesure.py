"""The referral journey up to the dashboard: an association refers a household, the
commission accepts it, the association starts the mesure and plans a rendez-vous,
then sees them on its tableau de bord.

The referral, commission and mesure screens are not built yet: those steps go
through the API (as the screens will); what the person sees is checked in Chromium.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Serveur
from tests.e2e.test_parcours import se_connecter

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")


def _client(serveur: Serveur, email: str, password: str) -> httpx.Client:
    return httpx.Client(
        base_url=serveur.url,
        headers={"Authorization": f"Bearer {serveur.jeton(email, password)}"},
    )


def test_orientation_acceptee_mesure_demarree_rendez_vous_au_tableau_de_bord(
    page: Any, serveur: Serveur, capture: Any
) -> None:
    aujourdhui = datetime.now(PARIS).date()
    with (
        _client(serveur, serveur.agent_email, serveur.agent_password) as agent,
        _client(serveur, serveur.gie_email, serveur.gie_password) as gie,
    ):
        # The association refers a new household to the dispositif.
        orientation = agent.post(
            "/api/v1/orientations",
            json={
                "dispositif_id": serveur.ids["dispositif"],
                "origine": "association",
                "acces_maintien": "maintien",
                "motifs": "Impayés de loyer.",
                "soumettre": True,
                "menage": {
                    "composition": "homme_seul",
                    "commune_insee": "35238",
                    "personnes": [
                        {
                            "lien": "demandeur",
                            "nom": "Kerbrat",
                            "prenom": "Yann",
                            "date_naissance": "1968-09-21",
                            "sexe": "homme",
                        }
                    ],
                },
            },
        )
        assert orientation.status_code == 201, orientation.text
        o = orientation.json()

        # The commission puts it on a session's agenda and accepts it for the association.
        s = gie.post(
            "/api/v1/commissions",
            json={"dispositif_id": serveur.ids["dispositif"], "date": aujourdhui.isoformat()},
        )
        assert s.status_code == 201, s.text
        sid = s.json()["id"]
        gie.post(f"/api/v1/commissions/{sid}/ordre-du-jour", json={"orientation_ids": [o["id"]]}).raise_for_status()
        d = gie.post(
            f"/api/v1/commissions/{sid}/decisions",
            json={
                "decisions": [
                    {
                        "orientation_id": o["id"],
                        "vers_statut": "acceptee",
                        "association_id": serveur.ids["association"],
                        "cible_code": "reassurance_locataire",
                        "type_accompagnement_code": "evaluation",
                    }
                ]
            },
        )
        assert d.status_code == 200, d.text

        # The agent becomes the referent of the new mesure and starts it.
        mesures = agent.get("/api/v1/mesures").raise_for_status().json()
        assert mesures["total"] == 1
        mesure = mesures["items"][0]
        moi = agent.get("/api/v1/auth/me").raise_for_status().json()
        lu = agent.get(f"/api/v1/mesures/{mesure['id']}").raise_for_status()
        r = agent.post(
            f"/api/v1/mesures/{mesure['id']}/changer-referent",
            json={"referent_id": moi["id"]},
            headers={"If-Match": lu.headers["ETag"]},
        )
        assert r.status_code == 200, r.text
        r = agent.post(
            f"/api/v1/mesures/{mesure['id']}/demarrer",
            json={"date_debut": aujourdhui.isoformat(), "adhesion_date": aujourdhui.isoformat()},
            headers={"If-Match": r.headers["ETag"]},
        )
        assert r.status_code == 200, r.text
        demain = aujourdhui + timedelta(days=1)
        r = agent.post(
            "/api/v1/rendez-vous",
            json={
                "mesure_id": mesure["id"],
                "debut": f"{demain.isoformat()}T10:00:00",
                "duree_minutes": 60,
                "type": "visite_domicile",
                "lieu": "Domicile, Rennes",
            },
        )
        assert r.status_code == 201, r.text

    # On the agent's dashboard: the mesure (en évaluation) and tomorrow's rendez-vous.
    se_connecter(page, serveur.agent_email, serveur.agent_password)
    section_mesures = page.get_by_role("region", name="Mes mesures")
    expect(section_mesures).to_contain_text("1 mesure")
    ligne = section_mesures.get_by_role("row", name=re.compile(mesure["reference"]))
    expect(ligne).to_contain_text("En évaluation")
    expect(ligne).to_contain_text(aujourdhui.strftime("%d/%m/%Y"))
    expect(ligne.get_by_role("link", name=mesure["menage_reference"])).to_be_visible()
    section_rdv = page.get_by_role("region", name="Mes prochains rendez-vous")
    ligne_rdv = section_rdv.get_by_role("row", name=re.compile(mesure["menage_reference"]))
    expect(ligne_rdv).to_contain_text(f"{demain.strftime('%d/%m/%Y')} à 10:00")
    expect(ligne_rdv).to_contain_text("Visite à domicile")
    expect(ligne_rdv).to_contain_text("Domicile, Rennes")
    expect(page.get_by_role("region", name="Alertes")).to_be_visible()
    capture(page, "14-tableau-de-bord-mesures-rendez-vous")

    # The referral in the list, filtered by status.
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_role("link", name="Orientations").click()
    expect(page.get_by_role("heading", level=1, name="Orientations")).to_be_visible()
    page.get_by_label("Statut").select_option("refusee")
    expect(page.get_by_text("Aucune orientation au statut « Refusée ».")).to_be_visible()
    page.get_by_label("Statut").select_option("acceptee")
    expect(page.get_by_text("1 orientation au statut « Acceptée »")).to_be_visible()
    ligne_o = page.get_by_role("row", name=re.compile(o["reference"]))
    expect(ligne_o).to_contain_text("Association")
    expect(ligne_o).to_contain_text("Réassurance du locataire")
    expect(ligne_o).to_contain_text(aujourdhui.strftime("%d/%m/%Y"))
    capture(page, "15-orientations-acceptees")
    ligne_o.get_by_role("link", name=o["reference"]).click()
    expect(page.get_by_role("heading", level=1, name=f"Orientation {o['reference']}")).to_be_visible()
    historique = page.get_by_role("table", name="Historique de l'orientation")
    expect(historique.get_by_role("row", name=re.compile("En commission.*Acceptée"))).to_be_visible()
    expect(historique.get_by_role("row", name=re.compile("Soumise.*En commission"))).to_be_visible()
    capture(page, "16-orientation-fiche")

    # The commission's dashboard has no association sections.
    page.get_by_role("button", name="Se déconnecter").click()
    se_connecter(page, serveur.gie_email, serveur.gie_password)
    expect(page.get_by_role("region", name="Mes mesures")).to_have_count(0)
    expect(page.get_by_role("region", name="Alertes")).to_have_count(0)
    capture(page, "17-tableau-de-bord-commission")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Orientations").click()
    expect(page.get_by_role("row", name=re.compile(o["reference"]))).to_contain_text("Acceptée")
