"""Factories of the orientations domain: seed 001's dispositif, conventions, referrals."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.factories import Monde, menage_payload

EXEMPLE = (
    Path(__file__).resolve().parents[1] / "api" / "dispositifs" / "exemples" / "dispositif_300_logements_accompagnes.json"
)


def dispositif_payload(monde: Monde, **overrides: Any) -> dict[str, Any]:
    """Seed 001's dispositif from the shipped JSON example, with this world's organisations."""
    texte = EXEMPLE.read_text()
    texte = texte.replace("{{financeur_id}}", str(monde.financeur.id)).replace(
        "{{commission_id}}", str(monde.gie.id)
    )
    data = json.loads(texte)
    data["code"] = f"{data['code']}_{uuid.uuid4().hex[:6]}"
    data.update(overrides)
    return data


def creer_dispositif(client, monde: Monde, **overrides: Any) -> dict[str, Any]:
    r = client.post(
        "/api/v1/dispositifs", json=dispositif_payload(monde, **overrides), headers=monde.h("admin")
    )
    assert r.status_code == 201, r.text
    return r.json()


def creer_convention(
    client, monde: Monde, dispositif_id: str, association=None, **overrides: Any
) -> dict[str, Any]:
    payload = {
        "dispositif_id": dispositif_id,
        "association_id": str((association or monde.asso).id),
        "date_debut": "2020-01-01",
        "date_fin": "2035-12-31",
        "objectif_menages": 40,
        "mois_mesures_finances": 480,
        "budget_euros": 230000,
        "communes": ["35238", "35288"],
    }
    payload.update(overrides)
    r = client.post("/api/v1/conventions", json=payload, headers=monde.h("admin"))
    assert r.status_code == 201, r.text
    return r.json()


_NAISSANCE_0 = date(1950, 1, 1)
_NAISSANCES = itertools.count()


def orientation_payload(dispositif_id: str, **overrides: Any) -> dict[str, Any]:
    menage = menage_payload()
    # A distinct birth date in this process: two households must not trip the duplicate
    # rule (random dates collided now and then among a few hundred referrals).
    menage["personnes"][0]["date_naissance"] = (_NAISSANCE_0 + timedelta(days=next(_NAISSANCES) % 18_000)).isoformat()
    payload: dict[str, Any] = {
        "dispositif_id": dispositif_id,
        "menage": menage,
        "origine": "bailleur",
        "prescripteur_nom": "Chargée de contentieux",
        "acces_maintien": "maintien",
        "motifs": "Impayés de loyer, isolement.",
        "soumettre": True,
    }
    payload.update(overrides)
    return payload


def orienter(
    client, monde: Monde, dispositif_id: str, who: str = "bailleur", headers=None, **overrides: Any
) -> dict[str, Any]:
    h = headers or monde.h(who)
    r = client.post(
        "/api/v1/orientations", json=orientation_payload(dispositif_id, **overrides), headers=h
    )
    assert r.status_code == 201, r.text
    return r.json()


def transition(client, monde: Monde, oid: str, who: str = "gie", **body: Any):
    return client.post(f"/api/v1/orientations/{oid}/transitions", json=body, headers=monde.h(who))
