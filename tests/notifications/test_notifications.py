"""Notifications: made with the event they tell, read by their person only, e-mailed by the
worker through a real SMTP server (aiosmtpd, started in this process), with each person's
preferences, retries and the admin's view of the e-mails given up. The e-mails delivered
are read back and checked to hold no household name, no cible, no address."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import Session, select

from api.core.fonctions_sql import PARIS
from api.mesures.service import aujourdhui  # the French date, as the product reads « today »
from api.notifications.courriel import MAX_TENTATIVES, ConfigSmtp, coupures, livrer, preparer
from api.notifications.models import EnvoiCourriel, Frequence, Notification
from tests.factories import Monde, creer_convention, creer_dispositif, orienter

URL = "https://ancrage.example.fr"


class Boite:
    """aiosmtpd's handler: keeps what it was given."""

    def __init__(self) -> None:
        self.recus: list[tuple[str, list[str], object]] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.recus.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _authentifier(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"ancrage" and auth_data.password == b"s3cret"
    return AuthResult(success=ok)


@pytest.fixture
def smtp():
    boite = Boite()
    controleur = Controller(
        boite, hostname="127.0.0.1", port=_port_libre(), authenticator=_authentifier, auth_require_tls=False
    )
    controleur.start()
    try:
        yield boite, ConfigSmtp(
            hote="127.0.0.1", port=controleur.port, tls="aucun", utilisateur="ancrage", mot_de_passe="s3cret",
            expediteur="Ancrage <ne-pas-repondre@ancrage.example.fr>", delai=10,
        )
    finally:
        controleur.stop()


def _decision(client, monde: Monde):
    """The bailleur's person refers a household; the commission puts it on a session's agenda,
    then accepts it for « asso » with a sensitive cible."""
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    o = orienter(client, monde, d["id"], who="bailleur")
    s = client.post(
        "/api/v1/commissions", json={"dispositif_id": d["id"], "date": aujourdhui().isoformat(), "lieu": "Rennes"},
        headers=monde.h("gie"),
    ).json()
    r = client.post(f"/api/v1/commissions/{s['id']}/ordre-du-jour", json={"orientation_ids": [o["id"]]}, headers=monde.h("gie"))
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/orientations/{o['id']}/transitions",
        json={"vers_statut": "acceptee", "association_id": str(monde.asso.id), "cible_code": "sante_mentale",
              "type_accompagnement_code": "evaluation"},
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    menage = client.get(f"/api/v1/menages/{o['menage_id']}", headers=monde.h("asso_agent")).json()
    return o, s, r.json(), menage


def _interdits(menage: dict) -> list[str]:
    """What no notification may carry: names, the address, the cible (code and label)."""
    mots = [p["nom"] for p in menage["personnes"]] + [p["prenom"] for p in menage["personnes"]]
    return [*mots, menage["adresse"], "sante_mentale", "Santé mentale", "santé"]


def test_decision_et_mandatement_livres_sans_nom_ni_cible(client, db: Session, monde: Monde, smtp) -> None:
    boite, config = smtp
    o, s, acceptee, menage = _decision(client, monde)
    maintenant = datetime.now(UTC)
    assert preparer(db, url=URL, heure_resume=7, maintenant=maintenant) == 2
    assert livrer(db, config, maintenant=maintenant) == (2, 0)
    par_destinataire = {rcpt[0]: m for _, rcpt, m in boite.recus}
    assert set(par_destinataire) == {monde.users["bailleur"].email, monde.users["asso_resp"].email}
    decision = par_destinataire[monde.users["bailleur"].email]
    assert o["reference"] in decision["Subject"] and "acceptée" in decision["Subject"]
    assert f"{URL}/orientations/{o['id']}" in decision.get_content()
    mandat = par_destinataire[monde.users["asso_resp"].email]
    assert f"{URL}/mesures/{acceptee['mesure_id']}" in mandat.get_content()
    for _, _, m in boite.recus:
        texte = m.as_string()
        assert m["From"] == "Ancrage <ne-pas-repondre@ancrage.example.fr>"
        for interdit in _interdits(menage):
            assert interdit.lower() not in texte.lower(), interdit
    # the commission's agenda: a daily digest, not yet
    assert not any(rcpt[0] == monde.users["gie"].email for _, rcpt, _ in boite.recus)
    # the next morning after 7:00 (Paris), the digest goes
    lendemain = maintenant + timedelta(days=1, hours=1)
    assert preparer(db, url=URL, heure_resume=7, maintenant=lendemain + timedelta(hours=8)) == 1
    assert livrer(db, config, maintenant=lendemain + timedelta(hours=8)) == (1, 0)
    _, rcpt, resume = boite.recus[-1]
    assert rcpt == [monde.users["gie"].email] and "résumé quotidien" in resume["Subject"]
    assert f"{URL}/commission/{s['id']}" in resume.get_content()
    for interdit in _interdits(menage):
        assert interdit.lower() not in resume.as_string().lower()
    # nothing is sent twice
    assert preparer(db, url=URL, heure_resume=7, maintenant=lendemain + timedelta(days=2)) == 0
    assert livrer(db, config, maintenant=lendemain + timedelta(days=2)) == (0, 0)


def test_dans_l_application_compteur_page_lu_non_lu(client, db: Session, monde: Monde) -> None:
    o, _, _, menage = _decision(client, monde)
    h = monde.h("bailleur")
    assert client.get("/api/v1/notifications/compteur", headers=h).json() == {"non_lues": 1}
    page = client.get("/api/v1/notifications", headers=h).json()
    [n] = page["items"]
    assert n["type"] == "orientation_decidee" and n["lien"] == f"/orientations/{o['id']}" and n["lue"] is False
    for interdit in _interdits(menage):
        assert interdit.lower() not in n["phrase"].lower()
    # nobody else reads it, not even a colleague; a machine client has none
    for qui in ("asso_resp", "gie", "admin"):
        assert client.post(f"/api/v1/notifications/{n['id']}/lue", headers=monde.h(qui)).status_code == 404
    assert client.get("/api/v1/notifications", headers=monde.h("bailleur_si")).status_code == 403
    assert client.get("/api/v1/notifications/compteur", headers=monde.h("bailleur_si")).json() == {"non_lues": 0}
    r = client.post(f"/api/v1/notifications/{n['id']}/lue", headers=h)
    assert r.status_code == 200 and r.json()["lue"] is True
    assert client.get("/api/v1/notifications/compteur", headers=h).json() == {"non_lues": 0}
    assert client.get("/api/v1/notifications?non_lues=true", headers=h).json()["items"] == []
    assert client.post(f"/api/v1/notifications/{n['id']}/non-lue", headers=h).json()["lue"] is False
    assert client.post("/api/v1/notifications/tout-lu", headers=h).json() == {"marquees": 1}
    # the commission: one for the agenda; the association: its responsable only
    assert client.get("/api/v1/notifications/compteur", headers=monde.h("gie")).json() == {"non_lues": 1}
    assert client.get("/api/v1/notifications/compteur", headers=monde.h("asso_resp")).json() == {"non_lues": 1}
    assert client.get("/api/v1/notifications/compteur", headers=monde.h("asso_agent")).json() == {"non_lues": 0}


def test_les_preferences_sont_respectees(client, db: Session, monde: Monde, smtp) -> None:
    boite, config = smtp
    h = monde.h("asso_resp")
    prefs = {p["type"]: p for p in client.get("/api/v1/notifications/preferences", headers=h).json()}
    assert prefs["alerte_dossier"]["frequence"] == "hebdomadaire" and prefs["mandatement"]["frequence"] == "immediat"
    r = client.put("/api/v1/notifications/preferences", json=[{"type": "mandatement", "frequence": "jamais"}], headers=h)
    assert r.status_code == 200 and {p["type"]: p["frequence"] for p in r.json()}["mandatement"] == "jamais"
    r = client.put("/api/v1/notifications/preferences", json=[{"type": "orientation_decidee", "frequence": "hebdomadaire"}],
                   headers=monde.h("bailleur"))
    assert r.status_code == 200
    r = client.put("/api/v1/notifications/preferences", json=[{"type": "mandatement", "frequence": "toujours"}], headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["champ"].endswith("frequence")
    _decision(client, monde)
    maintenant = datetime.now(UTC)
    assert preparer(db, url=URL, heure_resume=7, maintenant=maintenant) == 0  # jamais / weekly / daily
    assert livrer(db, config, maintenant=maintenant) == (0, 0) and boite.recus == []
    # « jamais »: in the app all the same
    assert client.get("/api/v1/notifications/compteur", headers=h).json() == {"non_lues": 1}
    # the weekly digest: the next Monday from 7:00 Paris (the commission's daily one before it)
    jour = maintenant.astimezone(PARIS).date()
    lundi = datetime.combine(jour + timedelta(days=7 - jour.weekday()), time(7), PARIS)
    assert preparer(db, url=URL, heure_resume=7, maintenant=lundi - timedelta(minutes=1)) == 1
    livrer(db, config, maintenant=lundi - timedelta(minutes=1))
    assert [r[1] for r in boite.recus] == [[monde.users["gie"].email]]
    assert preparer(db, url=URL, heure_resume=7, maintenant=lundi + timedelta(minutes=1)) == 1
    livrer(db, config, maintenant=lundi + timedelta(minutes=1))
    _, rcpt, hebdo = boite.recus[-1]
    assert rcpt == [monde.users["bailleur"].email] and "résumé hebdomadaire" in hebdo["Subject"]
    assert len(boite.recus) == 2  # never the « jamais »


def test_reprises_puis_echec_et_relance_par_l_admin(client, db: Session, monde: Monde, smtp) -> None:
    boite, config = smtp
    _decision(client, monde)
    maintenant = datetime.now(UTC)
    preparer(db, url=URL, heure_resume=7, maintenant=maintenant)
    mauvais = ConfigSmtp(**{**config.__dict__, "port": _port_libre()})  # nobody listens there: server down
    instant = maintenant
    for i in range(MAX_TENTATIVES):
        assert livrer(db, mauvais, maintenant=instant) == (0, 2), i
        # not before the next try's time (1, 2, 4… minutes later)
        assert livrer(db, mauvais, maintenant=instant + timedelta(seconds=50)) == (0, 0), i
        instant += timedelta(hours=2)
    assert boite.recus == []
    envois = db.exec(select(EnvoiCourriel)).all()
    assert {e.statut for e in envois} == {"echec"} and all(e.tentatives == MAX_TENTATIVES for e in envois)
    assert all("ConnectionRefusedError" in (e.derniere_erreur or "") for e in envois), [e.derniere_erreur for e in envois]
    assert livrer(db, config, maintenant=instant) == (0, 0)  # given up: not tried any more
    for qui in ("asso_resp", "gie", "bailleur"):
        assert client.get("/api/v1/notifications/echecs", headers=monde.h(qui)).status_code == 403
    r = client.get("/api/v1/notifications/echecs", headers=monde.h("admin"))
    assert r.status_code == 200 and r.json()["total"] == 2
    assert "corps" not in r.json()["items"][0]
    for e in r.json()["items"]:
        assert client.post(f"/api/v1/notifications/echecs/{e['id']}/relancer", headers=monde.h("admin")).status_code == 200
    assert livrer(db, config, maintenant=datetime.now(UTC)) == (2, 0)
    assert len(boite.recus) == 2


def test_une_decision_annulee_ne_notifie_personne(client, db: Session, monde: Monde) -> None:
    """A refused transition (motif missing) leaves no notification behind."""
    d = creer_dispositif(client, monde)
    o = orienter(client, monde, d["id"], who="bailleur")
    client.post(f"/api/v1/orientations/{o['id']}/transitions", json={"vers_statut": "en_commission"}, headers=monde.h("gie"))
    avant = len(db.exec(select(Notification)).all())
    r = client.post(f"/api/v1/orientations/{o['id']}/transitions", json={"vers_statut": "refusee"}, headers=monde.h("gie"))
    assert r.status_code == 422, r.text
    assert len(db.exec(select(Notification)).all()) == avant


def test_coupures_des_resumes_heure_de_paris() -> None:
    # Wednesday 11 March 2026, 06:30 UTC = 07:30 Paris: today's 7:00 has passed
    c = coupures(datetime(2026, 3, 11, 6, 30, tzinfo=UTC), 7)
    assert c[Frequence.quotidien] == datetime(2026, 3, 11, 6, 0, tzinfo=UTC)
    assert c[Frequence.hebdomadaire] == datetime(2026, 3, 9, 6, 0, tzinfo=UTC)
    # 05:30 UTC = 06:30 Paris: still yesterday's
    c = coupures(datetime(2026, 3, 11, 5, 30, tzinfo=UTC), 7)
    assert c[Frequence.quotidien] == datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    # Monday 16 March, 06:30 Paris: last week's Monday still
    c = coupures(datetime(2026, 3, 16, 5, 30, tzinfo=UTC), 7)
    assert c[Frequence.hebdomadaire] == datetime(2026, 3, 9, 6, 0, tzinfo=UTC)


def test_alertes_du_referent_au_rythme_choisi(client, db: Session, monde: Monde, smtp) -> None:
    """A mesure mandated long ago with no held rendez-vous: its référent is told once per
    week by default (a count and a link, no reference), once per day if they chose so."""
    from api.alertes.notifications import notifier_alertes
    from tests import factories as fab

    boite, config = smtp
    disp = fab.dispositif(db, monde, cibles=fab.CIBLES_ASLL, nom="ASLL 35", duree_max_mois=None)  # one alert kind
    men = fab.menage(db, monde)
    mes = fab.mesure(db, monde, disp, men=men, cible="sante_mentale", mandatement=date(2020, 3, 1), statut="mandatee", referent=None)  # 2020: first rendez-vous long overdue
    mes.referent_id = monde.users["asso_agent"].id
    db.add(mes)
    # The mandatement told the association's responsables (``mesure_mandatee``): this test
    # is about the alerts only.
    for ancienne in db.exec(select(Notification)).all():
        db.delete(ancienne)
    db.flush()
    maintenant = datetime.now(UTC)
    kwargs = {"heure_resume": 7, "delai_premier_rdv": 15}
    assert notifier_alertes(db, maintenant=maintenant, **kwargs) == 1
    assert notifier_alertes(db, maintenant=maintenant + timedelta(minutes=15), **kwargs) == 0  # once per period
    [n] = db.exec(select(Notification).where(Notification.utilisateur_id == monde.users["asso_agent"].id)).all()
    assert n.type == "alerte_dossier" and "1 alerte(s)" in n.phrase and "Premier rendez-vous" in n.phrase
    assert mes.reference not in n.phrase and men.reference not in n.phrase
    assert preparer(db, url=URL, heure_resume=7, maintenant=maintenant) == 1
    livrer(db, config, maintenant=maintenant)
    [(_, rcpt, m)] = boite.recus
    assert rcpt == [monde.users["asso_agent"].email] and f"{URL}/" in m.get_content().splitlines()
    assert "santé" not in m.as_string().lower() and mes.reference not in m.as_string()
    # the responsable is no référent here: nothing; a week later, again
    assert db.exec(select(Notification).where(Notification.utilisateur_id == monde.users["asso_resp"].id)).all() == []
    assert notifier_alertes(db, maintenant=maintenant + timedelta(days=7), **kwargs) == 1
    # « jamais »: in the app, no e-mail
    r = client.put("/api/v1/notifications/preferences", json=[{"type": "alerte_dossier", "frequence": "jamais"}],
                   headers=monde.h("asso_agent"))
    assert r.status_code == 200
    assert notifier_alertes(db, maintenant=maintenant + timedelta(days=14), **kwargs) == 1
    assert preparer(db, url=URL, heure_resume=7, maintenant=maintenant + timedelta(days=14)) == 1  # the 2nd week's only
    # « quotidien »: every day
    client.put("/api/v1/notifications/preferences", json=[{"type": "alerte_dossier", "frequence": "quotidien"}],
               headers=monde.h("asso_agent"))
    assert notifier_alertes(db, maintenant=maintenant + timedelta(days=15), **kwargs) == 1
    assert notifier_alertes(db, maintenant=maintenant + timedelta(days=16), **kwargs) == 1
