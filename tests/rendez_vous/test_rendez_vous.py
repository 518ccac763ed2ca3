"""Rendez-vous: planning, recording, refusals, If-Match, and who may see them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from api.menages.models import Personne
from tests import factories as fab
from tests.factories import Monde

URL = "/api/v1/rendez-vous"


def _rdv(client, monde: Monde, mes, who: str = "asso_agent", **body):
    payload = {
        "mesure_id": str(mes.id),
        "debut": "2023-02-14T09:30:00",
        "type": "visite_domicile",
        "lieu": "Domicile",
    } | body
    return client.post(URL, json=payload, headers=monde.h(who))


def _terminer(client, monde: Monde, mes) -> None:
    r = client.post(
        f"/api/v1/mesures/{mes.id}/terminer",
        headers=monde.h("asso_agent"),
        json={
            "date_fin": "2023-06-30",
            "motif_fin": "relogement",
            "situation_sortie": "locataire_parc_public",
        },
    )
    assert r.status_code == 200, r.text


def test_list_names_the_demandeur_and_finds_by_name(client, monde: Monde, db) -> None:
    """Issue 14: the agenda says who is visited, and « vallee » finds Mme Vallée's visits."""
    disp = fab.dispositif(db, monde)
    men = fab.menage(db, monde, nom="Vallée", prenom="Claire", naissance=date(1980, 5, 17), sexe="femme")
    vallee = fab.mesure(db, monde, disp, men=men)
    autre = fab.mesure(db, monde, disp)
    assert _rdv(client, monde, vallee).status_code == 201
    cree = _rdv(client, monde, autre, debut="2023-02-15T09:30:00").json()
    h = monde.h("asso_agent")
    tous = client.get(URL, headers=h).json()["items"]
    assert tous[0]["demandeur"] == "Claire VALLÉE" and tous[1]["demandeur"] and tous[1]["demandeur"] != "Claire VALLÉE"
    assert cree["demandeur"] == tous[1]["demandeur"]  # the detail names her too
    trouves = client.get(URL, params={"q": "VALLEE"}, headers=h).json()
    assert [i["mesure_reference"] for i in trouves["items"]] == [vallee.reference] and trouves["total"] == 1
    assert client.get(URL, params={"q": autre.reference.lower()}, headers=h).json()["total"] == 1
    assert client.get(URL, params={"q": "vallee"}, headers=monde.h("asso2_agent")).json()["total"] == 0


