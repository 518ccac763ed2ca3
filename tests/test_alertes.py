"""Alerts: what needs attention, for a worker and for a responsable."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from api.mesures.models import RendezVous
from tests import factories_mesures as fm
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
    disp = fm.dispositif(db, monde, duree_max_mois=36)
    court = fm.dispositif(db, monde, duree_max_mois=3)
    w = {}
    w["attente"] = fm.mesure(db, monde, disp, date_mandatement=t - timedelta(days=20))
    w["recente"] = fm.mesure(db, monde, disp, date_mandatement=t - timedelta(days=5))
    w["vue"] = fm.mesure(db, monde, disp, date_mandatement=t - timedelta(days=40))
    _rdv(db, w["vue"], datetime.now(UTC) - timedelta(days=30), "realise")
    w["fin"] = fm.mesure(db, monde, disp, date_mandatement=t - timedelta(days=300))
    _rdv(db, w["fin"], datetime.now(UTC) - timedelta(days=290), "realise")
    w["fin"].statut, w["fin"].date_debut, w["fin"].date_fin_prevue = (
        "active",
        t - timedelta(days=290),
        t + timedelta(days=10),
    )
    w["max"] = fm.mesure(db, monde, court, date_mandatement=t - timedelta(days=200))
    _rdv(db, w["max"], datetime.now(UTC) - timedelta(days=190), "realise")
    w["max"].statut, w["max"].date_debut = "active", t - timedelta(days=190)
    w["suivi"] = fm.mesure(db, monde, disp, date_mandatement=t - timedelta(days=600))
    w["suivi"].statut, w["suivi"].date_fin, w["suivi"].suivi_date_prevue = (
        "terminee",
        t - timedelta(days=200),
        t - timedelta(days=17),
    )
    # a colleague's mesure: only the responsable sees its alert
    w["collegue"] = fm.mesure(
        db, monde, disp, date_mandatement=t - timedelta(days=60), referent=monde.users["asso_resp"]
    )
    w["rdv_passe"] = _rdv(db, w["recente"], datetime.now(UTC) - timedelta(days=1), "planifie")
    _rdv(db, w["recente"], datetime.now(UTC) + timedelta(days=1), "planifie")  # not yet due
    # another association's mesure never shows up
    fm.mesure(db, monde, disp, association=monde.asso2, date_mandatement=t - timedelta(days=60))
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
