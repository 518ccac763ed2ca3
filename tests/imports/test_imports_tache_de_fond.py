"""Large caseload files as background tasks: 202 and the task's address, progress in the
database (read by any API worker), the outcome and the report on the history row, still all
or nothing, and visible to the importing association (and the admin) only.

The worker's turn (``service.executer_tache``) is called here as ``python -m api notifications``
calls it at every turn of its loop.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.core.db import get_session
from api.core.models import utcnow
from api.imports import service
from api.imports.models import ImportFichier, ImportObjet, ImportTache, ImportTacheFichier
from api.main import create_app
from api.menages.models import Menage
from api.mesures.models import Mesure
from tests import factories as fab
from tests.factories import Monde, utilisateur
from tests.imports.test_imports import URL, XLSX, _fichier, _menages, _mesures, _poster, _xlsx
from tests.imports.test_imports_lots import _fichier as _fichier_lots

SEUIL = 5  # lines: the files of these tests (18 lines) go to the background


@pytest.fixture
def contexte(db, monde: Monde):
    disp = fab.dispositif(db, monde)
    referent = utilisateur(db, monde.asso, "agent", email="referente@asso.test")
    monde.users["asso2_resp"] = utilisateur(db, monde.asso2, "responsable")
    return disp, referent


@pytest.fixture
def client_fond(settings, engine, db) -> Iterator[TestClient]:
    app: FastAPI = create_app(settings.model_copy(update={"import_lignes_synchrones": SEUIL}), engine=engine)
    app.dependency_overrides[get_session] = lambda: db
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def _compter(db, modele: Any) -> int:
    return int(db.exec(select(func.count()).select_from(modele)).one())


def _tour(db, **kw: Any) -> int:
    return service.executer_tache(db, max_lignes=20_000, rythme=0, **kw)


def test_gros_fichier_202_puis_progression_puis_resultat(client_fond, monde: Monde, db, contexte, monkeypatch) -> None:
    disp, _ = contexte
    contenu = _fichier_lots(disp.code, "referente@asso.test")
    r = _poster(client_fond, monde, contenu, essai=False)
    assert r.status_code == 202, r.text
    tache = r.json()
    adresse = r.headers["location"]
    assert adresse == f"{URL}/{tache['id']}"
    assert tache["statut"] == "en_attente" and tache["en_fond"] is True
    assert tache["lignes_lues"] == tache["nb_lignes"] == 18 and tache["lignes_ecrites"] == 0
    assert tache["termine_le"] is None
    # Nothing written yet; the files wait in the database for the worker.
    assert _compter(db, Menage) == 0 and _compter(db, ImportTacheFichier) == 1
    # Leave and come back: the task is in the history, and at its address.
    historique = client_fond.get(URL, headers=monde.h("asso_resp")).json()
    assert [(i["id"], i["statut"]) for i in historique] == [(tache["id"], "en_attente")]
    assert client_fond.get(adresse, headers=monde.h("asso_resp")).json()["statut"] == "en_attente"

    # The worker's turn: what it tells the screen as it goes, and what the screen reads then.
    vu: list[tuple[str, int, str, int]] = []
    ecrivain = service._ecrivain

    def espion(session: Session, import_id: Any, rythme: float) -> service.Suivi:
        noter = ecrivain(session, import_id, rythme)

        def suivi(quoi: str, lignes: int) -> None:
            noter(quoi, lignes)
            # What a GET reads then (columns, not the session's cached row).
            colonne = getattr(ImportFichier, f"lignes_{quoi}")
            statut, lu = db.exec(select(ImportFichier.statut, colonne).where(ImportFichier.id == import_id)).one()
            db.commit()  # its savepoint released at once: the import's go on nesting
            vu.append((quoi, lignes, statut, lu))

        return suivi

    monkeypatch.setattr(service, "_ecrivain", espion)
    monkeypatch.setattr(service, "TAILLE_LOT", 2)  # 5 new households: three batches
    assert _tour(db) == 1
    assert _tour(db) == 0  # nothing else waits
    # Lines read, checked, then written batch after batch, each step readable while it runs.
    assert [q for q, *_ in vu][:2] == ["lues", "verifiees"]
    ecrites = [n for q, n, *_ in vu if q == "ecrites"]
    assert len(ecrites) >= 3 and ecrites == sorted(ecrites) and 0 < ecrites[0] < 18
    assert all(statut == "en_cours" and lu == n for _, n, statut, lu in vu)

    fini = client_fond.get(adresse, headers=monde.h("asso_resp")).json()
    assert fini["statut"] == "importe" and fini["erreurs"] == [] and fini["termine_le"] is not None
    assert (fini["lignes_lues"], fini["lignes_verifiees"], fini["lignes_ecrites"]) == (18, 18, 18)
    assert fini["bilan"]["menage"]["cree"] == 5 and fini["bilan"]["mesure"]["cree"] == 5
    assert _compter(db, Menage) == 5 and _compter(db, Mesure) == 5
    # The files are gone with the task.
    assert _compter(db, ImportTacheFichier) == 0 and _compter(db, ImportTache) == 0
    assert (
        db.exec(
            select(func.count()).select_from(ImportObjet).where(ImportObjet.import_id == uuid.UUID(fini["id"]))
        ).one()
        > 0
    )


def test_une_tache_qui_echoue_au_milieu_n_ecrit_rien_et_le_dit(base_dediee, settings, monkeypatch) -> None:
    """On a database of its own, through the app's and the worker's own sessions (no test
    transaction around): the first batch is written in the import's transaction, the second
    fails; nothing is left, and the history row says so. On PostgreSQL, the progress is read
    from another connection while the import's transaction is still open."""
    from tests import factories

    reglages = settings.model_copy(
        update={
            "database_url": base_dediee.url.render_as_string(hide_password=False),
            "import_lignes_synchrones": SEUIL,
        }
    )
    with Session(base_dediee, expire_on_commit=False) as s:
        monde = factories.monde(s, reglages)
        disp = fab.dispositif(s, monde)
        utilisateur(s, monde.asso, "agent", email="referente@asso.test")
        entetes = monde.h("asso_resp")
        s.commit()
    with TestClient(create_app(reglages, engine=base_dediee)) as client:
        r = client.post(
            URL,
            files=[("fichiers", ("f.xlsx", _fichier_lots(disp.code, "referente@asso.test"), XLSX))],
            headers=entetes,
        )
        assert r.status_code == 202, r.text
        adresse = r.headers["location"]
        monkeypatch.setattr(service, "TAILLE_LOT", 2)
        lots: list[int] = []
        vu: list[int] = []
        ecrire_lot = service._ecrire_lot

        def deuxieme_lot_en_panne(*args: Any, **kw: Any) -> Any:
            lots.append(1)
            if len(lots) == 2:
                vu.append(client.get(adresse, headers=entetes).json()["lignes_ecrites"])
                raise RuntimeError("panne au milieu")
            return ecrire_lot(*args, **kw)

        monkeypatch.setattr(service, "_ecrire_lot", deuxieme_lot_en_panne)
        with Session(base_dediee, expire_on_commit=False) as worker:
            assert _tour(worker) == 1
        assert len(lots) == 2  # the first batch had been written in the import's transaction
        if base_dediee.dialect.name == "postgresql":
            assert vu and vu[0] > 0  # the progress of the first batch, committed apart
        fin = client.get(adresse, headers=entetes).json()
        assert fin["statut"] == "echec" and "rien n'a été écrit" in fin["message"] and fin["termine_le"]
        with Session(base_dediee, expire_on_commit=False) as worker:
            assert _compter(worker, Menage) == 0 and _compter(worker, Mesure) == 0
            assert _compter(worker, ImportObjet) == 0 and _compter(worker, ImportTacheFichier) == 0
            assert _tour(worker) == 0  # a failed task is not run again


