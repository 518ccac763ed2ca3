"""The commission's month end to end: the waiting list, a session that cannot be decided
before it sits, the members present, and the procès-verbal as PDF, DOCX and CSV."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta

from docx import Document
from pypdf import PdfReader
from sqlmodel import Session

from api.mesures.service import aujourdhui
from api.orientations.models import Orientation
from tests.factories import Monde, creer_convention, creer_dispositif, orienter, transition

# The sitting of these tests is today's (a decision is never dated in the future, nor
# before the referral's reception): its date as the procès-verbal writes it.
JOUR = aujourdhui().strftime("%d/%m/%Y")


def _seance(client, monde: Monde, d: dict, quand: date, **extra) -> dict:
    r = client.post(
        "/api/v1/commissions",
        json={"dispositif_id": d["id"], "date": quand.isoformat(), "lieu": "Rennes, salle du GIE", **extra},
        headers=monde.h("gie"),
    )
    assert r.status_code == 201, r.text
    return r.json()


def _inscrire(client, monde: Monde, s: dict, ids: list[str]) -> None:
    r = client.post(
        f"/api/v1/commissions/{s['id']}/ordre-du-jour", json={"orientation_ids": ids}, headers=monde.h("gie")
    )
    assert r.status_code == 200, r.text


def _attente(client, monde: Monde, who: str = "gie", **params) -> dict:
    r = client.get("/api/v1/commissions/attente", params={"limit": 100, **params}, headers=monde.h(who))
    assert r.status_code == 200, r.text
    return r.json()


def test_waiting_list_shows_what_waits_for_a_sitting(client, monde: Monde, db: Session) -> None:
    d = creer_dispositif(client, monde)
    ancienne, recente, inscrite, orpheline = (orienter(client, monde, d["id"]) for _ in range(4))
    jour = aujourdhui()
    # received 40 and 3 days ago: the longest waiting comes first, with its days counted
    for o, jours in ((ancienne, 40), (recente, 3), (inscrite, 10), (orpheline, 20)):
        ligne = db.get(Orientation, uuid.UUID(o["id"]))
        assert ligne is not None
        ligne.date_reception = jour - timedelta(days=jours)
        db.add(ligne)
    db.commit()
    passee = _seance(client, monde, d, jour - timedelta(days=7))
    a_venir = _seance(client, monde, d, jour + timedelta(days=7))
    _inscrire(client, monde, a_venir, [inscrite["id"]])
    # on a past session's agenda, not decided, then the session closed: waiting again
    _inscrire(client, monde, passee, [orpheline["id"]])
    assert client.post(f"/api/v1/commissions/{passee['id']}/cloture", headers=monde.h("gie")).status_code == 200

    page = _attente(client, monde)
    refs = [(o["reference"], o["statut"], o["jours_attente"]) for o in page["items"]]
    assert refs == [
        (ancienne["reference"], "soumise", 40),
        (orpheline["reference"], "en_commission", 20),
        (recente["reference"], "soumise", 3),
    ]
    assert page["total"] == 3
    # scheduled on an open session: it waits on that agenda, not on the waiting list
    assert inscrite["reference"] not in {o["reference"] for o in page["items"]}
    assert _attente(client, monde, dispositif_id=d["id"])["total"] == 3
    # the waiting list is the deciding commission's work: its prescribers and the others get nothing
    for who in ("bailleur", "asso_resp", "financeur"):
        assert _attente(client, monde, who)["items"] == [], who
    assert _attente(client, monde, "admin")["total"] == 3
    # the open sessions, the nearest first, with what remains to decide
    r = client.get("/api/v1/commissions", params={"ouvertes": "true"}, headers=monde.h("gie"))
    ouvertes = r.json()["items"]
    assert [s["id"] for s in ouvertes] == [a_venir["id"]]
    assert ouvertes[0]["a_decider"] == 1 and ouvertes[0]["decidable"] is False


def test_a_session_is_not_decided_before_it_sits(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    o = orienter(client, monde, d["id"])
    demain = aujourdhui() + timedelta(days=1)
    s = _seance(client, monde, d, demain)
    assert s["decidable"] is False
    _inscrire(client, monde, s, [o["id"]])
    acceptation = {
        "vers_statut": "acceptee",
        "association_id": str(monde.asso.id),
        "cible_code": "reassurance_locataire",
        "type_accompagnement_code": "evaluation",
    }
    r = client.post(
        f"/api/v1/commissions/{s['id']}/decisions",
        json={"decisions": [{"orientation_id": o["id"], **acceptation}]},
        headers=monde.h("gie"),
    )
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    corps = r.json()
    assert corps["type"].endswith("/seance-a-venir")
    assert f"{demain:%d/%m/%Y}" in corps["detail"] and corps["date_seance"] == demain.isoformat()
    # one by one through the referral: the same rule (it is on that session's agenda)
    r = transition(client, monde, o["id"], **acceptation)
    assert r.status_code == 409 and r.json()["type"].endswith("/seance-a-venir")
    lue = client.get(f"/api/v1/orientations/{o['id']}", headers=monde.h("gie")).json()
    assert lue["statut"] == "en_commission" and lue["mesure_id"] is None  # nothing changed
    # a decision dated in the future is refused too, naming the field
    autre = orienter(client, monde, d["id"])
    assert transition(client, monde, autre["id"], vers_statut="en_commission").status_code == 200
    r = transition(client, monde, autre["id"], vers_statut="ajournee", date_effet=demain.isoformat())
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "date_effet"
    # the prescriber may still withdraw its referral before the sitting
    assert transition(client, monde, o["id"], who="bailleur", vers_statut="annulee").status_code == 200


def test_members_present_are_set_while_the_session_is_open(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    s = _seance(client, monde, d, aujourdhui(), membres_presents=["  Mme Le Gall, présidente  "])
    assert s["membres_presents"] == ["Mme Le Gall, présidente"]
    url = f"/api/v1/commissions/{s['id']}"
    r = client.patch(url, json={"membres_presents": ["Mme Le Gall", "M. Robin (DDETS)"]}, headers=monde.h("gie"))
    assert r.status_code == 200 and r.json()["membres_presents"] == ["Mme Le Gall", "M. Robin (DDETS)"]
    r = client.patch(url, json={"membres_presents": [""]}, headers=monde.h("gie"))
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "body.membres_presents.0"
    r = client.patch(url, json={"date": None}, headers=monde.h("gie"))
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "body.date"
    assert client.get(url, headers=monde.h("gie")).json()["membres_presents"] == ["Mme Le Gall", "M. Robin (DDETS)"]
    for who in ("bailleur", "asso_resp"):
        assert client.patch(url, json={"lieu": "Ailleurs"}, headers=monde.h(who)).status_code == 404
    assert client.post(f"{url}/cloture", headers=monde.h("gie")).status_code == 200
    r = client.patch(url, json={"lieu": "Ailleurs"}, headers=monde.h("gie"))
    assert r.status_code == 409  # closed: its minutes are final


def _session_decidee(client, monde: Monde) -> tuple[dict, list[dict]]:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    os_ = [orienter(client, monde, d["id"]) for _ in range(3)]
    s = _seance(
        client, monde, d, aujourdhui(), membres_presents=["Mme Le Gall, présidente", "M. Robin, DDETS"]
    )
    _inscrire(client, monde, s, [o["id"] for o in os_])
    r = client.post(
        f"/api/v1/commissions/{s['id']}/decisions",
        json={
            "decisions": [
                {
                    "orientation_id": os_[0]["id"],
                    "vers_statut": "acceptee",
                    "association_id": str(monde.asso.id),
                    "cible_code": "sante_mentale",
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
        },
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    assert client.post(f"/api/v1/commissions/{s['id']}/cloture", headers=monde.h("gie")).status_code == 200
    return s, os_


def test_proces_verbal_as_pdf_docx_and_csv(client, monde: Monde) -> None:
    s, os_ = _session_decidee(client, monde)
    url = f"/api/v1/commissions/{s['id']}/proces-verbal"

    r = client.get(f"{url}.pdf", headers=monde.h("gie"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert f'filename="pv-commission-{aujourdhui().isoformat()}.pdf"' in r.headers["content-disposition"]
    texte = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(r.content)).pages)
    for attendu in (
        "Procès-verbal de la commission",
        "GIE Bailleurs 35",  # the instance
        JOUR,
        "Rennes, salle du GIE",
        "Mme Le Gall, présidente",
        "M. Robin, DDETS",
        "Acceptation",
        "Refus de la commission",
        "Territoire non couvert par un financement",
        "Ajournement",
        "Commune hors convention",
        "Santé mentale",  # the commission decides the file: it reads the sensitive cible
        "Nom, date et signature",
        *(o["reference"] for o in os_),
    ):
        assert attendu in texte, attendu
    assert aujourdhui().isoformat() not in texte and "territoire_non_couvert" not in texte and "acceptee" not in texte

    r = client.get(f"{url}.docx", headers=monde.h("gie"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = Document(io.BytesIO(r.content))
    cellules = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    texte_docx = "\n".join([p.text for p in doc.paragraphs] + cellules)
    for attendu in ("Membres présents", "M. Robin, DDETS", JOUR, "Refus de la commission",
                    "Territoire non couvert par un financement", "Nom, date et signature", os_[1]["reference"]):
        assert attendu in texte_docx, attendu

    r = client.get(f"{url}.csv", headers=monde.h("gie"))
    lignes = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][:3] == ["Date de la séance", "Dispositif", "Référence orientation"]
    par_ref = {ligne[2]: ligne for ligne in lignes[1:]}
    refus = par_ref[os_[1]["reference"]]
    assert refus[0] == JOUR and refus[7] == "Refus de la commission" and refus[8] == JOUR
    assert refus[9] == "Territoire non couvert par un financement" and refus[14] == "Commune hors convention"
    assert par_ref[os_[0]["reference"]][11] == "Santé mentale"


def test_proces_verbal_hides_a_sensitive_cible_and_comments_from_the_admin(client, monde: Monde) -> None:
    """The admin reads sessions and referrals, not a health cible nor a commission's comment
    (policy: ``cible_sensible``, ``commentaire``): the minutes it downloads say so."""
    s, os_ = _session_decidee(client, monde)
    url = f"/api/v1/commissions/{s['id']}/proces-verbal"
    r = client.get(f"{url}.csv", headers=monde.h("admin"))
    assert r.status_code == 200
    lignes = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    par_ref = {ligne[2]: ligne for ligne in lignes[1:]}
    assert par_ref[os_[0]["reference"]][11] == "cible confidentielle"
    assert par_ref[os_[1]["reference"]][14] == ""
    texte = " ".join(
        (p.extract_text() or "") for p in PdfReader(io.BytesIO(client.get(f"{url}.pdf", headers=monde.h("admin")).content)).pages
    )
    assert "Santé mentale" not in texte and "Commune hors convention" not in texte
    for who in ("asso_resp", "bailleur", "financeur"):
        for fmt in ("pdf", "docx"):
            assert client.get(f"{url}.{fmt}", headers=monde.h(who)).status_code == 404, (who, fmt)
