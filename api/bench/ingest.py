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
limit, in two modes on the same server: one referral per request (``--n``,
300), then by batches (``POST /api/v1/orientations/lot``, ``--lot`` 100 per
request, ``--n-lot`` 3,000 in all). For each: referrals per second, CPU per
referral (server, PostgreSQL, client), latency per request p50/p95, and the machine.

    python -m api.bench.ingest --n 600 --concurrence 8
    python -m api.bench.ingest --n 0 --lot 200 --n-lot 6000     # batches only
    python -m api.bench.ingest --lot 0                          # one by one only
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


def orientation(dispositif_id: str, i: int, run: str) -> dict[str, Any]:
    return {
        "dispositif_id": dispositif_id,
        "menage": menage(i),
        "origine": "bailleur",
        "acces_maintien": "maintien",
        "external_ref": f"BENCH-{run}-{i}",
        "soumettre": True,
    }


class Envoi:
    """Pushes referrals to the server, one per request or by batches, with bounded
    concurrency and time, and prints what it cost."""

    def __init__(
        self,
        base: str,
        headers: dict[str, str],
        dispositif_id: str,
        concurrence: int,
        duree_max: float,
        cpu: CompteurCpu | None,
    ) -> None:
        self.base, self.headers, self.dispositif_id = base, headers, dispositif_id
        self.concurrence, self.duree_max, self.cpu = concurrence, duree_max, cpu
        self.run = uuid.uuid4().hex[:6]  # one run's references: runs against the same base never collide
        self.suivant = 0  # index of the next referral (distinct households and references)

    def _corps(self, taille: int) -> tuple[str, dict[str, Any]]:
        debut, self.suivant = self.suivant, self.suivant + max(taille, 1)
        items = [orientation(self.dispositif_id, i, self.run) for i in range(debut, debut + max(taille, 1))]
        if taille == 0:
            return "/api/v1/orientations", items[0]
        return "/api/v1/orientations/lot", {"orientations": items}

    def _pousser(self, http: httpx.Client, chemin: str, corps: dict[str, Any], limite: float) -> tuple[int, float]:
        if time.monotonic() > limite:
            return 0, 0.0
        t0 = time.perf_counter()
        code = http.post(chemin, json=corps, headers={**self.headers, "Idempotency-Key": str(uuid.uuid4())}).status_code
        return code, time.perf_counter() - t0

    def mesurer(self, *, n: int, lot: int) -> bool:
        """``lot`` 0: one referral per request; otherwise batches of ``lot``. True if all were created."""
        tailles = [1] * n if lot == 0 else [min(lot, n - k) for k in range(0, n, lot)]
        limits = httpx.Limits(max_connections=self.concurrence)
        with httpx.Client(base_url=self.base, timeout=120, limits=limits) as http:
            # warm-up: each worker's first request pays its imports and connections
            for _ in range(2):
                self._pousser(http, *self._corps(min(lot, 10)), time.monotonic() + 60)
            corps = [self._corps(0 if lot == 0 else t) for t in tailles]  # built before: not the client's CPU
            limite = time.monotonic() + self.duree_max
            if self.cpu is not None:
                self.cpu.demarrer()
            cpu_client = time.process_time()
            debut = time.monotonic()
            with ThreadPoolExecutor(max_workers=self.concurrence) as pool:
                resultats = list(pool.map(lambda c: self._pousser(http, c[0], c[1], limite), corps))
            duree = time.monotonic() - debut
            cpu_client = time.process_time() - cpu_client
        conso = self.cpu.lire() if self.cpu is not None else None
        codes: dict[int, int] = {}
        for code, _ in resultats:
            codes[code] = codes.get(code, 0) + 1
        ok = sum(t for t, (code, _) in zip(tailles, resultats, strict=True) if code == 201)
        latences = [d for code, d in resultats if code]
        mode = "une orientation par requête" if lot == 0 else f"par lots de {lot}"
        print(f"— {mode} —")
        print(
            f"envoyées : {sum(t for t, (code, _) in zip(tailles, resultats, strict=True) if code)} / {n} orientations "
            f"en {len(latences)} requêtes, concurrence {self.concurrence}, codes {dict(sorted(codes.items()))}"
        )
        if ok and conso is not None:
            ms = {k: v * 1000 / ok for k, v in (*conso.items(), ("client", cpu_client))}
            total = sum(ms.values())
            print(
                f"CPU par orientation : serveur {ms['serveur']:.1f} ms, PostgreSQL {ms['postgres']:.1f} ms, "
                f"client {ms['client']:.1f} ms, total {total:.1f} ms ; soit au plus ≈ {2000 / total:.0f} "
                "orientations/s si ces deux cœurs n'avaient que ce travail"
            )
        q = statistics.quantiles(latences, n=100) if len(latences) > 1 else [latences[0] if latences else 0.0] * 99
        par = "orientation" if lot == 0 else f"requête ({lot} orientations)"
        print(f"latence par {par} : p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms")
        print(
            f"{mode} : {ok} orientations créées en {duree:.2f} s : {ok / duree:.1f} orientations/s "
            f"(objectif ≥ 300/s sur 2 cœurs ; charge de la machine à la fin : {os.getloadavg()[0]:.2f})"
        )
        return ok == n


# Plus de 80 lignes : un banc est un script, lu de haut en bas (options, base jetable, serveur,
# envois, chiffres).
def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=300, help="orientations poussées une par requête (0 : aucune)")
    p.add_argument("--lot", type=int, default=100, help="orientations par lot (0 : pas d'envoi par lots)")
    p.add_argument("--n-lot", type=int, default=3000, help="orientations poussées par lots")
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
        print(f"machine : {machine()}")
        print(f"serveur : {base}, {args.workers if proc else '?'} worker(s), base {base_de_donnees}")
        cpu = CompteurCpu(proc.pid if proc else None, db_url if proc else None)
        envoi = Envoi(base, h, dispositif_id, args.concurrence, args.duree_max, cpu if proc else None)
        complet = True
        if args.n > 0:
            complet &= envoi.mesurer(n=args.n, lot=0)
        if args.lot > 0 and args.n_lot > 0:
            complet &= envoi.mesurer(n=args.n_lot, lot=args.lot)
        return 0 if complet else 1
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