def test_une_tache_avec_erreurs_de_lignes_garde_son_rapport(client_fond, monde: Monde, db, contexte) -> None:
    disp, referent = contexte
    mesures = _mesures(disp.code, referent.email)
    mesures[1]["cible"] = "Inconnue"
    r = _poster(client_fond, monde, _fichier(disp.code, referent.email, Mesures=mesures), essai=False)
    assert r.status_code == 202, r.text
    assert _tour(db) == 1
    fin = client_fond.get(r.headers["location"], headers=monde.h("asso_resp")).json()
    assert fin["statut"] == "refuse" and fin["nb_erreurs"] == 2, fin["erreurs"]
    # The same report as the synchronous answer: the line, and the rendez-vous of its mesure.
    assert [(e["feuille"], e["ligne"], e["colonne"], e["valeur"]) for e in fin["erreurs"]] == [
        ("Mesures", 3, "cible", "Inconnue"),
        ("Rendez-vous", 3, "reference_mesure", "MES-2"),
    ]
    assert _compter(db, Menage) == 0
    # The dry run goes to the background too, its report likewise.
    r = _poster(client_fond, monde, _fichier(disp.code, referent.email), essai=True)
    assert r.status_code == 202 and r.json()["essai"] is True
    assert _tour(db) == 1
    fin = client_fond.get(r.headers["location"], headers=monde.h("asso_resp")).json()
    assert fin["statut"] == "essai_valide" and fin["erreurs"] == [] and _compter(db, Menage) == 0


