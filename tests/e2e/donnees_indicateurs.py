"""Data behind the indicators journey, created through the API as the screens would.

A second association (« Association Horizon ») gets its own agent and convention on
the journey's dispositif, so that its figures do not depend on what the other
journeys of the same session created: two households referred, accepted by the
commission, both mesures started today, the second one ended today.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.e2e.conftest import Serveur
from tests.e2e.donnees import accepter, association, client_api, orienter, prendre_et_demarrer

PARIS = ZoneInfo("Europe/Paris")
HORIZON_EMAIL = "agent.e2e@horizon35.fr"
HORIZON_PASSWORD = "horizon-e2e-mot-de-passe-solide"


def age_au(naissance: date, jour: date) -> int:
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


def creer_donnees_indicateurs(serveur: Serveur) -> dict[str, Any]:
    """Two mesures of « Association Horizon »: one in progress (habitat adapté, a woman
    born in 1990), one ended today (santé mentale, a man born in 1958, relogement)."""
    aujourdhui = datetime.now(PARIS).date()
    horizon = association(serveur, "Association Horizon", [(HORIZON_EMAIL, HORIZON_PASSWORD, "Soizic", "Guillou")])
    naissances = {"habitat": date(1990, 5, 10), "sante": date(1958, 2, 1)}
    # The partners' convention gives the funder exact figures (as seed 001's bilan does):
    # the administrator sets this dispositif's secrecy threshold to 0 (docs/indicateurs.md).
    with client_api(serveur, serveur.admin_email, serveur.admin_password) as admin:
        admin.patch(
            f"/api/v1/dispositifs/{serveur.ids['dispositif']}", json={"secret_statistique_seuil": 0}
        ).raise_for_status()
    with (
        client_api(serveur, HORIZON_EMAIL, HORIZON_PASSWORD) as agent,
        client_api(serveur, serveur.gie_email, serveur.gie_password) as gie,
    ):
        o1 = orienter(
            agent,
            serveur,
            {
                "nom": "Le Bihan",
                "prenom": "Gwenaëlle",
                "date_naissance": naissances["habitat"].isoformat(),
                "sexe": "femme",
            },
            composition="femme_seule",
            origine="bailleur",
        )
        o2 = orienter(
            agent,
            serveur,
            {"nom": "Morvan", "prenom": "Loïc", "date_naissance": naissances["sante"].isoformat(), "sexe": "homme"},
            composition="homme_seul",
            origine="bailleur",
        )
        accepter(
            gie,
            serveur,
            aujourdhui,
            horizon["id"],
            [(o1, "habitat_adapte_sur_mesure", "evaluation"), (o2, "sante_mentale", "evaluation")],
        )
        mesures = agent.get("/api/v1/mesures").raise_for_status().json()
        assert mesures["total"] == 2, mesures
        par_cible = {m["cible_code"]: m for m in mesures["items"]}
        for cible in ("habitat_adapte_sur_mesure", "sante_mentale"):
            m = par_cible[cible]
            r = prendre_et_demarrer(agent, m["id"], aujourdhui)
            if cible == "sante_mentale":
                r = agent.post(
                    f"/api/v1/mesures/{m['id']}/terminer",
                    json={
                        "date_fin": aujourdhui.isoformat(),
                        "motif_fin": "relogement",
                        "situation_sortie": "locataire_parc_public",
                    },
                    headers={"If-Match": r.headers["ETag"]},
                )
                assert r.status_code == 200, r.text
    return {
        "association": horizon,
        "aujourdhui": aujourdhui,
        "en_cours": par_cible["habitat_adapte_sur_mesure"],
        "terminee": par_cible["sante_mentale"],
        "age_en_cours": age_au(naissances["habitat"], aujourdhui),
        "age_terminee": age_au(naissances["sante"], aujourdhui),
    }
