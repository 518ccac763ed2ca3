"""Reports written by the product: the annual report (seed 004's shape) and the bilan at a
date (seed 001's shape), rendered in PDF and DOCX, deposited, and their écarts.

The data is replayed through the API (tests/rapports/rapports_donnees.py); the expected figures are
counted by hand there, never computed by the code under test.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
from datetime import date

import docx
import pypdf
import pytest

from api.organisations.models import TypeOrganisation
from tests.factories import creer_convention, creer_dispositif, organisation
from tests.rapports.rapports_donnees import Association, annee_sime, bilan_commission

FINE = "\u202f"

try:  # WeasyPrint needs Debian's Pango (installed by .ci/run): in CI its absence is a failure
    import weasyprint  # noqa: F401
except OSError as e:  # pragma: no cover
    if os.environ.get("CI"):
        raise
    pytest.skip(f"*** RAPPORTS NON TESTÉS : WeasyPrint ne trouve pas Pango ({e}) ***", allow_module_level=True)


@pytest.fixture
def settings(settings):
    settings.secret_statistique_seuil = 3  # the funder's rendering masks counts of 1 and 2
    return settings


def docx_texte(contenu: bytes) -> str:
    d = docx.Document(io.BytesIO(contenu))
    lignes = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            lignes.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lignes)


def pdf_texte(contenu: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (fast: pypdf takes seconds per report);
    pypdf where poppler-utils is missing outside CI."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=contenu, capture_output=True,
                              check=True).stdout.decode()
    lecteur = pypdf.PdfReader(io.BytesIO(contenu))
    return "\n".join(p.extract_text() for p in lecteur.pages)


def plat(texte: str) -> str:
    """Whitespace (narrow no-break spaces, line breaks of the PDF) as single spaces."""
    return re.sub(r"\s+", " ", texte.replace(FINE, " ").replace("\xa0", " "))


def modele(client, h, code: str) -> dict:
    r = client.get("/api/v1/rapports/modeles", headers=h)
    assert r.status_code == 200, r.text
    (m,) = [m for m in r.json() if m["code"] == code and m["organisation_id"] is None]
    return m


def creer(client, h, **body) -> dict:
    r = client.post("/api/v1/rapports", headers=h, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def ecrire(client, h, rid: str, narration: dict) -> dict:
    etag = client.get(f"/api/v1/rapports/{rid}", headers=h).headers["ETag"]
    r = client.patch(f"/api/v1/rapports/{rid}", headers=h | {"If-Match": etag}, json={"narration": narration})
    assert r.status_code == 200, r.text
    return r.json()


def document(client, h, rid: str, fmt: str) -> bytes:
    r = client.get(f"/api/v1/rapports/{rid}/document", params={"format": fmt}, headers=h)
    assert r.status_code == 200, r.text
    return r.content


EVENEMENTS = "Un temps d'échange avec la DDETS en mai a permis de revoir les pratiques du service."
PERSPECTIVES = "Travailler les fins d'accompagnement : plusieurs ménages arrivent au bout des trois ans."


def test_rapport_annuel_rendu_depose_puis_ecarts(client, monde, tmp_path) -> None:
    d, ouvertes_2023 = annee_sime(client, monde)
    h = monde.h("asso_agent")
    m = modele(client, h, "rapport_activite_annuel")
    rap = creer(client, h, modele_id=m["id"], dispositif_id=d["id"], annee=2023)
    assert (rap["du"], rap["au"], rap["association_id"], rap["statut"]) == (
        "2023-01-01", "2023-12-31", str(monde.asso.id), "brouillon")
    ecrire(client, h, rap["id"], {"evenements_marquants": EVENEMENTS, "perspectives": PERSPECTIVES})

    attendu = [
        "Au 31/12/2023, le service accompagne 12 ménages, contre 9 un an plus tôt.",
        "Du 01/01/2023 au 31/12/2023, 6 ménages sont entrés dans le dispositif, contre 8 l'année précédente (−25 %).",
        "Du 01/01/2023 au 31/12/2023, 3 ménages en sont sortis, contre 3 l'année précédente.",
        EVENEMENTS,
        PERSPECTIVES,
        "Table des matières",
    ]
    # Deposit (If-Match required): the figures freeze, the PDF's hash is kept.
    etag = client.get(f"/api/v1/rapports/{rap['id']}", headers=h).headers["ETag"]
    assert client.post(f"/api/v1/rapports/{rap['id']}/deposer", headers=h).status_code == 428
    r = client.post(f"/api/v1/rapports/{rap['id']}/deposer", headers=h | {"If-Match": etag})
    assert r.status_code == 200, r.text
    depose = r.json()
    assert depose["statut"] == "depose" and depose["depose_le"]
    pdf_depose = document(client, h, rap["id"], "pdf")
    docx_depose = document(client, h, rap["id"], "docx")
    assert hashlib.sha256(pdf_depose).hexdigest() == depose["pdf_sha256"]

    texte_docx = docx_texte(docx_depose)
    for phrase in attendu:
        assert phrase in plat(texte_docx), phrase
    # the figure itself in its table, N beside N-1 and the variation, French typography
    assert "Total | 12 | 9 | +33,3\u202f%" in texte_docx
    texte_pdf = plat(pdf_texte(pdf_depose))
    for phrase in attendu:
        assert phrase in texte_pdf, phrase
    assert re.search(r"Page 1 sur \d+", texte_pdf) and "Déposé le" in texte_pdf
    (tmp_path / "annuel.pdf").write_bytes(pdf_depose)
    assert client.get(f"/api/v1/rapports/{rap['id']}/ecarts", headers=h).json()["ecarts"] == []

    # A late exit recorded after the deposit: one of 2023's households left on 30/11/2023.
    Association(client, monde, d["id"]).terminer(ouvertes_2023[0], date(2023, 11, 30))
    ecarts = client.get(f"/api/v1/rapports/{rap['id']}/ecarts", headers=h).json()["ecarts"]
    par = {(e["table"], e["cellule"], e["periode"]): (e["avant"], e["apres"]) for e in ecarts}
    assert par[("file_active", "total", "N")] == (12, 11)
    assert par[("sorties_par_mois", "total", "N")] == (3, 4)
    assert par[("sorties_par_mois", "mois=2023-11", "N")] == (0, 1)
    assert all(p == "N" for (_, _, p) in par)  # 2022 did not move
    fa = next(e for e in ecarts if e["table"] == "file_active" and e["cellule"] == "total")
    assert fa["detail"].startswith("/api/v1/indicateurs/detail?table=file_active&cellule=total")
    # ... and the file that moved: the one that left the file active, entered November's exits,
    # with what was recorded on it since the deposit. Read by the author only.
    sortie = ouvertes_2023[0]
    reference = client.get(f"/api/v1/mesures/{sortie}", headers=h).json()["reference"]
    (dossier,) = fa["dossiers"]
    assert (dossier["id"], dossier["reference"], dossier["sens"], dossier["type"]) == (sortie, reference, "sort", "mesure")
    assert dossier["lien"] == f"/api/v1/mesures/{sortie}"
    assert any(p.startswith("Fin de l'accompagnement au 30/11/2023") for p in dossier["pourquoi"]), dossier
    novembre = next(e for e in ecarts if (e["table"], e["cellule"]) == ("sorties_par_mois", "mois=2023-11"))
    assert [(x["id"], x["sens"]) for x in novembre["dossiers"]] == [(sortie, "entre")]
    # no other file moved: every listed file is this one
    assert {x["id"] for e in ecarts for x in e["dossiers"] or []} == {sortie}

    # The deposited documents never change, byte for byte; the report can no longer be written.
    assert document(client, h, rap["id"], "pdf") == pdf_depose
    assert document(client, h, rap["id"], "docx") == docx_depose
    etag = client.get(f"/api/v1/rapports/{rap['id']}", headers=h).headers["ETag"]
    r = client.patch(f"/api/v1/rapports/{rap['id']}", headers=h | {"If-Match": etag}, json={"narration": {"perspectives": "x"}})
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert document(client, h, rap["id"], "pdf") == pdf_depose

    # The funder reads the deposited report: aggregates under statistical secrecy, no file links.
    hf = monde.h("financeur")
    liste = client.get("/api/v1/rapports", headers=hf).json()
    assert [x["id"] for x in liste["items"]] == [rap["id"]]
    texte_f = plat(pdf_texte(document(client, hf, rap["id"], "pdf")))
    assert "Au 31/12/2023, le service accompagne 12 ménages, contre 9 un an plus tôt." in texte_f
    assert "secret" in texte_f and EVENEMENTS in texte_f
    r = client.get(f"/api/v1/rapports/{rap['id']}/ecarts", headers=hf)
    ecarts_f = r.json()["ecarts"]
    assert ("file_active", "total") in {(e["table"], e["cellule"]) for e in ecarts_f}
    assert all(e["detail"] is None for e in ecarts_f)
    # the funder reads the figure only: no file, no reference that would isolate a household
    assert all(e["dossiers"] is None for e in ecarts_f)
    assert sortie not in r.text and reference not in r.text
    assert all(e["avant"] is None or e["avant"] == 0 or e["avant"] >= 3 or e["cellule"] == "total" for e in ecarts_f)


def test_brouillon_invisible_hors_de_l_auteur(client, monde) -> None:
    d = creer_dispositif(client, monde, creation_directe=True)
    creer_convention(client, monde, d["id"])
    h = monde.h("asso_agent")
    m = modele(client, h, "rapport_activite_annuel")
    rap = creer(client, h, modele_id=m["id"], dispositif_id=d["id"], annee=2023)
    for who in ("financeur", "gie", "asso2_agent", "bailleur"):
        assert client.get(f"/api/v1/rapports/{rap['id']}", headers=monde.h(who)).status_code == 404, who
        assert client.get(f"/api/v1/rapports/{rap['id']}/document", headers=monde.h(who)).status_code == 404, who
        assert client.get("/api/v1/rapports", headers=monde.h(who)).json()["total"] == 0, who
    # an association writes its own reports only; a funder writes none
    r = client.post("/api/v1/rapports", headers=h, json={"modele_id": m["id"], "dispositif_id": d["id"], "annee": 2023,
                                                          "association_id": str(monde.asso2.id)})
    assert r.status_code == 403
    r = client.post("/api/v1/rapports", headers=monde.h("financeur"),
                    json={"modele_id": m["id"], "dispositif_id": d["id"], "annee": 2023})
    assert r.status_code == 403  # a funder writes no report
    r = client.post("/api/v1/rapports", headers=monde.h("asso2_agent"),
                    json={"modele_id": m["id"], "dispositif_id": d["id"], "annee": 2023})
    assert r.status_code == 403 and "convention" in r.text  # no convention on this dispositif
    # narration of an unknown section: refused, naming it; nothing changes
    etag = client.get(f"/api/v1/rapports/{rap['id']}", headers=h).headers["ETag"]
    r = client.patch(f"/api/v1/rapports/{rap['id']}", headers=h | {"If-Match": etag}, json={"narration": {"inconnue": "x"}})
    assert r.status_code == 422 and "inconnue" in r.text
    assert client.get(f"/api/v1/rapports/{rap['id']}", headers=h).headers["ETag"] == etag
    r = client.patch(f"/api/v1/rapports/{rap['id']}", headers=h | {"If-Match": '"999"'}, json={"narration": {}})
    assert r.status_code == 412


def test_bilan_de_la_commission_a_une_date(client, db, monde, tmp_path) -> None:
    d = bilan_commission(client, monde)
    h = monde.h("gie")
    m = modele(client, h, "bilan_dispositif")
    rap = creer(client, h, modele_id=m["id"], dispositif_id=d["id"], du="2015-01-01", au="2016-04-30")
    assert rap["association_id"] is None
    constat = "Un investissement fort et long des bailleurs pour permettre une adhésion des locataires en place."
    ecrire(client, h, rap["id"], {"constat_general": constat})
    attendu = [
        "Au 30/04/2016, 8 ménages sont accompagnés.",
        "Du 01/01/2015 au 30/04/2016, la commission a pris 12 décisions.",
        constat,
    ]
    texte_docx = docx_texte(document(client, h, rap["id"], "docx"))
    for phrase in attendu:
        assert phrase in plat(texte_docx), phrase
    assert "Santé mentale | 4\n" in texte_docx and "Total | 8\n" in texte_docx
    assert "Logement du parc privé | 2\n" in texte_docx
    assert "Décision | Du 01/01/2015 au 30/04/2016" in texte_docx and "Cible | Au 30/04/2016" in texte_docx
    pdf = document(client, h, rap["id"], "pdf")
    (tmp_path / "bilan.pdf").write_bytes(pdf)
    texte_pdf = plat(pdf_texte(pdf))
    for phrase in attendu:
        assert phrase in texte_pdf, phrase
    # a commission writes the bilan of its own dispositifs only
    autre = creer_dispositif(client, monde, commission_id=str(organisation(db, TypeOrganisation.gie).id))
    r = client.post("/api/v1/rapports", headers=h, json={"modele_id": m["id"], "dispositif_id": autre["id"],
                                                          "au": "2016-04-30"})
    assert r.status_code == 403


def test_copier_un_modele_puis_une_nouvelle_version(client, monde) -> None:
    m = modele(client, monde.h("asso_resp"), "rapport_activite_annuel")
    assert client.post(f"/api/v1/rapports/modeles/{m['id']}/copie", headers=monde.h("asso_agent"), json={}).status_code == 403
    r = client.post(f"/api/v1/rapports/modeles/{m['id']}/copie", headers=monde.h("asso_resp"), json={"nom": "Notre rapport"})
    assert r.status_code == 201, r.text
    copie = r.json()
    assert copie["organisation_id"] == str(monde.asso.id) and copie["source_id"] == m["id"]
    sections = [s for s in copie["sections"] if s["code"] != "territoire"][::-1]
    sections.append({"type": "texte", "code": "remerciements", "titre": "Remerciements"})
    r = client.patch(f"/api/v1/rapports/modeles/{copie['id']}", headers=monde.h("asso_resp"), json={"sections": sections})
    assert r.status_code == 201, r.text
    v2 = r.json()
    assert (v2["version"], v2["famille"]) == (2, copie["famille"])
    assert [s["code"] for s in v2["sections"]] == [s["code"] for s in sections]
    # the shipped model does not change; another association does not see the copy
    assert client.patch(f"/api/v1/rapports/modeles/{m['id']}", headers=monde.h("asso_resp"), json={"nom": "x"}).status_code == 409
    assert client.get(f"/api/v1/rapports/modeles/{copie['id']}", headers=monde.h("asso2_agent")).status_code == 404
    # an unknown table or sentence field is refused, named
    mauvais = [{"type": "calcul", "code": "x", "titre": "X", "tables": [{"table": "inexistante"}]}]
    r = client.patch(f"/api/v1/rapports/modeles/{v2['id']}", headers=monde.h("asso_resp"), json={"sections": mauvais})
    assert r.status_code == 422 and "inexistante" in r.text
    mauvais = [{"type": "calcul", "code": "x", "titre": "X", "tables": [{"table": "file_active", "phrase": "{nom}"}]}]
    r = client.patch(f"/api/v1/rapports/modeles/{v2['id']}", headers=monde.h("asso_resp"), json={"sections": mauvais})
    assert r.status_code == 422 and "{nom}" in r.text
