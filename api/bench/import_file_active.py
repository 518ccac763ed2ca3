"""Bench of the caseload import: N lines (households with a demandeur, a child and one
mesure: three lines each) as one XLSX, dry run then import, in this process, on a
throwaway database. Prints the time of each step and the process's peak memory.

    make bench-import                                       # 1,000 and 10,000 lines, SQLite
    python -m api.bench.import_file_active --lignes 3000 --postgres postgresql://postgres@127.0.0.1:5432/postgres

Each size: dry run, import, the same file again; lines per second, wall and CPU time
(the machine may be shared: the CPU time of the process is the steadier figure), peak
memory. ``--avant N`` also runs N lines by the route before the batches (one household
at a time through the single use cases), in the same run.
"""

from __future__ import annotations

import argparse
import io
import resource
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

import api.orientations.access  # noqa: F401  (declares the prescriber relation of mesures, as the app does)
from api.auth.principal import Principal
from api.core.db import make_engine
from api.core.migrate import upgrade
from api.core.tableur import classeur
from api.dispositifs.models import Cible, Dispositif, TypeAccompagnement
from api.imports import service
from api.imports.lecture import FichierDepose
from api.imports.service import importer
from api.organisations.models import Organisation, TypeOrganisation, Utilisateur


def _pic_mo() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def fichier(menages: int, dispositif: str, referent: str) -> bytes:
    flux = io.BytesIO()
    wb = classeur(flux)
    ws = wb.add_worksheet("Ménages et personnes")
    ws.write_row(0, 0, ["reference_menage", "nom", "prenom", "date_naissance", "sexe", "lien", "commune_insee"])
    ms = wb.add_worksheet("Mesures")
    ms.write_row(
        0,
        0,
        [
            "reference_mesure",
            "reference_menage",
            "dispositif",
            "cible",
            "type_accompagnement",
            "acces_maintien",
            "date_mandatement",
            "referent_courriel",
            "date_debut",
            "adhesion_date",
            "date_fin",
            "motif_fin",
            "situation_sortie",
        ],
    )
    for i in range(menages):
        ref = f"B-{i}"
        ws.write_row(
            2 * i + 1,
            0,
            [ref, f"Bench{i}", "Ana", f"{10 + i % 18:02d}/0{1 + i % 9}/19{60 + i % 35}", "Femme", "Demandeur", "35238"],
        )
        ws.write_row(2 * i + 2, 0, [ref, f"Bench{i}", "Léo", "01/06/2015", "Homme", "Enfant"])
        annee = 2021 + i % 3
        fin = [f"15/11/{annee + 1}", "Objectifs atteints", "Locataire du parc public"] if i % 4 == 0 else []
        ms.write_row(
            i + 1,
            0,
            [
                f"S-{i}",
                ref,
                dispositif,
                "Santé mentale",
                "Capacité à habiter",
                "Maintien",
                f"02/03/{annee}",
                referent,
                f"16/03/{annee}",
                f"16/03/{annee}",
                *fin,
            ],
        )
    wb.close()
    return flux.getvalue()


def _base(url: str) -> tuple[Any, Principal]:
    """The organisations, accounts and dispositif the file refers to."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        asso = Organisation(nom="Association du banc", type=TypeOrganisation.association.value)
        fin = Organisation(nom="DDETS du banc", type=TypeOrganisation.financeur.value)
        gie = Organisation(nom="Commission du banc", type=TypeOrganisation.gie.value)
        s.add_all([asso, fin, gie])
        s.flush()
        resp = Utilisateur(
            email="resp@banc.test",
            nom="R",
            prenom="R",
            organisation_id=asso.id,
            role="responsable",
            mot_de_passe_hash="x",
        )
        ref = Utilisateur(
            email="ref@banc.test", nom="T", prenom="T", organisation_id=asso.id, role="agent", mot_de_passe_hash="x"
        )
        d = Dispositif(
            code="banc",
            nom="Dispositif du banc",
            financeur_id=fin.id,
            commission_id=gie.id,
            duree_max_mois=36,
            adhesion_requise=True,
            creation_directe=False,
            date_debut=date(2020, 1, 1),
        )
        s.add_all([resp, ref, d])
        s.flush()
        s.add(Cible(dispositif_id=d.id, code="sante_mentale", libelle="Santé mentale", sensible=True, ordre=0))
        s.add(TypeAccompagnement(dispositif_id=d.id, code="capacite_habiter", libelle="Capacité à habiter", ordre=0))
        s.commit()
    principal = Principal("utilisateur", resp.id, asso.id, TypeOrganisation.association, "responsable", uuid.uuid4())
    return engine, principal


def _passe(url: str, lignes: int, un_par_un: bool) -> None:
    """One database, one file: the dry run, then the import (then the same file again:
    nothing changes)."""
    engine, principal = _base(url)
    menages = max(1, lignes // 3)
    contenu = fichier(menages, "banc", "ref@banc.test")
    depot = [FichierDepose("banc.xlsx", contenu)]
    route = "un par un (avant)" if un_par_un else "par lots"
    for etape, essai in (("essai à blanc", True), ("import", False), ("réimport identique", False)):
        with Session(engine, expire_on_commit=False) as s:
            t0, c0 = time.perf_counter(), time.process_time()
            r = importer(s, principal, fichiers=depot, essai=essai, aujourdhui=date.today(), max_lignes=10**6)
            duree, cpu = time.perf_counter() - t0, time.process_time() - c0
        assert not r.erreurs, r.erreurs[:3]
        bilan = r.import_fichier.bilan.get("mesure")
        print(
            f"{engine.dialect.name:10} {menages * 3:6d} lignes  {route:18} {etape:19} {duree:7.1f} s "
            f"(CPU du processus {cpu:6.1f} s)  {menages * 3 / duree:6.0f} lignes/s  "
            f"mesures {bilan}  pic mémoire {_pic_mo():.0f} Mo",
            flush=True,
        )
    engine.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lignes", type=int, nargs="+", default=[1_000, 10_000])
    p.add_argument("--postgres", help="URL d'un serveur PostgreSQL (une base jetable y est créée par passe)")
    p.add_argument(
        "--avant",
        type=int,
        default=1_000,
        help="lignes aussi passées par la route d'avant (un ménage à la fois par les cas d'usage ; 0 : aucune)",
    )
    args = p.parse_args()
    passes = [(n, False) for n in args.lignes] + ([(args.avant, True)] if args.avant else [])
    for lignes, un_par_un in passes:
        with tempfile.TemporaryDirectory() as dossier:
            if args.postgres:
                nom = f"ancrage_bench_import_{uuid.uuid4().hex[:6]}"
                admin = make_engine(args.postgres, isolation_level="AUTOCOMMIT")
                with admin.connect() as c:
                    c.execute(text(f'CREATE DATABASE "{nom}"'))
                url = make_url(args.postgres).set(database=nom).render_as_string(hide_password=False)
            else:
                url = f"sqlite:///{Path(dossier) / 'bench.db'}"
            simple = service._simple
            if un_par_un:
                # The route before the batches: every household through the single use cases.
                service._simple = lambda *_: False
            try:
                _passe(url, lignes, un_par_un)
            finally:
                service._simple = simple
                if args.postgres:
                    with admin.connect() as c:
                        c.execute(text(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)'))
                    admin.dispose()


if __name__ == "__main__":
    main()
