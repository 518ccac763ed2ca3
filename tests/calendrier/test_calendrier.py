"""The secret calendar URL: creation, content, revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlmodel import select

from api.audit.models import JournalAcces
from api.calendrier.models import JetonCalendrier
from api.menages.models import Menage
from api.mesures.models import RendezVous
from tests import factories as fab
from tests.factories import Monde


def _jeton(client, monde: Monde, who: str = "asso_agent") -> str:
    r = client.post("/api/v1/calendrier/jeton", headers=monde.h(who))
    assert r.status_code == 201, r.text
    url = r.json()["url"]
    assert url.startswith("http://testserver/api/v1/calendrier/") and url.endswith(".ics")
    return url.removeprefix("http://testserver")


def _rdv(
    db, mes, jours: int, statut: str = "planifie", lieu: str | None = "Domicile", cree_par=None
) -> RendezVous:
    rdv = RendezVous(
        mesure_id=mes.id,
        debut=datetime(2030, 1, 1, 9, tzinfo=UTC) + timedelta(days=jours),
        duree_minutes=45,
        type="visite_domicile",
        statut=statut,
        lieu=lieu,
        compte_rendu="Mme X, dette 3000 €",
        cree_par_id=cree_par,
    )
    db.add(rdv)
    db.flush()
    return rdv


def test_feed_lists_my_planned_rendez_vous_with_reference_and_place_only(
    client, monde: Monde, db
) -> None:
    disp = fab.dispositif(db, monde)
    mien = fab.mesure(db, monde, disp)
    collegue = fab.mesure(db, monde, disp, referent=monde.users["asso_resp"])
    a = _rdv(db, mien, 1)
    _rdv(db, mien, 2, statut="annule")
    _rdv(db, collegue, 3)  # a colleague's, not planned by me
    b = _rdv(
        db, collegue, 4, lieu=None, cree_par=monde.users["asso_agent"].id
    )  # planned by me for a colleague
    url = _jeton(client, monde)
    r = client.get(url)  # no bearer token
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    events = list(cal.walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == [f"{a.id}@ancrage", f"{b.id}@ancrage"]
    ref_mien = db.get(Menage, mien.menage_id).reference
    assert str(events[0]["summary"]) == ref_mien
    assert str(events[0]["location"]) == "Domicile"
    assert "location" not in events[1]
    assert events[0].decoded("dtend") - events[0].decoded("dtstart") == timedelta(minutes=45)
    # nothing else: no name, no type, no note
    assert set(events[0].keys()) == {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION"}
    assert b"dette" not in r.content


def test_token_is_stored_hashed_and_revocation_gives_404(client, monde: Monde, db) -> None:
    url = _jeton(client, monde)
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(secret) >= 43  # 32 random bytes, base64url
    stored = db.exec(
        select(JetonCalendrier).where(
            JetonCalendrier.utilisateur_id == monde.users["asso_agent"].id
        )
    ).all()
    assert len(stored) == 1 and stored[0].empreinte != secret and secret not in stored[0].empreinte
    # a new URL replaces the old one
    nouvelle = _jeton(client, monde)
    assert client.get(url).status_code == 404
    assert client.get(nouvelle).status_code == 200
    assert (
        client.delete("/api/v1/calendrier/jeton", headers=monde.h("asso_agent")).status_code == 204
    )
    r = client.get(nouvelle)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert secret not in r.text
    assert (
        client.delete("/api/v1/calendrier/jeton", headers=monde.h("asso_agent")).status_code == 404
    )
    assert client.get("/api/v1/calendrier/devine.ics").status_code == 404


def test_machine_clients_have_no_calendar_and_anonymous_cannot_create(client, monde: Monde) -> None:
    assert (
        client.post("/api/v1/calendrier/jeton", headers=monde.h("bailleur_si")).status_code == 403
    )
    assert client.post("/api/v1/calendrier/jeton").status_code == 401


def test_former_association_member_loses_the_feed(client, monde: Monde, db) -> None:
    disp = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, disp)
    _rdv(db, mes, 1)
    url = _jeton(client, monde)
    user = monde.users["asso_agent"]
    user.organisation_id = monde.asso2.id  # moved to another association
    db.add(user)
    db.flush()
    cal = Calendar.from_ical(client.get(url).content)
    assert list(cal.walk("VEVENT")) == []


def test_the_secret_never_reaches_the_request_log(client, monde: Monde, caplog) -> None:
    url = _jeton(client, monde)
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    with caplog.at_level("INFO", logger="ancrage.http"):
        assert client.get(url).status_code == 200
    chemins = [getattr(r, "path", None) for r in caplog.records if r.name == "ancrage.http"]
    assert chemins == ["/api/v1/calendrier/***.ics"]
    assert secret not in caplog.text


def test_fetching_the_feed_is_logged_for_each_rendez_vous_and_household(
    client, monde: Monde, db
) -> None:
    disp = fab.dispositif(db, monde)
    mien = fab.mesure(db, monde, disp)
    autre = fab.mesure(db, monde, disp)
    rdvs = [_rdv(db, mien, 1), _rdv(db, mien, 2), _rdv(db, autre, 3)]
    url = _jeton(client, monde)
    agent = monde.users["asso_agent"]

    def journal() -> list[tuple[str, str, object]]:
        return sorted(
            (e.action, e.ressource, e.ressource_id)
            for e in db.exec(select(JournalAcces).where(JournalAcces.principal_id == agent.id))
        )

    avant = journal()
    assert client.get(url).status_code == 200
    apres = journal()
    assert len(apres) - len(avant) == 5  # 3 rendez-vous, 2 households
    attendues = [("lister", "rendez_vous", r.id) for r in rdvs] + [
        ("lister", "menage", mien.menage_id),
        ("lister", "menage", autre.menage_id),
    ]
    assert sorted(set(apres) - set(avant), key=str) == sorted(attendues, key=str)
    # so the household's « who viewed » shows the feed's read
    acces = client.get(f"/api/v1/menages/{mien.menage_id}/acces", headers=monde.h("asso_resp"))
    assert acces.status_code == 200, acces.text
    assert any(
        a["principal_id"] == str(agent.id) and a["action"] == "lister" for a in acces.json()["items"]
    )
