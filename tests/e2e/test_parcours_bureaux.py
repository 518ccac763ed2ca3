"""Each partner's desk (issue 14), in Chromium: a responsable sees her team's caseload,
sets an alert aside with its reason and reassigns two files at once; a bailleur follows
its referrals; a funder reads its key figures; the admin sees what failed. axe-core on
each desk at 1280 and 390 px.

Its own association and people, so that other journeys' counts stay as they expect.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import FINANCEUR_EMAIL, FINANCEUR_PASSWORD, Serveur
from tests.e2e.donnees import accepter, association, client_api, orienter
from tests.e2e.test_parcours import se_connecter
from tests.e2e.test_parcours_interface import _axe

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")
LUC = ("luc.morvan@cap35.fr", "luc-e2e-mot-de-passe-solide")
ZOE = ("zoe.riou@cap35.fr", "zoe-e2e-mot-de-passe-solide")
ANA = ("ana.le-goff@cap35.fr", "ana-e2e-mot-de-passe-solide")
BAILLEUR = ("suivi.e2e@neotoa.fr", "bailleur-e2e-mot-de-passe-solide")


def _equipe(serveur: Serveur) -> dict[str, Any]:
    """Association Cap 35: Luc and Zoé (agents), Ana (responsable). Three households referred
    40 days ago, accepted a month ago for Cap 35; Luc takes two of them, the third has no
    référent. No rendez-vous held: each mesure has its « premier rendez-vous » alert."""
    asso = association(serveur, "Association Cap 35", [(*LUC, "Luc", "Morvan"), (*ZOE, "Zoé", "Riou")])
    mandatement = datetime.now(PARIS).date() - timedelta(days=30)
    with client_api(serveur, serveur.admin_email, serveur.admin_password) as admin:
        admin.post(
            "/api/v1/utilisateurs",
            json={
                "email": ANA[0],
                "nom": "Le Goff",
                "prenom": "Ana",
                "organisation_id": asso["id"],
                "role": "responsable",
                "mot_de_passe": ANA[1],
            },
        ).raise_for_status()
    with client_api(serveur, *LUC) as luc, client_api(serveur, serveur.gie_email, serveur.gie_password) as gie:
        orientations = [
            orienter(
                gie,
                serveur,
                {"nom": nom, "prenom": prenom, "date_naissance": "1979-06-01", "sexe": "femme"},
                composition="femme_seule",
                date_reception=mandatement - timedelta(days=10),
            )
            for nom, prenom in (("Kerouac", "Maëlle"), ("Jaouen", "Rozenn"), ("Quéré", "Nolwenn"))
        ]
        accepter(
            gie, serveur, mandatement, asso["id"], [(o, "reassurance_locataire", "evaluation") for o in orientations]
        )
        moi = luc.get("/api/v1/auth/me").raise_for_status().json()
        mesures = []
        for o in orientations:
            mesure_id = luc.get(f"/api/v1/orientations/{o['id']}").raise_for_status().json()["mesure_id"]
            mesures.append(mesure_id)
        for mesure_id in mesures[:2]:
            luc.post(
                f"/api/v1/mesures/{mesure_id}/changer-referent", json={"referent_id": moi["id"]}
            ).raise_for_status()
    return {"association": asso, "mesures": mesures}


def test_la_responsable_ecarte_une_alerte_et_reaffecte_deux_dossiers(page: Any, serveur: Serveur, capture: Any) -> None:
    _equipe(serveur)
    se_connecter(page, *ANA)
    equipe = page.get_by_role("region", name="Mon équipe")
    expect(equipe.get_by_role("row", name="Luc Morvan 2 0 2")).to_be_visible()
    expect(equipe.get_by_text("1 mesure en cours sans référent.")).to_be_visible()

    # An alert set aside, with its reason: it does not come back.
    alertes = page.get_by_role("region", name="Alertes")
    expect(alertes.get_by_text("3 alertes pour l'association")).to_be_visible()
    alertes.get_by_role(
        "button", name="Écarter ou reporter l'alerte « Premier rendez-vous en attente » de Nolwenn QUÉRÉ"
    ).click()
    expect(
        page.get_by_role("heading", name="Écarter l'alerte « Premier rendez-vous en attente » — Nolwenn QUÉRÉ")
    ).to_be_focused()
    capture(page, "bureaux-01-responsable-ecarter")
    page.get_by_label("Motif").fill("Ménage reparti chez sa mère, ne souhaite plus être accompagné")
    page.get_by_role("button", name="Écarter l'alerte").click()
    expect(alertes.get_by_text("Alerte écartée ; le motif est gardé.")).to_be_visible()
    expect(alertes.get_by_text("2 alertes pour l'association")).to_be_visible()
    expect(alertes.get_by_text("Nolwenn QUÉRÉ")).to_have_count(0)
    capture(page, "bureaux-02-responsable-tableau-de-bord")
    _axe(page, "tableau de bord de la responsable")
    page.reload()
    expect(page.get_by_role("region", name="Alertes").get_by_text("2 alertes pour l'association")).to_be_visible()

    # Two of Luc's files handed to Zoé at once.
    equipe = page.get_by_role("region", name="Mon équipe")
    equipe.get_by_role("link", name="Voir l'équipe et réaffecter des mesures").click()
    expect(page.get_by_role("heading", level=1, name="Charge de l'équipe")).to_be_visible()
    page.get_by_role("row", name="Luc Morvan").get_by_role("button", name="Réaffecter ses mesures").click()
    expect(page.get_by_label("Mesures de").locator("option:checked")).to_have_text("Luc Morvan")
    page.locator("label", has_text="Maëlle KEROUAC").click()
    page.locator("label", has_text="Rozenn JAOUEN").click()
    expect(page.get_by_role("checkbox", name="Rozenn JAOUEN")).to_be_checked()
    page.get_by_label("Confier à").select_option(label="Zoé Riou")
    page.get_by_label("Motif (facultatif)").fill("Congé de Luc")
    capture(page, "bureaux-03-equipe-reaffecter")
    _axe(page, "charge de l'équipe")
    page.get_by_role("button", name="Réaffecter 2 mesures").click()
    expect(page.get_by_text("2 mesures confiées à Zoé Riou.")).to_be_visible()
    expect(page.get_by_role("row", name="Zoé Riou 2 0 2")).to_be_visible()
    expect(page.get_by_role("row", name="Luc Morvan 0 0 0")).to_be_visible()
    capture(page, "bureaux-04-equipe-reaffectee")


def test_le_bailleur_suit_ses_orientations(page: Any, serveur: Serveur, capture: Any) -> None:
    with client_api(serveur, serveur.admin_email, serveur.admin_password) as admin:
        admin.post(
            "/api/v1/utilisateurs",
            json={
                "email": BAILLEUR[0],
                "nom": "Guillou",
                "prenom": "Yann",
                "organisation_id": serveur.ids["bailleur"],
                "role": "agent",
                "mot_de_passe": BAILLEUR[1],
            },
        ).raise_for_status()
    with client_api(serveur, *BAILLEUR) as bailleur:
        o = orienter(
            bailleur,
            serveur,
            {"nom": "Le Bihan", "prenom": "Soazig", "date_naissance": "1990-03-03", "sexe": "femme"},
            composition="femme_seule",
            origine="bailleur",
        )
    se_connecter(page, *BAILLEUR)
    bureau = page.get_by_role("region", name="Mes orientations")
    expect(bureau.get_by_role("table", name="Mes orientations par statut")).to_be_visible()
    expect(bureau.get_by_role("heading", name="Dernières orientations")).to_be_visible()
    expect(bureau.get_by_role("link", name=o["reference"])).to_be_visible()
    capture(page, "bureaux-05-bailleur")
    _axe(page, "tableau de bord du bailleur")
    # Next visit: what changed since (nothing yet).
    page.reload()
    expect(
        page.get_by_role("region", name="Mes orientations").get_by_text("Aucune de vos orientations n'a changé depuis.")
    ).to_be_visible()


def test_le_financeur_lit_ses_chiffres_cles(page: Any, serveur: Serveur, capture: Any) -> None:
    se_connecter(page, FINANCEUR_EMAIL, FINANCEUR_PASSWORD)
    bureau = page.get_by_role("region", name="Chiffres clés de l'année")
    expect(bureau.get_by_text("File active au")).to_be_visible()
    expect(bureau.get_by_role("link", name="Tous les indicateurs de l'année")).to_be_visible()
    # Aggregates only: no household's name, no link to a file.
    expect(bureau.locator("a[href^='/menages/'], a[href^='/mesures/']")).to_have_count(0)
    capture(page, "bureaux-06-financeur")
    _axe(page, "tableau de bord du financeur")


def test_l_administrateur_voit_ce_qui_a_echoue(page: Any, serveur: Serveur, capture: Any) -> None:
    se_connecter(page, serveur.admin_email, serveur.admin_password)
    bureau = page.get_by_role("region", name="Administration")
    expect(bureau.get_by_role("link", name="organisations")).to_be_visible()
    expect(bureau.get_by_text("Aucun courriel abandonné : tous les envois sont partis.")).to_be_visible()
    capture(page, "bureaux-07-administrateur")
    _axe(page, "tableau de bord de l'administrateur")
