"""Indicators true at any date: each table reads what was in force on the day it speaks of.

A bilan « au 31/12/2020 » recomputed later gives the same cells, whatever happened
after that day (reorientations, modality and référent changes, suspensions, exits):
checked by hand on small cases, then by a property-based test (hypothesis) over
random sequences of events before and after D.
"""

from __future__ import annotations

import importlib.util
import os
import uuid
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from hypothesis import HealthCheck, given
from hypothesis import settings as reglages
from hypothesis import strategies as st
from sqlmodel import Session

from api.core.concurrency import etag
from api.core.errors import Probleme
from api.indicateurs import service as indicateurs
from api.mesures import cycle, historique
from api.mesures import service as mesures
from api.mesures.models import Mesure, MotifFin
from api.mesures.schemas import (
    Activation,
    ChangementReferent,
    ChangementStatut,
    Demarrage,
    Fin,
    MesureUpdate,
    Reorientation,
)
from tests import factories as fab
from tests.factories import Monde, utilisateur
from tests.indicateurs.test_indicateurs_seeds import cellules

URL = "/api/v1/indicateurs"
D = date(2020, 12, 31)
EXEMPLES = int(os.environ.get("ANCRAGE_EXEMPLES_HISTORIQUE", "6"))


def _si(mes: Mesure) -> str:
    return etag(mes.version)


def _get(client, monde, **params):
    r = client.get(URL, params={"du": "2020-01-01", **params}, headers=monde.h("gie"))
    assert r.status_code == 200, r.text
    return r.json()


def test_reorientation_changes_the_cible_from_its_date_only(client, db: Session, monde: Monde) -> None:
    d = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, d, men=fab.menage(db, monde, organisation=monde.asso), mandatement=date(2020, 3, 1), statut="mandatee")
    db.commit()
    asso = fab.principal(monde.asso)
    cycle.reorienter(
        db,
        asso,
        mesure_id=mes.id,
        data=Reorientation(date_effet=date(2021, 1, 15), cible_code="sante_mentale", motif="besoin"),
        aujourdhui=date(2021, 2, 1),
    )
    avant = cellules(_get(client, monde, au=D.isoformat()), "file_active_cible")
    apres = cellules(_get(client, monde, au="2021-01-15"), "file_active_cible")
    assert (avant["cible=habitat_adapte"], avant["cible=sante_mentale"]) == (1, 0)
    assert (apres["cible=habitat_adapte"], apres["cible=sante_mentale"]) == (0, 1)
    # the cible filter reads the cible in force at « au » too
    filtre = _get(client, monde, au=D.isoformat(), cible="sante_mentale")
    assert cellules(filtre, "file_active")["total"] == 0
    # and the files behind the cell are those of the table
    r = client.get(
        URL + "/detail",
        params={
            "du": "2020-01-01",
            "au": D.isoformat(),
            "table": "file_active_cible",
            "cellule": "cible=habitat_adapte",
        },
        headers=monde.h("gie"),
    )
    assert [x["reference"] for x in r.json()["elements"]] == [mes.reference]
    # A reorientation dated before the previous one would rewrite a closed period: refused.
    r = client.post(
        f"/api/v1/mesures/{mes.id}/reorienter",
        json={"date_effet": "2020-12-01", "cible_code": "reassurance", "motif": "erreur"},
        headers=monde.h("asso_agent"),
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "date_effet" in r.text and "2021-01-15" in r.text


def test_modalite_is_counted_from_its_start_date(client, db: Session, monde: Monde) -> None:
    d = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, d, men=fab.menage(db, monde, organisation=monde.asso), mandatement=date(2020, 3, 1), statut="active")
    db.commit()
    asso = fab.principal(monde.asso)
    mesures.modifier_mesure(
        db,
        asso,
        mesure_id=mes.id,
        data=MesureUpdate(modalite_logement="logement_transition", modalite_date_debut=date(2020, 10, 1)),
        if_match=_si(mes),
    )
    db.refresh(mes)
    mesures.modifier_mesure(
        db,
        asso,
        mesure_id=mes.id,
        data=MesureUpdate(modalite_logement="iml_bail_glissant", modalite_date_debut=date(2021, 4, 1)),
        if_match=_si(mes),
    )

    def modalites(au: str) -> dict[str, int]:
        c = cellules(_get(client, monde, au=au), "file_active_modalite_logement")
        return {k: v for k, v in c.items() if v and k != "total"}

    assert modalites("2020-09-30") == {"modalite_logement=non_renseigne": 1}
    assert modalites(D.isoformat()) == {"modalite_logement=logement_transition": 1}
    assert modalites("2021-04-01") == {"modalite_logement=iml_bail_glissant": 1}
    # Correcting the start of the current modalité moves the end of the previous one.
    db.refresh(mes)
    mesures.modifier_mesure(
        db, asso, mesure_id=mes.id, data=MesureUpdate(modalite_date_debut=date(2020, 12, 1)), if_match=_si(mes)
    )
    assert modalites(D.isoformat()) == {"modalite_logement=iml_bail_glissant": 1}
    assert historique.valeurs_au(db, mes.id, date(2020, 11, 30))["modalite_logement"] == "logement_transition"


