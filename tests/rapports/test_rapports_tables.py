"""A report computes only the tables its sections name (N and N-1), with the figures of the
whole indicator document: for both shipped models, every cell of every named table, with
and without statistical secrecy, and the content drawn from them (issue 15)."""

from __future__ import annotations

import uuid

import pytest

from api.indicateurs.catalogue import TABLES
from api.rapports import service
from api.rapports.models import Rapport, RapportModele
from tests import factories as fab
from tests.rapports.rapports_donnees import annee_sime, bilan_commission
from tests.rapports.test_rapports import creer, modele


def _rapport(client, db, monde, jeu: str) -> tuple[Rapport, list[dict], object]:
    if jeu == "annuel":
        d, _ouvertes = annee_sime(client, monde)
        h, auteur = monde.h("asso_agent"), monde.asso
        m = modele(client, h, "rapport_activite_annuel")
        rap = creer(client, h, modele_id=m["id"], dispositif_id=d["id"], annee=2023)
    else:
        d = bilan_commission(client, monde)
        h, auteur = monde.h("gie"), monde.gie
        m = modele(client, h, "bilan_dispositif")
        rap = creer(client, h, modele_id=m["id"], dispositif_id=d["id"], du="2015-01-01", au="2016-04-30")
    r = db.get(Rapport, uuid.UUID(rap["id"]))
    gabarit = db.get(RapportModele, r.modele_id)
    return r, gabarit.sections, fab.principal(auteur)


def _memes_tables(sous: dict | None, tout: dict | None, nommees: set[str]) -> None:
    assert (sous is None) == (tout is None)
    if tout is None:
        return
    assert sous["parametres"] == tout["parametres"]
    par_code = {t["code"]: t for t in sous["tableaux"]}
    for t in tout["tableaux"]:
        if t["code"] in nommees:
            # a named table missing from the subset, or any cell that differs, fails here
            assert par_code.get(t["code"]) == t, t["code"]


@pytest.mark.parametrize("jeu", ["annuel", "bilan"])
def test_le_rapport_ne_calcule_que_ses_tables_aux_memes_chiffres(client, db, monde, jeu) -> None:
    r, sections, auteur = _rapport(client, db, monde, jeu)
    nommees = service._tables_nommees(sections)
    assert 5 < len(nommees) < len(TABLES) / 2

    sous_n, sous_n1 = service._documents(db, auteur, r, sections, 0)
    tout_n, tout_n1 = service._documents(db, auteur, r, sections, 0, complet=True)
    assert [t["code"] for t in tout_n["tableaux"]] == [t.code for t in TABLES]
    assert {t["code"] for t in sous_n["tableaux"]} == nommees  # the others are not computed
    assert (sous_n1 is not None) == (jeu == "annuel")  # the bilan compares no year
    # figures that count (the datasets' hand counts: tests/rapports/rapports_donnees.py)
    fa = "file_active" if jeu == "annuel" else "file_active_cible"
    total = next(c["valeur"] for t in sous_n["tableaux"] if t["code"] == fa for c in t["cellules"] if c["cle"] == "total")
    assert total == (12 if jeu == "annuel" else 8)
    for sous, tout in ((sous_n, tout_n), (sous_n1, tout_n1)):
        _memes_tables(sous, tout, nommees)
        # a funder's reading (the deposit and the écarts mask the frozen documents so)
        _memes_tables(service.masquer(sous, 3), service.masquer(tout, 3), nommees)

    # The report drawn from the subset is the one drawn from the whole documents.
    brouillon = service._source_brouillon(db, db, auteur, r, 0)
    complet = service._source_brouillon(db, db, auteur, r, 0, complet=True)
    assert service._contenu(brouillon) == service._contenu(complet)
    blocs = [b.code for s in service._contenu(brouillon).sections for b in s.blocs]
    assert set(blocs) == nommees


def test_le_bilan_d_un_financeur_sous_secret_aux_memes_chiffres(client, db, monde) -> None:
    """Computed by the funder itself (no association filter): the secrecy is applied table by
    table, so the subset masks exactly the cells the whole document masks."""
    r, sections, _auteur = _rapport(client, db, monde, "bilan")
    financeur = fab.principal(monde.financeur)
    nommees = service._tables_nommees(sections)
    sous_n, _ = service._documents(db, financeur, r, sections, 3)
    tout_n, _ = service._documents(db, financeur, r, sections, 3, complet=True)
    assert any(c.get("masque") for t in sous_n["tableaux"] for c in t["cellules"])
    _memes_tables(sous_n, tout_n, nommees)