def test_la_tache_n_est_visible_que_de_son_association_et_de_l_admin(client_fond, monde: Monde, db, contexte) -> None:
    disp, referent = contexte
    r = _poster(client_fond, monde, _fichier(disp.code, referent.email), essai=False)
    assert r.status_code == 202, r.text
    adresse = r.headers["location"]
    assert client_fond.get(adresse, headers=monde.h("asso_resp")).status_code == 200
    assert client_fond.get(adresse, headers=monde.h("admin")).status_code == 200
    for autre in ("asso2_resp", "asso2_agent", "asso_agent", "gie", "bailleur", "financeur", "bailleur_si"):
        reponse = client_fond.get(adresse, headers=monde.h(autre))
        assert reponse.status_code == 404, (autre, reponse.text)
        assert "en_attente" not in reponse.text
    # Nor in another association's history.
    r = client_fond.get(URL, headers=monde.h("asso2_resp"))
    assert r.status_code == 200 and r.json() == []
    assert client_fond.get(f"{URL}/{ImportFichier().id}", headers=monde.h("asso_resp")).status_code == 404


def test_limites_avant_la_tache_et_seuil_en_reglage(client_fond, settings, engine, db, monde: Monde, contexte) -> None:
    disp, referent = contexte
    contenu = _fichier(disp.code, referent.email)
    # Above the lines allowed, the file is refused at once (422 naming the setting), no task made.
    app = create_app(settings.model_copy(update={"import_lignes_synchrones": 2, "import_max_lignes": 8}), engine=engine)
    app.dependency_overrides[get_session] = lambda: db
    with TestClient(app) as client:
        r = _poster(client, monde, contenu, essai=False)
        assert r.status_code == 422 and "ANCRAGE_IMPORT_MAX_LIGNES" in r.json()["detail"]
        assert _compter(db, ImportFichier) == 0
    # Above the size allowed: 413, saying what to do.
    app = create_app(settings.model_copy(update={"import_max_octets": 2000}), engine=engine)
    app.dependency_overrides[get_session] = lambda: db
    with TestClient(app) as client:
        r = _poster(client, monde, contenu, essai=False)
        assert r.status_code == 413 and "2000 octets au plus" in r.json()["detail"]
        assert "découpez-le" in r.json()["detail"]
    # At or below the threshold: the answer comes at once, as before.
    app = create_app(settings.model_copy(update={"import_lignes_synchrones": 10}), engine=engine)
    app.dependency_overrides[get_session] = lambda: db
    with TestClient(app) as client:
        r = _poster(client, monde, contenu, essai=False)
        assert r.status_code == 201, r.text
        assert r.json()["en_fond"] is False and r.json()["lignes_ecrites"] == 10
    assert _compter(db, ImportTache) == 0


@pytest.mark.parametrize("lot", [True, False], ids=["par_lots", "un_par_un"])
def test_une_fin_sans_motif_est_signalee_sur_la_colonne_du_motif(client, monde: Monde, db, contexte, lot) -> None:
    """Before: « date_fin (vide) » by batch, a 500 one by one (the assertion of the end)."""
    disp, referent = contexte
    mesures = _mesures(disp.code, referent.email)
    feuilles: dict[str, Any] = {}
    if lot:  # plain new mesures, without rendez-vous: the batch writes them
        for m in mesures:
            m.pop("modalite_logement")
            m.pop("domaines")
        feuilles = {"Ménages et personnes": _menages(), "Mesures": mesures}
    del mesures[1]["motif_fin"]
    contenu = _xlsx(feuilles) if lot else _fichier(disp.code, referent.email, Mesures=mesures)
    r = _poster(client, monde, contenu, essai=True)
    assert r.status_code == 200, r.text
    erreurs = [(e["ligne"], e["colonne"]) for e in r.json()["erreurs"]]
    assert erreurs == [(3, "motif_fin")], r.json()["erreurs"]


def test_une_tache_dont_le_travailleur_est_mort_finit_en_echec(client_fond, monde: Monde, db, contexte) -> None:
    """A worker stopped in the middle leaves its task « en_cours » (its transaction, and so
    its writes, went with it): silent for too long, the next turn says so, and the screen
    stops waiting. A task that shows signs of life is left alone."""
    disp, referent = contexte
    taches = []
    for _ in range(2):
        r = _poster(client_fond, monde, _fichier(disp.code, referent.email), essai=False)
        assert r.status_code == 202, r.text
        taches.append(db.get(ImportFichier, uuid.UUID(r.json()["id"])))
    morte, vivante = taches
    maintenant = utcnow()
    morte.statut, morte.vu_le = "en_cours", maintenant - service.ABANDON - timedelta(minutes=1)
    vivante.statut, vivante.vu_le = "en_cours", maintenant - timedelta(minutes=1)
    db.add_all([morte, vivante])
    db.commit()
    assert _tour(db) == 0  # nothing waiting
    fin = client_fond.get(f"{URL}/{morte.id}", headers=monde.h("asso_resp")).json()
    assert fin["statut"] == "echec" and "interrompu" in fin["message"] and fin["termine_le"]
    assert client_fond.get(f"{URL}/{vivante.id}", headers=monde.h("asso_resp")).json()["statut"] == "en_cours"
    restants = set(db.exec(select(ImportTache.import_id)))
    assert restants == {vivante.id}
    assert _compter(db, Menage) == 0
