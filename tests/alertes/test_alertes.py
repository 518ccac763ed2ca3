"""Alerts: what needs attention, for a worker and for a responsable."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from api.menages.models import Personne
from api.mesures.models import RendezVous
from tests import factories as fab
from tests.factories import Monde

URL = "/api/v1/alertes"


def _today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def _rdv(db, mes, debut: datetime, statut: str) -> RendezVous:
    rdv = RendezVous(
        mesure_id=mes.id, debut=debut, duree_minutes=60, type="visite_domicile", statut=statut
    )
    db.add(rdv)
    db.flush()
    return rdv


def _monde_alertes(db, monde: Monde):
    t = _today()
    disp = fab.dispositif(db, monde, duree_max_mois=36)
    court = fab.dispositif(db, monde, duree_max_mois=3)
    w = {}
    w["attente"] = fab.mesure(db, monde, disp, mandatement=t - timedelta(days=20))
    w["recente"] = fab.mesure(db, monde, disp, mandatement=t - timedelta(days=5))
    w["vue"] = fab.mesure(db, monde, disp, mandatement=t - timedelta(days=40))
    _rdv(db, w["vue"], datetime.now(UTC) - timedelta(days=30), "realise")
    w["fin"] = fab.mesure(db, monde, disp, mandatement=t - timedelta(days=300))
    _rdv(db, w["fin"], datetime.now(UTC) - timedelta(days=290), "realise")
    w["fin"].statut, w["fin"].date_debut, w["fin"].date_fin_prevue = (
        "active",
        t - timedelta(days=290),
        t + timedelta(days=10),
    )
    w["max"] = fab.mesure(db, monde, court, mandatement=t - timedelta(days=200))
    _rdv(db, w["max"], datetime.now(UTC) - timedelta(days=190), "realise")
    w["max"].statut, w["max"].date_debut = "active", t - timedelta(days=190)
    w["suivi"] = fab.mesure(db, monde, disp, mandatement=t - timedelta(days=600))
    w["suivi"].statut, w["suivi"].date_fin, w["suivi"].suivi_date_prevue = (
        "terminee",
        t - timedelta(days=200),
        t - timedelta(days=17),
    )
    # a colleague's mesure: only the responsable sees its alert
    w["collegue"] = fab.mesure(db, monde, disp, mandatement=t - timedelta(days=60), referent=monde.users["asso_resp"])
    w["rdv_passe"] = _rdv(db, w["recente"], datetime.now(UTC) - timedelta(days=1), "planifie")
    _rdv(db, w["recente"], datetime.now(UTC) + timedelta(days=1), "planifie")  # not yet due
    # another association's mesure never shows up
    fab.mesure(db, monde, disp, association=monde.asso2, mandatement=t - timedelta(days=60))
    for m in w.values():
        db.add(m)
    db.flush()
    return w


def test_alerts_of_a_worker(client, monde: Monde, db) -> None:
    w = _monde_alertes(db, monde)
    t = _today()
    r = client.get(URL, headers=monde.h("asso_agent"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["perimetre"] == "moi"
    got = {(a["type"], a["mesure_id"]) for a in body["items"]}
    assert got == {
        ("premier_rdv_en_attente", str(w["attente"].id)),
        ("fin_prevue_proche", str(w["fin"].id)),
        ("duree_maximale_depassee", str(w["max"].id)),
        ("suivi_du", str(w["suivi"].id)),
        ("rdv_a_renseigner", str(w["recente"].id)),
    }
    par_id = {a["type"]: a for a in body["items"]}
    assert (
        par_id["premier_rdv_en_attente"]["date_reference"] == (t - timedelta(days=5)).isoformat()
    )  # 20 - 15 days
    assert (
        par_id["duree_maximale_depassee"]["date_reference"]
        == fm_add3(t - timedelta(days=190)).isoformat()
    )
    assert par_id["rdv_a_renseigner"]["rendez_vous_id"] == str(w["rdv_passe"].id)
    assert body["total"] == 5
    # sorted by date
    dates = [a["date_reference"] for a in body["items"]]
    assert dates == sorted(dates)
    # a person, not only a reference (issue 14): the demandeur of each household
    demandeurs = {
        str(p.menage_id): f"{p.prenom} {p.nom.upper()}"
        for p in db.exec(select(Personne).where(Personne.lien == "demandeur"))
    }
    menages = {str(m.id): str(m.menage_id) for m in w.values() if hasattr(m, "menage_id") and hasattr(m, "reference")}
    for a in body["items"]:
        assert a["demandeur"] == demandeurs[menages[a["mesure_id"]]], a


def fm_add3(d: date) -> date:
    """Three months later, computed here independently of the code under test."""
    month = d.month + 3
    year = d.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def test_alerts_of_the_association_for_a_responsable(client, monde: Monde, db) -> None:
    w = _monde_alertes(db, monde)
    body = client.get(URL, headers=monde.h("asso_resp")).json()
    assert body["perimetre"] == "association"
    assert ("premier_rdv_en_attente", str(w["collegue"].id)) in {
        (a["type"], a["mesure_id"]) for a in body["items"]
    }
    assert body["total"] == 6
    mine = client.get(URL, params={"perimetre": "moi"}, headers=monde.h("asso_resp")).json()
    assert [a["mesure_id"] for a in mine["items"]] == [str(w["collegue"].id)]


def test_the_delay_is_a_setting(client, app, monde: Monde, db) -> None:
    w = _monde_alertes(db, monde)
    app.state.settings = app.state.settings.model_copy(update={"alerte_premier_rdv_jours": 30})
    body = client.get(URL, headers=monde.h("asso_agent")).json()
    assert ("premier_rdv_en_attente", str(w["attente"].id)) not in {
        (a["type"], a["mesure_id"]) for a in body["items"]
    }


def test_alerts_refusals(client, monde: Monde) -> None:
    r = client.get(URL, params={"perimetre": "association"}, headers=monde.h("asso_agent"))
    assert r.status_code == 403
    for who in ("gie", "bailleur", "bailleur_si", "financeur", "admin"):
        assert client.get(URL, headers=monde.h(who)).status_code == 403, who


# --- A work list: pages, a kind filter, counts for the badges (issue 20) --------------------


def _cles(items: list[dict]) -> list[tuple[str, str]]:
    return [(a["type"], a["mesure_id"]) for a in items]


def test_the_work_list_is_paginated_with_counts_per_kind(client, monde: Monde, db) -> None:
    _monde_alertes(db, monde)
    h = monde.h("asso_agent")
    complete = client.get(URL, params={"limit": 100}, headers=h).json()
    assert complete["total"] == 5 and len(complete["items"]) == 5
    assert complete["par_type"] == {t: 1 for t in (
        "premier_rdv_en_attente", "fin_prevue_proche", "duree_maximale_depassee", "suivi_du", "rdv_a_renseigner"
    )}
    assert all(a["libelle"] for a in complete["items"])
    pages = [client.get(URL, params={"limit": 2, "offset": o}, headers=h).json() for o in (0, 2, 4)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    assert all(p["total"] == 5 and p["par_type"] == complete["par_type"] for p in pages)
    assert [c for p in pages for c in _cles(p["items"])] == _cles(complete["items"])


def test_the_work_list_filters_by_kind_and_keeps_every_count(client, monde: Monde, db) -> None:
    w = _monde_alertes(db, monde)
    body = client.get(URL, params={"type": "suivi_du"}, headers=monde.h("asso_agent")).json()
    assert _cles(body["items"]) == [("suivi_du", str(w["suivi"].id))]
    assert body["total"] == 1
    assert sum(body["par_type"].values()) == 5  # the badges still count every kind
    r = client.get(URL, params={"type": "inconnu"}, headers=monde.h("asso_agent"))
    assert r.status_code == 422


def test_the_access_log_records_what_was_shown(client, monde: Monde, db) -> None:
    from sqlmodel import func, select

    from api.audit.models import JournalAcces

    _monde_alertes(db, monde)
    agent = monde.users["asso_agent"]

    def entrees() -> int:
        return db.exec(
            select(func.count()).select_from(JournalAcces).where(
                JournalAcces.principal_id == agent.id, JournalAcces.ressource == "mesure"
            )
        ).one()

    avant = entrees()
    body = client.get(URL, params={"limit": 2}, headers=monde.h("asso_agent")).json()
    assert body["total"] == 5
    assert entrees() - avant == len({a["mesure_id"] for a in body["items"]}) == 2


def test_dates_of_the_alerts_are_those_of_the_field(client, monde: Monde, db) -> None:
    """Month ends and the Paris day of a late rendez-vous: computed in SQL, they must be the
    dates a person reads on the calendar; a closed mesure raises its follow-up only."""
    t = _today()
    semestriel = fab.dispositif(db, monde, duree_max_mois=6)
    fin_aout = fab.mesure(db, monde, semestriel, mandatement=date(t.year - 2, 8, 1))
    fin_aout.statut, fin_aout.date_debut = "active", date(t.year - 2, 8, 31)
    _rdv(db, fin_aout, datetime(t.year - 2, 9, 1, 9, tzinfo=UTC), "realise")
    # 00:30 in Paris is still the day before in UTC: the alert's day is the one in Paris.
    tard = datetime.combine(t - timedelta(days=3), datetime.min.time(), ZoneInfo("Europe/Paris")).replace(
        hour=0, minute=30
    )
    rdv_tard = _rdv(db, fin_aout, tard.astimezone(UTC), "planifie")
    close = fab.mesure(db, monde, semestriel, mandatement=t - timedelta(days=400))
    close.statut, close.date_fin = "terminee", t - timedelta(days=10)
    for m in (fin_aout, close):
        db.add(m)
    db.flush()
    body = client.get(URL, params={"limit": 100}, headers=monde.h("asso_agent")).json()
    par = {(a["type"], a["mesure_id"]): a for a in body["items"]}
    assert set(par) == {
        ("duree_maximale_depassee", str(fin_aout.id)),
        ("rdv_a_renseigner", str(fin_aout.id)),
    }
    limite = fm_add3(fm_add3(date(t.year - 2, 8, 31)))  # 31/08 + 6 months: the last day of February
    assert limite.month == 2
    assert par[("duree_maximale_depassee", str(fin_aout.id))]["date_reference"] == limite.isoformat()
    assert f"depuis le {limite:%d/%m/%Y}" in par[("duree_maximale_depassee", str(fin_aout.id))]["message"]
    rdv = par[("rdv_a_renseigner", str(fin_aout.id))]
    assert rdv["rendez_vous_id"] == str(rdv_tard.id)
    assert rdv["date_reference"] == (t - timedelta(days=3)).isoformat()
    assert f"{t - timedelta(days=3):%d/%m/%Y} à 00:30" in rdv["message"]


def test_late_rendez_vous_are_read_from_the_partial_index(db, monde: Monde, is_postgres) -> None:
    """PostgreSQL: the « rendez-vous à renseigner » come from the index of planned
    rendez-vous (migration 0015), not from every rendez-vous before now."""
    import pytest
    from sqlalchemy import text

    from api.alertes import service
    from api.alertes.schemas import Perimetre
    from tests.factories import principal_de

    if not is_postgres:
        pytest.skip("plan PostgreSQL")
    regle = service.PAR_TYPE[service.TypeAlerte.rdv_a_renseigner]
    requete = service._lignes(regle, principal_de(monde.users["asso_agent"], monde.asso), Perimetre.moi)
    # today: the reports (alerts set aside until a date) end on it
    requete = requete.params(alerte_instant=datetime.now(UTC), alerte_aujourdhui=date.today())
    sql = requete.compile(db.connection(), compile_kwargs={"literal_binds": True})
    db.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.execute(text(f"EXPLAIN {sql}")).scalars())
    assert "ix_rendez_vous_planifie_debut" in plan, plan


@pytest.mark.parametrize(
    ("type_alerte", "index"),
    [
        ("premier_rdv_en_attente", "ix_mesure_sans_premier_rdv"),
        ("fin_prevue_proche", "ix_mesure_ouverte"),
        ("suivi_du", "ix_mesure_suivi_du"),
    ],
)
def test_mesure_alerts_read_their_partial_index(db, monde, is_postgres, type_alerte, index) -> None:
    """Open mesures (those still waiting for a first held rendez-vous, and closed ones with a
    follow-up due) come from their partial index, not from every mesure the association
    ever carried (migrations 0036 and 0041)."""
    from sqlalchemy import text

    from api.alertes import service
    from api.alertes.schemas import Perimetre
    from tests.factories import principal_de

    if not is_postgres:
        pytest.skip("plan PostgreSQL")
    regle = service.PAR_TYPE[service.TypeAlerte(type_alerte)]
    for perimetre, who in ((Perimetre.moi, "asso_agent"), (Perimetre.association, "asso_resp")):
        requete = service._lignes(regle, principal_de(monde.users[who], monde.asso), perimetre)
        requete = requete.params(**service.valeurs_alertes(date.today(), datetime.now(UTC), 15))
        sql = requete.compile(db.connection(), compile_kwargs={"literal_binds": True})
        db.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(db.execute(text(f"EXPLAIN {sql}")).scalars())
        # On a near-empty test database the planner may prefer another index led by the
        # association, or for « mes alertes » the referent's own mesures (costs are equal);
        # what matters is that no scan of every mesure is left.
        assert "Seq Scan on mesure" not in plan, plan
        permis = [index, "ix_mesure_association"]
        if index == "ix_mesure_sans_premier_rdv":
            # its parent index (open mesures), filtered on the column: also bounded
            permis.append("ix_mesure_ouverte")
        if perimetre is Perimetre.moi:
            permis.append("ix_mesure_referent_id")
        assert any(nom in plan for nom in permis), plan


# --- Setting an alert aside (issue 14): with a reason, for good or until a date ---------------


def _ecarter(client, monde: Monde, who: str, alerte: dict, **corps):
    body = {
        "type": alerte["type"],
        "mesure_id": alerte["mesure_id"],
        "rendez_vous_id": alerte["rendez_vous_id"],
        "date_reference": alerte["date_reference"],
        "motif": "Ménage parti du département",
        **corps,
    }
    return client.post(URL + "/ecarter", json=body, headers=monde.h(who))


def _alertes(client, monde: Monde, who: str = "asso_agent") -> dict:
    r = client.get(URL, headers=monde.h(who))
    assert r.status_code == 200, r.text
    return r.json()


def test_an_alert_set_aside_does_not_come_back(client, monde: Monde, db) -> None:
    from api.alertes.models import AlerteEcartee

    _monde_alertes(db, monde)
    avant = _alertes(client, monde)
    suivi = next(a for a in avant["items"] if a["type"] == "suivi_du")
    rdv = next(a for a in avant["items"] if a["type"] == "rdv_a_renseigner")
    r = _ecarter(client, monde, "asso_agent", suivi)
    assert r.status_code == 201, r.text
    assert r.json()["jusqu_au"] is None
    assert _ecarter(client, monde, "asso_agent", rdv).status_code == 201
    apres = _alertes(client, monde)
    assert apres["total"] == avant["total"] - 2
    assert "suivi_du" not in apres["par_type"] and "rdv_a_renseigner" not in apres["par_type"]
    # the responsable's view of the association leaves them out too
    assert _alertes(client, monde, "asso_resp")["total"] == avant["total"] - 2 + 1
    # the reason is kept, with who and when
    gardee = db.exec(select(AlerteEcartee).where(AlerteEcartee.type == "suivi_du")).one()
    assert gardee.motif == "Ménage parti du département"
    assert gardee.par_id == monde.users["asso_agent"].id
    # an occurrence no longer there (already set aside) cannot be set aside twice
    assert _ecarter(client, monde, "asso_agent", suivi).status_code == 404


def test_a_reported_alert_comes_back_on_its_day(client, monde: Monde, db) -> None:
    from api.alertes.models import AlerteEcartee

    _monde_alertes(db, monde)
    suivi = next(a for a in _alertes(client, monde)["items"] if a["type"] == "suivi_du")
    demain = _today() + timedelta(days=1)
    r = _ecarter(client, monde, "asso_agent", suivi, jusqu_au=demain.isoformat(), motif="Rappeler lundi")
    assert r.status_code == 201, r.text
    assert "suivi_du" not in _alertes(client, monde)["par_type"]
    # the day comes: the report ends
    gardee = db.exec(select(AlerteEcartee)).one()
    gardee.jusqu_au = _today()
    db.add(gardee)
    db.flush()
    assert _alertes(client, monde)["par_type"]["suivi_du"] == 1


def test_a_new_occurrence_is_a_new_alert(client, monde: Monde, db) -> None:
    w = _monde_alertes(db, monde)
    fin = next(a for a in _alertes(client, monde)["items"] if a["type"] == "fin_prevue_proche")
    assert _ecarter(client, monde, "asso_agent", fin).status_code == 201
    assert "fin_prevue_proche" not in _alertes(client, monde)["par_type"]
    # another planned end: the alert is about a new date
    w["fin"].date_fin_prevue = _today() + timedelta(days=20)
    db.add(w["fin"])
    db.flush()
    assert _alertes(client, monde)["par_type"]["fin_prevue_proche"] == 1


def test_setting_aside_refusals(client, monde: Monde, db) -> None:
    w = _monde_alertes(db, monde)
    items = _alertes(client, monde, "asso_resp")["items"]
    collegue = next(a for a in items if a["mesure_id"] == str(w["collegue"].id))
    suivi = next(a for a in items if a["type"] == "suivi_du")
    # an agent cannot set aside a colleague's alert, nor another association, nor a partner
    assert _ecarter(client, monde, "asso_agent", collegue).status_code == 404
    assert _ecarter(client, monde, "asso2_agent", suivi).status_code == 404
    for who in ("bailleur", "gie", "financeur", "admin"):
        assert _ecarter(client, monde, who, suivi).status_code == 403, who
    # a wrong date is not the alert
    faux = {**suivi, "date_reference": (_today() - timedelta(days=3)).isoformat()}
    assert _ecarter(client, monde, "asso_agent", faux).status_code == 404
    # a reason is required; a report lies in the coming year
    r = _ecarter(client, monde, "asso_agent", suivi, motif="")
    assert r.status_code == 422
    r = _ecarter(client, monde, "asso_agent", suivi, jusqu_au=_today().isoformat())
    assert r.status_code == 422 and r.json()["errors"][0]["champ"] == "jusqu_au"
    # the responsable may set aside a colleague's alert
    assert _ecarter(client, monde, "asso_resp", collegue).status_code == 201


def test_the_kept_statement_binds_each_callers_ids(client, monde: Monde, db) -> None:
    """The alerts' statement is built once per kind of principal and kept
    (``instruction_alertes``): two agents of two associations share it, in turn, and each
    reads only its own mesures. Written with the first caller's ids, the second would read
    the first's alerts."""
    from api.alertes.schemas import Perimetre
    from api.alertes.service import instruction_alertes
    from api.core.pagination import PageParams

    w = _monde_alertes(db, monde)
    t = _today()
    autre = fab.mesure(
        db,
        monde,
        fab.dispositif(db, monde),
        association=monde.asso2,
        mandatement=t - timedelta(days=60),
        referent=monde.users["asso2_agent"],
    )
    db.flush()
    premier = client.get(URL, headers=monde.h("asso_agent")).json()
    second = client.get(URL, headers=monde.h("asso2_agent")).json()
    encore = client.get(URL, headers=monde.h("asso_agent")).json()
    assert {a["mesure_id"] for a in second["items"]} == {str(autre.id)}
    assert str(autre.id) not in {a["mesure_id"] for a in premier["items"]}
    assert str(w["attente"].id) in {a["mesure_id"] for a in premier["items"]}
    assert encore["items"] == premier["items"]
    # One statement for both (the cache is what this test is about).
    page = PageParams(limit=20, offset=0)
    a = fab.principal_de(monde.users["asso_agent"], monde.asso)
    b = fab.principal_de(monde.users["asso2_agent"], monde.asso2)
    assert instruction_alertes(a, Perimetre.moi, page, None) is instruction_alertes(b, Perimetre.moi, page, None)
