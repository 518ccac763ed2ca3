"""The household's right of access: GET /api/v1/menages/{id}/export."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from api.audit.models import JournalAcces
from tests import factories_secu as f
from tests.factories import Monde


def test_export_complet_sans_ce_qui_concerne_des_tiers(client, db: Session, monde: Monde) -> None:
    disp = f.dispositif(db, monde)
    men = f.menage(db, monde)
    o = f.orientation(db, monde, men, disp)  # its event comment was written by the commission
    propre = f.mesure(db, monde, men, disp, date_fin=date(2025, 1, 31))
    f.rendez_vous(db, propre, f.utc(2024, 12, 1))
    autre = f.mesure(
        db, monde, men, disp, date_fin=date(2023, 1, 31), association_id=monde.asso2.id
    )
    f.rendez_vous(db, autre, f.utc(2022, 12, 1))

    r = client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h("asso_agent"))
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"
    e = r.json()
    assert e["menage"]["reference"] == men.reference
    assert e["menage"]["adresse"] == "3 rue des Lilas" and e["menage"]["telephone"] == "0299000000"
    assert [(p["nom"], p["prenom"], p["date_naissance"]) for p in e["menage"]["personnes"]] == [
        ("Martin", "Léa", "1980-05-17")
    ]
    (eo,) = e["orientations"]
    assert eo["reference"] == o.reference and eo["motifs"] == "Impayés depuis la perte d'emploi"
    assert eo["cible"] == "sante_mentale"
    assert "prescripteur_nom" not in eo
    assert [ev["commentaire"] for ev in eo["evenements"]] == [None]  # the commission's note
    mesures = {m["reference"]: m for m in e["mesures"]}
    mp, ma = mesures[propre.reference], mesures[autre.reference]
    assert mp["suivi_commentaire"] == "Relogée, va bien"
    assert [ev["commentaire"] for ev in mp["evenements"]] == ["Premier contact difficile"]
    assert [rv["compte_rendu"] for rv in mp["rendez_vous"]] == ["Le logement est très encombré."]
    assert "participants" not in mp["rendez_vous"][0]
    # the other association's notes are its own
    assert ma["suivi_commentaire"] is None
    assert [ev["commentaire"] for ev in ma["evenements"]] == [None]
    assert [rv["compte_rendu"] for rv in ma["rendez_vous"]] == [None]
    assert ma["rendez_vous"][0]["debut"].startswith("2022-12-01")
    texte = r.text
    for tiers in (
        "Mme Prescriptrice",
        str(monde.users["asso_agent"].id),
        str(monde.users["gie"].id),
    ):
        assert tiers not in texte
    assert e["exclusions"]
    # logged as an export, with the number of records it holds: ménage + 1 + 2 + 2 rendez-vous
    (j,) = db.exec(
        select(JournalAcces).where(
            JournalAcces.ressource_id == men.id, JournalAcces.action == "exporter"
        )
    ).all()
    assert j.nombre == 6 and j.principal_id == monde.users["asso_agent"].id


def test_bailleur_voit_cible_confidentielle(client, db: Session, monde: Monde) -> None:
    disp = f.dispositif(db, monde)
    men = f.menage(db, monde)
    men.organisation_id = monde.bailleur.id  # a file the bailleur opened: it may export it
    db.add(men)
    db.flush()
    f.orientation(db, monde, men, disp)
    f.mesure(db, monde, men, disp, date_fin=date(2025, 1, 31))
    r = client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h("bailleur"))
    assert r.status_code == 200, r.text
    assert "sante_mentale" not in r.text and "Santé mentale" not in r.text
    assert r.json()["mesures"][0]["cible"] == "cible confidentielle"
    assert r.json()["orientations"][0]["cible_proposee"] == "cible confidentielle"


def test_lecteur_sans_droit_d_ecriture_403_invisible_404(client, db: Session, monde: Monde) -> None:
    disp = f.dispositif(db, monde)
    men = f.menage(db, monde)
    f.orientation(db, monde, men, disp, statut="en_commission")  # the commission now sees the file
    assert client.get(f"/api/v1/menages/{men.id}", headers=monde.h("gie")).status_code == 200
    r = client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h("gie"))
    assert r.status_code == 403 and r.json()["type"] == "/problemes/role-insuffisant"
    for who in ("asso2_agent", "financeur", "admin"):
        assert (
            client.get(f"/api/v1/menages/{men.id}/export", headers=monde.h(who)).status_code == 404
        ), who
    assert (
        client.get(
            f"/api/v1/menages/{uuid.uuid4()}/export", headers=monde.h("asso_agent")
        ).status_code
        == 404
    )
