"""The household search (`GET /menages?q=`) as each partner reads the household: a referrer
or a commission searches what it was sent, never the live file the carrying association
keeps. Found on the old code: a bailleur found by « kerjean » a household it still reads as
« Vallée », which told it the association had changed the name."""

from __future__ import annotations

from typing import Any

from tests.factories import Monde, creer_convention, creer_dispositif, orientation_payload, orienter, transition

URL = "/api/v1/menages"


def _references(client, monde: Monde, qui: str, q: str) -> list[str]:
    r = client.get(URL, params={"q": q}, headers=monde.h(qui))
    assert r.status_code == 200, r.text
    return [i["reference"] for i in r.json()["items"]]


def _dossier_modifie(client, monde: Monde) -> dict[str, Any]:
    """A household sent by the bailleur as Claire Vallée, 2 rue des Ajoncs, 06 11 11 11 11,
    carried by the association after the commission's decision, which then changes the
    name, the address and the phone in the live file."""
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    menage = orientation_payload(d["id"])["menage"]
    menage["personnes"] = [
        {"nom": "Vallée", "prenom": "Claire", "date_naissance": "1980-05-17", "sexe": "femme", "lien": "demandeur"}
    ]
    menage["adresse"] = "2 rue des Ajoncs"
    menage["telephone"] = "06 11 11 11 11"
    o = orienter(client, monde, d["id"], menage=menage)
    assert transition(client, monde, o["id"], vers_statut="en_commission").status_code == 200
    r = transition(
        client, monde, o["id"], vers_statut="acceptee", association_id=str(monde.asso.id),
        cible_code="habitat_adapte_sur_mesure", type_accompagnement_code="capacite_habiter",
    )
    assert r.status_code == 200, r.text
    h = monde.h("asso_agent")
    lu = client.get(f"{URL}/{o['menage_id']}", headers=h)
    assert lu.status_code == 200, lu.text
    personnes = [{k: p[k] for k in ("id", "nom", "prenom", "date_naissance", "sexe", "lien")} for p in lu.json()["personnes"]]
    personnes[0]["nom"] = "Kerjean"
    r = client.patch(
        f"{URL}/{o['menage_id']}",
        json={"personnes": personnes, "adresse": "9 impasse des Mouettes", "telephone": "06 22 22 22 22"},
        headers={**h, "If-Match": lu.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    return client.get(f"{URL}/{o['menage_id']}", headers=h).json()


def test_le_prescripteur_et_la_commission_cherchent_ce_qui_leur_a_ete_transmis(client, monde: Monde) -> None:
    men = _dossier_modifie(client, monde)
    ref = men["reference"]
    # The association reads, and searches, the live file.
    for q in ("kerjean", "Mouettes", "0622222222", "+33 6 22 22"):
        assert _references(client, monde, "asso_agent", q) == [ref], q
    for q in ("vallee", "Ajoncs", "0611111111"):
        assert _references(client, monde, "asso_agent", q) == [], q
    # The bailleur that sent it and the commission it was submitted to: what they were sent.
    for qui in ("bailleur", "gie"):
        for q in ("vallee", "Ajoncs", "06 11 11 11 11", "+33611111111"):
            assert _references(client, monde, qui, q) == [ref], (qui, q)
        for q in ("kerjean", "Mouettes", "0622222222"):
            assert _references(client, monde, qui, q) == [], (qui, q)
        # The reference is the same for everyone.
        assert _references(client, monde, qui, ref.lower()) == [ref], qui
    # Who has no relation to the household finds nothing, whatever it types.
    for q in ("vallee", "kerjean", "0611111111", ref):
        assert _references(client, monde, "asso2_agent", q) == [], q
