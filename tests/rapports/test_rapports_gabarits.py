"""A funder's Word template (docxtpl): accepted with its placeholders, refused naming an unknown
one, and a report rendered into it."""

from __future__ import annotations

import io
from datetime import date

import docx

from tests.factories import creer_convention, creer_dispositif
from tests.rapports.rapports_donnees import Association

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def gabarit(*lignes: str, tableau: str | None = None) -> bytes:
    d = docx.Document()
    for ligne in lignes:
        d.add_paragraph(ligne)
    if tableau:
        t = d.add_table(rows=3, cols=2)
        t.cell(0, 0).text = "{%tr for l in " + tableau + ".lignes %}"
        t.cell(1, 0).text = "{{ l.libelle }}"
        t.cell(1, 1).text = "{{ l.valeur }}"
        t.cell(2, 0).text = "{%tr endfor %}"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def deposer(client, h, contenu: bytes, nom: str = "Gabarit DDETS"):
    return client.post("/api/v1/rapports/gabarits", headers=h, data={"nom": nom},
                       files={"fichier": ("gabarit.docx", contenu, DOCX)})


def test_gabarit_du_financeur(client, monde) -> None:
    hf = monde.h("financeur")
    bon = gabarit(
        "Rapport : {{ rapport.titre }} ({{ rapport.periode }})",
        "File active au {{ rapport.au }} : {{ file_active.total }} ménages.",
        "Perspectives : {{ narration.perspectives }}",
        tableau="file_active_cible",
    )
    r = deposer(client, hf, bon)
    assert r.status_code == 201, r.text
    g = r.json()
    assert {"rapport.titre", "file_active.total", "narration.perspectives", "file_active_cible.lignes"} <= set(g["champs"])

    for texte, nomme in (("{{ file_active.totl }}", "file_active.totl"), ("{{ inconnu }}", "inconnu"),
                         ("{{ rapport.montant }}", "rapport.montant")):
        r = deposer(client, hf, gabarit(texte))
        assert r.status_code == 422, texte
        assert r.json()["errors"][0]["valeur"] == nomme and nomme in r.json()["errors"][0]["message"]
    r = deposer(client, hf, gabarit(tableau="file_active_cible"))
    assert r.status_code == 201  # a loop alone is fine
    assert deposer(client, hf, b"pas un docx").status_code == 422
    assert deposer(client, monde.h("asso_resp"), bon).status_code == 403
    assert len(client.get("/api/v1/rapports/gabarits", headers=hf).json()) == 2

    # An association renders its report into the funder's template.
    d = creer_dispositif(client, monde, creation_directe=True)
    creer_convention(client, monde, d["id"])
    a = Association(client, monde, d["id"])
    a.ouvrir(date(2023, 3, 1), n=1)
    a.ouvrir(date(2023, 4, 1), n=2)
    h = monde.h("asso_agent")
    assert next(x["id"] for x in client.get("/api/v1/rapports/gabarits", headers=h).json()) == g["id"]
    modele = next(m for m in client.get("/api/v1/rapports/modeles", headers=h).json() if m["code"] == "rapport_activite_annuel")
    rap = client.post("/api/v1/rapports", headers=h, json={
        "modele_id": modele["id"], "dispositif_id": d["id"], "annee": 2023,
        "narration": {"perspectives": "Consolider les relogements."}}).json()
    r = client.get(f"/api/v1/rapports/{rap['id']}/document", params={"format": "docx", "gabarit": g["id"]}, headers=h)
    assert r.status_code == 200, r.text
    rendu = docx.Document(io.BytesIO(r.content))
    texte = "\n".join(p.text for p in rendu.paragraphs)
    assert "File active au 31/12/2023 : 2 ménages." in texte
    assert "Perspectives : Consolider les relogements." in texte
    assert "(Année 2023)" in texte
    cellules = [[c.text for c in row.cells] for row in rendu.tables[0].rows]
    assert ["Santé mentale", "2"] in cellules
    assert client.get(f"/api/v1/rapports/{rap['id']}/document", params={"format": "pdf", "gabarit": g["id"]},
                      headers=h).status_code == 422
