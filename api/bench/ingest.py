"""Bench of referral ingestion: a bailleur's system pushes N referrals with idempotency keys.

By default (``make bench-ingest``), at département scale: a throwaway copy of the
demo database (``ANCRAGE_BENCH_DATABASE_URL``, loaded on first use; copied with
``CREATE DATABASE … TEMPLATE``, dropped at the end, so the demo is never changed),
its bailleur's machine client (Néotoa) and the dispositif 300-logements-35.
Otherwise a throwaway empty database (--sqlite, or --postgres URL), or a running
server (--url with --client-id, --client-secret and --dispositif-id).

The server (uvicorn, --workers processes) runs on 127.0.0.1:8101 with the
machine clients' rate limit raised (the bench measures the server, not the
limit). The pushes come from this process, with bounded concurrency and a time
limit. Prints referrals per second, latency p50/p95 and the machine.

    python -m api.bench.ingest --n 600 --concurrence 8
    python -m api.bench.ingest --sqlite
    python -m api.bench.ingest --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.bench.outils import CompteurCpu, machine
from api.core.config import PROJECT_ROOT as ROOT
from api.core.db import make_engine


def menage(i: int) -> dict[str, Any]:
    n = uuid.uuid4().int
    return {
        "personnes": [
            {
                "nom": f"Bench{i}",
                "prenom": f"P{n % 100000}",
                "sexe": "femme",
                "lien": "demandeur",
                "date_naissance": f"{1950 + n % 50}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            }
        ],
        "statut_occupation": "locataire_parc_public",
        "commune_insee": "35238",
        "ressources": [{"type": "rsa", "montant_mensuel": 607}],
        "dettes": [{"type": "loyer", "montant": 1200}],
    }


def preparer(db_url: str) -> tuple[str, str, str]:
    """Migrate the throwaway database and create a bailleur, its machine client, a GIE,
    a funder and a dispositif directly in it (the server is not started yet)."""
    from sqlmodel import Session

    from api.core.migrate import upgrade
    from api.core.security import hash_password
    from api.dispositifs.models import Cible, Dispositif, DispositifCommune, TypeAccompagnement
    from api.organisations.models import ClientApi, Organisation

    upgrade(db_url)
    engine = make_engine(db_url)
    secret = secrets.token_urlsafe(32)
    with Session(engine) as s:
        orgs = {t: Organisation(nom=f"Bench {t}", type=t) for t in ("bailleur", "gie", "financeur")}
        s.add_all(orgs.values())
        s.flush()
        client = ClientApi(
            client_id="cli_bench_" + uuid.uuid4().hex[:8],
            nom="SI bench",
            organisation_id=orgs["bailleur"].id,
            secret_hash=hash_password(secret),
        )
        d = Dispositif(
            code="bench",
            nom="Bench",
            financeur_id=orgs["financeur"].id,
            commission_id=orgs["gie"].id,
            date_debut=date(2020, 1, 1),
        )
        s.add_all([client, d])
        s.flush()
        s.add_all(
            [
                Cible(dispositif_id=d.id, code="c1", libelle="Cible 1"),
                TypeAccompagnement(dispositif_id=d.id, code="t1", libelle="T1"),
                DispositifCommune(dispositif_id=d.id, commune_insee="35238"),
            ]
        )
        s.commit()
        ids = (client.client_id, secret, str(d.id))
    engine.dispose()
    return ids


def copier_departement(url_demo: str, nom: str, delai: float = 120) -> str:
    """CREATE DATABASE nom TEMPLATE demo (retried while someone is connected to the demo)."""
    from api.bench.outils import assurer_demo

    assurer_demo(url_demo)
    demo = make_url(url_demo)
    admin = make_engine(
        demo.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    fin = time.monotonic() + delai
    try:
        while True:
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{nom}" TEMPLATE "{demo.database}"'))
                break
            except Exception:
                if time.monotonic() > fin:
                    raise SystemExit(
                        f"copie de {demo.database} impossible (des connexions y restent ouvertes ?)"
                    ) from None
                time.sleep(2)
    finally:
        admin.dispose()
    return demo.set(database=nom).render_as_string(hide_password=False)


def attendre(base: str, proc: subprocess.Popen[bytes] | None, delai: float = 60) -> None:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"le serveur s'est arrêté (code {proc.returncode})")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("le serveur ne répond pas")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=300, help="nombre d'orientations à pousser")
    p.add_argument("--concurrence", type=int, default=8, help="requêtes simultanées au plus")
    p.add_argument("--duree-max", type=float, default=120, help="secondes au plus pour les envois")
    p.add_argument("--port", type=int, default=8101)
    p.add_argument("--workers", type=int, default=2, help="processus uvicorn du serveur lancé")
    p.add_argument("--postgres", help="URL d'un serveur PostgreSQL où créer une base jetable vide")
    p.add_argument("--sqlite", action="store_true", help="base SQLite jetable vide")
    p.add_argument(
        "--url",
        help="serveur déjà lancé (sinon un serveur est lancé) ; avec --client-id, "
        "--client-secret et --dispositif-id d'un client API de bailleur",
    )
    p.add_argument("--client-id")
    p.add_argument("--client-secret")
    p.add_argument("--dispositif-id")
    args = p.parse_args()

    proc = None
    tmp = tempfile.TemporaryDirectory(prefix="ancrage-bench-")
    pg_admin, pg_nom = None, None
    base = args.url or f"http://127.0.0.1:{args.port}"
    base_de_donnees = "existante"
    try:
        if not args.url:
            if not (args.postgres or args.sqlite):
                from api.bench.outils import PG_DEFAUT
                from api.demo import referentiel

                url_demo = os.environ.get("ANCRAGE_BENCH_DATABASE_URL", PG_DEFAUT)
                pg_nom = f"{make_url(url_demo).database}_ingest_{uuid.uuid4().hex[:8]}"
                pg_admin = make_engine(
                    make_url(url_demo).set(database="postgres").render_as_string(hide_password=False),
                    isolation_level="AUTOCOMMIT",
                )
                db_url = copier_departement(url_demo, pg_nom)
                base_de_donnees = f"PostgreSQL, copie jetable de {make_url(url_demo).database} (département)"
            elif args.postgres:
                pg_nom = f"ancrage_bench_{uuid.uuid4().hex[:8]}"
                pg_admin = make_engine(
                    make_url(args.postgres).set(database="postgres").render_as_string(hide_password=False),
                    isolation_level="AUTOCOMMIT",
                )
                with pg_admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{pg_nom}"'))
                db_url = make_url(args.postgres).set(database=pg_nom).render_as_string(hide_password=False)
                base_de_donnees = "PostgreSQL (base jetable)"
            else:
                db_url = f"sqlite:///{Path(tmp.name) / 'bench.db'}"
                base_de_donnees = "SQLite (fichier jetable)"
            env = {
                **os.environ,
                "ANCRAGE_DATABASE_URL": db_url,
                "ANCRAGE_PORT": str(args.port),
                "ANCRAGE_SECRET_KEY": secrets.token_urlsafe(48),
                "ANCRAGE_LOG_LEVEL": "WARNING",
                "ANCRAGE_LOGIN_MAX_ECHECS": "1000",
                "ANCRAGE_CLIENT_REQUETES_PAR_MINUTE": "1000000",
            }
            if args.postgres or args.sqlite:
                client_id, client_secret, dispositif_id = preparer(db_url)
            else:
                eng = make_engine(db_url)
                with eng.connect() as conn:
                    dispositif_id = str(
                        conn.execute(text("SELECT id FROM dispositif WHERE code = '300-logements-35'")).scalar_one()
                    )
                eng.dispose()
                client_id, client_secret = referentiel.DEMO_CLIENT_ID, referentiel.DEMO_CLIENT_SECRET
            proc = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
                [sys.executable, "-m", "api", "serve", "--workers", str(args.workers)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        else:
            if not (args.client_id and args.client_secret and args.dispositif_id):
                raise SystemExit("--url demande --client-id, --client-secret et --dispositif-id")
            client_id, client_secret, dispositif_id = (
                args.client_id,
                args.client_secret,
                args.dispositif_id,
            )
        attendre(base, proc)
        tok = httpx.post(
            f"{base}/api/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
            },
        )
        tok.raise_for_status()
        h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        codes: dict[int, int] = {}
        latences: list[float] = []
        limite = time.monotonic() + args.duree_max
        lot = uuid.uuid4().hex[:6]  # one run's references: runs against the same base never collide

        def pousser(i: int, http: httpx.Client) -> int:
            if time.monotonic() > limite:
                return 0
            corps = {
                "dispositif_id": dispositif_id,
                "menage": menage(i),
                "origine": "bailleur",
                "acces_maintien": "maintien",
                "external_ref": f"BENCH-{lot}-{i}",
                "soumettre": True,
            }
            t0 = time.perf_counter()
            code = http.post(
                "/api/v1/orientations",
                json=corps,
                headers={**h, "Idempotency-Key": str(uuid.uuid4())},
            ).status_code
            latences.append(time.perf_counter() - t0)
            return code

        cpu = CompteurCpu(proc.pid if proc else None, db_url if proc else None)
        with httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(max_connections=args.concurrence)) as http:
            pousser(-1, http)  # warm-up: each worker's first request pays its imports and connections
            pousser(-2, http)
            codes.clear()
            latences.clear()
            cpu.demarrer()
            cpu_client = time.process_time()
            debut = time.monotonic()
            with ThreadPoolExecutor(max_workers=args.concurrence) as pool:
                for code in pool.map(lambda i: pousser(i, http), range(args.n)):
                    codes[code] = codes.get(code, 0) + 1
            duree = time.monotonic() - debut
            cpu_client = time.process_time() - cpu_client
        conso = cpu.lire()
        ok = codes.get(201, 0)
        print(f"machine : {machine()}")
        print(f"serveur : {base}, {args.workers if proc else '?'} worker(s), base {base_de_donnees}")
        print(
            f"envoyées : {sum(v for k, v in codes.items() if k)} / {args.n}, "
            f"concurrence {args.concurrence}, "
            f"codes {dict(sorted(codes.items()))}"
        )
        if ok and proc is not None:
            ms = {k: v * 1000 / ok for k, v in (*conso.items(), ("client", cpu_client))}
            total = sum(ms.values())
            print(
                f"CPU par orientation : serveur {ms['serveur']:.1f} ms, PostgreSQL {ms['postgres']:.1f} ms, "
                f"client {ms['client']:.1f} ms ; soit au plus ≈ {2000 / total:.0f} orientations/s "
                "si ces deux cœurs n'avaient que ce travail"
            )
        q = statistics.quantiles(latences, n=100) if len(latences) > 1 else [0.0] * 99
        print(f"latence par orientation : p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms")
        print(
            f"{ok} orientations créées en {duree:.2f} s : {ok / duree:.1f} orientations/s "
            f"(objectif ≥ 300/s sur 2 cœurs ; charge de la machine à la fin : {os.getloadavg()[0]:.2f})"
        )
        return 0 if ok == args.n else 1
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if pg_admin is not None:
            with pg_admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_nom}" WITH (FORCE)'))
            pg_admin.dispose()
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
