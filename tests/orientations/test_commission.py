"""Commission sessions: agenda, decisions one by one or all at once, minutes as CSV."""

from __future__ import annotations

import csv
import io

from api.mesures.service import aujourdhui
from tests.factories import Monde, creer_convention, creer_dispositif, orienter

# Sessions are held on a day that exists: not before the referrals they decide were
# received (today), not in the future.
AUJOURDHUI = aujourdhui().isoformat()


def _session(client, monde: Monde, d: dict, date: str = AUJOURDHUI) -> dict:
    r = client.post(
        "/api/v1/commissions",
        json={"dispositif_id": d["id"], "date": date, "lieu": "Rennes"},
        headers=monde.h("gie"),
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_only_the_commission_organises_sessions(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    for who in ("asso_resp", "bailleur", "financeur"):
        r = client.post(
            "/api/v1/commissions",
            json={"dispositif_id": d["id"], "date": AUJOURDHUI},
            headers=monde.h(who),
        )
        # a wrong role has its own status (dispositifs are public: nothing to hide)
        assert r.status_code == 403, who
        assert r.json()["type"] == "/problemes/role-insuffisant"
    s = _session(client, monde, d)
    for who in ("asso_resp", "bailleur", "financeur"):
        assert client.get(f"/api/v1/commissions/{s['id']}", headers=monde.h(who)).status_code == 404
        assert (
            client.get(
                f"/api/v1/commissions/{s['id']}/proces-verbal.csv", headers=monde.h(who)
            ).status_code
            == 404
        )
    assert client.get(f"/api/v1/commissions/{s['id']}", headers=monde.h("admin")).status_code == 200


def test_agenda_and_batch_decisions(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    os_ = [orienter(client, monde, d["id"]) for _ in range(3)]
    s = _session(client, monde, d)
    r = client.post(
        f"/api/v1/commissions/{s['id']}/ordre-du-jour",
        json={"orientation_ids": [o["id"] for o in os_]},
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    assert sorted(r.json()["ordre_du_jour"]) == sorted(o["id"] for o in os_)
    for o in os_:
        assert (
            client.get(f"/api/v1/orientations/{o['id']}", headers=monde.h("gie")).json()["statut"]
            == "en_commission"
        )
    decisions = [
        {
            "orientation_id": os_[0]["id"],
            "vers_statut": "acceptee",
            "association_id": str(monde.asso.id),
            "cible_code": "reassurance_locataire",
            "type_accompagnement_code": "evaluation",
        },
        {
            "orientation_id": os_[1]["id"],
            "vers_statut": "refusee",
            "motif_refus": "territoire_non_couvert",
            "commentaire": "Commune hors convention",
        },
        {"orientation_id": os_[2]["id"], "vers_statut": "ajournee"},
    ]
    r = client.post(
        f"/api/v1/commissions/{s['id']}/decisions",
        json={"decisions": decisions},
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    assert [o["statut"] for o in r.json()] == ["acceptee", "refusee", "ajournee"]
    assert r.json()[0]["date_decision"] == AUJOURDHUI  # the session's date by default
    pv = client.get(f"/api/v1/commissions/{s['id']}/proces-verbal.csv", headers=monde.h("gie"))
    assert pv.status_code == 200
    assert pv.headers["content-type"].startswith("text/csv")
    assert "attachment" in pv.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(pv.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:8] == [
        "Date de la séance",
        "Dispositif",
        "Référence orientation",
        "Référence ménage",
        "Origine",
        "Prescripteur",
        "Accès / maintien",
        "Décision",
    ]
    by_ref = {row[2]: row for row in rows[1:]}
    assert len(by_ref) == 3
    accepted = by_ref[os_[0]["reference"]]
    assert accepted[0] == aujourdhui().strftime("%d/%m/%Y")
    assert accepted[7] == "Acceptation"
    assert accepted[10] == "Association Espoir 35"
    assert accepted[11] == "Réassurance du locataire"
    assert accepted[12] == "Évaluation"
    assert accepted[13].startswith("S-")
    refused = by_ref[os_[1]["reference"]]
    assert (refused[7], refused[8], refused[9], refused[14]) == (
        "Refus de la commission",
        aujourdhui().strftime("%d/%m/%Y"),
        "Territoire non couvert par un financement",
        "Commune hors convention",
    )


def test_batch_is_all_or_nothing(client, monde: Monde, db) -> None:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"], communes=["35288"])  # does not cover Rennes
    a, b = orienter(client, monde, d["id"]), orienter(client, monde, d["id"])
    s = _session(client, monde, d)
    client.post(
        f"/api/v1/commissions/{s['id']}/ordre-du-jour",
        json={"orientation_ids": [a["id"], b["id"]]},
        headers=monde.h("gie"),
    )
    decisions = [
        {"orientation_id": a["id"], "vers_statut": "refusee", "motif_refus": "hors_cible"},
        {
            "orientation_id": b["id"],
            "vers_statut": "acceptee",
            "association_id": str(monde.asso.id),
            "cible_code": "reassurance_locataire",
            "type_accompagnement_code": "evaluation",
        },
    ]
    r = client.post(
        f"/api/v1/commissions/{s['id']}/decisions",
        json={"decisions": decisions},
        headers=monde.h("gie"),
    )
    assert r.status_code == 409
    assert "Décision n° 2" in r.json()["detail"] and "convention" in r.json()["detail"]
    for o in (a, b):
        assert (
            client.get(f"/api/v1/orientations/{o['id']}", headers=monde.h("gie")).json()["statut"]
            == "en_commission"
        )
    evs = client.get(f"/api/v1/orientations/{a['id']}/evenements", headers=monde.h("gie")).json()
    assert evs[-1]["vers_statut"] == "en_commission"


def test_decision_on_an_orientation_not_on_the_agenda(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    o = orienter(client, monde, d["id"])
    s = _session(client, monde, d)
    r = client.post(
        f"/api/v1/commissions/{s['id']}/decisions",
        json={"decisions": [{"orientation_id": o["id"], "vers_statut": "ajournee"}]},
        headers=monde.h("gie"),
    )
    assert r.status_code == 422
    assert "ordre du jour" in r.text


def test_closed_session_refuses_agenda_and_decisions(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    o = orienter(client, monde, d["id"])
    s = _session(client, monde, d)
    assert (
        client.post(
            f"/api/v1/commissions/{s['id']}/cloture", headers=monde.h("bailleur")
        ).status_code
        == 404
    )
    r = client.post(f"/api/v1/commissions/{s['id']}/cloture", headers=monde.h("gie"))
    assert r.status_code == 200
    assert r.json()["close"] is True
    r = client.post(
        f"/api/v1/commissions/{s['id']}/ordre-du-jour",
        json={"orientation_ids": [o["id"]]},
        headers=monde.h("gie"),
    )
    assert r.status_code == 409
    assert "close" in r.json()["detail"]


def test_agenda_and_decisions_refused_to_other_roles(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    o = orienter(client, monde, d["id"])
    s = _session(client, monde, d)
    body = {"orientation_ids": [o["id"]]}
    decisions = {"decisions": [{"orientation_id": o["id"], "vers_statut": "ajournee"}]}
    for who in ("bailleur", "bailleur_si", "asso_resp", "financeur"):
        r = client.post(
            f"/api/v1/commissions/{s['id']}/ordre-du-jour", json=body, headers=monde.h(who)
        )
        assert r.status_code == 404, who
        r = client.post(
            f"/api/v1/commissions/{s['id']}/decisions", json=decisions, headers=monde.h(who)
        )
        assert r.status_code == 404, who
    # the admin reads sessions but does not decide
    r = client.post(
        f"/api/v1/commissions/{s['id']}/ordre-du-jour", json=body, headers=monde.h("admin")
    )
    assert r.status_code == 403
    # a session of another dispositif cannot take this referral
    d2 = creer_dispositif(client, monde)
    s2 = _session(client, monde, d2)
    r = client.post(
        f"/api/v1/commissions/{s2['id']}/ordre-du-jour", json=body, headers=monde.h("gie")
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "orientation_ids"
