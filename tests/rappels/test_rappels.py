"""Rendez-vous reminders to households (issue 18): recorded consent, withdrawn consent
respected, the reminder before the rendez-vous and on its creation, change or
cancellation, a text that says the date, the time, the place and a number to call and
nothing else (no association name when the cible is sensitive), SMS written by the
« fichier » provider and e-mails delivered to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from api.core.fonctions_sql import PARIS
from api.rappels.message import PIED_COURRIEL
from api.rappels.models import ConsentementRappel, RappelRendezVous
from api.rappels.service import livrer, preparer_veille
from api.rappels.sms import ErreurSms, SmsFichier
from tests import factories as fab
from tests.factories import Monde
from tests.notifications.test_notifications import smtp  # noqa: F401  (the aiosmtpd fixture)

# A fixed evening, the day before the rendez-vous of the tests.
VEILLE = datetime(2030, 3, 14, 18, 0, tzinfo=PARIS)
DEMAIN_10H = datetime(2030, 3, 15, 10, 0, tzinfo=PARIS)
TEXTE_SENSIBLE = "Rappel : rendez-vous le 15/03/2030 à 10h00, lieu : Au domicile. Un empêchement ? Appelez le 02 99 12 34 56."


def _consentir(client, monde: Monde, menage_id, **champs) -> dict:
    corps = {
        "sms": True, "courriel": True, "telephone": "06 12 34 56 78", "adresse_courriel": "lea.martin@example.org",
        "telephone_a_appeler": "02 99 12 34 56", **champs,
    }
    r = client.put(f"/api/v1/menages/{menage_id}/rappels", json=corps, headers=monde.h("asso_agent"))
    assert r.status_code == 200, r.text
    return r.json()


def _dossier(db: Session, monde: Monde, *, cible: str = "sante_mentale"):
    disp = fab.dispositif(db, monde, cibles=fab.CIBLES_ASLL, nom="ASLL 35")
    men = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule")
    me = fab.mesure(db, monde, disp, men=men, cible="sante_mentale", mandatement=date(2020, 3, 1), statut="active")
    me.cible_code = cible
    db.add(me)
    db.flush()
    return men, me


def _sms(chemin: Path) -> list[dict]:
    return [json.loads(ligne) for ligne in chemin.read_text().splitlines()] if chemin.exists() else []


def test_consentement_date_retrait_et_acces(client, db: Session, monde: Monde) -> None:
    men, _ = _dossier(db, monde)
    etat = _consentir(client, monde, men.id, date_consentement="2026-11-30")
    c = etat["en_vigueur"]
    assert (c["sms"], c["courriel"], c["telephone"], c["telephone_a_appeler"]) == (True, True, "+33612345678", "+33299123456")
    assert c["date_consentement"] == "2026-11-30" and c["retire_le"] is None
    # Only the carrying association reads or records it.
    for qui, attendu in (("bailleur", 404), ("asso2_agent", 404), ("financeur", 404), ("admin", 404)):
        assert client.get(f"/api/v1/menages/{men.id}/rappels", headers=monde.h(qui)).status_code == attendu, qui
        r = client.put(
            f"/api/v1/menages/{men.id}/rappels", json={"sms": False, "courriel": False, "telephone_a_appeler": "0299"},
            headers=monde.h(qui),
        )
        assert r.status_code == attendu, qui
    # Refused entries name the field.
    for champs, champ in (
        ({"sms": True, "telephone": "12"}, "telephone"),
        ({"sms": False, "courriel": False}, "sms"),
        ({"date_consentement": (date.today() + timedelta(days=2)).isoformat()}, "date_consentement"),
    ):
        corps = {"sms": True, "telephone": "0612345678", "telephone_a_appeler": "0299123456", **champs}
        r = client.put(f"/api/v1/menages/{men.id}/rappels", json=corps, headers=monde.h("asso_agent"))
        assert r.status_code == 422 and r.json()["errors"][0]["champ"].endswith(champ), r.text
    # Withdrawn: dated, kept in the history, nothing in force.
    r = client.delete(f"/api/v1/menages/{men.id}/rappels", headers=monde.h("asso_agent"))
    assert r.status_code == 200, r.text
    assert r.json()["en_vigueur"] is None and r.json()["historique"][0]["retire_le"] is not None
    assert client.delete(f"/api/v1/menages/{men.id}/rappels", headers=monde.h("asso_agent")).status_code == 404


def test_rappel_de_la_veille_pour_les_seuls_menages_consentants(client, db: Session, monde: Monde, tmp_path, smtp) -> None:  # noqa: F811
    boite, config = smtp
    consentant, me1 = _dossier(db, monde)
    _, me2 = _dossier(db, monde)  # no consent
    _consentir(client, monde, consentant.id)
    demain = fab.rendez_vous(db, me1, DEMAIN_10H, statut="planifie")
    fab.rendez_vous(db, me1, DEMAIN_10H + timedelta(days=2), statut="planifie")  # too far yet
    fab.rendez_vous(db, me2, DEMAIN_10H, statut="planifie")
    fab.rendez_vous(db, me1, DEMAIN_10H + timedelta(hours=2), statut="annule")

    assert preparer_veille(db, maintenant=VEILLE, delai_heures=24) == 2  # SMS and e-mail
    assert preparer_veille(db, maintenant=VEILLE + timedelta(hours=1), delai_heures=24) == 0  # once
    rappels = db.exec(select(RappelRendezVous)).all()
    assert {(r.rendez_vous_id, r.canal) for r in rappels} == {(demain.id, "sms"), (demain.id, "courriel")}

    fichier = tmp_path / "sms.jsonl"
    assert livrer(db, smtp=config, sms=SmsFichier(fichier), maintenant=VEILLE) == (2, 0)
    assert _sms(fichier) == [{"a": "+33612345678", "texte": TEXTE_SENSIBLE, "le": _sms(fichier)[0]["le"]}]
    [(_, destinataires, courriel)] = boite.recus
    assert destinataires == ["lea.martin@example.org"] and courriel["Subject"] == "Rappel de rendez-vous"
    corps = courriel.get_body().get_content().replace("\r\n", "\n")
    # The whole e-mail: the text, then the footer (why it came, how to stop it).
    assert corps == TEXTE_SENSIBLE + PIED_COURRIEL.format(tel="02 99 12 34 56")
    for interdit in ("Espoir", "Martin", "Léa", "anté", "ASLL", me1.reference, consentant.reference):
        assert interdit not in corps and interdit not in courriel["Subject"], interdit


def test_le_nom_de_l_association_seulement_si_la_cible_n_est_pas_sensible(client, db: Session, monde: Monde, tmp_path) -> None:
    fichier = tmp_path / "sms.jsonl"
    textes = {}
    for cible in ("sante_mentale", "jeunes"):
        men, me = _dossier(db, monde, cible=cible)
        _consentir(client, monde, men.id, courriel=False)
        rdv = fab.rendez_vous(db, me, DEMAIN_10H, statut="planifie")
        rdv.lieu = None  # said from the kind of meeting
        db.add(rdv)
        db.flush()
    preparer_veille(db, maintenant=VEILLE, delai_heures=24)
    livrer(db, smtp=f_smtp_sans_hote(), sms=SmsFichier(fichier), maintenant=VEILLE)
    textes = sorted(s["texte"] for s in _sms(fichier))
    assert textes == [
        "Association Espoir 35 : Rappel : rendez-vous le 15/03/2030 à 10h00, à votre domicile. "
        "Un empêchement ? Appelez le 02 99 12 34 56.",
        "Rappel : rendez-vous le 15/03/2030 à 10h00, à votre domicile. Un empêchement ? Appelez le 02 99 12 34 56.",
    ]


def f_smtp_sans_hote():
    from api.notifications.courriel import ConfigSmtp

    return ConfigSmtp(hote=None, port=25, tls="aucun", utilisateur=None, mot_de_passe=None, expediteur="x@y.z", delai=1)


def test_le_retrait_du_consentement_est_respecte(client, db: Session, monde: Monde, tmp_path) -> None:
    fichier = tmp_path / "sms.jsonl"
    men, me = _dossier(db, monde)
    _consentir(client, monde, men.id, courriel=False)
    fab.rendez_vous(db, me, DEMAIN_10H, statut="planifie")
    assert preparer_veille(db, maintenant=VEILLE, delai_heures=24) == 1
    # Withdrawn behind the API's back (a consent ended by another path): the worker looks again.
    c = db.exec(select(ConsentementRappel).where(ConsentementRappel.menage_id == men.id)).one()
    c.retire_le = datetime.now(PARIS)
    db.add(c)
    db.flush()
    assert livrer(db, smtp=f_smtp_sans_hote(), sms=SmsFichier(fichier), maintenant=VEILLE) == (0, 0)
    assert _sms(fichier) == [] and {r.statut for r in db.exec(select(RappelRendezVous))} == {"caduc"}
    assert preparer_veille(db, maintenant=VEILLE, delai_heures=24) == 0

    # Consent given again, then withdrawn through the API: what waited is dropped at once.
    _consentir(client, monde, men.id, courriel=False)
    assert preparer_veille(db, maintenant=VEILLE, delai_heures=24) == 1
    assert client.delete(f"/api/v1/menages/{men.id}/rappels", headers=monde.h("asso_agent")).status_code == 200
    assert livrer(db, smtp=f_smtp_sans_hote(), sms=SmsFichier(fichier), maintenant=VEILLE) == (0, 0)
    assert _sms(fichier) == []


def test_creation_changement_et_annulation_d_un_rendez_vous(client, db: Session, monde: Monde, tmp_path, smtp) -> None:  # noqa: F811
    boite, config = smtp
    fichier = tmp_path / "sms.jsonl"
    men, me = _dossier(db, monde, cible="jeunes")
    _consentir(client, monde, men.id)
    jour = (datetime.now(PARIS) + timedelta(days=5)).replace(hour=14, minute=30, second=0, microsecond=0)
    r = client.post(
        "/api/v1/rendez-vous",
        json={"mesure_id": str(me.id), "debut": jour.isoformat(), "type": "entretien_bureau", "lieu": "12 rue de Brest, Rennes"},
        headers=monde.h("asso_agent"),
    )
    assert r.status_code == 201, r.text
    rdv, etag = r.json(), r.headers["ETag"]
    nouveau = jour + timedelta(days=1, hours=-4)
    r = client.patch(
        f"/api/v1/rendez-vous/{rdv['id']}", json={"debut": nouveau.isoformat()},
        headers={**monde.h("asso_agent"), "If-Match": etag},
    )
    assert r.status_code == 200, r.text
    # The creation's reminders had not left yet: only the change's go.
    assert livrer(db, smtp=config, sms=SmsFichier(fichier)) == (2, 0)
    attendu = (
        f"Association Espoir 35 : Rendez-vous modifié : nouveau rendez-vous le {nouveau:%d/%m/%Y} à 10h30, "
        "lieu : 12 rue de Brest, Rennes. Un empêchement ? Appelez le 02 99 12 34 56."
    )
    assert [s["texte"] for s in _sms(fichier)] == [attendu]
    [(_, _, courriel)] = boite.recus
    assert courriel["Subject"] == "Rendez-vous modifié"
    assert courriel.get_body().get_content().replace("\r\n", "\n") == attendu + PIED_COURRIEL.format(tel="02 99 12 34 56")

    r = client.patch(
        f"/api/v1/rendez-vous/{rdv['id']}", json={"statut": "annule"},
        headers={**monde.h("asso_agent"), "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    assert livrer(db, smtp=config, sms=SmsFichier(fichier)) == (2, 0)
    assert _sms(fichier)[-1]["texte"] == (
        f"Association Espoir 35 : Votre rendez-vous du {nouveau:%d/%m/%Y} à 10h30 est annulé. "
        "Pour en fixer un autre, appelez le 02 99 12 34 56."
    )
    # A compte rendu or a status change of a past one tells nobody.
    assert db.exec(select(RappelRendezVous).where(RappelRendezVous.statut == "en_attente")).all() == []


class _Panne:
    def envoyer(self, numero: str, texte: str) -> None:
        raise ErreurSms("HTTP 503 : indisponible")


def test_reprises_puis_echec_vu_par_l_admin_sans_destinataire(client, db: Session, monde: Monde) -> None:
    men, me = _dossier(db, monde)
    _consentir(client, monde, men.id, courriel=False)
    fab.rendez_vous(db, me, DEMAIN_10H, statut="planifie")
    preparer_veille(db, maintenant=VEILLE, delai_heures=24)
    instant = VEILLE
    for _ in range(6):
        assert livrer(db, smtp=f_smtp_sans_hote(), sms=_Panne(), maintenant=instant) == (0, 1)
        instant += timedelta(hours=1)
    assert livrer(db, smtp=f_smtp_sans_hote(), sms=_Panne(), maintenant=instant) == (0, 0)
    r = client.get("/api/v1/rappels/echecs", headers=monde.h("admin"))
    assert r.status_code == 200 and r.json()["total"] == 1, r.text
    assert "612345678" not in r.text and "Rappel" not in r.text and r.json()["items"][0]["tentatives"] == 6
    assert client.get("/api/v1/rappels/echecs", headers=monde.h("asso_resp")).status_code == 403
    rid = r.json()["items"][0]["id"]
    r = client.post(f"/api/v1/rappels/echecs/{rid}/relancer", headers=monde.h("admin"))
    assert r.status_code == 200 and r.json()["statut"] == "en_attente", r.text


def test_l_adaptateur_http_envoie_la_forme_de_brevo_et_signale_un_refus() -> None:
    """The real provider is not reachable here: a local server stands for it and checks what
    the adapter sends (path, key header, JSON body) and that a refusal is an error."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from api.rappels.sms import SmsHttp

    recus: list[tuple[str, str | None, dict]] = []

    class Fournisseur(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            corps = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            recus.append((self.path, self.headers.get("api-key"), corps))
            code = 400 if corps["recipient"] == "33600000000" else 201
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"message": "numero invalide"}' if code == 400 else b'{"messageId": 1}')

        def log_message(self, *args) -> None:
            pass

    serveur = HTTPServer(("127.0.0.1", 0), Fournisseur)
    threading.Thread(target=serveur.serve_forever, daemon=True).start()
    try:
        sms = SmsHttp(url=f"http://127.0.0.1:{serveur.server_port}/v3/transactionalSMS/sms", cle="cle-test",
                      expediteur="RDV", delai=5)
        sms.envoyer("+33612345678", TEXTE_SENSIBLE)
        try:
            sms.envoyer("+33600000000", TEXTE_SENSIBLE)
        except ErreurSms as e:
            assert "HTTP 400" in str(e) and "numero invalide" in str(e)
        else:
            raise AssertionError("un refus du fournisseur doit être une erreur")
    finally:
        serveur.shutdown()
        serveur.server_close()
    chemin, cle, corps = recus[0]
    assert chemin == "/v3/transactionalSMS/sms" and cle == "cle-test"
    assert corps == {"type": "transactional", "sender": "RDV", "recipient": "33612345678", "content": TEXTE_SENSIBLE,
                     "unicodeEnabled": True}
