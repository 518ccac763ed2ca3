"""``mesure.premier_rdv_realise`` (migrations 0041 and 0044, issues 20 and 16): the first
held rendez-vous of the accompaniment (never the 6-month follow-up), kept at each write of a
rendez-vous, whatever writes it, equal to what the rendez-vous give when recomputed from
scratch; the alert « premier rendez-vous en attente » reads it and gives the alerts the
former probe of the rendez-vous gave, and so does the indicators' delay to the first one."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from api.alertes.schemas import Perimetre, TypeAlerte
from api.alertes.service import REGLES, valeurs_alertes
from api.bench.alertes import regles_avec_sonde, resultat
from api.core.concurrency import etag
from api.imports.models import ImportObjet
from api.mesures.models import Mesure, RendezVous, StatutMesure
from api.rendez_vous.schemas import RendezVousCreate, RendezVousUpdate, StatutRendezVous
from api.rendez_vous.service import creer_rendez_vous, modifier_rendez_vous
from tests import factories as fab
from tests.demo.test_demo import charge  # noqa: F401  (fixture)
from tests.factories import Monde, utilisateur
from tests.imports.test_imports import _fichier, _poster, _rdv

MAINTENANT = datetime.now(UTC).replace(microsecond=0)


def _utc(d: datetime | None) -> datetime | None:
    return None if d is None else (d if d.tzinfo is not None else d.replace(tzinfo=UTC)).astimezone(UTC)


def recalcules(db: Session) -> dict[uuid.UUID, datetime | None]:
    """Every mesure's first held rendez-vous, follow-ups left out, rebuilt from the
    rendez-vous (in Python, not with the triggers' SQL)."""
    attendus: dict[uuid.UUID, datetime | None] = {m: None for m in db.exec(select(Mesure.id))}
    for mesure_id, debut, statut, suivi in db.execute(
        select(col(RendezVous.mesure_id), col(RendezVous.debut), col(RendezVous.statut), col(RendezVous.est_suivi))
    ):
        actuel = attendus[mesure_id]
        tenu = statut == StatutRendezVous.realise.value and not suivi
        if tenu and (actuel is None or _utc(debut) < actuel):  # type: ignore[operator]
            attendus[mesure_id] = _utc(debut)
    return attendus


def tenus(db: Session) -> dict[uuid.UUID, datetime | None]:
    # Columns, not ORM objects: the identity map would give back what was loaded before.
    return {m: _utc(p) for m, p in db.execute(select(col(Mesure.id), col(Mesure.premier_rdv_realise)))}


# The kinds of writes the sequence draws from (a creation twice as often as the others).
SORTES = ("creer", "realiser", "annuler", "absent", "deplacer", "revenir", "changer", "supprimer", "masse", "suivi")
TIRAGE = ("creer", *SORTES)


def _jour(rng: random.Random, passe: bool) -> datetime:
    decalage = timedelta(days=rng.randint(1, 300), hours=rng.randint(0, 10), minutes=15 * rng.randint(0, 3))
    return MAINTENANT - decalage if passe else MAINTENANT + decalage


# Plus de 80 lignes : une suite d'écritures tirée au hasard, un cas par sorte d'écriture,
# et la comparaison après chacune (la sorte d'écriture fautive est nommée).
@pytest.mark.parametrize("graine", [1, 2, 3])
def test_la_colonne_est_celle_que_donnent_les_rendez_vous(db: Session, monde: Monde, graine: int) -> None:
    """After each write of a generated sequence (create in any status, hold, cancel, miss,
    move a held one, go back, change mesure, delete, insert in bulk), the kept column equals
    the first held rendez-vous recomputed from the rendez-vous."""
    rng = random.Random(graine)
    disp = fab.dispositif(db, monde)
    mesures = [fab.mesure(db, monde, disp, mandatement=date(2023, 1, 10)) for _ in range(3)]
    principal = fab.principal_de(monde.users["asso_agent"], monde.asso)
    faites: Counter[str] = Counter()

    def rdv_au_hasard(*statuts: str) -> RendezVous | None:
        candidats = db.exec(select(RendezVous).where(col(RendezVous.statut).in_(statuts))).all()
        return rng.choice(candidats) if candidats else None

    for pas in range(90):
        sorte = rng.choice(TIRAGE)
        if sorte == "creer":
            statut = rng.choice(list(StatutRendezVous))
            passe = statut in (StatutRendezVous.realise, StatutRendezVous.absent) or rng.random() < 0.5
            creer_rendez_vous(
                db,
                principal,
                data=RendezVousCreate(
                    mesure_id=rng.choice(mesures).id, debut=_jour(rng, passe), type="visite_domicile", statut=statut
                ),
                instant=MAINTENANT,
            )
        elif sorte in ("realiser", "annuler", "absent"):
            rdv = rdv_au_hasard(StatutRendezVous.planifie.value)
            if rdv is None:
                continue
            vers = {"realiser": StatutRendezVous.realise, "annuler": StatutRendezVous.annule}.get(
                sorte, StatutRendezVous.absent
            )
            # A held or missed one must be in the past: moved there in the same update.
            champs: dict[str, Any] = {"statut": vers}
            if vers != StatutRendezVous.annule:
                champs["debut"] = _jour(rng, True)
            modifier_rendez_vous(
                db,
                principal,
                rdv_id=rdv.id,
                data=RendezVousUpdate(**champs),
                if_match=etag(rdv.version),
                instant=MAINTENANT,
            )
        elif sorte == "deplacer":  # a held rendez-vous whose date is corrected
            rdv = rdv_au_hasard(StatutRendezVous.realise.value)
            if rdv is None:
                continue
            modifier_rendez_vous(
                db,
                principal,
                rdv_id=rdv.id,
                data=RendezVousUpdate(debut=_jour(rng, True)),
                if_match=etag(rdv.version),
                instant=MAINTENANT,
            )
        elif sorte == "revenir":  # back from « réalisé »: an operator's correction, in SQL
            rdv = rdv_au_hasard(StatutRendezVous.realise.value)
            if rdv is None:
                continue
            db.execute(
                update(RendezVous)
                .where(col(RendezVous.id) == rdv.id)
                .values(statut=rng.choice(["planifie", "annule", "absent"]))
            )
        elif sorte == "changer":  # a rendez-vous recorded on the wrong mesure, moved over
            rdv = rdv_au_hasard(*(s.value for s in StatutRendezVous))
            if rdv is None:
                continue
            db.execute(update(RendezVous).where(col(RendezVous.id) == rdv.id).values(mesure_id=rng.choice(mesures).id))
        elif sorte == "supprimer":
            rdv = rdv_au_hasard(*(s.value for s in StatutRendezVous))
            if rdv is None:
                continue
            db.execute(delete(RendezVous).where(col(RendezVous.id) == rdv.id))
        elif sorte == "suivi":  # a rendez-vous marked as the 6-month follow-up, or no longer
            rdv = rdv_au_hasard(*(s.value for s in StatutRendezVous))
            if rdv is None:
                continue
            db.execute(update(RendezVous).where(col(RendezVous.id) == rdv.id).values(est_suivi=not rdv.est_suivi))
        else:  # several rows in one statement, as the demo and bulk loads write
            db.execute(
                insert(RendezVous),
                [
                    {
                        "id": uuid.uuid4(),
                        "mesure_id": rng.choice(mesures).id,
                        "debut": _jour(rng, True),
                        "type": "entretien_bureau",
                        "statut": rng.choice(["realise", "annule", "absent", "planifie"]),
                        "est_suivi": rng.random() < 0.3,  # a held follow-up never counts
                    }
                    for _ in range(rng.randint(1, 4))
                ],
            )
        db.expire_all()
        faites[sorte] += 1
        assert tenus(db) == recalcules(db), f"pas {pas} ({sorte})"
    # Every kind of write was exercised (the test would not see a kind it never made).
    assert set(faites) == set(SORTES), faites
    assert any(p is not None for p in tenus(db).values())


def test_l_import_d_une_file_active_tient_la_colonne(client, db: Session, monde: Monde) -> None:
    """The import writes its rendez-vous through the service: created « réalisé » or
    « absent », then re-imported with a held one's date corrected and another held one."""
    disp = fab.dispositif(db, monde)
    referent = utilisateur(db, monde.asso, "agent", email="referente@asso.test")
    rdv = _rdv()  # RDV-1 held on MES-1 (20/05/2023), RDV-2 missed on MES-2
    r = _poster(client, monde, _fichier(disp.code, referent.email, **{"Rendez-vous": rdv}), essai=False)
    assert r.status_code == 201, r.text
    par_ref = {
        o.reference_externe: o.objet_id for o in db.exec(select(ImportObjet).where(ImportObjet.nature == "mesure"))
    }
    db.expire_all()
    assert tenus(db) == recalcules(db)
    assert tenus(db)[par_ref["MES-1"]] == datetime(2023, 5, 20, 8, 30, tzinfo=UTC)  # 10:30 à Paris
    assert tenus(db)[par_ref["MES-2"]] is None
    # The held one's date corrected later on (the column must go up: recomputed), another held.
    rdv[0]["date"] = "25/05/2023"
    rdv.append(
        {
            "reference_rendez_vous": "RDV-3",
            "reference_mesure": "MES-1",
            "date": "01/06/2023",
            "heure": "09:00",
            "type": "entretien_bureau",
            "statut": "Réalisé",
        }
    )
    r = _poster(client, monde, _fichier(disp.code, referent.email, **{"Rendez-vous": rdv}), essai=False)
    assert r.status_code == 201, r.text
    db.expire_all()
    assert tenus(db) == recalcules(db)
    assert tenus(db)[par_ref["MES-1"]] == datetime(2023, 5, 25, 8, 30, tzinfo=UTC)
    assert tenus(db)[par_ref["MES-2"]] is None


# Plus de 80 lignes : un jeu généré (mesures, statuts, rendez-vous) puis la comparaison
# pour chaque périmètre, chaque délai et chaque date.
def test_les_alertes_sont_celles_de_la_sonde(db: Session, monde: Monde) -> None:
    """On a generated association (open and closed mesures, rendez-vous of every status, two
    référents), the whole list and the counts per kind are those of the former rule, which
    probed the held rendez-vous of each open mesure, for the responsable and for a référent,
    at several delays and dates."""
    rng = random.Random(20)
    aujourdhui = MAINTENANT.date()
    disp = fab.dispositif(db, monde, duree_max_mois=6)
    referents = [monde.users["asso_agent"], monde.users["asso_resp"]]
    for _ in range(40):
        mes = fab.mesure(
            db,
            monde,
            disp,
            mandatement=aujourdhui - timedelta(days=rng.randint(0, 400)),
            referent=rng.choice(referents),
        )
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            jour = mes.date_mandatement + timedelta(days=rng.randint(0, 60))
            debut = datetime(jour.year, jour.month, jour.day, 10, tzinfo=UTC)
            statut = "planifie" if debut > MAINTENANT else rng.choice(["realise", "annule", "absent", "planifie"])
            db.add(RendezVous(mesure_id=mes.id, debut=debut, type="visite_domicile", statut=statut))
        tirage = rng.random()
        if tirage < 0.2:
            mes.statut, mes.date_fin = StatutMesure.terminee.value, aujourdhui
        elif tirage < 0.6:
            mes.statut, mes.date_debut = StatutMesure.active.value, mes.date_mandatement
            mes.date_fin_prevue = aujourdhui + timedelta(days=rng.randint(-10, 60))
        db.add(mes)
    db.flush()
    # Another association's mesure without any rendez-vous: never in these lists.
    fab.mesure(db, monde, disp, association=monde.asso2, mandatement=aujourdhui - timedelta(days=90))
    ancien = regles_avec_sonde()
    vus: Counter[str] = Counter()
    for qui, perimetre in (("asso_resp", Perimetre.association), ("asso_agent", Perimetre.moi)):
        principal = fab.principal_de(monde.users[qui], monde.asso)
        for delai in (0, 15, 45):
            for jour in (aujourdhui, aujourdhui - timedelta(days=30)):
                instant = datetime(jour.year, jour.month, jour.day, 12, tzinfo=UTC)
                valeurs = valeurs_alertes(jour, instant, delai)
                avant = resultat(db, principal, perimetre, ancien, valeurs)
                apres = resultat(db, principal, perimetre, REGLES, valeurs)
                assert apres == avant, (qui, delai, jour)
                vus.update(apres[1])
    # The generated set is not trivial: the rule fires, and not for every open mesure.
    ouvertes = db.exec(
        select(Mesure).where(Mesure.association_id == monde.asso.id, Mesure.statut != StatutMesure.terminee.value)
    ).all()
    assert 0 < vus[TypeAlerte.premier_rdv_en_attente.value] < 12 * len(ouvertes)
    assert vus[TypeAlerte.fin_prevue_proche.value] and vus[TypeAlerte.duree_maximale_depassee.value]


def test_la_regle_ne_lit_plus_les_rendez_vous(db: Session, monde: Monde, is_postgres: bool) -> None:
    """PostgreSQL: the rule reads the open mesures from a partial index (still waiting:
    migration 0041), and no rendez-vous at all (it probed them for each open mesure)."""
    from sqlalchemy import text

    from api.alertes import service

    if not is_postgres:
        pytest.skip("plan PostgreSQL")
    regle = service.PAR_TYPE[TypeAlerte.premier_rdv_en_attente]
    for perimetre, qui in ((Perimetre.moi, "asso_agent"), (Perimetre.association, "asso_resp")):
        requete = service._lignes(regle, fab.principal_de(monde.users[qui], monde.asso), perimetre)
        valeurs: dict[str, Any] = valeurs_alertes(date.today(), MAINTENANT, 15)
        sql = requete.params(**valeurs).compile(db.connection(), compile_kwargs={"literal_binds": True})
        db.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(db.execute(text(f"EXPLAIN {sql}")).scalars())
        # On a near-empty database the planner may take the open mesures' index (equal
        # costs, or one led by the association or the referent; the département demo takes the
        # new one: api/bench/alertes.py); what
        # matters is that no rendez-vous is read and no mesure scanned in full.
        permis = ["ix_mesure_sans_premier_rdv", "ix_mesure_ouverte", "ix_mesure_association"]
        if perimetre is Perimetre.moi:
            permis.append("ix_mesure_referent_id")  # the referent's own mesures: bounded too
        assert any(nom in plan for nom in permis), plan
        assert "rendez_vous" not in plan and "Seq Scan on mesure" not in plan, plan


def test_la_demonstration_ecrit_la_colonne_juste(charge) -> None:  # noqa: F811
    """The demo writes the column with its mesures (COPY on PostgreSQL, the rendez-vous
    after): what it writes is what the rendez-vous give."""
    engine, counts = charge(40, 5)
    assert counts["rendez_vous"] > 100
    with Session(engine) as s:
        assert tenus(s) == recalcules(s)
        assert any(p is not None for p in tenus(s).values())
