"""Column mapping of an import: a partner's spreadsheet keeps its own headers, the upload
says which template column each one is; a mapping naming what the template does not have,
or leaving a required column unmapped, is refused with the sheet, the header and what is
permitted; the mapping of a successful import is kept for the association's next upload.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from api.imports.models import ImportCorrespondance
from api.menages.models import Menage
from tests import factories as fab
from tests.factories import Monde, utilisateur
from tests.imports.test_imports import URL, XLSX, _etat, _menages, _mesures, _xlsx

# The partner's own headers for the ménages sheet; the others keep the template's.
PROPRES = {
    "reference_menage": "Réf. dossier",
    "nom": "Nom de famille",
    "prenom": "Prénom usuel",
    "lien": "Rôle dans le foyer",
    "telephone": "Tél.",
}
CORRESPONDANCE = {"menages": {v: k for k, v in PROPRES.items()}}


@pytest.fixture
def contexte(db, monde: Monde):
    disp = fab.dispositif(db, monde)
    referent = utilisateur(db, monde.asso, "agent", email="referente@asso.test")
    return disp, referent


def _fichier(disp_code: str, referent: str) -> bytes:
    menages = [{PROPRES.get(k, k): v for k, v in ligne.items()} for ligne in _menages()]
    return _xlsx({"Ménages et personnes": menages, "Mesures": _mesures(disp_code, referent)})


def _poster(client, monde: Monde, contenu: bytes, *, essai: bool, correspondance: Any = None, who: str = "asso_resp"):
    data = {} if correspondance is None else {"correspondance": json.dumps(correspondance)}
    return client.post(
        URL + ("/essai" if essai else ""),
        files=[("fichiers", ("export-logiciel.xlsx", contenu, XLSX))],
        data=data,
        headers=monde.h(who),
    )


def test_sans_correspondance_les_colonnes_obligatoires_manquent_et_le_message_le_dit(
    client, monde: Monde, db, contexte
) -> None:
    disp, referent = contexte
    r = _poster(client, monde, _fichier(disp.code, referent.email), essai=True)
    assert r.status_code == 422, r.text
    probleme = r.json()
    assert probleme["errors"][0]["champ"] == "fichier"
    assert set(probleme["errors"][0]["valeur"]) == {"reference_menage", "nom", "prenom", "lien"}
    assert "correspondance des colonnes" in probleme["detail"]


def test_essai_et_import_avec_correspondance_puis_gardee_pour_la_prochaine_fois(
    client, monde: Monde, db, contexte
) -> None:
    disp, referent = contexte
    contenu = _fichier(disp.code, referent.email)
    essai = _poster(client, monde, contenu, essai=True, correspondance=CORRESPONDANCE)
    assert essai.status_code == 200, essai.text
    assert essai.json()["erreurs"] == []
    assert essai.json()["bilan"]["menage"]["cree"] == 2
    # A dry run keeps nothing, not even the mapping.
    assert client.get(f"{URL}/correspondance", headers=monde.h("asso_resp")).json() == {}

    r = _poster(client, monde, contenu, essai=False, correspondance=CORRESPONDANCE)
    assert r.status_code == 201, r.text
    telephones = sorted(m.telephone for m in db.exec(select(Menage)))
    assert telephones == ["06 12 34 56 71", "06 12 34 56 72"]  # « Tél. » was read as telephone
    assert client.get(f"{URL}/correspondance", headers=monde.h("asso_resp")).json() == CORRESPONDANCE

    # Next time, the same export without any mapping: the kept one applies, nothing changes.
    avant = _etat(db)
    r = _poster(client, monde, contenu, essai=False)
    assert r.status_code == 201, r.text
    assert r.json()["bilan"]["menage"] == {"cree": 0, "modifie": 0, "inchange": 2}
    assert _etat(db) == avant
    # A file with the template's headers still reads with a mapping kept.
    r = _poster(
        client,
        monde,
        _xlsx({"Ménages et personnes": _menages(), "Mesures": _mesures(disp.code, referent.email)}),
        essai=True,
    )
    assert r.status_code == 200, r.text
    assert r.json()["erreurs"] == []
    # The mapping is the association's: another association's responsable sees none.
    autre = client.get(
        f"{URL}/correspondance", headers=monde.h("admin"), params={"association_id": str(monde.asso2.id)}
    )
    assert autre.status_code == 200 and autre.json() == {}
    # An explicit empty mapping forgets it.
    r = _poster(
        client,
        monde,
        _xlsx({"Ménages et personnes": _menages(), "Mesures": _mesures(disp.code, referent.email)}),
        essai=False,
        correspondance={},
    )
    assert r.status_code == 201, r.text
    assert client.get(f"{URL}/correspondance", headers=monde.h("asso_resp")).json() == {}


@pytest.mark.parametrize(
    ("correspondance", "champ", "extrait"),
    [
        (
            {"menages": {**CORRESPONDANCE["menages"], "Tél.": "portable"}},
            "correspondance.menages.Tél.",
            "colonne « portable » inconnue de la feuille « Ménages et personnes » ; colonnes permises : "
            "reference_menage, nom",
        ),
        ({"foyers": {"Réf. dossier": "reference_menage"}}, "correspondance.foyers", "feuilles permises : menages"),
        (
            {"menages": {**CORRESPONDANCE["menages"], "Tél.": "nom"}},
            "correspondance.menages.Tél.",
            "déjà associée à « Nom de famille »",
        ),
        ("pas un objet", "correspondance", "objet JSON"),
    ],
)
def test_une_correspondance_hors_du_modele_est_refusee_sans_rien_ecrire(
    client, monde: Monde, db, contexte, correspondance: Any, champ: str, extrait: str
) -> None:
    disp, referent = contexte
    avant = _etat(db)
    r = _poster(client, monde, _fichier(disp.code, referent.email), essai=False, correspondance=correspondance)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    (erreur,) = r.json()["errors"]
    assert erreur["champ"] == champ
    assert extrait in erreur["message"]
    assert _etat(db) == avant
    assert db.exec(select(ImportCorrespondance)).all() == []


def test_une_colonne_obligatoire_non_associee_est_nommee(client, monde: Monde, db, contexte) -> None:
    disp, referent = contexte
    partielle = {"menages": {k: v for k, v in CORRESPONDANCE["menages"].items() if v != "lien"}}
    r = _poster(client, monde, _fichier(disp.code, referent.email), essai=True, correspondance=partielle)
    assert r.status_code == 422, r.text
    (erreur,) = r.json()["errors"]
    assert erreur["valeur"] == ["lien"]
    assert "« lien » (Lien avec le demandeur)" in r.json()["detail"]


def test_la_correspondance_gardee_suit_l_acces_aux_imports(client, monde: Monde) -> None:
    # An agent (not responsable) may not read the association's import settings.
    assert client.get(f"{URL}/correspondance", headers=monde.h("asso_agent")).status_code == 403


def test_le_refus_donne_a_l_ecran_de_quoi_proposer_la_correspondance(client, monde: Monde, db, contexte) -> None:
    disp, referent = contexte
    r = _poster(client, monde, _fichier(disp.code, referent.email), essai=True)
    assert r.status_code == 422, r.text
    probleme = r.json()
    assert probleme["feuille"] == "menages" and probleme["feuille_nom"] == "Ménages et personnes"
    assert {"Réf. dossier", "Nom de famille", "Tél.", "date_naissance"} <= set(probleme["entetes"])
    assert probleme["associees"]["date_naissance"] == "date_naissance"  # recognised already
    assert "Réf. dossier" not in probleme["associees"]
    attendues = {c["cle"]: c["obligatoire"] for c in probleme["colonnes_attendues"]}
    assert attendues["reference_menage"] is True and attendues["telephone"] is False
