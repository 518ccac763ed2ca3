"""What the journeys set up through the API before a person takes over in the browser:
an association with its agents and convention, referrals accepted by the commission,
mesures taken and started. One place, so that every journey sets them up the same way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from tests.e2e.conftest import Serveur


def client_api(serveur: Serveur, email: str, password: str) -> httpx.Client:
    """An API client signed in as that account."""
    return httpx.Client(base_url=serveur.url, headers={"Authorization": f"Bearer {serveur.jeton(email, password)}"})


def association(
    serveur: Serveur, nom: str, agents: list[tuple[str, str, str, str]], *, objectif_menages: int = 10
) -> dict[str, Any]:
    """A new association in Rennes, its agents (email, password, prénom, nom) and its
    convention on the journey's dispositif: its figures depend on no other journey."""
    with client_api(serveur, serveur.admin_email, serveur.admin_password) as admin:
        asso = (
            admin.post("/api/v1/organisations", json={"nom": nom, "type": "association", "commune_insee": "35238"})
            .raise_for_status()
            .json()
        )
        for email, mot_de_passe, prenom, nom_agent in agents:
            admin.post(
                "/api/v1/utilisateurs",
                json={
                    "email": email,
                    "nom": nom_agent,
                    "prenom": prenom,
                    "organisation_id": asso["id"],
                    "role": "agent",
                    "mot_de_passe": mot_de_passe,
                },
            ).raise_for_status()
        admin.post(
            "/api/v1/conventions",
            json={
                "dispositif_id": serveur.ids["dispositif"],
                "association_id": asso["id"],
                "date_debut": "2020-01-01",
                "date_fin": "2035-12-31",
                "objectif_menages": objectif_menages,
                "communes": ["35238"],
            },
        ).raise_for_status()
    return dict(asso)


def orienter(
    c: httpx.Client,
    serveur: Serveur,
    demandeur: dict[str, Any],
    *,
    composition: str,
    origine: str = "association",
    motifs: str = "Impayés de loyer.",
    date_reception: date | None = None,
) -> dict[str, Any]:
    """A new household of one demandeur in Rennes, referred and submitted to the commission.
    ``date_reception``: a referral received in the past (the commission records it; an
    agent's referral is received today, and nothing is decided before its reception)."""
    r = c.post(
        "/api/v1/orientations",
        json={
            "dispositif_id": serveur.ids["dispositif"],
            "origine": origine,
            "acces_maintien": "maintien",
            "motifs": motifs,
            "soumettre": True,
            **({"date_reception": date_reception.isoformat()} if date_reception else {}),
            "menage": {
                "composition": composition,
                "commune_insee": "35238",
                "personnes": [{"lien": "demandeur", **demandeur}],
            },
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def accepter(
    gie: httpx.Client,
    serveur: Serveur,
    jour: date,
    association_id: str,
    orientations: list[tuple[dict[str, Any], str, str]],
) -> None:
    """A commission session on `jour` accepts each (orientation, cible, type
    d'accompagnement) for the association: the mesures are mandatées, without référent."""
    s = gie.post("/api/v1/commissions", json={"dispositif_id": serveur.ids["dispositif"], "date": jour.isoformat()})
    assert s.status_code == 201, s.text
    sid = s.json()["id"]
    gie.post(
        f"/api/v1/commissions/{sid}/ordre-du-jour", json={"orientation_ids": [o["id"] for o, _, _ in orientations]}
    ).raise_for_status()
    d = gie.post(
        f"/api/v1/commissions/{sid}/decisions",
        json={
            "decisions": [
                {
                    "orientation_id": o["id"],
                    "vers_statut": "acceptee",
                    "association_id": association_id,
                    "cible_code": cible,
                    "type_accompagnement_code": type_code,
                }
                for o, cible, type_code in orientations
            ]
        },
    )
    assert d.status_code == 200, d.text


def prendre_et_demarrer(agent: httpx.Client, mesure_id: str, jour: date) -> httpx.Response:
    """The agent becomes the mesure's référent and starts it on `jour` with the household's
    adhésion; returns the démarrage's response (its ETag is the mesure's new version)."""
    moi = agent.get("/api/v1/auth/me").raise_for_status().json()
    lu = agent.get(f"/api/v1/mesures/{mesure_id}").raise_for_status()
    r = agent.post(
        f"/api/v1/mesures/{mesure_id}/changer-referent",
        json={"referent_id": moi["id"]},
        headers={"If-Match": lu.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    r = agent.post(
        f"/api/v1/mesures/{mesure_id}/demarrer",
        json={"date_debut": jour.isoformat(), "adhesion_date": jour.isoformat()},
        headers={"If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    return r
