"""Documents: virus scan before anything reads an upload, type from the content, access by
the policy (author; the deciding commission for a referral's; confidential stays home),
download logged, export, retention.

The antivirus is a real clamd started by the tests (tests/documents/clamd.py) with the EICAR
signature; where clamd is absent those tests skip with a banner (CI requires them).
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from api.audit.models import JournalAcces
from api.documents.models import Document
from api.documents.stockage import StockageRepertoire
from api.main import create_app
from api.vie_privee.retention import appliquer_retention
from tests import factories as fab
from tests.documents.clamd import DOCX, EICAR, JPEG, ODT, PDF, PNG, XLSX, clamd  # noqa: F401  (fixture)
from tests.factories import Monde, creer_convention, creer_dispositif, orienter, transition

INJOIGNABLE = "unix:///nonexistent/clamd.sock"


@pytest.fixture
def settings(settings):
    # No scanner by default (tests/conftest.py; the tests that scan set a real clamd's
    # address): the access tests store unscanned files, marked as such, as development does.
    assert settings.clamav_adresse == INJOIGNABLE and not settings.antivirus_obligatoire
    return settings


def _app(settings, engine, db, **reglages):
    from api.core.db import get_session

    app = create_app(settings.model_copy(update=reglages), engine=engine)
    app.dependency_overrides[get_session] = lambda: db
    return app


@pytest.fixture
def avec_antivirus(settings, engine, db, clamd):  # noqa: F811
    from fastapi.testclient import TestClient

    app = _app(settings, engine, db, clamav_adresse=clamd, antivirus_obligatoire=True)
    with TestClient(app) as c:
        yield c


def _fichiers(settings) -> list[Path]:
    racine = settings.documents_repertoire
    return [p for p in racine.rglob("*") if p.is_file()] if racine.exists() else []


def _deposer(client, h, contenu: bytes, nom="piece.pdf", ctype="application/pdf", **champs):
    data = {"type": "evaluation", "titre": "Évaluation sociale", "date_document": "2026-03-02", **champs}
    return client.post("/api/v1/documents", data=data, files={"fichier": (nom, contenu, ctype)}, headers=h)


def _orientation_acceptee(client, monde: Monde) -> dict:
    """Referred by the bailleur, accepted by the commission (gie) for « asso »."""
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    o = orienter(client, monde, d["id"], who="bailleur")
    assert transition(client, monde, o["id"], vers_statut="en_commission").status_code == 200
    r = transition(
        client, monde, o["id"], vers_statut="acceptee", association_id=str(monde.asso.id),
        cible_code="sante_mentale", type_accompagnement_code="evaluation",
    )
    assert r.status_code == 200, r.text
    return r.json()


# --- The antivirus (a real clamd) -----------------------------------------------------------


def test_eicar_refuse_et_stocke_nulle_part(avec_antivirus, db: Session, monde: Monde, settings) -> None:
    men = fab.menage(db, monde)
    avant = len(db.exec(select(JournalAcces)).all())
    r = _deposer(avec_antivirus, monde.h("asso_agent"), EICAR, nom="rapport.pdf", menage_id=str(men.id))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    corps = r.json()
    assert corps["type"] == "/problemes/document-infecte"
    assert "virus" in corps["detail"] and "n'est enregistré nulle part" in corps["detail"]
    assert corps["signature"].startswith("Eicar-Test-Signature")
    assert db.exec(select(Document)).all() == []
    assert _fichiers(settings) == []
    assert len(db.exec(select(JournalAcces)).all()) == avant  # no trace of a deposit either


def test_un_pdf_nomme_jpg_est_analyse_et_type_d_apres_son_contenu(avec_antivirus, db: Session, monde: Monde) -> None:
    men = fab.menage(db, monde)
    r = _deposer(avec_antivirus, monde.h("asso_agent"), PDF, nom="photo.jpg", ctype="image/jpeg", menage_id=str(men.id))
    assert r.status_code == 201, r.text
    assert r.json()["format"] == "pdf" and r.json()["analyse"] == "saine"
    r = avec_antivirus.get(f"/api/v1/documents/{r.json()['id']}/contenu", headers=monde.h("asso_agent"))
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'inline; filename="Evaluation-sociale.pdf"'


def test_analyse_obligatoire_et_antivirus_injoignable_503(settings, engine, db: Session, monde: Monde) -> None:
    from fastapi.testclient import TestClient

    men = fab.menage(db, monde)
    with TestClient(_app(settings, engine, db, antivirus_obligatoire=True)) as c:
        r = _deposer(c, monde.h("asso_agent"), PDF, menage_id=str(men.id))
    assert r.status_code == 503, r.text
    assert r.json()["type"] == "/problemes/antivirus-indisponible" and r.headers["Retry-After"] == "60"
    assert db.exec(select(Document)).all() == [] and _fichiers(settings) == []


def test_sans_analyse_obligatoire_le_document_est_marque_non_analyse(client, db: Session, monde: Monde) -> None:
    men = fab.menage(db, monde)
    r = _deposer(client, monde.h("asso_agent"), PDF, menage_id=str(men.id))
    assert r.status_code == 201, r.text
    assert r.json()["analyse"] == "non_analysee"


# --- Formats and sizes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contenu", "nom", "attendu"),
    [(PNG, "scan.pdf", "png"), (JPEG, "scan.png", "jpeg"), (DOCX, "rapport.odt", "docx"), (ODT, "rapport.docx", "odt")],
)
def test_formats_acceptes_d_apres_le_contenu(client, db: Session, monde: Monde, settings, contenu, nom, attendu) -> None:
    men = fab.menage(db, monde)
    r = _deposer(client, monde.h("asso_agent"), contenu, nom=nom, ctype="application/octet-stream", menage_id=str(men.id))
    assert r.status_code == 201, r.text
    assert r.json()["format"] == attendu
    fichiers = _fichiers(settings)
    assert len(fichiers) == 1 and fichiers[0].read_bytes() == contenu
    assert fichiers[0].name not in nom and len(fichiers[0].name) == 32  # a random id, never the sender's name


@pytest.mark.parametrize(
    ("contenu", "vu"),
    [(b"<html><script>alert(1)</script></html>", None), (XLSX, "spreadsheetml"), (b"MZ\x90\x00" + b"\x00" * 60, None)],
)
def test_format_refuse_nomme_le_champ_et_les_formats_permis(client, db: Session, monde: Monde, settings, contenu, vu) -> None:
    men = fab.menage(db, monde)
    r = _deposer(client, monde.h("asso_agent"), contenu, nom="piece.pdf", menage_id=str(men.id))
    assert r.status_code == 422, r.text
    err = r.json()["errors"][0]
    assert err["champ"] == "body.fichier" and "pdf, jpeg, png, docx, odt" in err["message"]
    if vu:
        assert vu in err["valeur"]
    assert db.exec(select(Document)).all() == [] and _fichiers(settings) == []


def test_taille_au_dela_de_la_limite_413(settings, engine, db: Session, monde: Monde) -> None:
    from fastapi.testclient import TestClient

    men = fab.menage(db, monde)
    with TestClient(_app(settings, engine, db, documents_taille_max=4096)) as c:
        h = monde.h("asso_agent")
        assert _deposer(c, h, PDF + b"%" * (4096 - len(PDF)), menage_id=str(men.id)).status_code == 201
        # just over: the form is within the body limit, the file is not
        r = _deposer(c, h, PDF + b"%" * (4097 - len(PDF)), menage_id=str(men.id))
        assert r.status_code == 413 and "4096" in r.json()["detail"], r.text
        # far over: refused before the body is read
        r = _deposer(c, h, PDF + b"%" * 200_000, menage_id=str(men.id))
        assert r.status_code == 413, r.text
    assert len(db.exec(select(Document)).all()) == 1 and len(_fichiers(settings)) == 1


def test_rattachement_exactement_un_dossier(client, db: Session, monde: Monde) -> None:
    men = fab.menage(db, monde)
    r = _deposer(client, monde.h("asso_agent"), PDF)
    assert r.status_code == 422
    disp = fab.dispositif(db, monde, cibles=fab.CIBLES_ASLL, nom="ASLL 35")
    mes = fab.mesure(db, monde, disp, men=men, cible="sante_mentale", mandatement=date(2020, 3, 1), statut="terminee")
    r = _deposer(client, monde.h("asso_agent"), PDF, menage_id=str(men.id), mesure_id=str(mes.id))
    assert r.status_code == 422


# --- Who reads it -------------------------------------------------------------------------------


def test_evaluation_jointe_a_l_orientation_lue_par_la_commission_jamais_par_le_bailleur(
    client, db: Session, monde: Monde
) -> None:
    o = _orientation_acceptee(client, monde)
    r = _deposer(client, monde.h("asso_agent"), PDF, orientation_id=o["id"])
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["menage_id"] == o["menage_id"] and doc["supprimable"] is True
    for qui in ("asso_agent", "asso_resp", "gie"):
        assert client.get(f"/api/v1/documents/{doc['id']}/contenu", headers=monde.h(qui)).status_code == 200, qui
        liste = client.get(f"/api/v1/documents?orientation_id={o['id']}", headers=monde.h(qui)).json()
        assert [d["id"] for d in liste["items"]] == [doc["id"]], qui
    assert client.get(f"/api/v1/documents/{doc['id']}", headers=monde.h("gie")).json()["supprimable"] is False
    for qui in ("bailleur", "bailleur_si", "asso2_agent", "financeur", "admin"):
        for url in (f"/api/v1/documents/{doc['id']}", f"/api/v1/documents/{doc['id']}/contenu"):
            r = client.get(url, headers=monde.h(qui))
            assert r.status_code == 404, (qui, url)
        inconnu = client.get(f"/api/v1/documents/{uuid.uuid4()}", headers=monde.h(qui))
        assert inconnu.json()["title"] == r.json()["title"]
        assert client.get(f"/api/v1/documents?orientation_id={o['id']}", headers=monde.h(qui)).json()["items"] == []
    # the commission cannot delete the association's document
    assert client.delete(f"/api/v1/documents/{doc['id']}", headers=monde.h("gie")).status_code == 403


def test_confidentiel_reste_dans_l_organisation(client, db: Session, monde: Monde) -> None:
    o = _orientation_acceptee(client, monde)
    r = _deposer(client, monde.h("asso_agent"), PDF, orientation_id=o["id"], confidentiel="true")
    assert r.status_code == 201 and r.json()["confidentiel"] is True
    doc = r.json()["id"]
    assert client.get(f"/api/v1/documents/{doc}", headers=monde.h("asso_resp")).status_code == 200
    assert client.get(f"/api/v1/documents/{doc}", headers=monde.h("gie")).status_code == 404
    assert client.get(f"/api/v1/documents/{doc}/contenu", headers=monde.h("gie")).status_code == 404


def test_deposer_demande_de_lire_le_dossier(client, db: Session, monde: Monde) -> None:
    men = fab.menage(db, monde)  # opened by asso
    for qui, attendu in (("asso2_agent", 404), ("bailleur", 404), ("financeur", 404), ("admin", 404)):
        assert _deposer(client, monde.h(qui), PDF, menage_id=str(men.id)).status_code == attendu, qui
    o = _orientation_acceptee(client, monde)
    assert _deposer(client, monde.h("admin"), PDF, orientation_id=o["id"]).status_code == 403  # reads, holds none
    assert _deposer(client, monde.h("bailleur"), PDF, orientation_id=o["id"]).status_code == 201  # its referral
    assert _deposer(client, monde.h("bailleur"), PDF, menage_id=o["menage_id"]).status_code == 403  # sent, not live


def test_chaque_telechargement_est_journalise(client, db: Session, monde: Monde) -> None:
    men = fab.menage(db, monde)
    doc = _deposer(client, monde.h("asso_agent"), PDF, menage_id=str(men.id)).json()["id"]
    for _ in range(2):
        assert client.get(f"/api/v1/documents/{doc}/contenu", headers=monde.h("asso_resp")).status_code == 200
    entrees = db.exec(
        select(JournalAcces).where(JournalAcces.ressource_id == uuid.UUID(doc), JournalAcces.action == "telecharger")
    ).all()
    assert len(entrees) == 2 and {e.principal_id for e in entrees} == {monde.users["asso_resp"].id}
    assert all(e.ressource == "document" for e in entrees)
    # refused: not logged as a download
    assert client.get(f"/api/v1/documents/{doc}/contenu", headers=monde.h("asso2_agent")).status_code == 404
    assert len(db.exec(select(JournalAcces).where(JournalAcces.action == "telecharger")).all()) == 2


def test_l_export_du_menage_liste_les_documents_lisibles(client, db: Session, monde: Monde) -> None:
    o = _orientation_acceptee(client, monde)
    public = _deposer(client, monde.h("asso_agent"), PDF, orientation_id=o["id"], titre="Rapport PUBLIC").json()
    secret = _deposer(client, monde.h("asso_agent"), PDF, orientation_id=o["id"], titre="Note SECRETE", confidentiel="true").json()
    r = client.get(f"/api/v1/menages/{o['menage_id']}/export", headers=monde.h("asso_agent"))
    assert r.status_code == 200, r.text
    assert {d["id"] for d in r.json()["documents"]} == {public["id"], secret["id"]}
    r = client.get(f"/api/v1/menages/{o['menage_id']}/export", headers=monde.h("gie"))
    assert r.status_code == 200, r.text
    assert [d["id"] for d in r.json()["documents"]] == [public["id"]] and "SECRETE" not in r.text


def test_supprimer_retire_le_fichier(client, db: Session, monde: Monde, settings) -> None:
    men = fab.menage(db, monde)
    doc = _deposer(client, monde.h("asso_agent"), PDF, menage_id=str(men.id)).json()["id"]
    assert len(_fichiers(settings)) == 1
    assert client.delete(f"/api/v1/documents/{doc}", headers=monde.h("asso2_agent")).status_code == 404
    assert client.delete(f"/api/v1/documents/{doc}", headers=monde.h("asso_resp")).status_code == 204
    assert _fichiers(settings) == [] and db.get(Document, uuid.UUID(doc)) is None
    assert client.get(f"/api/v1/documents/{doc}", headers=monde.h("asso_agent")).status_code == 404


def test_la_retention_supprime_les_fichiers(client, db: Session, monde: Monde, settings) -> None:
    vieux = fab.menage(db, monde, modifie_le=fab.utc(2020, 1, 1))
    recent = fab.menage(db, monde)
    h = monde.h("asso_agent")
    for men in (vieux, recent):
        assert _deposer(client, h, PDF, menage_id=str(men.id)).status_code == 201
    db.refresh(vieux)
    vieux.modifie_le = fab.utc(2020, 1, 1)  # the deposit's log does not touch the file's last contact
    db.add(vieux)
    db.flush()
    stockage = StockageRepertoire(settings.documents_repertoire)
    cle_recent = db.exec(select(Document.cle_stockage).where(Document.menage_id == recent.id)).one()
    bilan = appliquer_retention(db, maintenant=fab.utc(2026, 6, 15), stockage=stockage)
    assert vieux.reference in bilan.menages and recent.reference not in bilan.menages
    assert bilan.documents == 1
    assert db.exec(select(Document).where(Document.menage_id == vieux.id)).all() == []
    assert [p.name for p in _fichiers(settings)] == [cle_recent]


def test_l_analyse_ne_se_desactive_pas_en_production() -> None:
    from pydantic import ValidationError

    from api.core.config import Settings

    with pytest.raises(ValidationError, match="ANCRAGE_ANTIVIRUS_OBLIGATOIRE"):
        Settings(env="production", secret_key="k" * 48, antivirus_obligatoire=False)
    with pytest.raises(ValidationError, match="ANCRAGE_S3_BUCKET"):
        Settings(documents_stockage="s3")
