"""Commands: ``python -m api serve|migrate|create-admin|demo|webhooks|notifications|retention|openapi|revision``.

Each is what the Makefile and the Dockerfile run, so they stay the same.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from api.core.config import Settings, get_settings


def _migrate() -> None:
    from api.core.migrate import upgrade

    upgrade(get_settings().database_url)


def _create_admin() -> None:
    from sqlmodel import Session

    from api.core.db import make_engine
    from api.organisations.service import assurer_admin

    settings = get_settings()
    engine = make_engine(settings.database_url)
    email = settings.admin_email or "admin@ancrage.local"
    password = settings.admin_password.get_secret_value() if settings.admin_password else None
    with Session(engine) as session:
        generated = assurer_admin(session, email=email, mot_de_passe=password)
    if generated:
        print(f"Compte administrateur créé : {email} / mot de passe : {generated}", flush=True)
        print("(affiché une seule fois ; ANCRAGE_ADMIN_PASSWORD permet de le choisir)", flush=True)
    _hint_demo(engine)
    engine.dispose()


def _hint_demo(engine: object) -> None:
    from sqlalchemy import func, select
    from sqlmodel import Session

    from api.menages.models import Menage

    with Session(engine) as session:  # type: ignore[arg-type]
        if session.execute(select(func.count()).select_from(Menage)).scalar_one() == 0:
            print("Base vide : `make demo` charge un jeu de données de démonstration.", flush=True)


def _demo(scale: str, seed: int, menages: int | None, lister: bool) -> None:
    from sqlmodel import Session

    from api.core.db import make_engine
    from api.demo.comptes import comptes_demo, noms_organisations, resume
    from api.demo.generateur import charger

    settings = get_settings()
    engine = make_engine(settings.database_url)
    if lister:  # the accounts of a demo already loaded, one per line: role, login, organisation
        with Session(engine) as session:
            for role, liste in comptes_demo(session).items():
                for c in liste:
                    print(f"{role}\t{c.email}\t{c.organisation_id}\t{c.role}")
        engine.dispose()
        return
    _migrate()
    print(f"Chargement de la démonstration ({scale}, graine {seed})…", flush=True)
    compte = charger(engine, echelle=scale, graine=seed, menages=menages, journal=lambda m: print(m, flush=True))
    for table, n in compte.items():
        print(f"  {table:28} {n:>10}", flush=True)
    with Session(engine) as session:
        comptes = comptes_demo(session)
        organisations = noms_organisations(session)
    engine.dispose()
    print("\n".join(resume(comptes, organisations)), flush=True)
    print("Liste complète : python -m api demo --comptes", flush=True)


def _retention(simulation: bool) -> None:
    from sqlmodel import Session

    from api.core.db import make_engine
    from api.documents.stockage import stockage_depuis
    from api.vie_privee.retention import appliquer_retention

    settings = get_settings()
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        bilan = appliquer_retention(
            session,
            simulation=simulation,
            annees_menage=settings.retention_menage_annees,
            mois_journal=settings.retention_journal_mois,
            stockage=stockage_depuis(settings),
        )
    engine.dispose()
    verbe = "seraient" if simulation else "ont été"
    mode = " (simulation : rien n'est modifié)" if simulation else ""
    print(f"Rétention{mode} :", flush=True)
    refs = " : " + ", ".join(bilan.menages) if bilan.menages else ""
    print(f"- {len(bilan.menages)} ménage(s) {verbe} anonymisé(s) (dernier contact au plus tard "
          f"le {bilan.date_limite_menages.isoformat()}){refs}")
    if not simulation:
        print(f"- {bilan.documents} fichier(s) de document supprimé(s) du stockage")
    print(f"- {bilan.entrees_journal} entrée(s) du journal des accès {verbe} purgée(s) "
          f"(antérieures au {bilan.date_limite_journal.isoformat(timespec='seconds')})", flush=True)


def options_uvicorn(settings: Settings, workers: int | None = None) -> dict[str, Any]:
    """uvicorn's options, from the settings (``workers``: the command line's, if given)."""
    return {
        "host": settings.host,
        "port": settings.port,
        "workers": workers or settings.workers,
        "timeout_keep_alive": settings.keep_alive_secondes,
        "log_level": settings.log_level.lower(),
        # X-Forwarded-* are read by the app, from ANCRAGE_TRUSTED_PROXIES only
        # (api/core/proxy.py): uvicorn's own reading would trust 127.0.0.1 by default,
        # and a pass-through proxy on the same host would let any client name its address.
        "proxy_headers": False,
        "forwarded_allow_ips": "",
        "access_log": False,
    }


def _serve(workers: int | None) -> None:
    import uvicorn

    from api.core.migrate import un_demarrage_a_la_fois

    settings = get_settings()
    # Several machines may start at once: one migrates and creates the admin at a time.
    with un_demarrage_a_la_fois(settings.database_url):
        _migrate()
        _create_admin()
    options = options_uvicorn(settings, workers)
    print(
        f"Ancrage sur http://{settings.host}:{settings.port}  (API : /docs ; {options['workers']} processus)",
        flush=True,
    )
    uvicorn.run("api.asgi:app", **options)


def _webhooks(intervalle: float) -> None:
    """The webhook delivery worker: a separate process, so that a slow receiver never
    holds an API worker, and so that several may run (deliveries are SKIP LOCKED)."""
    from sqlmodel import Session

    from api.core.db import make_engine
    from api.core.logging import configure_logging
    from api.core.sortant import PolitiqueSortante
    from api.orientations.webhooks import boucle

    settings = get_settings()
    configure_logging(settings.log_level)
    engine = make_engine(settings.database_url)
    print(f"Livraison des webhooks (toutes les {intervalle:g} s quand la file est vide)", flush=True)
    boucle(
        lambda: Session(engine, expire_on_commit=False),
        politique=PolitiqueSortante.depuis(settings),
        intervalle=intervalle,
    )


def _notifications(intervalle: float) -> None:
    """The e-mail worker of the notifications, beside the webhooks' one: builds the e-mails
    (immediate ones, daily and weekly digests) and sends them through SMTP, with retries;
    the same loop sends the households' reminders and runs the large imports."""
    from sqlmodel import Session

    from api import tables  # noqa: F401  (every table: the flush sorts them by foreign key)
    from api.alertes.notifications import notifier_alertes
    from api.core.db import make_engine
    from api.core.logging import configure_logging
    from api.imports.service import executer_tache
    from api.notifications.courriel import boucle
    from api.rappels.service import tour as rappels_tour

    settings = get_settings()
    configure_logging(settings.log_level)
    engine = make_engine(settings.database_url)
    hote = settings.smtp_hote or "aucun serveur SMTP (ANCRAGE_SMTP_HOTE) : les courriels attendent"
    print(f"Envoi des courriels de notification via {hote} (toutes les {intervalle:g} s au repos)", flush=True)
    boucle(
        lambda: Session(engine, expire_on_commit=False),
        settings,
        intervalle=intervalle,
        notifier_alertes=notifier_alertes,
        # The households' rendez-vous reminders, on their consent (docs/rappels.md).
        # The large caseload imports too, in the background (docs/import-proconnect.md).
        taches=[
            lambda session: rappels_tour(session, settings),
            lambda session: executer_tache(session, max_lignes=settings.import_max_lignes),
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api")
    sub = parser.add_subparsers(dest="cmd", required=True)
    serve = sub.add_parser("serve", help="migrer, créer l'admin puis servir")
    serve.add_argument("--workers", type=int, default=None, help="processus (défaut : ANCRAGE_WORKERS, 1)")
    sub.add_parser("migrate", help="appliquer les migrations Alembic")
    sub.add_parser("create-admin", help="créer le premier administrateur s'il n'y en a pas")
    demo = sub.add_parser("demo", help="charger une population de démonstration reproductible")
    demo.add_argument("--scale", choices=["small", "departement"], default="small")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--menages", type=int, default=None, help="nombre de ménages (remplace l'échelle)")
    demo.add_argument("--comptes", action="store_true", help="lister les comptes de la démonstration chargée, par rôle")
    hooks = sub.add_parser("webhooks", help="livrer les webhooks en attente, en boucle")
    hooks.add_argument("--intervalle", type=float, default=2.0, help="secondes d'attente quand rien n'est dû")
    notif = sub.add_parser("notifications", help="courriels de notification, rappels et gros imports, en boucle")
    notif.add_argument("--intervalle", type=float, default=10.0, help="secondes d'attente quand rien n'est dû")
    ret = sub.add_parser("retention", help="anonymiser les dossiers échus, purger le vieux journal des accès")
    ret.add_argument("--dry-run", action="store_true", help="dire ce qui serait fait, sans rien modifier")
    sub.add_parser("openapi", help="écrire le document OpenAPI trié sur la sortie standard")
    rev = sub.add_parser("revision", help="(développement) générer une migration")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--rev-id", required=True)
    args = parser.parse_args(argv)
    if args.cmd == "serve":
        _serve(args.workers)
    elif args.cmd == "migrate":
        _migrate()
    elif args.cmd == "create-admin":
        _create_admin()
    elif args.cmd == "demo":
        _demo(args.scale, args.seed, args.menages, args.comptes)
    elif args.cmd == "webhooks":
        _webhooks(args.intervalle)
    elif args.cmd == "notifications":
        _notifications(args.intervalle)
    elif args.cmd == "retention":
        _retention(args.dry_run)
    elif args.cmd == "openapi":
        from api.openapi_doc import openapi_json

        sys.stdout.write(openapi_json())
    elif args.cmd == "revision":
        from alembic import command

        from api.core.migrate import alembic_config

        command.revision(
            alembic_config(get_settings().database_url), message=args.message, autogenerate=True, rev_id=args.rev_id
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
