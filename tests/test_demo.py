"""The demo population: reproducible, and consistent with the product's rules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from api.core.db import make_engine
from api.core.migrate import upgrade
from api.demo.generateur import charger
from api.mesures.models import Mesure, RendezVous
from api.orientations.models import Orientation, OrientationEvenement

AUJOURD_HUI = date(2026, 11, 1)
DECISIONS = {"acceptee", "refusee", "refus_beneficiaire"}


def _load(tmp_path, name: str, seed: int):
    url = f"sqlite:///{tmp_path / name}"
    upgrade(url)
    engine = make_engine(url)
    counts = charger(engine, menages=60, graine=seed, aujourd_hui=AUJOURD_HUI, journal=lambda _m: None)
    return engine, counts


def _fingerprint(engine) -> list[tuple]:
    with Session(engine) as s:
        return list(
            s.execute(
                select(Mesure.id, Mesure.reference, Mesure.statut, Mesure.date_mandatement, Mesure.date_fin).order_by(
                    Mesure.reference
                )
            )
        )


def test_same_seed_same_data_other_seed_other_data(tmp_path) -> None:
    a, ca = _load(tmp_path, "a.db", 7)
    b, cb = _load(tmp_path, "b.db", 7)
    c, _ = _load(tmp_path, "c.db", 8)
    ca.pop("secondes"), cb.pop("secondes")
    assert ca == cb
    assert _fingerprint(a) == _fingerprint(b)
    assert _fingerprint(a) != _fingerprint(c)


def test_rows_follow_the_rules(tmp_path) -> None:
    engine, counts = _load(tmp_path, "r.db", 3)
    assert counts["menage"] == 60 and counts["mesure"] > 40 and counts["rendez_vous"] > 300
    with Session(engine) as s:
        orientations = s.execute(select(Orientation)).scalars().all()
        for o in orientations:
            events = (
                s.execute(
                    select(OrientationEvenement)
                    .where(OrientationEvenement.orientation_id == o.id)
                    .order_by(OrientationEvenement.quand, OrientationEvenement.id)
                )
                .scalars()
                .all()
            )
            # the chain of events ends on the orientation's status and starts from brouillon
            assert events[0].de_statut == "brouillon"
            assert events[-1].vers_statut == o.statut or o.statut in ("ajournee", "attente_infos")
            if o.statut == "acceptee":
                mesure = s.get(Mesure, o.mesure_id)
                assert (
                    mesure is not None and mesure.orientation_id == o.id and mesure.association_id == o.association_id
                )
            if o.statut == "refusee":
                assert o.motif_refus in {"droit_commun", "hors_cible", "territoire_non_couvert", "parc_prive"}
        for m in s.execute(select(Mesure)).scalars():
            if m.statut == "terminee":
                assert m.date_fin and m.motif_fin and m.situation_sortie and m.date_fin <= AUJOURD_HUI
                assert m.suivi_date_prevue and m.suivi_date_prevue > m.date_fin
            else:
                assert m.date_fin is None
            assert m.date_mandatement <= AUJOURD_HUI
        futurs_tenus = s.execute(
            select(func.count())
            .select_from(RendezVous)
            .where(RendezVous.statut == "realise", func.date(RendezVous.debut) > AUJOURD_HUI)
        ).scalar_one()
        assert futurs_tenus == 0
        decided = sum(1 for o in orientations if o.statut in DECISIONS)
        accepted = sum(1 for o in orientations if o.statut == "acceptee")
        assert 0.6 < accepted / decided < 0.85  # seed 001: 74 accepted of 101
    engine.dispose()
