"""Every route of mesures and rendez-vous, walked by every role that must be refused."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from api.mesures.models import RendezVous
from tests import factories as fab
from tests.factories import Monde

# (method, path template, body): {m} is the mesure, {r} its rendez-vous.
ROUTES_MESURE = [
    ("GET", "/api/v1/mesures/{m}", None),
    ("GET", "/api/v1/mesures/{m}/evenements", None),
    ("PATCH", "/api/v1/mesures/{m}", {"domaines": ["sante"]}),
    ("POST", "/api/v1/mesures/{m}/demarrer", {"date_debut": "2023-02-01"}),
    ("POST", "/api/v1/mesures/{m}/activer", {"date_effet": "2023-02-01"}),
    ("POST", "/api/v1/mesures/{m}/suspendre", {"date_effet": "2023-02-01"}),
    ("POST", "/api/v1/mesures/{m}/reprendre", {"date_effet": "2023-02-01"}),
    (
        "POST",
        "/api/v1/mesures/{m}/reorienter",
        {"date_effet": "2023-02-01", "cible_code": "reassurance", "motif": "x"},
    ),
    ("POST", "/api/v1/mesures/{m}/prolonger", {"date_fin_prevue": "2024-01-01"}),
    (
        "POST",
        "/api/v1/mesures/{m}/changer-referent",
        {"referent_id": "00000000-0000-4000-8000-000000000000"},
    ),
    (
        "POST",
        "/api/v1/mesures/{m}/terminer",
        {"date_fin": "2023-02-01", "motif_fin": "autre", "situation_sortie": "autre"},
    ),
    ("POST", "/api/v1/mesures/{m}/suivi", {"realise_le": "2023-02-01", "joint": False}),
]
ROUTES_RDV = [
    ("GET", "/api/v1/rendez-vous/{r}", None),
    ("PATCH", "/api/v1/rendez-vous/{r}", {"statut": "annule"}),
]

# Expected answer per role: read-only readers of the mesure get 403 on writes,
# everybody who may not see it gets 404.
LECTEURS = {"gie", "bailleur", "bailleur_si"}
INVISIBLES = {"asso2_agent", "financeur", "admin"}


@pytest.fixture
def cas(db, monde: Monde):
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp, mandatement=date(2023, 1, 10), prescripteur=monde.bailleur)

    rdv = RendezVous(mesure_id=mes.id, debut=datetime(2023, 2, 1, 9, tzinfo=UTC), type="telephone")
    db.add(rdv)
    db.flush()
    return mes, rdv


@pytest.mark.parametrize("who", sorted(LECTEURS | INVISIBLES))
def test_each_mesure_route_refuses(client, monde: Monde, cas, who: str) -> None:
    mes, _ = cas
    for method, path, body in ROUTES_MESURE:
        r = client.request(
            method, path.format(m=mes.id), json=body, headers=monde.h(who) | {"If-Match": '"1"'}
        )
        expected = 404 if who in INVISIBLES else (200 if method == "GET" else 403)
        assert r.status_code == expected, (who, method, path, r.text)


@pytest.mark.parametrize("who", sorted(LECTEURS | INVISIBLES))
def test_each_rendez_vous_route_refuses(client, monde: Monde, cas, who: str) -> None:
    mes, rdv = cas
    for method, path, body in ROUTES_RDV:
        r = client.request(
            method, path.format(r=rdv.id), json=body, headers=monde.h(who) | {"If-Match": '"1"'}
        )
        assert r.status_code == 404, (who, method, path)
    r = client.get("/api/v1/rendez-vous", params={"mesure_id": str(mes.id)}, headers=monde.h(who))
    assert r.status_code == 200 and r.json()["total"] == 0
    r = client.post(
        "/api/v1/rendez-vous",
        json={"mesure_id": str(mes.id), "debut": "2023-02-02T10:00:00", "type": "telephone"},
        headers=monde.h(who),
    )
    assert r.status_code == (404 if who in INVISIBLES else 403), who


def test_anonymous_gets_401_everywhere(client, cas) -> None:
    mes, rdv = cas
    for method, path, body in (
        ROUTES_MESURE
        + ROUTES_RDV
        + [
            ("GET", "/api/v1/mesures", None),
            ("GET", "/api/v1/rendez-vous", None),
            ("GET", "/api/v1/alertes", None),
            ("GET", "/api/v1/menages/{m}/chronologie", None),
        ]
    ):
        r = client.request(method, path.format(m=mes.id, r=rdv.id), json=body)
        assert r.status_code == 401, (method, path)


def test_list_statement_built_once_binds_each_callers_values(client, db, monde: Monde) -> None:
    """The list's SQL is built once per shape of request and reused (issue 8): two
    associations asking the same question in turn each get their own mesures, and the
    access log names each of them, never the caller before."""
    from sqlmodel import select

    from api.audit.models import JournalAcces
    from api.mesures.liste import _requetes_liste

    disp = fab.dispositif(db, monde)
    a = {fab.mesure(db, monde, disp, association=monde.asso).id for _ in range(3)}
    b = {fab.mesure(db, monde, disp, association=monde.asso2).id for _ in range(2)}
    db.commit()
    params = {"dispositif_id": str(disp.id), "statut": "mandatee", "limit": 50}
    avant = _requetes_liste.cache_info()
    vus = {}
    for qui in ("asso_agent", "asso2_agent", "asso_agent"):
        r = client.get("/api/v1/mesures", params=params, headers=monde.h(qui))
        assert r.status_code == 200, r.text
        vus.setdefault(qui, []).append({uuid.UUID(m["id"]) for m in r.json()["items"]})
        assert r.json()["total"] == len(vus[qui][-1])
    assert vus["asso_agent"] == [a, a]
    assert vus["asso2_agent"] == [b]
    # Same shape three times: one statement built (or none, if an earlier test built it).
    assert _requetes_liste.cache_info().misses - avant.misses <= 1
    assert _requetes_liste.cache_info().hits - avant.hits >= 2
    journal = db.exec(select(JournalAcces).where(JournalAcces.ressource == "mesure")).all()
    par_org = {}
    for e in journal:
        par_org.setdefault(e.organisation_id, set()).add(e.ressource_id)
    assert par_org[monde.asso.id] == a
    assert par_org[monde.asso2.id] == b


def test_association_total_counts_carried_and_prescribed_mesures_once(client, db, monde: Monde) -> None:
    """An association's total is counted in two disjoint parts (the mesures it carries,
    the others born of its referrals): together they are exactly the list, a mesure it
    both carries and prescribed counted once, other associations' mesures not at all."""
    disp = fab.dispositif(db, monde)
    portees = {fab.mesure(db, monde, disp, association=monde.asso).id for _ in range(2)}
    portees.add(fab.mesure(db, monde, disp, association=monde.asso, prescripteur=monde.asso).id)
    prescrites = {fab.mesure(db, monde, disp, association=monde.asso2, prescripteur=monde.asso).id for _ in range(2)}
    fab.mesure(db, monde, disp, association=monde.asso2, prescripteur=monde.bailleur)
    fab.mesure(db, monde, disp, association=monde.asso2)
    db.commit()
    for params in ({"dispositif_id": str(disp.id)}, {"dispositif_id": str(disp.id), "statut": "mandatee"}):
        r = client.get("/api/v1/mesures", params={**params, "limit": 100}, headers=monde.h("asso_agent"))
        assert r.status_code == 200, r.text
        corps = r.json()
        assert {uuid.UUID(m["id"]) for m in corps["items"]} == portees | prescrites
        assert (corps["total"], corps["total_exact"]) == (5, True)
    # A filter reserved to the mesures read in full leaves the prescribed ones out of both.
    r = client.get(
        "/api/v1/mesures",
        params={"dispositif_id": str(disp.id), "cible": "habitat_adapte"},
        headers=monde.h("asso_agent"),
    )
    assert {uuid.UUID(m["id"]) for m in r.json()["items"]} == portees
    assert r.json()["total"] == 3


