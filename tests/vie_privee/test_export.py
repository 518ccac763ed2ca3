"""The household's right of access: GET /api/v1/menages/{id}/export.

A household shared by a bailleur (referrer), a commission and two associations:
each exports its own part, exactly what it reads one fact at a time.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from api.audit.models import JournalAcces
from tests import factories as fab
from tests.factories import Monde


def _partage(db: Session, monde: Monde):
    """Referred by the bailleur, accepted for « asso », which carries one mesure; « asso2 »
    carries another one of the same household (sensitive cible, a home visit)."""
    disp = fab.dispositif(db, monde, cibles=fab.CIBLES_ASLL, nom="ASLL 35")
    men = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule")
    o = fab.orientation(db, monde, men, disp, association=monde.asso, cible="sante_mentale", prescripteur_nom="Mme Prescriptrice", motifs="Impayés depuis la perte d'emploi", commentaire="Orientation validée en commission")  # its event comment was written by the commission
    propre = fab.mesure(db, monde, disp, men=men, cible="sante_mentale", mandatement=date(2020, 3, 1), date_fin=date(2025, 1, 31), statut="terminee", commentaire="Premier contact difficile", suivi_commentaire="Relogée, va bien", adhesion_modalite="Signature au bureau")
    propre.orientation_id = o.id  # born of the bailleur's referral
    db.add(propre)
    fab.rendez_vous(db, propre, fab.utc(2024, 12, 1))
    autre = fab.mesure(db, monde, disp, men=men, cible="sante_mentale", mandatement=date(2020, 3, 1), date_fin=date(2023, 1, 31), association=monde.asso2, statut="terminee", commentaire="Premier contact difficile", suivi_commentaire="Relogée, va bien", adhesion_modalite="Signature au bureau")
    autre.adhesion_date = date(2021, 6, 7)
    db.add(autre)
    rv_autre = fab.rendez_vous(db, autre, fab.utc(2022, 12, 1))
    rv_autre.lieu = "Visite chez la sœur"
    rv_autre.compte_rendu = "Compte rendu de l'autre association"
    db.add(rv_autre)
    db.flush()
    return men, o, propre, autre


def test_export_de_l_association_sa_part_seulement(client, db: Session, monde: Monde) -> None:
    men, o, propre, autre = _partage(db, monde)
    r = client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h("asso_agent"))
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"
    e = r.json()
    assert e["organisation_id"] == str(monde.asso.id)
    assert e["menage"]["reference"] == men.reference and e["menage"]["vue"] == "vivant"
    assert e["menage"]["adresse"] == "3 rue des Lilas"
    (eo,) = e["orientations"]
    assert eo["orientation"]["reference"] == o.reference
    assert eo["orientation"]["motifs"] == "Impayés depuis la perte d'emploi"  # addressed to it
    assert eo["orientation"]["prescripteur_nom"] is None  # a third party
    assert [ev["commentaire"] for ev in eo["evenements"]] == [None]  # the commission's note
    (em,) = e["mesures"]  # its own mesure only: never the other association's
    assert em["mesure"]["id"] == str(propre.id) and em["mesure"]["suivi_commentaire"] == "Relogée, va bien"
    assert [ev["commentaire"] for ev in em["evenements"]] == ["Premier contact difficile"]
    assert [rv["compte_rendu"] for rv in em["rendez_vous"]] == ["Le logement est très encombré."]
    assert em["rendez_vous"][0]["participants"]["autres"] == []  # third parties are not named
    assert str(autre.id) not in r.text and "Visite chez la sœur" not in r.text and "2021-06-07" not in r.text
    assert "Mme Prescriptrice" not in r.text and "Mme Voisine" not in r.text
    assert e["exclusions"]
    # logged as an export, with the number of records it holds: ménage + 1 + 1 + 1 rendez-vous
    (j,) = db.exec(
        select(JournalAcces).where(JournalAcces.ressource_id == men.id, JournalAcces.action == "exporter")
    ).all()
    assert j.nombre == 4 and j.principal_id == monde.users["asso_agent"].id


def test_export_d_une_autre_association_sans_rien_de_la_premiere(client, db: Session, monde: Monde) -> None:
    """Issue 13: association B's export held A's mesure, the bailleur's motifs and A's visit."""
    men, o, propre, autre = _partage(db, monde)
    r = client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h("asso2_agent"))
    assert r.status_code == 200, r.text
    e = r.json()
    assert e["orientations"] == []  # the referral was addressed to « asso »
    assert [m["mesure"]["id"] for m in e["mesures"]] == [str(autre.id)]
    for secret in (str(propre.id), str(o.id), "Impayés", "2024-12-01", "Le logement est très encombré"):
        assert secret not in r.text, secret
    # what it exports, it reads one by one; what it does not, answers 404
    assert client.get(f"/api/v1/mesures/{propre.id}", headers=monde.h("asso2_agent")).status_code == 404
    assert client.get(f"/api/v1/orientations/{o.id}", headers=monde.h("asso2_agent")).status_code == 404


def test_export_du_bailleur_statut_seul(client, db: Session, monde: Monde) -> None:
    men, *_ = _partage(db, monde)
    for who in ("bailleur", "bailleur_si"):
        r = client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h(who))
        assert r.status_code == 200, r.text
        e = r.json()
        assert e["menage"]["vue"] == "transmis"
        assert "sante_mentale" not in r.text and "Santé mentale" not in r.text
        assert [m["mesure"]["vue"] for m in e["mesures"]] == ["statut"]  # born of its referral
        assert all((m["rendez_vous"] == [] and m["evenements"] == []) or all(
            ev["commentaire"] is None for ev in m["evenements"]) for m in e["mesures"])
        assert "2024-12-01" not in r.text and "Relogée" not in r.text
        (eo,) = e["orientations"]
        assert eo["orientation"]["cible_code"] == "confidentielle"


def test_export_de_la_commission_sans_rendez_vous(client, db: Session, monde: Monde) -> None:
    men, *_ = _partage(db, monde)
    r = client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h("gie"))
    assert r.status_code == 200, r.text
    e = r.json()
    assert {m["mesure"]["vue"] for m in e["mesures"]} == {"complete"}
    assert all(m["rendez_vous"] == [] for m in e["mesures"])
    assert "Relogée" not in r.text and "Premier contact difficile" not in r.text
    assert e["orientations"][0]["evenements"][0]["commentaire"] == "Orientation validée en commission"


def test_invisible_404(client, db: Session, monde: Monde) -> None:
    disp = fab.dispositif(db, monde, cibles=fab.CIBLES_ASLL, nom="ASLL 35")
    men = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule")
    fab.orientation(db, monde, men, disp, association=monde.asso, cible="sante_mentale", prescripteur_nom="Mme Prescriptrice", motifs="Impayés depuis la perte d'emploi", commentaire="Orientation validée en commission", statut="en_commission")
    for who in ("asso2_agent", "financeur", "admin"):
        assert client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h(who)).status_code == 404, who
    assert client.get(f"/api/v1/menages/{uuid.uuid4()}/export", headers=monde.h("asso_agent")).status_code == 404
