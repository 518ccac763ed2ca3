"""Dates that cannot be: transitions in the future, decisions before the reception, and
the reception date given at creation (history taken over by an integration)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from api.mesures.service import aujourdhui
from tests.factories import (
    Monde,
    creer_convention,
    creer_dispositif,
    orientation_payload,
    orienter,
    transition,
)

URL = "/api/v1/orientations"


def _si(monde: Monde) -> dict[str, str]:
    """The bailleur's system: a partner system sends an Idempotency-Key."""
    return {**monde.h("bailleur_si"), "Idempotency-Key": str(uuid.uuid4())}


def _champ(r, champ: str) -> None:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert champ in r.text


def test_transitions_in_the_future_or_before_the_reception_are_refused(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    o = orienter(client, monde, d["id"])
    demain = (aujourdhui() + timedelta(days=1)).isoformat()
    # submitted today: en_commission tomorrow is refused, today is fine
    _champ(transition(client, monde, o["id"], vers_statut="en_commission", date_effet=demain), "date_effet")
    r = transition(client, monde, o["id"], vers_statut="en_commission")
    assert r.status_code == 200, r.text
    # a decision before the reception (the −2 526 days of the issue): refused, nothing changed
    avant = (aujourdhui() - timedelta(days=30)).isoformat()
    accepter = {
        "vers_statut": "acceptee",
        "association_id": str(monde.asso.id),
        "cible_code": "sante_mentale",
        "type_accompagnement_code": "evaluation",
    }
    r = transition(client, monde, o["id"], **accepter, date_effet=avant)
    _champ(r, "date_effet")
    assert o["date_reception"] in r.json()["detail"]
    # an acceptance dated in the future would create a mesure that can neither start nor end
    _champ(transition(client, monde, o["id"], **accepter, date_effet=demain), "date_effet")
    lu = client.get(f"{URL}/{o['id']}", headers=monde.h("gie")).json()
    assert lu["statut"] == "en_commission" and lu["mesure_id"] is None
    assert transition(client, monde, o["id"], **accepter).status_code == 200


def test_reception_date_at_creation(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    passe = "2023-03-14"
    # an integration taking over its history: the date is kept, and the submission event too
    o = orienter(client, monde, d["id"], headers=_si(monde), date_reception=passe)
    assert o["date_reception"] == passe
    evs = client.get(f"{URL}/{o['id']}/evenements", headers=monde.h("bailleur_si")).json()
    assert [e["date_effet"] for e in evs if e["vers_statut"] == "soumise"] == [passe]
    # a decision before it is refused, after it accepted
    _champ(transition(client, monde, o["id"], vers_statut="en_commission", date_effet="2023-03-01"), "date_effet")
    assert transition(client, monde, o["id"], vers_statut="en_commission", date_effet="2023-03-20").status_code == 200
    # the commission too (referrals received on paper)
    o2 = orienter(client, monde, d["id"], who="gie", origine="ccas", date_reception=passe)
    assert o2["date_reception"] == passe
    # refused: in the future, without soumettre, from a person of a bailleur
    demain = (aujourdhui() + timedelta(days=1)).isoformat()
    for extra in ({"date_reception": demain}, {"date_reception": passe, "soumettre": False}):
        r = client.post(URL, json=orientation_payload(d["id"], **extra), headers=_si(monde))
        _champ(r, "date_reception")
    r = client.post(URL, json=orientation_payload(d["id"], date_reception=passe), headers=monde.h("bailleur"))
    _champ(r, "date_reception")
    # in a batch: the refused referral is named, nothing is written
    lot = {
        "orientations": [
            orientation_payload(d["id"], date_reception=passe),
            orientation_payload(d["id"], date_reception=demain),
        ]
    }
    r = client.post(f"{URL}/lot", json=lot, headers=_si(monde))
    _champ(r, "orientations.1.date_reception")
    lot["orientations"].pop()
    r = client.post(f"{URL}/lot", json=lot, headers=_si(monde))
    assert r.status_code == 201, r.text
    assert [x["date_reception"] for x in r.json()["orientations"]] == [passe]
