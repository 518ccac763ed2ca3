"""The responsable's desk (issue 14): the team's caseload and reassigning several mesures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from api.audit.models import JournalAcces
from api.mesures.models import Mesure, MesureEvenement, RendezVous
from tests import factories as fab
from tests.factories import Monde, utilisateur

CHARGE = "/api/v1/equipe/charge"
REAFFECTER = "/api/v1/mesures/reaffecter"


def _equipe(db, monde: Monde):
    disp = fab.dispositif(db, monde)
    agent = monde.users["asso_agent"]
    collegue = utilisateur(db, monde.asso, "agent")
    a1 = fab.mesure(db, monde, disp, referent=agent)
    a2 = fab.mesure(db, monde, disp, referent=agent)
    c1 = fab.mesure(db, monde, disp, referent=collegue)
    orpheline = fab.mesure(db, monde, disp)
    orpheline.referent_id = None
    db.add(orpheline)
    close = fab.mesure(db, monde, disp, referent=agent)
    close.statut = "terminee"
    db.add(close)
    db.add(
        RendezVous(
            mesure_id=a1.id,
            debut=datetime.now(UTC) + timedelta(days=3),
            duree_minutes=60,
            type="visite_domicile",
            statut="planifie",
        )
    )
    db.add(
        RendezVous(
            mesure_id=a1.id,
            debut=datetime.now(UTC) + timedelta(days=45),
            duree_minutes=60,
            type="visite_domicile",
            statut="planifie",
        )
    )
    fab.mesure(db, monde, disp, association=monde.asso2)  # another association's: never counted
    db.flush()
    return {"agent": agent, "collegue": collegue, "a1": a1, "a2": a2, "c1": c1, "orpheline": orpheline}


def test_caseload_per_referent(client, monde: Monde, db) -> None:
    w = _equipe(db, monde)
    r = client.get(CHARGE, headers=monde.h("asso_resp"))
    assert r.status_code == 200, r.text
    body = r.json()
    par_id = {c["referent_id"]: c for c in body["referents"]}
    assert set(par_id) == {str(u.id) for u in (w["agent"], w["collegue"], monde.users["asso_resp"])}
    agent = par_id[str(w["agent"].id)]
    assert agent["mesures_en_cours"] == 2  # the closed one is not counted
    assert agent["rendez_vous_30_jours"] == 1  # the one in 45 days is not
    # both mandated on 10/01/2023: no rendez-vous held, and past the 36 months of the dispositif
    assert agent["alertes"] == 4
    assert par_id[str(w["collegue"].id)]["mesures_en_cours"] == 1
    assert body["sans_referent_total"] == 1
    assert [m["id"] for m in body["sans_referent"]] == [str(w["orpheline"].id)]
    assert body["sans_referent"][0]["demandeur"]
    # the names shown are logged like any list
    assert db.exec(select(JournalAcces).where(JournalAcces.ressource_id == w["orpheline"].id)).first()


def test_caseload_is_the_responsables(client, monde: Monde, db) -> None:
    _equipe(db, monde)
    for who in ("asso_agent", "asso2_agent", "gie", "bailleur", "financeur", "admin", "bailleur_si"):
        assert client.get(CHARGE, headers=monde.h(who)).status_code == 403, who


def test_reassign_several_mesures(client, monde: Monde, db) -> None:
    w = _equipe(db, monde)
    corps = {
        "mesure_ids": [str(w["a1"].id), str(w["orpheline"].id)],
        "referent_id": str(w["collegue"].id),
        "commentaire": "Départ en congé",
    }
    r = client.post(REAFFECTER, json=corps, headers=monde.h("asso_resp"))
    assert r.status_code == 200, r.text
    assert r.json()["nombre"] == 2
    for m in (w["a1"], w["orpheline"]):
        db.refresh(m)
        assert m.referent_id == w["collegue"].id
        ev = db.exec(
            select(MesureEvenement).where(
                MesureEvenement.mesure_id == m.id, MesureEvenement.type == "changement_referent"
            )
        ).one()
        assert ev.commentaire == "Départ en congé"
        assert ev.auteur_id == monde.users["asso_resp"].id
    charge = client.get(CHARGE, headers=monde.h("asso_resp")).json()
    assert charge["sans_referent_total"] == 0
    assert {c["referent_id"]: c["mesures_en_cours"] for c in charge["referents"]}[str(w["collegue"].id)] == 3


def test_reassignment_is_all_or_nothing(client, monde: Monde, db) -> None:
    w = _equipe(db, monde)
    autre = fab.mesure(db, monde, fab.dispositif(db, monde), association=monde.asso2)
    # one mesure of another association: 404, and the first one has not moved
    corps = {"mesure_ids": [str(w["a1"].id), str(autre.id)], "referent_id": str(w["collegue"].id)}
    r = client.post(REAFFECTER, json=corps, headers=monde.h("asso_resp"))
    assert r.status_code == 404
    assert db.get(Mesure, w["a1"].id).referent_id == w["agent"].id
    assert not db.exec(
        select(MesureEvenement).where(
            MesureEvenement.mesure_id == w["a1"].id, MesureEvenement.type == "changement_referent"
        )
    ).first()
    # already that référent: named, nothing moves
    corps = {"mesure_ids": [str(w["a1"].id), str(w["c1"].id)], "referent_id": str(w["collegue"].id)}
    r = client.post(REAFFECTER, json=corps, headers=monde.h("asso_resp"))
    assert r.status_code == 422 and w["c1"].reference in r.json()["detail"]
    assert db.get(Mesure, w["a1"].id).referent_id == w["agent"].id
    # a référent outside the association
    corps = {"mesure_ids": [str(w["a1"].id)], "referent_id": str(monde.users["asso2_agent"].id)}
    r = client.post(REAFFECTER, json=corps, headers=monde.h("asso_resp"))
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "referent_id"


def test_reassignment_is_the_responsables(client, monde: Monde, db) -> None:
    w = _equipe(db, monde)
    corps = {"mesure_ids": [str(w["a1"].id)], "referent_id": str(w["collegue"].id)}
    for who in ("asso_agent", "asso2_agent", "gie", "bailleur", "financeur", "admin", "bailleur_si"):
        assert client.post(REAFFECTER, json=corps, headers=monde.h(who)).status_code == 403, who
    assert db.get(Mesure, w["a1"].id).referent_id == w["agent"].id