def test_statut_at_a_past_date(client, db: Session, monde: Monde) -> None:
    d = fab.dispositif(db, monde)
    mes = fab.mesure(db, monde, d, men=fab.menage(db, monde, organisation=monde.asso), mandatement=date(2020, 3, 1), statut="mandatee")
    db.commit()
    asso = fab.principal(monde.asso)
    cycle.demarrer(
        db,
        asso,
        mesure_id=mes.id,
        data=Demarrage(date_debut=date(2020, 4, 1), evaluation=True),
        aujourdhui=date(2021, 6, 1),
    )
    cycle.activer(
        db,
        asso,
        mesure_id=mes.id,
        data=Activation(date_effet=date(2020, 6, 1), adhesion_date=date(2020, 5, 1)),
        aujourdhui=date(2021, 6, 1),
    )
    cycle.terminer(
        db,
        asso,
        mesure_id=mes.id,
        data=Fin(date_fin=date(2021, 3, 1), motif_fin=MotifFin.relogement, situation_sortie="locataire_parc_public"),
        aujourdhui=date(2021, 6, 1),
    )
    statut = {
        au: {k: v for k, v in cellules(_get(client, monde, au=au), "file_active").items() if v and k != "total"}
        for au in ("2020-03-15", "2020-05-01", D.isoformat(), "2021-03-01")
    }
    assert statut == {
        "2020-03-15": {"statut_mesure=mandatee": 1},
        "2020-05-01": {"statut_mesure=en_evaluation": 1},
        D.isoformat(): {"statut_mesure=active": 1},
        "2021-03-01": {},  # ended that day
    }
    # an end dated before the current statut began is refused, naming the field
    mes2 = fab.mesure(db, monde, d, men=fab.menage(db, monde, organisation=monde.asso), mandatement=date(2020, 3, 1), statut="mandatee")
    db.commit()
    cycle.demarrer(
        db,
        asso,
        mesure_id=mes2.id,
        data=Demarrage(date_debut=date(2020, 6, 1), evaluation=True),
        aujourdhui=date(2021, 6, 1),
    )
    r = client.post(
        f"/api/v1/mesures/{mes2.id}/suspendre",
        json={"date_effet": "2020-05-01"},
        headers=monde.h("asso_agent"),
    )
    assert r.status_code in (409, 422), r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_migration_rebuilds_the_periods_from_the_events() -> None:
    """The reprise of migration 0016: periods read back from the events already kept."""
    chemin = next(Path("migrations/versions").glob("*_0016_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0016", chemin)
    assert spec and spec.loader
    mig = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mig)

    def ev(jour: date, type: str, de=None, vers=None, **donnees):
        return SimpleNamespace(
            date_effet=jour if type not in ("modification", "changement_referent") else None,
            quand=f"{jour.isoformat()}T10:00:00",
            type=type,
            de_statut=de,
            vers_statut=vers,
            donnees=donnees or None,
        )

    mandat = date(2020, 1, 10)
    changements = mig._changements(
        mandat,
        date(2020, 9, 1),
        [
            ev(mandat, "mandatement", None, "mandatee"),
            ev(date(2020, 2, 1), "demarrage", "mandatee", "en_evaluation"),
            ev(date(2020, 3, 1), "reorientation", ancienne_cible="habitat_adapte", nouvelle_cible="sante_mentale"),
            ev(date(2020, 4, 1), "modification", acces_maintien="acces"),
            ev(date(2020, 5, 1), "modification", modalite_logement="bail_direct"),
            ev(date(2020, 8, 1), "modification", modalite_logement="iml_bail_glissant"),
            ev(date(2020, 9, 5), "changement_referent", ancien_referent_id="u1", nouveau_referent_id="u2"),
        ],
    )
    assert changements == [
        ("statut", date(2020, 2, 1), "mandatee"),
        ("cible", date(2020, 3, 1), "habitat_adapte"),
        ("acces_maintien", date(2020, 4, 1), "maintien"),
        ("modalite_logement", mandat, None),  # the first modalité: since the mandatement
        ("modalite_logement", date(2020, 9, 1), "bail_direct"),  # the current one: its start date
        ("referent", date(2020, 9, 5), "u1"),
    ]


# --- property: later events never move a past bilan -------------------------------------------

ACTIONS = ["demarrer", "activer", "suspendre", "reprendre", "reorienter", "modalite", "referent", "acces", "terminer"]
CIBLES = [c for c, _, _ in fab.CIBLES_001]
MODALITES = ["bail_direct", "sous_location_gla", "iml_bail_glissant", "logement_transition"]
N_MESURES = 4


