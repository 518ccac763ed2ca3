"""Documents and notifications through the screens: the association joins an évaluation
to its referral (upload with progress), the commission opens it in its session screen
(preview in the page), a bailleur never sees it (API and screens), and after the decision the association's header counts its
notification."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from api.mesures.service import aujourdhui  # the French date, as the product reads « today »
from tests.documents.clamd import PDF
from tests.e2e.conftest import GIE_EMAIL, GIE_PASSWORD, Serveur
from tests.e2e.test_parcours import se_connecter

pytestmark = pytest.mark.e2e


def test_evaluation_jointe_ouverte_par_la_commission_puis_notification(
    page: Any, serveur: Serveur, capture: Any, tmp_path: Any
) -> None:
    url = serveur.url
    asso = {"Authorization": f"Bearer {serveur.jeton(serveur.agent_email, serveur.agent_password)}"}
    gie = {"Authorization": f"Bearer {serveur.jeton(GIE_EMAIL, GIE_PASSWORD)}"}
    admin = {"Authorization": f"Bearer {serveur.jeton(serveur.admin_email, serveur.admin_password)}"}
    # The association refers a household; the commission puts it on a session's agenda.
    r = httpx.post(
        f"{url}/api/v1/orientations",
        headers=asso,
        json={
            "dispositif_id": serveur.ids["dispositif"],
            "menage": {
                "commune_insee": "35238",
                "personnes": [{"lien": "demandeur", "nom": "Le Goff", "prenom": "Maëlle",
                               "date_naissance": "1979-02-11", "sexe": "femme"}],
            },
            "origine": "association",
            "acces_maintien": "maintien",
            "soumettre": True,
        },
    )
    assert r.status_code == 201, r.text
    o = r.json()
    seance = httpx.post(f"{url}/api/v1/commissions", headers=gie,
                        json={"dispositif_id": serveur.ids["dispositif"], "date": aujourdhui().isoformat(), "lieu": "Rennes"}).json()
    r = httpx.post(f"{url}/api/v1/commissions/{seance['id']}/ordre-du-jour", headers=gie,
                   json={"orientation_ids": [o["id"]]})
    assert r.status_code == 200, r.text

    # --- The association joins its évaluation to the referral ---------------------------------
    fichier = tmp_path / "evaluation.pdf"
    fichier.write_bytes(PDF)
    se_connecter(page, serveur.agent_email, serveur.agent_password)
    page.goto(f"/orientations/{o['id']}")
    documents = page.locator("section", has=page.get_by_role("heading", name="Documents"))
    expect(documents).to_contain_text("Aucun document")
    documents.get_by_label("Fichier").set_input_files(str(fichier))
    documents.get_by_label("Type").select_option("evaluation")
    documents.get_by_label("Titre").fill("Évaluation sociale de décembre")
    documents.get_by_role("button", name="Déposer").click()
    expect(documents).to_contain_text("Le document est déposé.")
    expect(documents.get_by_text("Évaluation sociale de décembre")).to_be_visible()
    capture(page, "30-documents-depot-association")

    # --- The commission opens it in its session screen, beside the referral on the agenda -------
    page.context.clear_cookies()
    se_connecter(page, GIE_EMAIL, GIE_PASSWORD)
    page.goto(f"/commission/{seance['id']}")
    carte = page.get_by_role("region", name=f"Orientation {o['reference']}")
    documents = carte.locator("section", has=page.get_by_role("heading", name="Documents"))
    expect(documents.get_by_text("Évaluation sociale de décembre")).to_be_visible()
    expect(documents.get_by_role("button", name="Déposer")).to_have_count(0)  # read, not deposit
    documents.get_by_role("button", name="Aperçu").click()
    expect(page.get_by_title("Aperçu : Évaluation sociale de décembre")).to_be_visible()
    capture(page, "31-documents-apercu-commission")

    # --- A bailleur never sees it ---------------------------------------------------------------
    httpx.post(f"{url}/api/v1/utilisateurs", headers=admin, json={
        "email": "bailleur.e2e@neotoa.fr", "nom": "Durand", "prenom": "Yves", "organisation_id": serveur.ids["bailleur"],
        "role": "agent", "mot_de_passe": "mot-de-passe-bailleur-42",
    }).raise_for_status()
    bailleur = {"Authorization": f"Bearer {serveur.jeton('bailleur.e2e@neotoa.fr', 'mot-de-passe-bailleur-42')}"}
    doc = httpx.get(f"{url}/api/v1/documents", headers=gie, params={"orientation_id": o["id"]}).json()["items"][0]
    assert httpx.get(f"{url}/api/v1/documents/{doc['id']}/contenu", headers=bailleur).status_code == 404
    assert httpx.get(f"{url}/api/v1/documents", headers=bailleur).json()["items"] == []
    assert httpx.get(f"{url}/api/v1/documents", headers=bailleur, params={"orientation_id": o["id"]}).json()["items"] == []
    # Nor through the screens: the referral is not its own, its page says so.
    page.context.clear_cookies()
    se_connecter(page, "bailleur.e2e@neotoa.fr", "mot-de-passe-bailleur-42")
    page.goto(f"/orientations/{o['id']}")
    expect(page.get_by_role("heading", name="Orientation introuvable")).to_be_visible()
    expect(page.get_by_text("Évaluation sociale de décembre")).to_have_count(0)

    # --- The decision: the association's header counts its notification --------------------------
    r = httpx.post(f"{url}/api/v1/orientations/{o['id']}/transitions", headers=gie, json={
        "vers_statut": "acceptee", "association_id": serveur.ids["association"], "cible_code": "reassurance_locataire",
        "type_accompagnement_code": "evaluation",
    })
    assert r.status_code == 200, r.text
    page.context.clear_cookies()
    se_connecter(page, serveur.agent_email, serveur.agent_password)
    expect(page.get_by_role("link", name="Notifications (1 non lue)")).to_be_visible()
    page.get_by_role("link", name="Notifications (1 non lue)").click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    expect(page.get_by_text(f"L'orientation {o['reference']} que vous avez transmise a été acceptée")).to_be_visible()
    assert "Le Goff" not in page.content()
    capture(page, "32-notifications")
