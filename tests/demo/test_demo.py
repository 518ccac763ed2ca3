"""The demo population: reproducible, and consistent with the product's rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from api.core.db import make_engine
from api.core.migrate import upgrade
from api.core.security import verify_password
from api.demo import referentiel as ref
from api.demo.comptes import ROLES, comptes_demo
from api.demo.equipes import CHARGE
from api.demo.generateur import charger
from api.mesures.models import Mesure, RendezVous
from api.organisations.models import Organisation, Utilisateur
from api.orientations.models import Orientation, OrientationEvenement, SessionCommission
from tests.conftest import base_jetable

AUJOURD_HUI = date(2026, 11, 1)
DECISIONS = {"acceptee", "refusee", "refus_beneficiaire"}

Chargeur = Callable[[int, int], tuple[Engine, dict[str, int]]]


@pytest.fixture
def charge(tmp_path) -> Iterator[Chargeur]:
    """Loads ``menages`` households with a seed into a new database (SQLite, or PostgreSQL when
    ANCRAGE_DATABASE_URL names one), dropped after the test."""
    with ExitStack() as pile:

        def load(menages: int, seed: int) -> tuple[Engine, dict[str, int]]:
            url = pile.enter_context(base_jetable(tmp_path, "ancrage_demo"))
            upgrade(url)
            engine = make_engine(url)
            pile.callback(engine.dispose)
            counts = charger(engine, menages=menages, graine=seed, aujourd_hui=AUJOURD_HUI, journal=lambda _m: None)
            return engine, counts

        yield load


def _fingerprint(engine) -> dict[str, list]:
    with Session(engine) as s:
        return {
            "mesures": list(
                s.execute(
                    select(
                        Mesure.id,
                        Mesure.reference,
                        Mesure.statut,
                        Mesure.date_mandatement,
                        Mesure.date_fin,
                        Mesure.referent_id,
                    ).order_by(Mesure.reference)
                )
            ),
            "comptes": list(
                s.execute(
                    select(
                        Utilisateur.id,
                        Utilisateur.email,
                        Utilisateur.nom,
                        Utilisateur.prenom,
                        Utilisateur.role,
                        Utilisateur.actif,
                        Utilisateur.organisation_id,
                    ).order_by(Utilisateur.email)
                )
            ),
            "sessions": list(
                s.execute(
                    select(SessionCommission.id, SessionCommission.date, SessionCommission.close).order_by(
                        SessionCommission.date, SessionCommission.id
                    )
                )
            ),
            "orientations": list(
                s.execute(
                    select(Orientation.reference, Orientation.statut, Orientation.session_commission_id).order_by(
                        Orientation.reference
                    )
                )
            ),
            "evenements": list(
                s.execute(
                    select(OrientationEvenement.id, OrientationEvenement.session_commission_id).order_by(
                        OrientationEvenement.id
                    )
                )
            ),
            "par_role": sorted(comptes_demo(s).items()),
        }


def test_same_seed_same_data_other_seed_other_data(charge) -> None:
    a, ca = charge(60, 7)
    b, cb = charge(60, 7)
    c, _ = charge(60, 8)
    ca.pop("secondes"), cb.pop("secondes")
    assert ca == cb
    fa, fb, fc = _fingerprint(a), _fingerprint(b), _fingerprint(c)
    assert fa == fb
    assert fa["mesures"] != fc["mesures"] and fa["comptes"] != fc["comptes"]


def test_rows_follow_the_rules(charge) -> None:
    engine, counts = charge(60, 3)
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


def test_staff_in_proportion_sessions_and_accounts(charge) -> None:
    """Seed 002: 35 mesures per worker. One load of 1,000 households: the forecast of the
    rosters is exact at this size, so the proportions hold exactly."""
    engine, counts = charge(1000, 5)
    with Session(engine) as s:
        associations = s.execute(select(Organisation.id).where(Organisation.type == "association")).scalars().all()
        agents = {
            u.id: u
            for u in s.execute(
                select(Utilisateur).where(Utilisateur.organisation_id.in_(associations), Utilisateur.role == "agent")
            ).scalars()
        }
        mesures = s.execute(select(Mesure.association_id, Mesure.referent_id, Mesure.statut)).all()
        for asso in associations:
            ouvertes = Counter(r for a, r, st in mesures if a == asso and st != "terminee")
            en_poste = [u for u in agents.values() if u.organisation_id == asso and u.actif]
            # about one référent per 35 mesures in progress, at least one
            assert len(en_poste) == max(1, round(sum(ouvertes.values()) / CHARGE))
            assert set(ouvertes) <= {u.id for u in en_poste}
            if sum(ouvertes.values()) >= CHARGE:
                assert all(20 <= n <= 50 for n in ouvertes.values()), ouvertes
        # every mesure is carried by an agent of its own association; closed ones also by former staff
        assert all(r in agents and agents[r].organisation_id == a for a, r, _ in mesures)
        assert any(not agents[r].actif for _, r, st in mesures if st == "terminee")
        assert not any(not agents[r].actif for _, r, st in mesures if st != "terminee")
        assert max(Counter(r for _, r, st in mesures if st != "terminee").values()) <= 50

        # Commission sessions past (closed) and upcoming (open) for each dispositif.
        sessions = {x.id: x for x in s.execute(select(SessionCommission)).scalars()}
        assert counts["session_commission"] == len(sessions)
        for disp in {x.dispositif_id for x in sessions.values()}:
            dates = [x for x in sessions.values() if x.dispositif_id == disp]
            assert any(x.date < AUJOURD_HUI and x.close for x in dates)
            assert any(x.date >= AUJOURD_HUI and not x.close for x in dates)
        assert all(x.close == (x.date < AUJOURD_HUI) for x in sessions.values())
        # the past sessions name their members (printed in their procès-verbal)
        assert all(bool(x.membres_presents) == x.close for x in sessions.values())
        orientations = {o.id: o for o in s.execute(select(Orientation)).scalars()}
        # a decision is taken at a session of the referral's dispositif, on its date
        decisions = s.execute(
            select(OrientationEvenement).where(
                OrientationEvenement.vers_statut.in_(DECISIONS | {"ajournee", "attente_infos", "liste_attente"})
            )
        ).scalars()
        for e in decisions:
            seance = sessions[e.session_commission_id]
            assert seance.date == e.date_effet and seance.close
            assert seance.dispositif_id == orientations[e.orientation_id].dispositif_id
        en_commission = [o for o in orientations.values() if o.statut == "en_commission"]
        assert en_commission
        # referrals wait for the commission: received and on no agenda yet, on every dispositif
        soumises = [o for o in orientations.values() if o.statut == "soumise"]
        assert {o.dispositif_id for o in soumises} == {x.dispositif_id for x in sessions.values()}
        assert all(o.session_commission_id is None and o.date_reception < AUJOURD_HUI for o in soumises)
        for o in en_commission:  # waiting on the agenda of an upcoming session
            seance = sessions[o.session_commission_id]
            assert seance.dispositif_id == o.dispositif_id and not seance.close
            assert seance.date >= AUJOURD_HUI
        for o in orientations.values():
            if o.statut in DECISIONS:
                assert sessions[o.session_commission_id].date == o.date_decision

        # The accounts by role, for a load generator.
        comptes = comptes_demo(s)
        assert set(comptes) == set(ROLES) and all(comptes[r] for r in ROLES)
        assert len(comptes["agent"]) == sum(1 for u in agents.values() if u.actif)
        assert len(comptes["bailleur_client"]) == 3 and len(comptes["admin"]) == 1
        assert len(comptes["bailleur"]) >= 2 * 3 and len(comptes["financeur"]) >= 2 * 2
        emails = [c.email for liste in comptes.values() for c in liste]
        assert len(emails) == len(set(emails))
        assert {"agent1.espoir@ancrage-demo.fr", "responsable.espoir@ancrage-demo.fr"} <= set(emails)
        admin = s.execute(select(Utilisateur).where(Utilisateur.email == ref.DEMO_ADMIN)).scalar_one()
        assert verify_password(ref.DEMO_PASSWORD, admin.mot_de_passe_hash)
