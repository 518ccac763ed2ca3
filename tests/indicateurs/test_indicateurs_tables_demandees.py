"""Only the tables asked for: each table computed alone (its declared groupings only) is the
same table as in the whole document, and a request of a few tables does not run the passes
of the others (issue 15: a report computes the tables of its model, N and N-1)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from api.indicateurs import moteur, service
from api.indicateurs.catalogue import REGROUPEMENTS, TABLES, regroupements_de
from tests import factories as fab
from tests.factories import utilisateur
from tests.indicateurs.test_indicateurs_seeds import seed_001

DU, AU = date(2015, 1, 1), date(2016, 4, 30)


def _jeu(db, monde) -> None:
    """Seed 001 (file active, orientations, decisions), and what it lacks: entry debts and
    procedures, rendez-vous, domains, a follow-up, a référent."""
    d = seed_001(db, monde)
    referent = utilisateur(db, monde.asso)
    men = fab.menage(
        db,
        monde,
        organisation=monde.asso,
        ressources=["rsa"],
        dettes=[("loyer", 1200), ("energie", 300)],
        nb_procedures=2,
    )
    m1 = fab.mesure(db, monde, d, men=men, mandatement=date(2016, 1, 15), referent_id=referent.id, statut="active")
    fab.rendez_vous(db, m1, date(2016, 1, 20))
    fab.rendez_vous(db, m1, date(2016, 2, 3), type="telephone", statut="absent")
    fab.domaines(db, m1, "budget_dettes", "sante")
    men2 = fab.menage(db, monde, organisation=monde.asso, dettes=[("loyer", 500)])
    fab.mesure(db, monde, d, men=men2, mandatement=date(2015, 2, 1), date_fin=date(2015, 9, 1), suivi_date_prevue=date(2016, 3, 1), suivi_realise_le=date(2016, 3, 2))  # fmt: skip


# What this dataset does not feed (no co-funded budget, no change of modalité): every other
# table counts something, so that comparing it alone with the whole document means something.
SANS_DONNEES = {"activite_financeurs_budget", "activite_financeurs_mois_mesures", "sorties_modalite_logement"}


def test_each_table_alone_is_the_table_of_the_whole_document(db, monde) -> None:
    _jeu(db, monde)
    gie = fab.principal(monde.gie)
    f = service.filtres(du=DU, au=AU)
    complet = service.calculer_indicateurs(db, gie, f=f, seuil=0)
    assert [t.code for t in complet.tableaux] == [t.code for t in TABLES]
    # not an empty document: most tables count something
    non_vides = [t.code for t in complet.tableaux if any(c.valeur for c in t.cellules)]
    assert set(t.code for t in TABLES) - set(non_vides) == SANS_DONNEES
    for attendu in complet.tableaux:
        # a ``calcul`` reading a grouping it does not declare (``lit``) fails here (KeyError)
        (seul,) = service.calculer_indicateurs(db, gie, f=f, seuil=0, tables={attendu.code}).tableaux
        assert seul == attendu, attendu.code


def test_a_few_tables_run_only_their_passes(db, monde, monkeypatch) -> None:
    _jeu(db, monde)
    gie = fab.principal(monde.gie)
    f = service.filtres(du=DU, au=AU)
    instructions: list[str] = []

    def noter(_conn, _cursor, statement, *_args) -> None:
        instructions.append(statement)

    codes = {"file_active", "file_active_commune", "sorties_motif", "activite"}
    noms = {n for t in TABLES if t.code in codes for n in regroupements_de(t)}
    assert noms == {"file_active_demandeur", "file_active_commune", "sorties", "mois_actifs", "periode"}
    calcules: list[str] = []
    passe, passe_source = moteur.Requetes.passe_mesures, moteur.Requetes.passe_source

    def passe_notee(self, gs):
        calcules.extend(g.nom for g in gs)
        return passe(self, gs)

    def source_notee(self, source, gs):
        calcules.extend(g.nom for g in gs)
        return passe_source(self, source, gs)

    monkeypatch.setattr(moteur.Requetes, "passe_mesures", passe_notee)
    monkeypatch.setattr(moteur.Requetes, "passe_source", source_notee)
    bind = db.get_bind()
    event.listen(bind, "before_cursor_execute", noter)
    try:
        doc = service.calculer_indicateurs(db, gie, f=f, seuil=0, tables=codes)
    finally:
        event.remove(bind, "before_cursor_execute", noter)
    assert [t.code for t in doc.tableaux] == [t.code for t in TABLES if t.code in codes]  # catalogue order
    sql = "\n".join(instructions)
    # the passes over the orientations, the decisions and the rendez-vous are not run
    assert "FROM orientation" not in sql and "orientation_evenement" not in sql
    assert "rappel_rendez_vous" not in sql and "FROM rendez_vous JOIN" not in sql
    # nor the groupings of the mesures' pass that these tables do not read
    assert sorted(calcules) == sorted(noms)
    assert len(REGROUPEMENTS) > len(noms) + 10


def test_each_source_is_read_once_for_the_whole_document(db, monde) -> None:
    """The rendez-vous of the period and the modalités' periods feed two groupings each:
    one statement per source (plus, for the reminders, one read of the reminders sent), not
    one per grouping (issue 16: the rendez-vous of a year were read twice, 430 ms of a
    1.5 s document at département scale)."""
    _jeu(db, monde)
    instructions: list[str] = []

    def noter(_conn, _cursor, statement, *_args) -> None:
        instructions.append(statement)

    bind = db.get_bind()
    event.listen(bind, "before_cursor_execute", noter)
    try:
        doc = service.calculer_indicateurs(db, fab.principal(monde.gie), f=service.filtres(du=DU, au=AU), seuil=0)
    finally:
        event.remove(bind, "before_cursor_execute", noter)
    assert {"rendez_vous", "absences_rappel", "entrees_modalite_logement"} <= {t.code for t in doc.tableaux}
    rdv = [s for s in instructions if "FROM rendez_vous JOIN mesure" in s]
    assert len(rdv) == 2 and sum("rappel_rendez_vous" in s for s in rdv) == 1
    assert sum("periodes_modalite" in s for s in instructions) == 1
    assert sum("FROM orientation_evenement" in s for s in instructions) == 1