def evenements(debut: date, fin: date) -> st.SearchStrategy[list[tuple[str, int, date, int]]]:
    jours = (fin - debut).days
    return st.lists(
        st.tuples(
            st.sampled_from(ACTIONS),
            st.integers(0, N_MESURES - 1),
            st.integers(0, jours).map(lambda j: debut + timedelta(days=j)),
            st.integers(0, 3),
        ),
        max_size=14,
    ).map(lambda evs: sorted(evs, key=lambda e: e[2]))


def _appliquer(
    db: Session, asso, referents, mes: Mesure, action: str, jour: date, choix: int, *, corrections: bool = True
) -> None:
    """One event through the service (the rules of the API); a refused one changes nothing.

    Without ``corrections``, only events that happen on ``jour``: giving the modalité in
    force again with a new start date is not a change on that day but the correction of
    when it began (``historique.redater_modalite``), which may rightly move a past figure
    (a deposited report keeps its figures and shows the drift, docs/rapports.md)."""
    db.refresh(mes)
    if jour < mes.date_mandatement:
        return
    if not corrections and action == "modalite" and mes.modalite_logement == MODALITES[choix]:
        return
    try:
        if action == "demarrer":
            cycle.demarrer(
                db, asso, mesure_id=mes.id, data=Demarrage(date_debut=jour, evaluation=True), aujourdhui=jour
            )
        elif action == "activer":
            cycle.activer(
                db, asso, mesure_id=mes.id, data=Activation(date_effet=jour, adhesion_date=jour), aujourdhui=jour
            )
        elif action in ("suspendre", "reprendre"):
            fn = cycle.suspendre if action == "suspendre" else cycle.reprendre
            fn(db, asso, mesure_id=mes.id, data=ChangementStatut(date_effet=jour), aujourdhui=jour)
        elif action == "reorienter":
            cycle.reorienter(
                db,
                asso,
                mesure_id=mes.id,
                data=Reorientation(date_effet=jour, cible_code=CIBLES[choix], motif="m"),
                aujourdhui=jour,
            )
        elif action == "modalite":
            mesures.modifier_mesure(
                db,
                asso,
                mesure_id=mes.id,
                data=MesureUpdate(modalite_logement=MODALITES[choix], modalite_date_debut=jour),
                if_match=_si(mes),
            )
        elif action == "referent":
            cycle.changer_referent(
                db, asso, mesure_id=mes.id, data=ChangementReferent(referent_id=referents[choix % 2])
            )
        elif action == "acces":
            mesures.modifier_mesure(
                db,
                asso,
                mesure_id=mes.id,
                data=MesureUpdate(acces_maintien=("acces", "maintien")[choix % 2]),
                if_match=_si(mes),
            )
        else:
            cycle.terminer(
                db,
                asso,
                mesure_id=mes.id,
                data=Fin(date_fin=jour, motif_fin=MotifFin.relogement, situation_sortie="locataire_parc_public"),
                aujourdhui=jour,
            )
    except Probleme:
        db.rollback()


def _cellules(db: Session, principal, f) -> dict[tuple[str, str], object]:
    doc = indicateurs.calculer_indicateurs(db, principal, f=f, seuil=0)
    return {(t.code, c.cle): c.valeur for t in doc.tableaux for c in t.cellules}


@reglages(
    max_examples=EXEMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    avant=evenements(date(2020, 1, 1), D),
    apres=evenements(D + timedelta(days=1), D + timedelta(days=500)),
    naissances=st.lists(st.dates(date(1940, 1, 1), date(2001, 12, 31)), min_size=N_MESURES, max_size=N_MESURES),
)
def test_later_events_never_change_a_past_bilan(db: Session, monde: Monde, avant, apres, naissances) -> None:
    d = fab.dispositif(db, monde, code=f"P{uuid.uuid4().hex[:6]}")
    asso = fab.principal(monde.asso)
    referents = [utilisateur(db, monde.asso).id, utilisateur(db, monde.asso).id]
    liste = [
        fab.mesure(db, monde, d, men=fab.menage(db, monde, organisation=monde.asso, naissance=naissances[i]), mandatement=date(2020, 1, 1) + timedelta(days=60 * i), statut="mandatee")
        for i in range(N_MESURES)
    ]
    db.commit()
    for action, i, jour, choix in avant:
        _appliquer(db, asso, referents, liste[i], action, jour, choix)
    gie = fab.principal(monde.gie)
    filtres = [
        indicateurs.filtres(du=date(2020, 1, 1), au=D, dispositif=d.id),
        indicateurs.filtres(du=date(2020, 7, 1), au=D, dispositif=d.id, age=indicateurs.ModeAge.a_l_entree),
        indicateurs.filtres(du=date(2020, 1, 1), au=D, dispositif=d.id, cible="sante_mentale"),
    ]
    avant_doc = [_cellules(db, gie, f) for f in filtres]
    for action, i, jour, choix in apres:
        _appliquer(db, asso, referents, liste[i], action, jour, choix, corrections=False)
    for f, attendu in zip(filtres, avant_doc, strict=True):
        recalcul = _cellules(db, gie, f)
        differences = {k: (v, recalcul.get(k)) for k, v in attendu.items() if recalcul.get(k) != v}
        assert not differences, differences
