"""Orientations: creation, graph, acceptance making a mesure, events, If-Match, who sees what."""

from __future__ import annotations

import uuid

from sqlmodel import select

from api.mesures.models import Mesure
from api.mesures.service import aujourdhui
from tests.factories import (
    Monde,
    creer_convention,
    creer_dispositif,
    menage_payload,
    orienter,
    transition,
)

# A decision is dated on a day that exists: not before the referral's reception (today).
AUJOURDHUI = aujourdhui().isoformat()


def _en_commission(client, monde: Monde, d: dict, **kw) -> dict:
    o = orienter(client, monde, d["id"], **kw)
    r = transition(client, monde, o["id"], vers_statut="en_commission")
    assert r.status_code == 200, r.text
    return r.json()


def test_create_with_household_then_submit(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    o = orienter(client, monde, d["id"], soumettre=False)
    assert o["statut"] == "brouillon"
    assert o["reference"].startswith("O-")
    assert o["transitions_permises"] == ["soumise"]
    # the ménage was opened by the bailleur and is visible to it
    assert (
        client.get(f"/api/v1/menages/{o['menage_id']}", headers=monde.h("bailleur")).status_code
        == 200
    )
    # a draft is not shown to the commission yet
    assert client.get(f"/api/v1/orientations/{o['id']}", headers=monde.h("gie")).status_code == 404
    r = transition(client, monde, o["id"], who="bailleur", vers_statut="soumise")
    assert r.status_code == 200, r.text
    assert r.json()["statut"] == "soumise"
    assert r.json()["date_reception"] is not None
    assert client.get(f"/api/v1/orientations/{o['id']}", headers=monde.h("gie")).status_code == 200


def test_existing_menage_and_duplicate_rule(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    payload = menage_payload()
    m = client.post("/api/v1/menages", json=payload, headers=monde.h("bailleur")).json()
    o = orienter(client, monde, d["id"], menage=None, menage_id=m["id"])
    assert o["menage_id"] == m["id"]
    # the same household sent again as data: the duplicate rule answers 409 with the existing file
    r = client.post(
        "/api/v1/orientations",
        headers=monde.h("bailleur"),
        json={
            "dispositif_id": d["id"],
            "menage": payload,
            "origine": "bailleur",
            "acces_maintien": "maintien",
        },
    )
    assert r.status_code == 409
    assert r.json()["existant_id"] == m["id"]
    # a ménage the caller cannot see is unknown
    other = client.post(
        "/api/v1/menages", json=menage_payload(), headers=monde.h("asso2_agent")
    ).json()
    r = client.post(
        "/api/v1/orientations",
        headers=monde.h("bailleur"),
        json={
            "dispositif_id": d["id"],
            "menage_id": other["id"],
            "origine": "bailleur",
            "acces_maintien": "acces",
        },
    )
    assert r.status_code == 404
    both = client.post(
        "/api/v1/orientations",
        headers=monde.h("bailleur"),
        json={
            "dispositif_id": d["id"],
            "menage_id": m["id"],
            "menage": payload,
            "origine": "bailleur",
            "acces_maintien": "acces",
        },
    )
    assert both.status_code == 422


def test_unknown_cible_and_forbidden_creators(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    r = client.post(
        "/api/v1/orientations",
        headers=monde.h("bailleur"),
        json={
            "dispositif_id": d["id"],
            "menage": menage_payload(),
            "origine": "bailleur",
            "acces_maintien": "acces",
            "cible_proposee_code": "inconnue",
        },
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "cible_proposee_code"
    assert "sante_mentale" in r.json()["errors"][0]["message"]
    for who in ("financeur", "admin"):
        r = client.post(
            "/api/v1/orientations",
            headers=monde.h(who),
            json={
                "dispositif_id": d["id"],
                "menage": menage_payload(),
                "origine": "autre",
                "acces_maintien": "acces",
            },
        )
        assert r.status_code == 403, who


def test_graph_refuses_with_409_naming_states(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    o = orienter(client, monde, d["id"])  # soumise
    r = transition(client, monde, o["id"], vers_statut="acceptee")
    assert r.status_code == 409
    body = r.json()
    assert body["type"] == "/problemes/transition-refusee"
    assert body["etat_actuel"] == "soumise"
    assert body["transitions_permises"] == ["en_commission"]
    assert "soumise" in body["detail"] and "en_commission" in body["detail"]
    o = _en_commission(client, monde, d)
    assert transition(client, monde, o["id"], vers_statut="ajournee").status_code == 200
    r = transition(client, monde, o["id"], vers_statut="refusee", motif_refus="hors_cible")
    assert r.status_code == 409
    assert r.json()["transitions_permises"] == ["en_commission"]
    assert transition(client, monde, o["id"], vers_statut="en_commission").status_code == 200
    assert transition(client, monde, o["id"], vers_statut="attente_infos").status_code == 200
    assert transition(client, monde, o["id"], vers_statut="en_commission").status_code == 200
    r = transition(client, monde, o["id"], vers_statut="refusee")
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "motif_refus"
    r = transition(
        client,
        monde,
        o["id"],
        vers_statut="refusee",
        motif_refus="parc_prive",
        commentaire="Parc privé",
    )
    assert r.status_code == 200
    assert (r.json()["statut"], r.json()["motif_refus"]) == ("refusee", "parc_prive")
    assert r.json()["transitions_permises"] == []
    final = transition(client, monde, o["id"], vers_statut="en_commission")
    assert final.status_code == 409
    assert "aucune (état final)" in final.json()["detail"]


def test_wrong_actor_is_403(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    o = orienter(client, monde, d["id"])
    # the prescriber cannot decide, the commission does not submit drafts
    r = transition(client, monde, o["id"], who="bailleur", vers_statut="en_commission")
    assert r.status_code == 403
    assert "commission" in r.json()["detail"]
    draft = orienter(client, monde, d["id"], soumettre=False)
    assert (
        transition(client, monde, draft["id"], who="bailleur_si", vers_statut="soumise").status_code
        == 200
    )
    # other organisations do not even see it
    for who in ("asso2_agent", "financeur"):
        assert (
            transition(client, monde, o["id"], who=who, vers_statut="en_commission").status_code
            == 404
        )


def test_acceptance_needs_a_covering_convention_and_creates_the_mesure(
    client, monde: Monde, db
) -> None:
    d = creer_dispositif(client, monde)
    o = _en_commission(client, monde, d)  # household in 35238 (Rennes)
    accept = {
        "vers_statut": "acceptee",
        "association_id": str(monde.asso.id),
        "cible_code": "sante_mentale",
        "type_accompagnement_code": "evaluation",
        "date_effet": AUJOURDHUI,
    }
    r = transition(client, monde, o["id"], **accept)
    assert r.status_code == 409
    assert "convention" in r.json()["detail"] and "35238" in r.json()["detail"]
    creer_convention(client, monde, d["id"], communes=["35288"])  # Saint-Malo only
    r = transition(client, monde, o["id"], **accept)
    assert r.status_code == 409
    creer_convention(
        client, monde, d["id"], date_debut="2027-01-01", date_fin="2028-12-31", communes=["35238"]
    )
    assert (
        transition(client, monde, o["id"], **accept).status_code == 409
    )  # not yet in force on that date
    creer_convention(client, monde, d["id"], communes=["35238"])
    r = transition(client, monde, o["id"], **{**accept, "type_accompagnement_code": "inconnu"})
    assert r.status_code == 422
    r = transition(client, monde, o["id"], **accept)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["statut"] == "acceptee"
    assert body["association_id"] == str(monde.asso.id)
    mesure = db.exec(select(Mesure).where(Mesure.orientation_id == uuid.UUID(o["id"]))).one()
    assert str(mesure.id) == body["mesure_id"]
    assert (mesure.cible_code, mesure.type_accompagnement_code) == ("sante_mentale", "evaluation")
    assert str(mesure.date_mandatement) == AUJOURDHUI
    assert mesure.entree_commune_insee == "35238"
    assert mesure.entree_dette_locative == 2300
    # the association now sees it; the bailleur sees "cible confidentielle"
    assert (
        client.get(f"/api/v1/orientations/{o['id']}", headers=monde.h("asso_agent")).status_code
        == 200
    )
    seen = client.get(f"/api/v1/orientations/{o['id']}", headers=monde.h("bailleur")).json()
    assert (seen["cible_code"], seen["cible_libelle"]) == ("confidentielle", "cible confidentielle")
    assert "sante" not in str(seen).lower()
    gie = client.get(f"/api/v1/orientations/{o['id']}", headers=monde.h("gie")).json()
    assert gie["cible_libelle"] == "Santé mentale"


def test_liste_attente_then_acceptee(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    o = _en_commission(client, monde, d)
    assert transition(client, monde, o["id"], vers_statut="liste_attente").status_code == 200
    r = transition(client, monde, o["id"], vers_statut="refus_beneficiaire")
    assert r.status_code == 409
    assert r.json()["transitions_permises"] == ["acceptee"]
    r = transition(
        client,
        monde,
        o["id"],
        vers_statut="acceptee",
        association_id=str(monde.asso.id),
        cible_code="habitat_adapte_sur_mesure",
        type_accompagnement_code="capacite_habiter",
    )
    assert r.status_code == 200
    assert r.json()["mesure_id"] is not None


def test_events_are_the_timeline(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    o = _en_commission(client, monde, d)
    transition(
        client,
        monde,
        o["id"],
        vers_statut="refusee",
        motif_refus="droit_commun",
        commentaire="Suivi psychiatrique en cours",
    )
    evs = client.get(f"/api/v1/orientations/{o['id']}/evenements", headers=monde.h("gie")).json()
    assert [(e["de_statut"], e["vers_statut"]) for e in evs] == [
        (None, "brouillon"),
        ("brouillon", "soumise"),
        ("soumise", "en_commission"),
        ("en_commission", "refusee"),
    ]
    assert evs[-1]["motif"] == "droit_commun"
    assert evs[-1]["commentaire"] == "Suivi psychiatrique en cours"
    assert evs[-1]["organisation_id"] == str(monde.gie.id)
    # the prescriber sees the coded motif, not the commission's free text
    vus = client.get(
        f"/api/v1/orientations/{o['id']}/evenements", headers=monde.h("bailleur")
    ).json()
    assert vus[-1]["motif"] == "droit_commun"
    assert vus[-1]["commentaire"] is None
    for who in ("asso_agent", "asso2_agent", "financeur"):
        assert (
            client.get(
                f"/api/v1/orientations/{o['id']}/evenements", headers=monde.h(who)
            ).status_code
            == 404
        )


def test_patch_needs_if_match_and_refuses_stale(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    o = orienter(client, monde, d["id"], soumettre=False)
    url = f"/api/v1/orientations/{o['id']}"
    r = client.patch(url, json={"motifs": "Nouveau"}, headers=monde.h("bailleur"))
    assert r.status_code == 428
    r = client.patch(
        url, json={"motifs": "Nouveau"}, headers={**monde.h("bailleur"), "If-Match": '"1"'}
    )
    assert r.status_code == 200
    assert r.headers["ETag"] == '"2"'
    assert r.json()["motifs"] == "Nouveau"
    stale = client.patch(
        url, json={"motifs": "Autre"}, headers={**monde.h("bailleur"), "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    transition(client, monde, o["id"], who="bailleur", vers_statut="soumise")
    transition(client, monde, o["id"], vers_statut="en_commission")
    cur = client.get(url, headers=monde.h("bailleur")).headers["ETag"]
    locked = client.patch(
        url, json={"motifs": "x"}, headers={**monde.h("bailleur"), "If-Match": cur}
    )
    assert locked.status_code == 409
    gie = client.patch(url, json={"motifs": "x"}, headers={**monde.h("gie"), "If-Match": cur})
    assert gie.status_code == 403


def test_who_sees_what(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    o = _en_commission(client, monde, d)
    url = f"/api/v1/orientations/{o['id']}"
    allowed = {"bailleur", "bailleur_si", "gie", "admin"}
    for who in (
        "bailleur",
        "bailleur_si",
        "gie",
        "admin",
        "asso_agent",
        "asso2_agent",
        "financeur",
    ):
        r = client.get(url, headers=monde.h(who))
        assert r.status_code == (200 if who in allowed else 404), who
        ids = [
            x["id"]
            for x in client.get("/api/v1/orientations", headers=monde.h(who)).json()["items"]
        ]
        assert (o["id"] in ids) == (who in allowed), who
    transition(
        client,
        monde,
        o["id"],
        vers_statut="acceptee",
        association_id=str(monde.asso.id),
        cible_code="reassurance_locataire",
        type_accompagnement_code="evaluation",
    )
    assert client.get(url, headers=monde.h("asso_agent")).status_code == 200
    assert client.get(url, headers=monde.h("asso2_agent")).status_code == 404
    assert client.get(url, headers=monde.h("financeur")).status_code == 404
    # a commission of another dispositif does not see it
    from api.organisations.models import TypeOrganisation
    from tests.factories import headers, organisation, utilisateur

    autre_gie = organisation(monde.db, TypeOrganisation.gie, "CCAPEX 21")
    h = headers(monde.db, monde.settings, utilisateur(monde.db, autre_gie))
    assert client.get(url, headers=h).status_code == 404


def test_transition_with_stale_if_match_is_412(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    o = orienter(client, monde, d["id"])
    url = f"/api/v1/orientations/{o['id']}/transitions"
    r = client.post(
        url, json={"vers_statut": "en_commission"}, headers={**monde.h("gie"), "If-Match": '"99"'}
    )
    assert r.status_code == 412
    assert r.json()["version_actuelle"] == o["version"]
    etag = client.get(f"/api/v1/orientations/{o['id']}", headers=monde.h("gie")).headers["ETag"]
    r = client.post(
        url, json={"vers_statut": "en_commission"}, headers={**monde.h("gie"), "If-Match": etag}
    )
    assert r.status_code == 200


def test_prescriber_may_withdraw_or_record_refusal_but_not_decide(client, monde: Monde) -> None:
    d = creer_dispositif(client, monde)
    a = _en_commission(client, monde, d)
    b = _en_commission(client, monde, d)
    r = transition(
        client, monde, a["id"], who="bailleur", vers_statut="annulee", commentaire="Relogé"
    )
    assert r.status_code == 200
    assert r.json()["statut"] == "annulee"
    assert (
        transition(
            client, monde, b["id"], who="bailleur", vers_statut="refus_beneficiaire"
        ).status_code
        == 200
    )
    c = _en_commission(client, monde, d)
    for statut in ("ajournee", "attente_infos", "liste_attente"):
        assert (
            transition(client, monde, c["id"], who="bailleur", vers_statut=statut).status_code
            == 403
        )
    r = transition(
        client, monde, c["id"], who="bailleur", vers_statut="refusee", motif_refus="autre"
    )
    assert r.status_code == 403
