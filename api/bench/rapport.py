"""``make bench-rapport``: the annual report of one association (PDF, then DOCX), rendered by
a one-worker server: time of each request, the worker's peak memory above its baseline, and
that of the workshop that renders for it (api/rapports/atelier.py; « à froid »: started by
opening the report just before, as the screen does).

By default on a small demo (``SCALE=small``, SQLite, built in a temporary folder each run);
``--postgres`` uses ``ANCRAGE_BENCH_DATABASE_URL`` (the département demo, loaded there on first
use). Target (issue 15): under 3 s, no more than 50 MB above the worker's baseline. The first
render of a worker imports WeasyPrint and matplotlib: it is shown apart (« à froid »).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlmodel import Session

from api.bench.outils import PG_DEFAUT, CompteurCpu, _cpu_pid, arbre, assurer_demo, jeton, machine, serveur_processus
from api.core.db import make_engine
from api.core.migrate import upgrade
from api.demo import referentiel
from api.demo.comptes import comptes_demo


def _memoire(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    with open(f"/proc/{pid}/status") as fh:
        return {line.split(":")[0]: int(line.split()[1]) / 1024 for line in fh if line.startswith(("VmRSS", "VmHWM"))}


def _remettre_pic(pid: int) -> float:
    with open(f"/proc/{pid}/clear_refs", "w") as fh:
        fh.write("5")  # VmHWM back to the current RSS
    return _memoire(pid)["VmRSS"]


def _atelier(pid: int) -> int | None:
    """The worker's workshop (api/rapports/atelier.py): its child started by multiprocessing."""
    for p in arbre(pid)[1:]:
        try:
            if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes():
                return p
        except OSError:
            continue
    return None


def _base_small(dossier: Path) -> str:
    from api.demo.generateur import charger

    url = f"sqlite:///{dossier / 'bench_rapport.db'}"
    upgrade(url)
    engine = make_engine(url)
    charger(engine, echelle="small", journal=lambda _m: None)
    engine.dispose()
    return url


def _mesurer(url: str, annee: int, tours: int, au_demarrage: bool = False) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        responsable = comptes_demo(session)["responsable"][0]
    engine.dispose()
    env = {"ANCRAGE_RAPPORTS_ATELIER_AU_DEMARRAGE": "true"} if au_demarrage else None
    with serveur_processus(url, workers=1, env=env) as (base, pid):
        cpu = CompteurCpu(pid, url)
        h = {"Authorization": f"Bearer {jeton(base, responsable.email, referentiel.DEMO_PASSWORD)}"}
        with httpx.Client(base_url=base, headers=h, timeout=300) as c:
            conv = c.get("/api/v1/conventions", params={"association_id": str(responsable.organisation_id)}).json()
            dispositif = conv["items"][0]["dispositif_id"]
            modele = next(m for m in c.get("/api/v1/rapports/modeles").json() if m["code"] == "rapport_activite_annuel")
            corps = {"modele_id": modele["id"], "dispositif_id": dispositif, "annee": annee}
            r = c.post("/api/v1/rapports", json=corps)
            r.raise_for_status()
            rid = r.json()["id"]
            periode = {"du": f"{annee}-01-01", "au": f"{annee}-12-31", "dispositif": dispositif}
            fa = c.get("/api/v1/indicateurs", params=periode)
            total = next(t for t in fa.json()["tableaux"] if t["code"] == "file_active")["cellules"][-1]["valeur"]
            print(f"association {responsable.organisation_id}, année {annee} : file active au 31/12 = {total}")
            # as the screen does: opening the report starts the workshop; the download follows at once
            c.get(f"/api/v1/rapports/{rid}").raise_for_status()
            for tour in range(tours):
                for fmt in ("pdf", "docx"):
                    avant = _remettre_pic(pid)
                    atelier = _atelier(pid)
                    avant_atelier = _remettre_pic(atelier) if atelier else 0.0
                    cpu.demarrer()
                    t0 = time.perf_counter()
                    r = c.get(f"/api/v1/rapports/{rid}/document", params={"format": fmt})
                    duree = time.perf_counter() - t0
                    r.raise_for_status()
                    conso = cpu.lire()
                    pic = _memoire(pid)["VmHWM"]
                    atelier = _atelier(pid)
                    pic_atelier = _memoire(atelier)["VmHWM"] if atelier else 0.0
                    etat = "à froid" if tour == 0 else "à chaud"
                    # CPU: what the machine's other jobs disturb least (they take turns on the cores).
                    print(f"{fmt:>4} {etat:>7} : {duree:6.2f} s · CPU worker et atelier {conso['serveur']:5.2f} s + "
                          f"PostgreSQL {conso['postgres']:5.2f} s · {len(r.content) / 1024:4.0f} Ko · pic du worker "
                          f"{pic:6.1f} Mo ({pic - avant:+5.1f} Mo au-dessus de son niveau d'avant, {avant:.1f} Mo) · "
                          f"pic de l'atelier {pic_atelier:6.1f} Mo ({pic_atelier - avant_atelier:+6.1f} Mo) — "
                          "objectif < 3 s et ≤ +50 Mo")


def _cpu_session(session: Session) -> float:
    """CPU seconds of the PostgreSQL backend of ``session`` (0 on SQLite: it is this process)."""
    if session.get_bind().dialect.name != "postgresql":
        return 0.0
    return _cpu_pid(int(session.execute(text("SELECT pg_backend_pid()")).scalar_one()))


