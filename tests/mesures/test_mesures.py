"""Mesures: list, detail, update under If-Match, lifecycle, refusals, and who may see what."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from api.audit.models import JournalAcces
from api.menages.models import Menage
from tests import factories as fab
from tests.factories import Monde, utilisateur


def _url(mes, action: str = "") -> str:
    return f"/api/v1/mesures/{mes.id}" + (f"/{action}" if action else "")


def _post(client, monde: Monde, mes, action: str, body: dict, who: str = "asso_agent"):
    return client.post(_url(mes, action), json=body, headers=monde.h(who))


def test_list_finds_by_part_of_the_mesure_or_household_reference(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    a = fab.mesure(db, monde, disp)
    b = fab.mesure(db, monde, disp)
    men_b = db.get(Menage, b.menage_id)
    assert men_b is not None
    h = monde.h("asso_agent")

    def refs(texte: str) -> set[str]:
        r = client.get("/api/v1/mesures", params={"reference": texte}, headers=h)
        assert r.status_code == 200, r.text
        return {i["reference"] for i in r.json()["items"]}

    assert refs(a.reference) == {a.reference}
    assert refs(a.reference.lower()) == {a.reference}
    assert refs(men_b.reference) == {b.reference}
    assert refs("S-") == {a.reference, b.reference}
    # LIKE wildcards typed by the person are taken literally
    assert refs("%") == set()


def test_list_names_the_demandeur_and_finds_by_name_for_the_carrying_association(
    client, monde: Monde, db
) -> None:
    """Issue 14: « vallee » finds Mme Vallée's mesure, and the list names her, for the
    association that carries the household; the commission gets neither the name nor a
    match on it (it reads the household as submitted, not the live file)."""
    disp = fab.dispositif(db, monde)
    vallee = fab.mesure(db, monde, disp, men=fab.menage(db, monde, nom="Vallée", prenom="Claire"))
    autre = fab.mesure(db, monde, disp)
    h = monde.h("asso_agent")
    r = client.get("/api/v1/mesures", params={"q": "vallee"}, headers=h)
    assert r.status_code == 200, r.text
    assert [(i["reference"], i["demandeur"]) for i in r.json()["items"]] == [(vallee.reference, "Claire VALLÉE")]
    tous = client.get("/api/v1/mesures", headers=h).json()["items"]
    assert {i["reference"]: i["demandeur"] is not None for i in tous} == {vallee.reference: True, autre.reference: True}
    # q also finds by reference, as « reference » does
    assert [i["reference"] for i in client.get("/api/v1/mesures", params={"q": autre.reference.lower()}, headers=h).json()["items"]] == [autre.reference]
    gie = monde.h("gie")
    assert client.get("/api/v1/mesures", params={"q": "vallee"}, headers=gie).json()["items"] == []
    vues = client.get("/api/v1/mesures", headers=gie).json()["items"]
    assert vues and all(i["demandeur"] is None for i in vues)
    # another association sees neither
    assert client.get("/api/v1/mesures", params={"q": "vallee"}, headers=monde.h("asso2_agent")).json()["items"] == []


def test_detail_with_etag_and_entry_snapshot(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    men = fab.menage(
        db, monde, ressources=[("rsa", 607)], dettes=[("loyer", 2300)], nb_procedures=1, stade_procedure="assignation"
    )
    mes = fab.mesure(db, monde, disp, men=men)
    r = client.get(_url(mes), headers=monde.h("asso_agent"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert r.headers["ETag"] == '"1"'
    assert body["vue"] == "complete"
    assert body["statut"] == "mandatee"
    assert body["cible_libelle"] == "Habitat adapté sur mesure"
    # what the household had on the day of the mandatement
    assert body["entree_ressources"] == [{"type": "rsa", "montant_mensuel": 607}]
    assert body["entree_dette_locative"] == 2300
    assert body["entree_stade_procedure"] == "assignation"
    # nothing started yet: the 36 months count from mandatement 2023-01-10
    assert body["date_limite"] == "2026-01-10"


def test_list_filters_pagination_and_stable_order(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    autre = fab.dispositif(db, monde)
    a = fab.mesure(db, monde, disp, mandatement=date(2023, 3, 1))
    b = fab.mesure(db, monde, disp, mandatement=date(2023, 5, 1), cible="sante_mentale")
    c = fab.mesure(db, monde, autre, mandatement=date(2023, 4, 1), referent=monde.users["asso_resp"])
    h = monde.h("asso_agent")
    r = client.get("/api/v1/mesures", headers=h)
    assert [i["id"] for i in r.json()["items"]] == [str(b.id), str(c.id), str(a.id)]
    assert r.json()["total"] == 3
    r = client.get("/api/v1/mesures", params={"limit": 1, "offset": 1}, headers=h)
    assert [i["id"] for i in r.json()["items"]] == [str(c.id)]
    assert r.json()["total"] == 3
    r = client.get("/api/v1/mesures", params={"dispositif_id": str(disp.id)}, headers=h)
    assert {i["id"] for i in r.json()["items"]} == {str(a.id), str(b.id)}
    r = client.get("/api/v1/mesures", params={"cible": "sante_mentale"}, headers=h)
    assert [i["id"] for i in r.json()["items"]] == [str(b.id)]
    r = client.get(
        "/api/v1/mesures", params={"referent_id": str(monde.users["asso_resp"].id)}, headers=h
    )
    assert [i["id"] for i in r.json()["items"]] == [str(c.id)]
    r = client.get("/api/v1/mesures", params={"menage_id": str(a.menage_id)}, headers=h)
    assert [i["id"] for i in r.json()["items"]] == [str(a.id)]
    r = client.get("/api/v1/mesures", params={"statut": "active"}, headers=h)
    assert r.json()["total"] == 0
    r = client.get("/api/v1/mesures", params={"statut": "ouverte"}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "query.statut"


def test_full_life_of_a_mesure(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp, mandatement=date(2023, 1, 10))
    r = _post(client, monde, mes, "demarrer", {"date_debut": "2023-01-20"})
    assert r.status_code == 200, r.text
    assert r.json()["statut"] == "en_evaluation"
    assert r.json()["date_fin_prevue"] == "2026-01-20"  # start + 36 months
    assert r.headers["ETag"] == '"2"'
    # adhésion obtained after two months of evaluation
    r = _post(
        client,
        monde,
        mes,
        "activer",
        {
            "date_effet": "2023-03-15",
            "adhesion_date": "2023-03-15",
            "adhesion_modalite": "visite à domicile",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["statut"] == "active"
    r = _post(
        client, monde, mes, "suspendre", {"date_effet": "2023-06-01", "motif": "hospitalisation"}
    )
    assert r.json()["statut"] == "suspendue"
    r = _post(client, monde, mes, "reprendre", {"date_effet": "2023-07-01"})
    assert r.json()["statut"] == "active"
    r = _post(
        client,
        monde,
        mes,
        "reorienter",
        {"date_effet": "2023-08-01", "cible_code": "sante_mentale", "motif": "troubles psychiques"},
    )
    assert r.json()["cible_code"] == "sante_mentale"
    assert r.json()["cible_libelle"] == "Santé mentale"
    r = _post(
        client, monde, mes, "changer-referent", {"referent_id": str(monde.users["asso_resp"].id)}
    )
    assert r.json()["referent_id"] == str(monde.users["asso_resp"].id)
    r = _post(
        client,
        monde,
        mes,
        "terminer",
        {
            "date_fin": "2023-11-30",
            "motif_fin": "relogement",
            "situation_sortie": "locataire_parc_public",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["statut"] == "terminee"
    assert body["suivi_date_prevue"] == "2024-05-30"  # 30 November + 6 months
    r = _post(
        client,
        monde,
        mes,
        "suivi",
        {
            "realise_le": "2024-06-03",
            "joint": True,
            "situation": "locataire_parc_public",
            "commentaire": "va bien",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["suivi_joint"] is True
    assert r.json()["suivi_situation"] == "locataire_parc_public"
    ev = client.get(_url(mes, "evenements"), headers=monde.h("asso_agent")).json()
    assert [e["type"] for e in ev] == [
        "mandatement",
        "demarrage",
        "activation",
        "suspension",
        "reprise",
        "reorientation",
        "changement_referent",
        "fin",
        "suivi",
    ]
    assert ev[5]["donnees"] == {
        "ancienne_cible": "habitat_adapte",
        "nouvelle_cible": "sante_mentale",
    }
    assert ev[5]["motif"] == "troubles psychiques"
    assert ev[7]["de_statut"] == "active" and ev[7]["vers_statut"] == "terminee"


def test_start_directly_active_and_end_of_month_suivi(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde, duree_max_mois=None)
    mes = fab.mesure(db, monde, disp, mandatement=date(2023, 2, 1))
    r = _post(
        client,
        monde,
        mes,
        "demarrer",
        {
            "date_debut": "2023-02-02",
            "evaluation": False,
            "adhesion_date": "2023-01-25",
            "adhesion_modalite": "en CCAPEX",
        },
    )
    assert r.status_code == 422  # adhésion before mandatement
    r = _post(
        client,
        monde,
        mes,
        "demarrer",
        {
            "date_debut": "2023-02-02",
            "evaluation": False,
            "adhesion_date": "2023-02-01",
            "adhesion_modalite": "en CCAPEX",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["statut"] == "active"
    assert r.json()["date_fin_prevue"] is None  # no maximum duration, nothing planned
    r = _post(
        client,
        monde,
        mes,
        "terminer",
        {"date_fin": "2023-08-31", "motif_fin": "non_adhesion", "situation_sortie": "hebergement"},
    )
    assert r.json()["suivi_date_prevue"] == "2024-02-29"  # 31 August + 6 months, leap year


def test_adhesion_required_before_active(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde, adhesion_requise=True)
    mes = fab.mesure(db, monde, disp)
    r = _post(client, monde, mes, "demarrer", {"date_debut": "2023-02-01", "evaluation": False})
    assert r.status_code == 409
    assert r.json()["type"] == "/problemes/adhesion-requise"
    _post(client, monde, mes, "demarrer", {"date_debut": "2023-02-01"})
    r = _post(client, monde, mes, "activer", {"date_effet": "2023-03-01"})
    assert r.status_code == 409
    assert r.json()["type"] == "/problemes/adhesion-requise"
    sans = fab.dispositif(db, monde, adhesion_requise=False)
    mes2 = fab.mesure(db, monde, sans)
    _post(client, monde, mes2, "demarrer", {"date_debut": "2023-02-01"})
    r = _post(client, monde, mes2, "activer", {"date_effet": "2023-03-01"})
    assert r.status_code == 200
    assert r.json()["adhesion_date"] is None


def _refus(r, etat: str, permises: list[str]) -> None:
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["type"] == "/problemes/transition-refusee"
    assert body["etat_actuel"] == etat
    assert body["transitions_permises"] == permises
    assert etat in body["detail"]


def test_each_refused_transition(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp)
    _refus(
        _post(client, monde, mes, "suspendre", {"date_effet": "2023-02-01"}),
        "mandatee",
        ["active", "en_evaluation", "terminee"],
    )
    _refus(
        _post(
            client,
            monde,
            mes,
            "activer",
            {"date_effet": "2023-02-01", "adhesion_date": "2023-02-01"},
        ),
        "mandatee",
        ["active", "en_evaluation", "terminee"],
    )
    _refus(
        _post(client, monde, mes, "reprendre", {"date_effet": "2023-02-01"}),
        "mandatee",
        ["active", "en_evaluation", "terminee"],
    )
    _refus(
        _post(client, monde, mes, "suivi", {"realise_le": "2023-02-01", "joint": False}),
        "mandatee",
        ["active", "en_evaluation", "terminee"],
    )
    _post(client, monde, mes, "demarrer", {"date_debut": "2023-02-01"})
    _refus(
        _post(client, monde, mes, "demarrer", {"date_debut": "2023-02-01"}),
        "en_evaluation",
        ["active", "terminee"],
    )
    _refus(
        _post(client, monde, mes, "suspendre", {"date_effet": "2023-02-01"}),
        "en_evaluation",
        ["active", "terminee"],
    )
    _post(
        client, monde, mes, "activer", {"date_effet": "2023-03-01", "adhesion_date": "2023-03-01"}
    )
    _refus(
        _post(client, monde, mes, "reprendre", {"date_effet": "2023-03-02"}),
        "active",
        ["suspendue", "terminee"],
    )
    _refus(
        _post(client, monde, mes, "activer", {"date_effet": "2023-03-02"}),
        "active",
        ["suspendue", "terminee"],
    )
    r = _post(
        client,
        monde,
        mes,
        "terminer",
        {
            "date_fin": "2023-04-01",
            "motif_fin": "non_adhesion",
            "situation_sortie": "heberge_tiers",
        },
    )
    assert r.status_code == 200
    for action, body in [
        ("terminer", {"date_fin": "2023-04-02", "motif_fin": "autre", "situation_sortie": "autre"}),
        ("reorienter", {"date_effet": "2023-04-02", "cible_code": "reassurance", "motif": "x"}),
        ("prolonger", {"date_fin_prevue": "2025-01-01"}),
        ("changer-referent", {"referent_id": str(monde.users["asso_resp"].id)}),
        ("reprendre", {"date_effet": "2023-04-02"}),
    ]:
        _refus(_post(client, monde, mes, action, body), "terminee", [])


def test_validation_refusals(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp, mandatement=date(2023, 1, 10))
    r = _post(client, monde, mes, "demarrer", {"date_debut": "2023-01-01"})
    assert r.status_code == 422
    assert r.json()["errors"][0] == {
        "champ": "date_debut",
        "message": "ne peut pas précéder le mandatement (2023-01-10)",
        "valeur": "2023-01-01",
    }
    r = _post(client, monde, mes, "demarrer", {"date_debut": "2099-01-01"})
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "date_debut"
    _post(client, monde, mes, "demarrer", {"date_debut": "2023-01-20"})
    r = _post(
        client,
        monde,
        mes,
        "reorienter",
        {"date_effet": "2023-02-01", "cible_code": "inconnue", "motif": "x"},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["champ"] == "cible_code"
    assert "sante_mentale" in r.json()["errors"][0]["message"]
    r = _post(client, monde, mes, "reorienter", {"date_effet": "2023-02-01", "motif": "x"})
    assert r.status_code == 422
    r = _post(
        client, monde, mes, "changer-referent", {"referent_id": str(monde.users["asso2_agent"].id)}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "referent_id"
    r = _post(
        client,
        monde,
        mes,
        "terminer",
        {"date_fin": "2023-02-01", "motif_fin": "lassitude", "situation_sortie": "autre"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "body.motif_fin"
    r = _post(client, monde, mes, "terminer", {"date_fin": "2023-02-01", "motif_fin": "autre"})
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "body.situation_sortie"


def test_prolongation_and_derogation(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde, duree_max_mois=36)
    mes = fab.mesure(db, monde, disp, mandatement=date(2023, 1, 10))
    _post(
        client,
        monde,
        mes,
        "demarrer",
        {"date_debut": "2023-01-20", "date_fin_prevue": "2024-01-20"},
    )
    r = _post(client, monde, mes, "prolonger", {"date_fin_prevue": "2023-12-01"})
    assert r.status_code == 422  # earlier than the planned end: not a prolongation
    r = _post(client, monde, mes, "prolonger", {"date_fin_prevue": "2026-01-20"})
    assert r.status_code == 200, r.text
    assert r.json()["date_fin_prevue"] == "2026-01-20"
    assert r.json()["derogation_duree_motif"] is None
    r = _post(client, monde, mes, "prolonger", {"date_fin_prevue": "2026-06-30"})
    assert r.status_code == 422
    err = r.json()["errors"][0]
    assert err["champ"] == "date_fin_prevue" and err["valeur"] == "2026-06-30"
    assert "36 mois" in err["message"] and "2026-01-20" in err["message"]
    r = _post(
        client,
        monde,
        mes,
        "prolonger",
        {"date_fin_prevue": "2026-06-30", "derogation_motif": "relogement attendu en juin"},
    )
    assert r.status_code == 200
    assert r.json()["derogation_duree_motif"] == "relogement attendu en juin"
    ev = client.get(_url(mes, "evenements"), headers=monde.h("asso_agent")).json()
    assert ev[-1]["type"] == "prolongation"
    assert ev[-1]["motif"] == "derogation"
    assert ev[-1]["donnees"]["ancienne_fin_prevue"] == "2026-01-20"


def test_patch_under_if_match(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp)
    h = monde.h("asso_agent")
    body = {
        "domaines": ["budget_dettes", "acces_droits"],
        "modalite_logement": "iml_bail_glissant",
        "modalite_date_debut": "2023-02-01",
        "date_glissement": "2026-02-01",
        "acces_maintien": "acces",
    }
    r = client.patch(_url(mes), json=body, headers=h)
    assert r.status_code == 428
    r = client.patch(_url(mes), json=body, headers=h | {"If-Match": '"7"'})
    assert r.status_code == 412
    r = client.patch(_url(mes), json=body, headers=h | {"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"2"'
    assert r.json()["domaines"] == ["acces_droits", "budget_dettes"]
    assert r.json()["date_glissement"] == "2026-02-01"
    assert r.json()["acces_maintien"] == "acces"
    r = client.patch(
        _url(mes),
        json={"modalite_logement": "logement_transition"},
        headers=h | {"If-Match": '"2"'},
    )
    assert r.status_code == 422  # the glissement date only makes sense in IML bail glissant
    assert r.json()["errors"][0]["champ"] == "date_glissement"
    r = client.patch(
        _url(mes), json={"modalite_date_fin": "2023-01-01"}, headers=h | {"If-Match": '"2"'}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "modalite_date_fin"
    r = client.patch(
        _url(mes),
        json={"referent_id": str(monde.users["asso_resp"].id)},
        headers=h | {"If-Match": '"2"'},
    )
    assert r.status_code == 200
    ev = client.get(_url(mes, "evenements"), headers=h).json()
    assert [e["type"] for e in ev] == ["mandatement", "modification", "changement_referent"]
    assert ev[1]["donnees"]["domaines"] == ["acces_droits", "budget_dettes"]
    # a stale If-Match on an action is refused as well
    r = client.post(
        _url(mes, "demarrer"), json={"date_debut": "2023-02-01"}, headers=h | {"If-Match": '"1"'}
    )
    assert r.status_code == 412


def test_direct_creation(client, monde: Monde, db) -> None:
    directe = fab.dispositif(db, monde, creation_directe=True)
    par_commission = fab.dispositif(db, monde)
    men = fab.menage(db, monde)
    body = {
        "menage_id": str(men.id),
        "dispositif_id": str(directe.id),
        "cible_code": "reassurance",
        "type_accompagnement_code": "evaluation",
        "acces_maintien": "maintien",
        "date_mandatement": "2023-04-03",
    }
    r = client.post("/api/v1/mesures", json=body, headers=monde.h("asso_agent"))
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == f"/api/v1/mesures/{r.json()['id']}"
    assert r.json()["statut"] == "mandatee"
    assert r.json()["association_id"] == str(monde.asso.id)
    r = client.post(
        "/api/v1/mesures",
        json=body | {"dispositif_id": str(par_commission.id)},
        headers=monde.h("asso_agent"),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "dispositif_id"
    r = client.post(
        "/api/v1/mesures", json=body | {"cible_code": "jeunes"}, headers=monde.h("asso_agent")
    )
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "cible_code"
    # another association does not see this household: same answer as an unknown one
    r = client.post("/api/v1/mesures", json=body, headers=monde.h("asso2_agent"))
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "menage_id"
    for who in ("gie", "bailleur", "financeur", "admin"):
        r = client.post("/api/v1/mesures", json=body, headers=monde.h(who))
        assert r.status_code == 403, who


def test_who_sees_what(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp, cible="sante_mentale", prescripteur=monde.bailleur)
    _post(
        client,
        monde,
        mes,
        "demarrer",
        {"date_debut": "2023-02-01", "commentaire": "première visite"},
    )
    _post(
        client,
        monde,
        mes,
        "reorienter",
        {"date_effet": "2023-03-01", "cible_code": "violences_conjugales", "motif": "révélation"},
    )
    # the commission reads dates, status, cible and motif
    r = client.get(_url(mes), headers=monde.h("gie"))
    assert r.status_code == 200
    assert r.json()["cible_code"] == "violences_conjugales"
    ev = client.get(_url(mes, "evenements"), headers=monde.h("gie")).json()
    assert [e["type"] for e in ev] == ["mandatement", "demarrage", "reorientation"]
    assert ev[1]["commentaire"] is None
    assert client.get("/api/v1/mesures", headers=monde.h("gie")).json()["total"] == 1
    # the referring bailleur (user or its information system) sees the status, never the cible
    for who in ("bailleur", "bailleur_si"):
        r = client.get(_url(mes), headers=monde.h(who))
        assert r.status_code == 200, who
        assert r.json() == {
            "vue": "statut",
            "id": str(mes.id),
            "reference": mes.reference,
            "menage_id": str(mes.menage_id),
            "orientation_id": str(mes.orientation_id),
            "statut": "en_evaluation",
        }
        assert "ETag" not in r.headers
        items = client.get("/api/v1/mesures", headers=monde.h(who)).json()["items"]
        assert items == [r.json()]
        ev = client.get(_url(mes, "evenements"), headers=monde.h(who)).json()
        assert [e["type"] for e in ev] == ["mandatement", "demarrage"]
        assert all(
            e["motif"] is None and e["donnees"] is None and e["commentaire"] is None for e in ev
        )
        # filtering on a cible would reveal it: no answer
        r = client.get(
            "/api/v1/mesures", params={"cible": "violences_conjugales"}, headers=monde.h(who)
        )
        assert r.json()["total"] == 0
    # those who read cannot write
    for who in ("gie", "bailleur"):
        assert (
            _post(
                client, monde, mes, "suspendre", {"date_effet": "2023-03-02"}, who=who
            ).status_code
            == 403
        )
        r = client.patch(
            _url(mes), json={"domaines": []}, headers=monde.h(who) | {"If-Match": '"3"'}
        )
        assert r.status_code == 403
    # everybody else: as if it did not exist
    for who in ("asso2_agent", "financeur", "admin"):
        assert client.get(_url(mes), headers=monde.h(who)).status_code == 404, who
        assert client.get(_url(mes, "evenements"), headers=monde.h(who)).status_code == 404, who
        assert (
            _post(
                client, monde, mes, "suspendre", {"date_effet": "2023-03-02"}, who=who
            ).status_code
            == 404
        )
        r = client.patch(
            _url(mes), json={"domaines": []}, headers=monde.h(who) | {"If-Match": '"3"'}
        )
        assert r.status_code == 404, who
        assert client.get("/api/v1/mesures", headers=monde.h(who)).json()["total"] == 0, who


def test_bailleur_without_referral_and_other_commission_see_nothing(
    client, monde: Monde, db
) -> None:
    from api.organisations.models import TypeOrganisation
    from tests.factories import organisation

    autre_gie = organisation(db, TypeOrganisation.gie, "CCAPEX 21")
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp)  # no referral: born from a direct mandatement
    monde.users["gie2"] = utilisateur(db, autre_gie)
    for who in ("bailleur", "bailleur_si", "gie2"):
        assert client.get(_url(mes), headers=monde.h(who)).status_code == 404, who


def test_reads_and_writes_are_logged(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp)
    client.get(_url(mes), headers=monde.h("gie"))
    client.get("/api/v1/mesures", headers=monde.h("asso_agent"))
    _post(client, monde, mes, "demarrer", {"date_debut": "2023-02-01"})
    rows = db.exec(select(JournalAcces).where(JournalAcces.ressource_id == mes.id)).all()
    assert sorted((r.action, r.organisation_id == monde.gie.id) for r in rows) == [
        ("lire", True),
        ("lister", False),
        ("modifier", False),
    ]
