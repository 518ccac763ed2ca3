"""Retention: files anonymised 2 years after the last contact, access log purged after 12 months.

Run at a fixed « now », 15 June 2026 at noon UTC, so every cut-off is computed by
hand: files whose last contact is on or before 15 June 2024 are anonymised;
access-log entries before 15 June 2025 at noon are purged.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

from sqlmodel import Session, select

from api.audit.models import JournalAcces
from api.core.config import PROJECT_ROOT
from api.core.db import make_engine
from api.menages.models import Menage, Personne
from api.mesures.models import Mesure, MesureEvenement, RendezVous
from api.orientations.models import Orientation, OrientationEvenement
from api.vie_privee.retention import appliquer_retention
from tests import factories
from tests import factories as fab
from tests.factories import Monde

MAINTENANT = fab.utc(2026, 6, 15)


def _refs(bilan) -> set[str]:
    return set(bilan.menages)


def test_limite_sur_la_derniere_mise_a_jour(db: Session, monde: Monde) -> None:
    pile = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=fab.utc(2024, 6, 15, 23))  # exactly 2 years: anonymised
    lendemain = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=fab.utc(2024, 6, 16, 0))  # one day less: kept
    recent = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=fab.utc(2026, 1, 1))
    bilan = appliquer_retention(db, maintenant=MAINTENANT)
    assert _refs(bilan) == {pile.reference}
    assert bilan.date_limite_menages == date(2024, 6, 15)
    for men in (lendemain, recent):
        db.refresh(men)
        assert men.anonymise_le is None and men.adresse == "3 rue des Lilas"


def test_fin_de_mesure_et_rendez_vous_realise_repoussent_la_limite(
    db: Session, monde: Monde
) -> None:
    disp = fab.dispositif(db, monde, cibles=fab.CIBLES_ASLL, nom="ASLL 35")
    ancien = fab.utc(2020, 1, 1)
    fin_pile = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=ancien)
    fab.mesure(db, monde, disp, men=fin_pile, cible="sante_mentale", mandatement=date(2020, 3, 1), date_fin=date(2024, 6, 15), statut="terminee")
    fin_lendemain = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=ancien)
    fab.mesure(db, monde, disp, men=fin_lendemain, cible="sante_mentale", mandatement=date(2020, 3, 1), date_fin=date(2024, 6, 16), statut="terminee")
    rdv_recent = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=ancien)
    fab.rendez_vous(
        db, fab.mesure(db, monde, disp, men=rdv_recent, cible="sante_mentale", mandatement=date(2020, 3, 1), date_fin=date(2022, 1, 1), statut="terminee"), fab.utc(2024, 7, 1)
    )
    # Only a held rendez-vous is a contact: a cancelled or missed one is not.
    rdv_annule = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=ancien)
    me = fab.mesure(db, monde, disp, men=rdv_annule, cible="sante_mentale", mandatement=date(2020, 3, 1), date_fin=date(2022, 1, 1), statut="terminee")
    fab.rendez_vous(db, me, fab.utc(2025, 3, 1), statut="annule")
    fab.rendez_vous(db, me, fab.utc(2025, 4, 1), statut="absent")
    # A running mesure, or a referral waiting for the commission: still in contact.
    en_cours = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=ancien)
    fab.mesure(db, monde, disp, men=en_cours, cible="sante_mentale", mandatement=date(2020, 3, 1), statut="active", date_fin=None)
    en_commission = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=ancien)
    fab.orientation(db, monde, en_commission, disp, association=monde.asso, cible="sante_mentale", prescripteur_nom="Mme Prescriptrice", motifs="Impayés depuis la perte d'emploi", commentaire="Orientation validée en commission", statut="en_commission")

    bilan = appliquer_retention(db, maintenant=MAINTENANT)
    assert _refs(bilan) == {fin_pile.reference, rdv_annule.reference}


def test_anonymisation_retire_noms_contacts_textes_libres(db: Session, monde: Monde) -> None:
    disp = fab.dispositif(db, monde, cibles=fab.CIBLES_ASLL, nom="ASLL 35")
    men = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=fab.utc(2021, 2, 1))
    ref = men.reference
    o = fab.orientation(db, monde, men, disp, association=monde.asso, cible="sante_mentale", prescripteur_nom="Mme Prescriptrice", motifs="Impayés depuis la perte d'emploi", commentaire="Orientation validée en commission", statut="acceptee")
    me = fab.mesure(db, monde, disp, men=men, cible="sante_mentale", mandatement=date(2020, 3, 1), date_fin=date(2022, 1, 31), statut="terminee")
    rdv = fab.rendez_vous(db, me, fab.utc(2021, 12, 1))
    garde = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=fab.utc(2026, 1, 1))

    bilan = appliquer_retention(db, maintenant=MAINTENANT)
    assert _refs(bilan) == {ref}
    db.expire_all()
    men = db.get(Menage, men.id)
    assert (
        men.reference == ref and men.commune_insee == "35238" and men.composition == "femme_seule"
    )
    assert (men.adresse, men.telephone, men.courriel) == (None, None, None)
    assert men.anonymise_le is not None
    assert men.modifie_le.date() == date(2021, 2, 1)  # anonymising is not a contact
    (p,) = db.exec(select(Personne).where(Personne.menage_id == men.id)).all()
    assert (p.nom, p.prenom, p.nom_recherche) == ("ANONYME", "ANONYME", "")
    assert p.date_naissance == date(1980, 1, 1)
    assert p.sexe == "femme" and p.lien == "demandeur"  # counted by indicators
    o = db.get(Orientation, o.id)
    assert o.motifs is None and o.prescripteur_nom is None and o.statut == "acceptee"
    assert o.cible_code == "sante_mentale"
    assert all(
        e.commentaire is None
        for e in db.exec(
            select(OrientationEvenement).where(OrientationEvenement.orientation_id == o.id)
        )
    )
    me = db.get(Mesure, me.id)
    assert (me.suivi_commentaire, me.adhesion_modalite) == (None, None)
    assert me.date_fin == date(2022, 1, 31) and me.statut == "terminee"
    assert all(
        e.commentaire is None
        for e in db.exec(select(MesureEvenement).where(MesureEvenement.mesure_id == me.id))
    )
    rdv = db.get(RendezVous, rdv.id)
    assert (rdv.compte_rendu, rdv.lieu, rdv.participants) == (None, None, None)
    assert rdv.statut == "realise" and rdv.type == "visite_domicile"
    # the other household is untouched
    (pg,) = db.exec(select(Personne).where(Personne.menage_id == garde.id)).all()
    assert (pg.nom, pg.date_naissance) == ("Martin", date(1980, 5, 17))
    # a second run finds nothing left to do
    assert appliquer_retention(db, maintenant=MAINTENANT).menages == []


def test_simulation_ne_modifie_rien(db: Session, monde: Monde) -> None:
    men = fab.menage(db, monde, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=fab.utc(2021, 2, 1))
    vieux = JournalAcces(
        quand=fab.utc(2025, 1, 1),
        principal_type="utilisateur",
        principal_id=monde.users["asso_agent"].id,
        organisation_id=monde.asso.id,
        role="agent",
        action="lire",
        ressource="menage",
        ressource_id=men.id,
    )
    db.add(vieux)
    db.flush()
    bilan = appliquer_retention(db, maintenant=MAINTENANT, simulation=True)
    assert bilan.simulation and _refs(bilan) == {men.reference} and bilan.entrees_journal == 1
    db.expire_all()
    assert db.get(Menage, men.id).anonymise_le is None
    assert db.get(Menage, men.id).adresse == "3 rue des Lilas"
    assert db.get(JournalAcces, vieux.id) is not None


def test_purge_du_journal_apres_douze_mois(db: Session, monde: Monde) -> None:
    def entree(quand):
        e = JournalAcces(
            quand=quand,
            principal_type="utilisateur",
            principal_id=monde.users["asso_agent"].id,
            organisation_id=monde.asso.id,
            role="agent",
            action="lire",
            ressource="menage",
        )
        db.add(e)
        db.flush()
        return e.id

    avant = entree(fab.utc(2025, 6, 15, 11))  # 12 months and one hour: purged
    apres = entree(fab.utc(2025, 6, 15, 13))  # one hour short of 12 months: kept
    bilan = appliquer_retention(db, maintenant=MAINTENANT)
    assert bilan.entrees_journal == 1
    db.expire_all()
    assert db.get(JournalAcces, avant) is None
    assert db.get(JournalAcces, apres) is not None


def test_commande_retention(tmp_path, settings) -> None:
    """The command a cron runs, in its own process, on a base of its own."""
    url = f"sqlite:///{tmp_path / 'r.db'}"
    env = {**os.environ, "ANCRAGE_DATABASE_URL": url, "ANCRAGE_ENV": "test"}
    subprocess.run([sys.executable, "-m", "api", "migrate"], cwd=PROJECT_ROOT, env=env, check=True)

    def lancer(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "api", "retention", *args],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    out = lancer("--dry-run")
    assert "simulation" in out
    assert "0 ménage(s) seraient anonymisé(s)" in out
    assert "0 entrée(s) du journal des accès seraient purgée(s)" in out
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        m = factories.monde(s, settings)
        vieux = fab.menage(s, m, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule", modifie_le=fab.utc(2020, 1, 10))
        fab.menage(s, m, nom="Martin", prenom="Léa", naissance=date(1980, 5, 17), sexe="femme", composition="femme_seule")  # updated today
        s.commit()
    out = lancer("--dry-run")
    assert "1 ménage(s) seraient anonymisé(s)" in out and vieux.reference in out
    out = lancer()
    assert "1 ménage(s) ont été anonymisé(s)" in out and vieux.reference in out
    assert "0 ménage(s) seraient" in lancer("--dry-run")
    with Session(engine) as s:
        assert s.get(Menage, vieux.id).anonymise_le is not None
    engine.dispose()