def test_create_read_and_list(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp, mandatement=date(2023, 1, 10))
    demandeur = db.exec(
        select(Personne).where(Personne.menage_id == mes.menage_id, Personne.lien == "demandeur")
    ).one()
    r = _rdv(
        client,
        monde,
        mes,
        type="rencontre_tripartite",
        statut="realise",
        duree_minutes=90,
        participants={"personnes": [str(demandeur.id)], "bailleur": True, "autres": ["CCAS"]},
        compte_rendu="Plan d'apurement signé",
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["ETag"] == '"1"'
    # 09:30 in Paris in February is 08:30 UTC; 90 minutes later is 10:00 UTC
    assert datetime.fromisoformat(body["debut"]) == datetime(2023, 2, 14, 8, 30, tzinfo=UTC)
    assert datetime.fromisoformat(body["fin"]) == datetime(2023, 2, 14, 10, 0, tzinfo=UTC)
    assert body["participants"] == {
        "personnes": [str(demandeur.id)],
        "bailleur": True,
        "autres": ["CCAS"],
    }
    got = client.get(f"{URL}/{body['id']}", headers=monde.h("asso_resp"))
    assert got.status_code == 200
    assert got.json()["compte_rendu"] == "Plan d'apurement signé"
    _rdv(client, monde, mes, debut="2023-03-01T14:00:00+01:00", fin="2023-03-01T14:45:00+01:00")
    autre = fab.mesure(db, monde, disp, referent=monde.users["asso_resp"])
    _rdv(client, monde, autre, debut="2023-04-01T10:00:00")
    lst = client.get(URL, params={"mesure_id": str(mes.id)}, headers=monde.h("asso_agent")).json()
    assert lst["total"] == 2
    assert [i["duree_minutes"] for i in lst["items"]] == [90, 45]  # by start
    lst = client.get(
        URL, params={"referent_id": str(monde.users["asso_resp"].id)}, headers=monde.h("asso_agent")
    ).json()
    assert [i["mesure_id"] for i in lst["items"]] == [str(autre.id)]
    lst = client.get(
        URL, params={"du": "2023-02-15", "au": "2023-03-31"}, headers=monde.h("asso_agent")
    ).json()
    assert [i["duree_minutes"] for i in lst["items"]] == [45]
    r = client.get(
        URL, params={"du": "2023-03-31", "au": "2023-02-15"}, headers=monde.h("asso_agent")
    )
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "au"


def test_refusals(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp, mandatement=date(2023, 1, 10))
    demain = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    r = _rdv(client, monde, mes, debut=demain, statut="realise")
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "statut"
    assert "planifie, annule" in r.json()["errors"][0]["message"]
    r = _rdv(client, monde, mes, debut="2023-02-14T10:00:00", fin="2023-02-14T09:00:00")
    assert r.status_code == 422
    assert r.json()["errors"][0] == {
        "champ": "fin",
        "message": "la fin doit suivre le début (2023-02-14T10:00:00+01:00)",
        "valeur": "2023-02-14T09:00:00+01:00",
    }
    r = _rdv(client, monde, mes, debut="2023-01-02T10:00:00")
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "debut"
    etranger = fab.menage(db, monde)
    intrus = db.exec(select(Personne.id).where(Personne.menage_id == etranger.id)).first()
    r = _rdv(client, monde, mes, participants={"personnes": [str(intrus)]})
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "participants.personnes"
    r = _rdv(client, monde, mes, type="visite_surprise")
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "body.type"
    r = _rdv(client, monde, mes, est_suivi=True)
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "est_suivi"
    _terminer(client, monde, mes)
    r = _rdv(client, monde, mes, debut="2023-07-03T10:00:00")
    assert r.status_code == 409
    assert r.json()["type"] == "/problemes/mesure-terminee"
    # the 6-month suivi is the one contact allowed after the end
    r = _rdv(
        client,
        monde,
        mes,
        debut="2024-01-03T10:00:00",
        type="telephone",
        est_suivi=True,
        statut="realise",
    )
    assert r.status_code == 201, r.text


def test_status_transitions_and_if_match(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp)
    rid = _rdv(client, monde, mes).json()["id"]
    h = monde.h("asso_agent")
    r = client.patch(f"{URL}/{rid}", json={"statut": "realise"}, headers=h)
    assert r.status_code == 428
    r = client.patch(f"{URL}/{rid}", json={"statut": "realise"}, headers=h | {"If-Match": '"5"'})
    assert r.status_code == 412
    r = client.patch(
        f"{URL}/{rid}",
        json={"statut": "realise", "compte_rendu": "RAS"},
        headers=h | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"2"'
    assert r.json()["statut"] == "realise"
    r = client.patch(f"{URL}/{rid}", json={"statut": "annule"}, headers=h | {"If-Match": '"2"'})
    assert r.status_code == 409
    assert r.json()["type"] == "/problemes/transition-refusee"
    assert r.json()["etat_actuel"] == "realise"
    assert r.json()["transitions_permises"] == []
    # a held rendez-vous cannot be moved into the future
    demain = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    r = client.patch(f"{URL}/{rid}", json={"debut": demain}, headers=h | {"If-Match": '"2"'})
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "statut"
    # the message is shown as is next to the field: the date as people read it, in Paris time
    paris = datetime.fromisoformat(demain).astimezone(ZoneInfo("Europe/Paris"))
    assert f"({paris:%d/%m/%Y à %H:%M})" in r.json()["errors"][0]["message"]
    assert client.get(f"{URL}/{rid}", headers=h).json()["debut"].startswith("2023-02-14")
    r = client.patch(
        f"{URL}/{rid}", json={"fin": "2023-02-14T08:00:00"}, headers=h | {"If-Match": '"2"'}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "fin"
    r2 = _rdv(client, monde, mes, debut="2023-02-20T10:00:00").json()["id"]
    r = client.patch(f"{URL}/{r2}", json={"statut": "absent"}, headers=h | {"If-Match": '"1"'})
    assert r.json()["statut"] == "absent"


def test_only_the_carrying_association_sees_rendez_vous(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp, prescripteur=monde.bailleur)
    rid = _rdv(client, monde, mes, compte_rendu="confidentiel").json()["id"]
    for who in ("gie", "bailleur", "bailleur_si", "asso2_agent", "financeur", "admin"):
        assert client.get(f"{URL}/{rid}", headers=monde.h(who)).status_code == 404, who
        assert client.get(URL, headers=monde.h(who)).json()["total"] == 0, who
        r = client.patch(
            f"{URL}/{rid}", json={"statut": "annule"}, headers=monde.h(who) | {"If-Match": '"1"'}
        )
        assert r.status_code == 404, who
    # those who read the mesure but not its rendez-vous may not add one
    for who in ("gie", "bailleur"):
        assert _rdv(client, monde, mes, who=who).status_code == 403, who
    for who in ("asso2_agent", "financeur", "admin"):
        assert _rdv(client, monde, mes, who=who).status_code == 404, who
