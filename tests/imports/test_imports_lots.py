"""Import by batches (``api/mesures/reprise.py``): the same facts as the single use cases.

New households whose mesures are new and plain (no modalité, domains or rendez-vous) are
written by batches; the others one by one through ``mandater``, ``demarrer``, ``terminer``.
The same file imported by both routes (for two associations) must leave the same rows:
what indicators of past years read (snapshot at entry, events with their dates, history of
the statut, version) and what the audit log keeps."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from api.audit.models import JournalAcces
from api.imports import service
from api.imports.models import ImportObjet
from api.menages.models import Menage, MenageTransmission, Personne
from api.mesures import reprise
from api.mesures.models import (
    Mesure,
    MesureDetteEntree,
    MesureEvenement,
    MesureHistorique,
    MesureRessourceEntree,
)
from tests import factories as fab
from tests.factories import Monde, utilisateur
from tests.imports.test_imports import _poster, _xlsx


def _fichier(disp_code: str, referent: str) -> bytes:
    menages: list[dict[str, Any]] = []
    mesures: list[dict[str, Any]] = []
    for i in range(1, 6):
        menages.append(
            {
                "reference_menage": f"L-{i}",
                "nom": f"Tanguy{i}",
                "prenom": "Soizic",
                "date_naissance": f"0{i}/04/1975",
                "sexe": "Femme",
                "lien": "Demandeur",
                "statut_occupation": "Locataire du parc public",
                "commune_insee": "35238",
            }
        )
        menages.append(
            {
                "reference_menage": f"L-{i}",
                "nom": f"Tanguy{i}",
                "prenom": "Erwan",
                "date_naissance": "12/09/2012",
                "sexe": "Homme",
                "lien": "Enfant",
            }
        )
        ligne: dict[str, Any] = {
            "reference_mesure": f"LM-{i}",
            "reference_menage": f"L-{i}",
            "dispositif": disp_code,
            "cible": "Santé mentale",
            "type_accompagnement": "Capacité à habiter",
            "acces_maintien": "Maintien",
            "date_mandatement": f"02/0{i}/2023",
            "referent_courriel": referent if i % 2 else None,
        }
        if i != 4:  # L-4: mandated only
            ligne |= {"date_debut": f"1{i}/0{i}/2023", "adhesion_date": f"1{i}/0{i}/2023"}
        if i == 1:  # started the day of its mandatement, then ended
            ligne |= {"date_debut": "02/01/2023", "adhesion_date": "02/01/2023"}
        if i in (1, 3):
            ligne |= {
                "date_fin": "30/06/2024",
                "motif_fin": "Objectifs atteints",
                "situation_sortie": "Locataire du parc public",
            }
        if i == 5:  # ended without ever starting (non-adhésion)
            ligne = {k: v for k, v in ligne.items() if k not in ("date_debut", "adhesion_date")} | {
                "date_fin": "01/09/2023",
                "motif_fin": "Non-adhésion",
                "situation_sortie": "Locataire du parc public",
            }
        mesures.append(ligne)
    ressources = [
        {"reference_menage": "L-2", "nature": "Ressource", "type": "RSA", "montant": 607},
        {"reference_menage": "L-2", "nature": "Ressource", "type": "RSA", "montant": 100},
        {"reference_menage": "L-2", "nature": "dette", "type": "Loyer", "montant": 1200},
    ]
    return _xlsx({"Ménages et personnes": menages, "Ressources et dettes": ressources, "Mesures": mesures})


def _faits(db, association_id) -> dict[str, Any]:
    """What the import wrote for one association, by the file's references, without ids,
    references drawn or instants."""
    objets = {
        o.objet_id: o.reference_externe
        for o in db.exec(select(ImportObjet).where(ImportObjet.association_id == association_id))
    }
    mesures = list(db.exec(select(Mesure).where(Mesure.association_id == association_id)))
    ids = [m.id for m in mesures]
    exclus = {"id", "reference", "menage_id", "association_id", "cree_le", "modifie_le", "referent_id"}
    par_mesure: dict[str, Any] = {}
    for m in mesures:
        ref = objets[m.id]
        par_mesure[ref] = {
            "mesure": {k: v for k, v in m.model_dump().items() if k not in exclus}
            | {"referent": m.referent_id is not None},
            "menage": objets[m.menage_id],
        }
    for e in db.exec(select(MesureEvenement).where(col(MesureEvenement.mesure_id).in_(ids))):
        donnees = {k: v for k, v in (e.donnees or {}).items() if k != "import_id"}
        par_mesure[objets[e.mesure_id]].setdefault("evenements", []).append(
            (
                e.type,
                e.de_statut,
                e.vers_statut,
                e.date_effet,
                e.motif,
                sorted(donnees.items()),
                "import_id" in (e.donnees or {}),
            )
        )
    for h in db.exec(select(MesureHistorique).where(col(MesureHistorique.mesure_id).in_(ids))):
        par_mesure[objets[h.mesure_id]].setdefault("historique", []).append((h.attribut, h.valeur, h.du, h.jusqu_au))
    for r in db.exec(select(MesureRessourceEntree).where(col(MesureRessourceEntree.mesure_id).in_(ids))):
        par_mesure[objets[r.mesure_id]].setdefault("ressources", []).append((r.type, r.montant_mensuel))
    for d in db.exec(select(MesureDetteEntree).where(col(MesureDetteEntree.mesure_id).in_(ids))):
        par_mesure[objets[d.mesure_id]].setdefault("dettes", []).append((d.type, d.montant))
    for v in par_mesure.values():
        for cle in ("evenements", "historique", "ressources", "dettes"):
            v[cle] = sorted(v.get(cle, []), key=repr)
    menages = list(db.exec(select(Menage).where(Menage.organisation_id == association_id)))
    menage_ids = [m.id for m in menages]
    audit = sorted(
        (j.action, j.ressource)
        for j in db.exec(
            select(JournalAcces).where(
                JournalAcces.organisation_id == association_id, col(JournalAcces.ressource).in_(("menage", "mesure"))
            )
        )
    )
    return {
        "mesures": par_mesure,
        "menages": sorted(
            (objets[m.id], m.composition, m.statut_occupation, m.commune_insee, m.version) for m in menages
        ),
        "personnes": sorted(
            (p.nom, p.prenom, p.nom_recherche, p.date_naissance, p.sexe, p.lien)
            for p in db.exec(select(Personne).where(col(Personne.menage_id).in_(menage_ids)))
        ),
        "transmissions": len(
            db.exec(select(MenageTransmission).where(col(MenageTransmission.menage_id).in_(menage_ids))).all()
        ),
        "audit": audit,
    }


@pytest.fixture
def deux_associations(db, monde: Monde):
    disp = fab.dispositif(db, monde)
    utilisateur(db, monde.asso, "agent", email="referente@asso.test")
    utilisateur(db, monde.asso2, "agent", email="referente@asso2.test")
    monde.users["asso2_resp"] = utilisateur(db, monde.asso2, "responsable")
    return disp


def test_par_lots_et_un_par_un_ecrivent_les_memes_faits(
    client, monde: Monde, db, deux_associations, monkeypatch
) -> None:
    disp = deux_associations
    appels: list[int] = []
    ouvrir = reprise.ouvrir
    monkeypatch.setattr(reprise, "ouvrir", lambda s, p, m: appels.append(len(m)) or ouvrir(s, p, m))
    r = _poster(client, monde, _fichier(disp.code, "referente@asso.test"), essai=False)
    assert r.status_code == 201, r.text
    assert appels == [5]  # the batch route wrote them, in one batch
    par_lots = _faits(db, monde.asso.id)

    # The same file for the other association, every household through the single use cases.
    monkeypatch.setattr(service, "_simple", lambda *_: False)
    r = _poster(client, monde, _fichier(disp.code, "referente@asso2.test"), essai=False, who="asso2_resp")
    assert r.status_code == 201, r.text
    assert appels == [5]
    un_par_un = _faits(db, monde.asso2.id)

    assert len(par_lots["mesures"]) == 5 and par_lots["transmissions"] == 5
    assert par_lots["mesures"]["LM-3"]["historique"]  # a started then ended mesure has its statut's periods
    assert par_lots["mesures"]["LM-2"]["ressources"] == [("rsa", 707)]
    assert par_lots == un_par_un

    # Imported again by the batch route: nothing changes (the known households go one by one).
    monkeypatch.undo()
    r = _poster(client, monde, _fichier(disp.code, "referente@asso.test"), essai=False)
    assert r.status_code == 201, r.text
    assert r.json()["bilan"]["mesure"] == {"cree": 0, "modifie": 0, "inchange": 5}
    assert _faits(db, monde.asso.id) == par_lots


def test_refus_par_lots_sur_leur_ligne_et_rien_d_ecrit(client, monde: Monde, db, deux_associations) -> None:
    """On the batch route, the refusals of demarrer and terminer and the homonyms come back on
    their line, the other households are still checked, and nothing is written."""
    disp = deux_associations
    from openpyxl import load_workbook

    contenu = _fichier(disp.code, "referente@asso.test")
    import io

    wb = load_workbook(io.BytesIO(contenu))
    ms = wb["Mesures"]
    entetes = [c.value for c in ms[1]]
    ms.cell(2, entetes.index("date_debut") + 1, "01/12/2022")  # LM-1: before its mandatement
    ms.cell(3, entetes.index("adhesion_date") + 1).value = None  # LM-2: the dispositif requires the adhésion
    ms.cell(4, entetes.index("date_fin") + 1, "01/03/2023")  # LM-3: ends before its start
    mn = wb["Ménages et personnes"]
    mn.cell(10, 2, "Tanguy4")  # L-5's demandeur: the name and birth date of L-4's
    mn.cell(10, 4, "04/04/1975")
    flux = io.BytesIO()
    wb.save(flux)
    avant = db.exec(select(Mesure)).all()
    r = _poster(client, monde, flux.getvalue(), essai=True)
    assert r.status_code == 200, r.text
    erreurs = {(e["feuille"], e["ligne"], e["colonne"]): e["message"] for e in r.json()["erreurs"]}
    assert "précéder le mandatement" in erreurs[("Mesures", 2, "date_debut")]
    assert "adhésion" in erreurs[("Mesures", 3, "adhesion_date")]
    assert "précéder le début de la mesure" in erreurs[("Mesures", 4, "date_fin")]
    assert "L-4, ligne 8 de ce fichier" in erreurs[("Ménages et personnes", 10, "nom")]
    assert len(erreurs) == 4
    assert db.exec(select(Mesure)).all() == avant
    r = _poster(client, monde, flux.getvalue(), essai=False)
    assert r.status_code == 422
    assert db.exec(select(Mesure)).all() == avant


def test_communes_par_nom_si_unique_sinon_les_candidats(client, monde: Monde, db, deux_associations) -> None:
    disp = deux_associations
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(_fichier(disp.code, "referente@asso.test")))
    mn = wb["Ménages et personnes"]
    entetes = [c.value for c in mn[1]]
    colonne = entetes.index("commune_insee") + 1
    # The demandeurs' lines: 2, 4, 6, 8, 10.
    for ligne, commune in ((2, "rennes"), (4, "Saint-Denis"), (6, "Saint-Denis (93)"), (8, "Nulle-Part-sur-Mer")):
        mn.cell(ligne, colonne).value = commune
    mn.cell(10, colonne).value = "St-Malo"
    flux = io.BytesIO()
    wb.save(flux)
    r = _poster(client, monde, flux.getvalue(), essai=True)
    erreurs = {e["ligne"]: e["message"] for e in r.json()["erreurs"]}
    assert set(erreurs) == {4, 8}, erreurs
    assert "4 communes portent ce nom" in erreurs[4]
    assert "Saint-Denis (93), code 93066" in erreurs[4] and "Saint-Denis (974), code 97411" in erreurs[4]
    assert "commune inconnue" in erreurs[8]

    mn.cell(4, colonne).value = "93066"
    mn.cell(8, colonne).value = "Ajaccio (2A)"
    flux = io.BytesIO()
    wb.save(flux)
    r = _poster(client, monde, flux.getvalue(), essai=False)
    assert r.status_code == 201, r.text
    objets = {o.objet_id: o.reference_externe for o in db.exec(select(ImportObjet))}
    communes = {
        objets[m.id]: m.commune_insee for m in db.exec(select(Menage).where(Menage.organisation_id == monde.asso.id))
    }
    assert communes == {"L-1": "35238", "L-2": "93066", "L-3": "93066", "L-4": "2A004", "L-5": "35288"}
