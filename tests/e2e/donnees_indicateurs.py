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

import httpx

from tests.e2e.conftest import Serveur

PARIS = ZoneInfo("Europe/Paris")
HORIZON_EMAIL = "agent.e2e@horizon35.fr"
HORIZON_PASSWORD = "horizon-e2e-mot-de-passe-solide"


def _client(serveur: Serveur, email: str, password: str) -> httpx.Client:
    return httpx.Client(
        base_url=serveur.url,
        headers={"Authorization": f"Bearer {serveur.jeton(email, password)}"},
    )


def _orientation(c: httpx.Client, serveur: Serveur, personne: dict[str, Any]) -> dict[str, Any]:
    r = c.post(
        "/api/v1/orientations",
        json={
            "dispositif_id": serveur.ids["dispositif"],
            "origine": "bailleur",
            "acces_maintien": "maintien",
            "motifs": "Impayés de loyer.",
            "soumettre": True,
            "menage": {
                "composition": "femme_seule" if personne["sexe"] == "femme" else "homme_seul",
                "commune_insee": "35238",
                "personnes": [{"lien": "demandeur", **personne}],
            },
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def age_au(naissance: date, jour: date) -> int:
    return jour.year - naissance.year - ((jour.month, jour.day) < (naissance.month, naissance.day))


def creer_donnees_indicateurs(serveur: Serveur) -> dict[str, Any]:
    """Two mesures of « Association Horizon »: one in progress (habitat adapté, a woman
    born in 1990), one ended today (santé mentale, a man born in 1958, relogement)."""
    aujourdhui = datetime.now(PARIS).date()
    with _client(serveur, serveur.admin_email, serveur.admin_password) as admin:
        horizon = (
            admin.post(
                "/api/v1/organisations",
                json={"nom": "Association Horizon", "type": "association", "commune_insee": "35238"},
            )
            .raise_for_status()
            .json()
        )
        admin.post(
            "/api/v1/utilisateurs",
            json={
                "email": HORIZON_EMAIL,
                "nom": "Guillou",
                "prenom": "Soizic",
                "organisation_id": horizon["id"],
                "role": "agent",
                "mot_de_passe": HORIZON_PASSWORD,
            },
        ).raise_for_status()
        admin.post(
            "/api/v1/conventions",
            json={
                "dispositif_id": serveur.ids["dispositif"],
                "association_id": horizon["id"],
                "date_debut": "2020-01-01",
                "date_fin": "2035-12-31",
                "objectif_menages": 10,
                "communes": ["35238"],
            },
        ).raise_for_status()

    naissances = {"habitat": date(1990, 5, 10), "sante": date(1958, 2, 1)}
    with (
        _client(serveur, HORIZON_EMAIL, HORIZON_PASSWORD) as agent,
        _client(serveur, serveur.gie_email, serveur.gie_password) as gie,
    ):
        o1 = _orientation(
            agent,
            serveur,
            {
                "nom": "Le Bihan",
                "prenom": "Gwenaëlle",
                "date_naissance": naissances["habitat"].isoformat(),
                "sexe": "femme",
            },
        )
        o2 = _orientation(
            agent,
            serveur,
            {"nom": "Morvan", "prenom": "Loïc", "date_naissance": naissances["sante"].isoformat(), "sexe": "homme"},
        )
        s = gie.post(
            "/api/v1/commissions",
            json={"dispositif_id": serveur.ids["dispositif"], "date": aujourdhui.isoformat()},
        )
        assert s.status_code == 201, s.text
        sid = s.json()["id"]
        gie.post(
            f"/api/v1/commissions/{sid}/ordre-du-jour", json={"orientation_ids": [o1["id"], o2["id"]]}
        ).raise_for_status()
        d = gie.post(
            f"/api/v1/commissions/{sid}/decisions",
            json={
                "decisions": [
                    {
                        "orientation_id": o["id"],
                        "vers_statut": "acceptee",
                        "association_id": horizon["id"],
                        "cible_code": cible,
                        "type_accompagnement_code": "evaluation",
                    }
                    for o, cible in ((o1, "habitat_adapte_sur_mesure"), (o2, "sante_mentale"))
                ]
            },
        )
        assert d.status_code == 200, d.text

        moi = agent.get("/api/v1/auth/me").raise_for_status().json()
        mesures = agent.get("/api/v1/mesures").raise_for_status().json()
        assert mesures["total"] == 2, mesures
        par_cible = {m["cible_code"]: m for m in mesures["items"]}
        for cible in ("habitat_adapte_sur_mesure", "sante_mentale"):
            m = par_cible[cible]
            lu = agent.get(f"/api/v1/mesures/{m['id']}").raise_for_status()
            r = agent.post(
                f"/api/v1/mesures/{m['id']}/changer-referent",
                json={"referent_id": moi["id"]},
                headers={"If-Match": lu.headers["ETag"]},
            )
            assert r.status_code == 200, r.text
            r = agent.post(
                f"/api/v1/mesures/{m['id']}/demarrer",
                json={"date_debut": aujourdhui.isoformat(), "adhesion_date": aujourdhui.isoformat()},
                headers={"If-Match": r.headers["ETag"]},
            )
            assert r.status_code == 200, r.text
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
