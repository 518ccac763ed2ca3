"""Import of a caseload: template, dry run, all-or-nothing import, idempotence, refusals.

Files are written here with openpyxl (XLSX) or as text (CSV), as a user's spreadsheet
would be, and sent through the API; what the database holds afterwards is read directly.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import col, func, select

from api.audit.models import JournalAcces
from api.imports.models import ImportFichier, ImportObjet
from api.menages.models import Menage, Personne
from api.mesures.models import Mesure, MesureEvenement, RendezVous
from tests import factories as fab
from tests.factories import Monde, utilisateur
from tests.indicateurs.test_indicateurs_seeds import cellules

URL = "/api/v1/imports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _menages(n: int = 2) -> list[dict[str, Any]]:
    lignes: list[dict[str, Any]] = []
    for i in range(1, n + 1):
        lignes.append(
            {
                "reference_menage": f"DOS-{i}",
                "nom": f"Le Goff{i}",
                "prenom": "Maëlle",
                "date_naissance": f"14/03/19{70 + i}",
                "sexe": "Femme",
                "lien": "Demandeur",
                "statut_occupation": "Locataire du parc public",
                "commune_insee": "35238",
                "telephone": "06 12 34 56 7" + str(i % 10),
            }
        )
        lignes.append(
            {
                "reference_menage": f"DOS-{i}",
                "nom": f"Le Goff{i}",
                "prenom": "Noé",
                "date_naissance": "2015-06-01",
                "sexe": "homme",
                "lien": "ENFANT",
            }
        )
    return lignes


def _mesures(disp_code: str, referent: str, n: int = 2) -> list[dict[str, Any]]:
    lignes = []
    for i in range(1, n + 1):
        ligne = {
            "reference_mesure": f"MES-{i}",
            "reference_menage": f"DOS-{i}",
            "dispositif": disp_code,
            "cible": "Santé mentale",  # a label, with its accent
            "type_accompagnement": "CAPACITE_HABITER",  # a code, in capitals
            "acces_maintien": "Maintien",
            "date_mandatement": "02/05/2023",
            "referent_courriel": referent,
            "date_debut": "2023-05-15",
            "adhesion_date": "15/05/2023",
            "modalite_logement": "Bail direct",
            "domaines": "Budget et dettes, acces aux droits",
        }
        if i == 2:
            ligne |= {
                "date_fin": "30/06/2024",
                "motif_fin": "Objectifs atteints",
                "situation_sortie": "Locataire du parc public",
            }
        lignes.append(ligne)
    return lignes


def _rdv() -> list[dict[str, Any]]:
    return [
        {
            "reference_rendez_vous": "RDV-1",
            "reference_mesure": "MES-1",
            "date": "20/05/2023",
            "heure": "10:30",
            "type": "Visite à domicile",
            "statut": "Réalisé",
        },
        {
            "reference_rendez_vous": "RDV-2",
            "reference_mesure": "MES-2",
            "date": "01/06/2023",
            "type": "entretien_bureau",
            "statut": "absent",
        },
    ]


def _xlsx(feuilles: dict[str, list[dict[str, Any]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for nom, lignes in feuilles.items():
        ws = wb.create_sheet(nom)
        entetes = list(dict.fromkeys(k for ligne in lignes for k in ligne)) or ["reference_menage"]
        ws.append(entetes)
        for ligne in lignes:
            ws.append([ligne.get(k) for k in entetes])
    flux = io.BytesIO()
    wb.save(flux)
    return flux.getvalue()


def _fichier(disp_code: str, referent: str, **changes: Any) -> bytes:
    feuilles = {
        "Ménages et personnes": _menages(),
        "Ressources et dettes": [
            {"reference_menage": "DOS-1", "nature": "Ressource", "type": "RSA", "montant": 607},
            {"reference_menage": "DOS-1", "nature": "dette", "type": "Loyer", "montant": 1200},
        ],
        "Mesures": _mesures(disp_code, referent),
        "Rendez-vous": _rdv(),
    }
    feuilles.update(changes)
    return _xlsx(feuilles)


def _poster(
    client,
    monde: Monde,
    contenu: bytes,
    *,
    essai: bool,
    nom: str = "file.xlsx",
    who: str = "asso_resp",
    ctype: str = XLSX,
    params: dict[str, str] | None = None,
):
    return client.post(
        URL + ("/essai" if essai else ""),
        files=[("fichiers", (nom, contenu, ctype))],
        headers=monde.h(who),
        params=params or {},
    )


def _etat(db) -> dict[str, Any]:
    """Everything an import may write, to compare before and after."""
    return {
        "menages": sorted((m.reference, m.version, m.telephone) for m in db.exec(select(Menage))),
        "personnes": db.exec(select(func.count()).select_from(Personne)).one(),
        "mesures": sorted((m.reference, m.version, m.statut) for m in db.exec(select(Mesure))),
        "evenements": db.exec(select(func.count()).select_from(MesureEvenement)).one(),
        "rdv": sorted((r.id, r.version) for r in db.exec(select(RendezVous))),
        "objets": db.exec(select(func.count()).select_from(ImportObjet)).one(),
    }


@pytest.fixture
def contexte(db, monde: Monde):
    disp = fab.dispositif(db, monde)
    referent = utilisateur(db, monde.asso, "agent", email="referente@asso.test")
    return disp, referent


def test_modele_xlsx_a_ses_feuilles_notes_listes_et_exemple(client, monde: Monde, contexte) -> None:
    r = client.get(URL + "/modele.xlsx", headers=monde.h("asso_resp"))
    assert r.status_code == 200, r.text
    wb = load_workbook(io.BytesIO(r.content))
    assert {"Ménages et personnes", "Ressources et dettes", "Mesures", "Rendez-vous", "Listes"} <= set(wb.sheetnames)
    ws = wb["Mesures"]
    entetes = [c.value for c in ws[1]]
    assert entetes[:3] == ["reference_mesure", "reference_menage", "dispositif"]
    assert ws["A1"].comment is not None and "obligatoire" in ws["A1"].comment.text
    assert ws["A2"].value == "MES-0042-1"  # the example row
    validations = ws.data_validations.dataValidation
    assert any(v.type == "list" for v in validations)
    listes = [c.value for c in wb["Listes"][2]]
    assert "Santé mentale" in [c.value for col_ in wb["Listes"].iter_cols() for c in col_]
    assert listes
    csv = client.get(URL + "/modele/mesures.csv", headers=monde.h("asso_resp"))
    assert csv.status_code == 200
    assert csv.content.decode("utf-8-sig").splitlines()[0].split(";")[:2] == ["reference_mesure", "reference_menage"]
    # An agent does not import; neither does a commission.
    assert client.get(URL + "/modele.xlsx", headers=monde.h("asso_agent")).status_code == 403
    assert client.get(URL + "/modele.xlsx", headers=monde.h("gie")).status_code == 403


def test_essai_puis_import_puis_reimport_identique_puis_telephone_change(client, monde: Monde, db, contexte) -> None:
    disp, referent = contexte
    contenu = _fichier(disp.code, referent.email)
    avant = _etat(db)
    essai = _poster(client, monde, contenu, essai=True)
    assert essai.status_code == 200, essai.text
    rapport = essai.json()
    assert rapport["erreurs"] == [], rapport["erreurs"]
    assert rapport["statut"] == "essai_valide"
    assert rapport["bilan"]["menage"]["cree"] == 2 and rapport["bilan"]["mesure"]["cree"] == 2
    assert _etat(db) == avant  # a dry run writes nothing (but its history line)

    r = _poster(client, monde, contenu, essai=False)
    assert r.status_code == 201, r.text
    assert r.json()["statut"] == "importe"
    apres = _etat(db)
    assert len(apres["menages"]) == 2 and len(apres["mesures"]) == 2 and len(apres["rdv"]) == 2
    _m1, _m2 = db.exec(select(Mesure).order_by(Mesure.date_mandatement, Mesure.reference)).all()
    par_ref = {
        o.reference_externe: o.objet_id for o in db.exec(select(ImportObjet).where(ImportObjet.nature == "mesure"))
    }
    mes1, mes2 = db.get(Mesure, par_ref["MES-1"]), db.get(Mesure, par_ref["MES-2"])
    assert mes1 is not None and mes2 is not None
    # Past facts keep their dates.
    assert mes1.date_mandatement == date(2023, 5, 2) and mes1.date_debut == date(2023, 5, 15)
    assert mes1.statut == "active" and mes1.cible_code == "sante_mentale" and mes1.referent_id == referent.id
    assert mes1.adhesion_date == date(2023, 5, 15) and mes1.modalite_logement == "bail_direct"
    assert mes2.statut == "terminee" and mes2.date_fin == date(2024, 6, 30) and mes2.motif_fin == "objectifs_atteints"
    assert mes1.entree_dette_locative == 1200  # the household's debts came before the mandatement
    evenements = db.exec(select(MesureEvenement).where(MesureEvenement.mesure_id == mes2.id)).all()
    assert {e.type: e.date_effet for e in evenements} == {
        "mandatement": date(2023, 5, 2),
        "demarrage": date(2023, 5, 15),
        "modification": None,
        "fin": date(2024, 6, 30),
    }
    import_id = r.json()["id"]
    assert all((e.donnees or {}).get("import_id") == import_id for e in evenements)
    journal = db.exec(
        select(JournalAcces).where(JournalAcces.ressource == "import", JournalAcces.action == "creer")
    ).all()
    assert [j.principal_id for j in journal] == [monde.users["asso_resp"].id]

    # The indicators of past years see the imported caseload as it stood then.
    fin_2023 = client.get(
        "/api/v1/indicateurs", params={"au": "2023-12-31", "du": "2023-01-01"}, headers=monde.h("asso_resp")
    ).json()
    assert cellules(fin_2023, "file_active")["total"] == 2
    fin_2024 = client.get(
        "/api/v1/indicateurs", params={"au": "2024-12-31", "du": "2024-01-01"}, headers=monde.h("asso_resp")
    ).json()
    assert cellules(fin_2024, "file_active")["total"] == 1
    assert cellules(fin_2024, "sorties_par_mois")["mois=2024-06"] == 1

    # The same file again: nothing changes.
    r = _poster(client, monde, contenu, essai=False)
    assert r.status_code == 201, r.text
    assert r.json()["bilan"]["menage"] == {"cree": 0, "modifie": 0, "inchange": 2}
    assert r.json()["bilan"]["mesure"] == {"cree": 0, "modifie": 0, "inchange": 2}
    assert _etat(db) == apres

    # One phone number changed: only that household changes.
    menages = _menages()
    menages[0]["telephone"] = "02 99 00 00 00"
    r = _poster(client, monde, _fichier(disp.code, referent.email, **{"Ménages et personnes": menages}), essai=False)
    assert r.status_code == 201, r.text
    assert r.json()["bilan"]["menage"] == {"cree": 0, "modifie": 1, "inchange": 1}
    final = _etat(db)
    assert final["menages"] != apres["menages"]
    change = [a for a, b in zip(final["menages"], apres["menages"], strict=True) if a != b]
    assert len(change) == 1 and change[0][2] == "02 99 00 00 00"
    assert {k: v for k, v in final.items() if k != "menages"} == {k: v for k, v in apres.items() if k != "menages"}
    historique = client.get(URL, headers=monde.h("asso_resp")).json()
    assert [h["statut"] for h in historique][:4] == ["importe", "importe", "importe", "essai_valide"]
    # Another association sees none of it.
    assert client.get(URL, headers=monde.h("admin"), params={"association_id": str(monde.asso2.id)}).json() == []


def test_csv_point_virgule_windows_1252_et_virgule_utf8(client, monde: Monde, db, contexte) -> None:
    disp, _referent = contexte
    menages = "reference_menage;nom;prenom;date_naissance;lien;sexe\r\nA-1;Hervé;Gaëlle;01/02/1980;Demandeur;Femme\r\n"
    mesures = (
        "reference_mesure,reference_menage,dispositif,cible,type_accompagnement,acces_maintien,date_mandatement\n"
        f"S-1,A-1,{disp.code},reassurance du locataire,Évaluation,accès,2022-01-03\n"
    )
    r = client.post(
        URL,
        files=[
            ("fichiers", ("menages.csv", menages.encode("cp1252"), "text/csv")),
            ("fichiers", ("Mesures.csv", mesures.encode("utf-8"), "text/csv")),
        ],
        headers=monde.h("asso_resp"),
    )
    assert r.status_code == 201, r.text
    personne = db.exec(select(Personne).where(Personne.nom == "Hervé")).one()
    assert personne.prenom == "Gaëlle"
    mesure = db.exec(select(Mesure).where(Mesure.menage_id == personne.menage_id)).one()
    assert (mesure.cible_code, mesure.type_accompagnement_code, mesure.acces_maintien) == (
        "reassurance",
        "evaluation",
        "acces",
    )
    assert mesure.statut == "mandatee"


def _refus_sans_ecriture(client, monde: Monde, db, contenu: bytes, **kw: Any) -> dict[str, Any]:
    avant = _etat(db)
    r = _poster(client, monde, contenu, essai=False, **kw)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert _etat(db) == avant
    return r.json()


def test_mauvais_type_vide_et_feuille_manquante(client, monde: Monde, db, contexte) -> None:
    disp, referent = contexte
    corps = _refus_sans_ecriture(client, monde, db, b"%PDF-1.4 ...", nom="dossiers.pdf", ctype="application/pdf")
    assert "type de fichier non pris en charge" in corps["detail"]
    corps = _refus_sans_ecriture(client, monde, db, b"", nom="menages.csv", ctype="text/csv")
    assert "est vide" in corps["detail"]
    # An XLSX renamed .csv is not read as text.
    corps = _refus_sans_ecriture(client, monde, db, _fichier(disp.code, referent.email), nom="menages.csv")
    assert "type de fichier" in corps["detail"]
    sans_mesures = _xlsx({"Ménages et personnes": _menages()})
    corps = _refus_sans_ecriture(client, monde, db, sans_mesures)
    assert "« Mesures » est absente ou vide" in corps["detail"]
    sans_colonne = _xlsx(
        {"Ménages et personnes": [{"reference_menage": "X", "nom": "A"}], "Mesures": _mesures(disp.code, "")}
    )
    corps = _refus_sans_ecriture(client, monde, db, sans_colonne)
    assert "prenom" in corps["detail"] and "lien" in corps["detail"]


def test_erreurs_par_ligne_et_colonne_sans_ecriture(client, monde: Monde, db, contexte) -> None:
    disp, referent = contexte
    futur = (date.today() + timedelta(days=10)).strftime("%d/%m/%Y")
    mesures = _mesures(disp.code, referent.email)
    mesures[0]["date_mandatement"] = futur
    mesures[1]["cible"] = "Jeunes majeurs"
    mesures[1]["referent_courriel"] = "inconnue@asso.test"
    contenu = _fichier(disp.code, referent.email, Mesures=mesures)
    essai = _poster(client, monde, contenu, essai=True)
    assert essai.status_code == 200
    erreurs = {(e["feuille"], e["ligne"], e["colonne"]): e for e in essai.json()["erreurs"]}
    assert ("Mesures", 2, "date_mandatement") in erreurs
    assert "futur" in erreurs[("Mesures", 2, "date_mandatement")]["message"]
    cible = erreurs[("Mesures", 3, "cible")]
    assert cible["valeur"] == "Jeunes majeurs" and "Santé mentale (sante_mentale)" in cible["message"]
    ref = erreurs[("Mesures", 3, "referent_courriel")]
    assert ref["valeur"] == "inconnue@asso.test" and "compte actif de votre association" in ref["message"]
    assert essai.json()["statut"] == "essai_erreurs"
    corps = _refus_sans_ecriture(client, monde, db, contenu)
    champs = {e["champ"] for e in corps["errors"]}
    assert "Mesures, ligne 3, colonne cible" in champs
    assert db.exec(select(ImportFichier).where(ImportFichier.statut == "refuse")).one().nb_erreurs == len(
        corps["errors"]
    )


def test_un_refus_de_service_est_rapporte_sur_sa_ligne(client, monde: Monde, db, contexte) -> None:
    """The domain's own rules run in the dry run: a start before the mandatement, an adhésion the
    dispositif requires — on their line, and the other households are still checked."""
    disp, referent = contexte
    mesures = _mesures(disp.code, referent.email)
    mesures[0]["date_debut"] = "01/04/2023"  # before the mandatement (02/05/2023)
    del mesures[1]["adhesion_date"]  # the dispositif requires it before the mesure is active
    essai = _poster(client, monde, _fichier(disp.code, referent.email, Mesures=mesures), essai=True)
    erreurs = {(e["ligne"], e["colonne"]): e["message"] for e in essai.json()["erreurs"]}
    assert "précéder le mandatement" in erreurs[(2, "date_debut")]
    assert "adhesion_date" in erreurs[(3, "adhesion_date")] or "adhésion" in erreurs[(3, "adhesion_date")]


def test_un_menage_homonyme_visible_est_signale_pas_duplique(client, monde: Monde, db, contexte) -> None:
    disp, referent = contexte
    fab.menage(db, monde, nom="LE GOFF1", prenom="maelle", naissance=date(1971, 3, 14), sexe="femme")
    avant = db.exec(select(func.count()).select_from(Menage)).one()
    essai = _poster(client, monde, _fichier(disp.code, referent.email), essai=True).json()
    assert [(e["ligne"], e["colonne"]) for e in essai["erreurs"]] == [(2, "nom")]
    assert "existe déjà" in essai["erreurs"][0]["message"]
    assert db.exec(select(func.count()).select_from(Menage)).one() == avant


def test_admin_importe_pour_une_association(client, monde: Monde, db, contexte) -> None:
    disp, referent = contexte
    contenu = _fichier(disp.code, referent.email)
    r = _poster(client, monde, contenu, essai=False, who="admin")
    assert r.status_code == 422 and "association_id" in r.text
    r = _poster(client, monde, contenu, essai=False, who="admin", params={"association_id": str(monde.asso.id)})
    assert r.status_code == 201, r.text
    assert (
        db.exec(select(func.count()).select_from(Mesure).where(col(Mesure.association_id) == monde.asso.id)).one() == 2
    )
    # A responsable does not import for another association.
    r = _poster(client, monde, contenu, essai=True, params={"association_id": str(monde.asso2.id)})
    assert r.status_code == 403


def test_transaction_reelle_tout_ou_rien(base_dediee, settings) -> None:
    """On a database of its own, through the app's own sessions (no test transaction around):
    an import with one bad line leaves nothing, the good file is committed once."""
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from api.main import create_app
    from tests import factories

    reglages = settings.model_copy(update={"database_url": str(base_dediee.url.render_as_string(hide_password=False))})
    with Session(base_dediee, expire_on_commit=False) as s:
        monde = factories.monde(s, reglages)
        disp = fab.dispositif(s, monde)
        referent = utilisateur(s, monde.asso, "agent", email="referente@asso.test")
        entetes = monde.h("asso_resp")
        s.commit()
    app = create_app(reglages, engine=base_dediee)
    mesures = _mesures(disp.code, referent.email)
    mesures[1]["cible"] = "Inconnue"
    with TestClient(app) as client:
        r = client.post(
            URL,
            files=[("fichiers", ("f.xlsx", _fichier(disp.code, referent.email, Mesures=mesures), XLSX))],
            headers=entetes,
        )
        assert r.status_code == 422, r.text
        with Session(base_dediee) as s:
            assert s.exec(select(func.count()).select_from(Menage)).one() == 0
            assert s.exec(select(ImportFichier.statut)).all() == ["refuse"]
        r = client.post(
            URL, files=[("fichiers", ("f.xlsx", _fichier(disp.code, referent.email), XLSX))], headers=entetes
        )
        assert r.status_code == 201, r.text
    with Session(base_dediee) as s:
        assert s.exec(select(func.count()).select_from(Menage)).one() == 2
        assert s.exec(select(func.count()).select_from(Mesure)).one() == 2
        assert s.exec(select(func.count()).select_from(ImportObjet)).one() == 6


def test_limites_de_taille_et_de_lignes_en_reglage(settings, engine, db, monde: Monde, contexte) -> None:
    from fastapi.testclient import TestClient

    from api.core.db import get_session
    from api.main import create_app

    disp, referent = contexte
    contenu = _fichier(disp.code, referent.email)
    app = create_app(settings.model_copy(update={"import_max_octets": 2000, "import_max_lignes": 3}), engine=engine)
    app.dependency_overrides[get_session] = lambda: db
    with TestClient(app) as client:
        r = _poster(client, monde, contenu, essai=True)
        assert r.status_code == 413 and "2000" in r.json()["detail"]
        petit = "reference_menage;nom;prenom;lien\n" + "".join(f"M{i};Nom{i};Ana;demandeur\n" for i in range(4))
        r = _poster(client, monde, petit.encode(), essai=True, nom="menages.csv", ctype="text/csv")
        assert r.status_code == 422 and "dépasse 3 lignes" in r.json()["detail"]
