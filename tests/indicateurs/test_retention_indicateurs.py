"""Retention anonymises households but past indicators stay the same (docs/domaine.md, « Règles de la loi »).

Every table is compared cell for cell, the age tables included: birth dates are
reduced to 1 January of the year (CNIL: "reduced to year or age bracket"), but the
indicators count ages at entry, recorded on the mesure at mandatement from the full
date (api/mesures/entree.py), which anonymisation does not touch.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from api.auth.principal import Principal
from api.demo.generateur import charger
from api.dispositifs.models import Dispositif
from api.indicateurs import service
from api.menages.models import Menage, Personne
from api.organisations.models import TypeOrganisation
from api.vie_privee.retention import appliquer_retention

AUJOURD_HUI = date(2026, 11, 1)


def _documents(session: Session) -> dict[str, dict]:
    out = {}
    for d in session.execute(select(Dispositif)).scalars().all():
        funder = Principal("utilisateur", uuid.uuid4(), d.financeur_id, TypeOrganisation.financeur, "agent", uuid.uuid4())
        for annee in (2021, 2022, 2023):
            f = service.filtres(du=date(annee, 1, 1), au=date(annee, 12, 31), dispositif=d.id)
            doc = service.calculer_indicateurs(session, funder, f=f, seuil=0).model_dump(mode="json")
            out[f"{d.code}/{annee}"] = doc
    return out


def test_indicators_unchanged_by_retention(base_dediee) -> None:
    charger(base_dediee, menages=80, graine=11, aujourd_hui=AUJOURD_HUI, journal=lambda _m: None)
    with Session(base_dediee) as session:
        avant = _documents(session)
        naissances = dict(session.execute(select(Personne.id, Personne.date_naissance)).all())
        bilan = appliquer_retention(session, maintenant=datetime(2026, 11, 1, 12, tzinfo=UTC))
        session.commit()
        anonymises = session.execute(select(func.count()).select_from(Menage).where(Menage.anonymise_le.is_not(None))).scalar_one()
        apres = _documents(session)
        apres_naissances = dict(session.execute(select(Personne.id, Personne.date_naissance)).all())
    reduites = sum(apres_naissances[i] != d for i, d in naissances.items())
    assert anonymises == len(bilan.menages) and anonymises >= 20  # the test really anonymised files
    compares = ages = 0
    for cle, doc in avant.items():
        tables_apres = {t["code"]: t for t in apres[cle]["tableaux"]}
        for t in doc["tableaux"]:
            assert t == tables_apres[t["code"]], (cle, t["code"])
            compares += 1
            ages += "age" in t["code"] and any(c["valeur"] for c in t["cellules"])
    assert compares > 50 and ages > 10  # the age tables were compared, and not empty
    # …while anonymisation did change birth dates (an age at a date would have moved).
    assert reduites >= 20