# Plus de 80 lignes : une passe de mesure lisible d'un trait (choix du rapport, échauffement,
# tours alternés des deux variantes, médianes) ; découpée, on ne verrait plus ce qui est comparé.
def _mesurer_en_processus(url: str, annee: int, tours: int) -> None:
    """The draft PDF of the annual report rendered in this process, read-only (the report is
    never written: a transient ``Rapport``), the whole indicator documents (« avant ») and the
    model's tables only (« après ») one after the other in each round: CPU of this process
    and of its PostgreSQL backend, by step."""
    from sqlmodel import col, select

    from api.auth.principal import Principal
    from api.dispositifs.models import Convention
    from api.organisations.models import TypeOrganisation, Utilisateur
    from api.rapports import rendu
    from api.rapports import service as rapports
    from api.rapports.models import Rapport, RapportModele

    engine = make_engine(url)
    with Session(engine) as session:
        compte = comptes_demo(session)["responsable"][0]
        user = session.exec(select(Utilisateur).where(Utilisateur.email == compte.email)).one()
        org = compte.organisation_id
        conv = session.exec(
            select(Convention)
            .where(Convention.association_id == org)
            .order_by(col(Convention.date_debut).desc(), col(Convention.id))
        ).first()
        assert conv is not None
        modele = session.exec(
            select(RapportModele).where(
                RapportModele.code == "rapport_activite_annuel",
                col(RapportModele.organisation_id).is_(None),
            )
        ).first()
        assert modele is not None
        principal = Principal("utilisateur", user.id, org, TypeOrganisation.association, compte.role, uuid.uuid4())
        ids = (conv.dispositif_id, modele.id)

    def rapport() -> Rapport:
        return Rapport(
            titre=f"Banc {annee}", modele_id=ids[1], dispositif_id=ids[0], association_id=org,
            du=date(annee, 1, 1), au=date(annee, 12, 31), auteur_id=org, cree_par_id=principal.id, narration={},
        )  # fmt: skip

    def un_rendu(complet: bool) -> dict[str, float]:
        # as the service renders a draft (``rapports.document``)
        with Session(engine) as session:
            b0, t0 = _cpu_session(session), time.process_time()
            src = rapports._source_brouillon(session, session, principal, rapport(), 0, complet=complet)
            b1, t1 = _cpu_session(session), time.process_time()
            html = rendu.en_html(rapports._contenu(src))
            t2 = time.process_time()
            pdf = rendu.en_pdf(html)
            t3 = time.process_time()
            session.rollback()
        assert pdf.startswith(b"%PDF")
        cpu = {"indicateurs": t1 - t0, "postgres": b1 - b0, "html": t2 - t1, "pdf": t3 - t2}
        return cpu | {"total": sum(cpu.values())}

    un_rendu(False)  # imports of WeasyPrint and matplotlib, fonts, plans: not counted
    print(f"dispositif {ids[0]}, association {org}, année {annee} ; {tours} tours, avant puis après dans chaque tour")
    releves: dict[str, list[dict[str, float]]] = {"avant (document entier)": [], "après (tables du modèle)": []}
    for _ in range(tours):
        for nom, complet in (("avant (document entier)", True), ("après (tables du modèle)", False)):
            releves[nom].append(un_rendu(complet))
    for nom, mesures in releves.items():
        med = {k: statistics.median(m[k] for m in mesures) for k in mesures[0]}
        print(
            f"{nom:>26} : CPU médian {med['total']:5.2f} s = indicateurs {med['indicateurs']:4.2f} s (Python) "
            f"+ {med['postgres']:4.2f} s (PostgreSQL) + HTML {med['html']:4.2f} s + PDF {med['pdf']:4.2f} s ; "
            "totaux des tours : " + ", ".join(f"{m['total']:.2f}" for m in mesures)
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--postgres", action="store_true", help="démonstration départementale (ANCRAGE_BENCH_DATABASE_URL)")
    p.add_argument("--annee", type=int, default=date.today().year - 1)
    p.add_argument("--tours", type=int, default=2)
    p.add_argument(
        "--en-processus",
        action="store_true",
        help="sans serveur ni écriture : le PDF du brouillon, document entier puis tables du modèle, CPU par étape",
    )
    p.add_argument(
        "--atelier-au-demarrage",
        action="store_true",
        help="ANCRAGE_RAPPORTS_ATELIER_AU_DEMARRAGE=true : l'atelier de rendu démarre avec le worker",
    )
    a = p.parse_args()
    print(machine())

    def mesurer(url: str) -> None:
        if a.en_processus:
            _mesurer_en_processus(url, a.annee, a.tours)
        else:
            _mesurer(url, a.annee, a.tours, a.atelier_au_demarrage)

    if a.postgres:
        url = os.environ.get("ANCRAGE_BENCH_DATABASE_URL", PG_DEFAUT)
        if not a.en_processus:  # read-only: the base is used as it is
            assurer_demo(url)
        mesurer(url)
        return
    with tempfile.TemporaryDirectory(prefix="bench_rapport_") as dossier:
        mesurer(_base_small(Path(dossier)))


if __name__ == "__main__":
    main()