def test_prescripteur_sonde_voit_les_memes_mesures_que_la_liste(db, monde: Monde) -> None:
    """``visible_mesures(sonde=True)`` (one mesure, one household's: probes of the referrals)
    and the list form (a hash of every referral of the prescriber) give the same mesures,
    each link alone included: the mesure names its referral, or the referral its mesure."""
    from sqlmodel import col, select

    from api.mesures import access
    from api.mesures.models import Mesure
    from api.orientations.models import Orientation

    disp = fab.dispositif(db, monde)
    les_deux = fab.mesure(db, monde, disp, prescripteur=monde.bailleur)
    par_la_mesure = fab.mesure(db, monde, disp, prescripteur=monde.bailleur)
    par_l_orientation = fab.mesure(db, monde, disp, prescripteur=monde.bailleur)
    autre = fab.mesure(db, monde, disp, prescripteur=monde.asso2)
    sans = fab.mesure(db, monde, disp)
    orientation = db.exec(select(Orientation).where(Orientation.mesure_id == par_la_mesure.id)).one()
    orientation.mesure_id = None  # only Mesure.orientation_id left
    par_l_orientation.orientation_id = None  # only Orientation.mesure_id left
    db.add_all([orientation, par_l_orientation])
    db.flush()
    ids = [m.id for m in (les_deux, par_la_mesure, par_l_orientation, autre, sans)]
    attendu = {
        "bailleur": {les_deux.id, par_la_mesure.id, par_l_orientation.id},
        "asso2_agent": {autre.id},
        "financeur": set(),
    }
    for qui, vues in attendu.items():
        org = {"bailleur": monde.bailleur, "asso2_agent": monde.asso2, "financeur": monde.financeur}[qui]
        p = fab.principal_de(monde.users[qui], org)
        for sonde in (False, True):
            lues = db.exec(access.visible_mesures(p, sonde=sonde).where(col(Mesure.id).in_(ids))).all()
            assert {m.id for m in lues} == vues, (qui, sonde)
        for m in (les_deux, par_la_mesure, par_l_orientation, autre, sans):
            assert (access.niveau(db, p, m) is not None) == (m.id in vues), (qui, m.reference)

