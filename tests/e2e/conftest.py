"""End-to-end fixtures: the real app (uvicorn, Alembic-migrated throwaway SQLite,
built frontend) on a free port, driven by Debian's headless Chromium through
Playwright for Python.

Where Chromium (or the built frontend) is missing the tests are skipped, and
said so loudly at the end of the run; with ANCRAGE_E2E_REQUIRED=1 (CI) that is
a failure instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"

# The journeys start their own server on a throwaway SQLite database (``serveur``):
# they run the same whatever ANCRAGE_DATABASE_URL says. The suite's PostgreSQL pass
# (CI runs both) leaves them out instead of repeating them, which saves minutes of CI.
if os.environ.get("ANCRAGE_DATABASE_URL", "").startswith("postgresql"):
    collect_ignore_glob = ["test_*.py"]
SCREENSHOTS = ROOT / "var" / "screenshots"
REQUIRED = os.environ.get("ANCRAGE_E2E_REQUIRED") == "1"

# Without the background-networking flags Chromium keeps trying to reach
# Google's hosts, which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # French UI for the native date fields (jj/mm/aaaa); only takes effect where
    # Debian's chromium-l10n is installed, otherwise Chromium falls back to en-US.
    "--lang=fr-FR",
]

ADMIN_EMAIL = "admin.e2e@ancrage-e2e.fr"
ADMIN_PASSWORD = "admin-e2e-mot-de-passe-solide"
AGENT_EMAIL = "agent.e2e@espoir35.fr"
AGENT_PASSWORD = "agent-e2e-mot-de-passe-solide"
GIE_EMAIL = "secretariat.e2e@gie-logement35.fr"
GIE_PASSWORD = "gie-e2e-mot-de-passe-solide"
FINANCEUR_EMAIL = "pilotage.e2e@ddets35.fr"
FINANCEUR_PASSWORD = "financeur-e2e-mot-de-passe-solide"
DISPOSITIF_EXEMPLE = ROOT / "api" / "dispositifs" / "exemples" / "dispositif_300_logements_accompagnes.json"

# Setting up goes through argon2 hashing; on a loaded CI machine httpx's 5 s default is short.
TIMEOUT_API = 30.0

_skipped: list[str] = []


def _indisponible(raison: str) -> None:
    if REQUIRED:
        pytest.fail(f"{raison} (ANCRAGE_E2E_REQUIRED=1 : les tests de bout en bout sont obligatoires)")
    _skipped.append(raison)
    pytest.skip(raison)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped:
        terminalreporter.write_sep("!", "TESTS DE BOUT EN BOUT (e2e) IGNORÉS", yellow=True, bold=True)
        terminalreporter.write_line(f"raison : {_skipped[0]}")
        terminalreporter.write_line("Pour les lancer : apt-get install chromium, puis make test.")


def _port_libre() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Serveur:
    url: str
    admin_email: str = ADMIN_EMAIL
    admin_password: str = ADMIN_PASSWORD
    agent_email: str = AGENT_EMAIL
    agent_password: str = AGENT_PASSWORD
    gie_email: str = GIE_EMAIL
    gie_password: str = GIE_PASSWORD
    financeur_email: str = FINANCEUR_EMAIL
    financeur_password: str = FINANCEUR_PASSWORD
    ids: dict[str, str] = field(default_factory=dict)
    # The server's environment: a journey that starts the worker (python -m api notifications)
    # gives it the same database and settings.
    env: dict[str, str] = field(default_factory=dict)

    def jeton(self, email: str, password: str) -> str:
        r = httpx.post(
            f"{self.url}/api/v1/auth/token",
            data={"grant_type": "password", "username": email, "password": password},
            timeout=TIMEOUT_API,
        )
        r.raise_for_status()
        return str(r.json()["access_token"])


def _seed(url: str) -> dict[str, str]:
    """Partners of the journey, created through the API as the admin would."""
    srv = Serveur(url)
    h = {"Authorization": f"Bearer {srv.jeton(ADMIN_EMAIL, ADMIN_PASSWORD)}"}
    with httpx.Client(base_url=url, headers=h, timeout=TIMEOUT_API) as c:
        asso = (
            c.post(
                "/api/v1/organisations",
                json={
                    "nom": "Association Espoir 35",
                    "type": "association",
                    "commune_insee": "35238",
                },
            )
            .raise_for_status()
            .json()
        )
        bailleur = c.post("/api/v1/organisations", json={"nom": "Néotoa", "type": "bailleur"}).raise_for_status().json()
        c.post(
            "/api/v1/utilisateurs",
            json={
                "email": AGENT_EMAIL,
                "nom": "Martin",
                "prenom": "Claire",
                "organisation_id": asso["id"],
                "role": "agent",
                "mot_de_passe": AGENT_PASSWORD,
            },
        ).raise_for_status()
        # The dispositif of the referral journey: its commission (GIE), its funder, and
        # the association's convention covering Rennes.
        financeur = (
            c.post("/api/v1/organisations", json={"nom": "DDETS 35", "type": "financeur"}).raise_for_status().json()
        )
        c.post(
            "/api/v1/utilisateurs",
            json={
                "email": FINANCEUR_EMAIL,
                "nom": "Lebrun",
                "prenom": "Paul",
                "organisation_id": financeur["id"],
                "role": "agent",
                "mot_de_passe": FINANCEUR_PASSWORD,
            },
        ).raise_for_status()
        gie = c.post("/api/v1/organisations", json={"nom": "GIE Logement 35", "type": "gie"}).raise_for_status().json()
        c.post(
            "/api/v1/utilisateurs",
            json={
                "email": GIE_EMAIL,
                "nom": "Roux",
                "prenom": "Anne",
                "organisation_id": gie["id"],
                "role": "agent",
                "mot_de_passe": GIE_PASSWORD,
            },
        ).raise_for_status()
        texte = (
            DISPOSITIF_EXEMPLE.read_text()
            .replace("{{financeur_id}}", financeur["id"])
            .replace("{{commission_id}}", gie["id"])
        )
        dispositif = (
            c.post("/api/v1/dispositifs", content=texte, headers={"Content-Type": "application/json"})
            .raise_for_status()
            .json()
        )
        c.post(
            "/api/v1/conventions",
            json={
                "dispositif_id": dispositif["id"],
                "association_id": asso["id"],
                "date_debut": "2020-01-01",
                "date_fin": "2035-12-31",
                "objectif_menages": 40,
                "mois_mesures_finances": 480,
                "budget_euros": 230000,
                "communes": ["35238"],
            },
        ).raise_for_status()
    return {
        "association": asso["id"],
        "bailleur": bailleur["id"],
        "gie": gie["id"],
        "financeur": financeur["id"],
        "dispositif": dispositif["id"],
    }


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        _indisponible("chromium introuvable sur le PATH (paquet Debian « chromium »)")
    assert path
    return path


# One server and one database per test file: each journey starts from the same
# seeded partners whatever ran before it (and whichever xdist worker runs it).
@pytest.fixture(scope="module")
def serveur(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[Serveur]:
    if not (DIST / "index.html").exists():
        _indisponible("frontend/dist absent : lancez `make frontend` (make test le fait)")
    tmp = tmp_path_factory.mktemp("e2e")
    port = _port_libre()
    env = {
        **os.environ,
        "ANCRAGE_DATABASE_URL": f"sqlite:///{tmp / 'e2e.db'}",
        "ANCRAGE_SECRET_KEY": "e2e-" + "k" * 48,
        "ANCRAGE_ENV": "test",
        "ANCRAGE_ADMIN_EMAIL": ADMIN_EMAIL,
        "ANCRAGE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "ANCRAGE_LOG_LEVEL": "WARNING",
        "ANCRAGE_PORT": str(port),
        # Documents in the run's own directory; no clamd here (tests/documents/test_documents.py scans
        # with a real one): uploads are stored marked « non analysé », as in development.
        "ANCRAGE_DOCUMENTS_REPERTOIRE": str(tmp / "documents"),
        "ANCRAGE_ANTIVIRUS_OBLIGATOIRE": "false",
        "ANCRAGE_CLAMAV_ADRESSE": f"unix://{tmp / 'pas-de-clamd.sock'}",
    }
    # A journey module may add settings that depend on the server's port (ENV_SERVEUR(port)),
    # e.g. the ProConnect journey's provider, which must know the callback address.
    extra = getattr(request.module, "ENV_SERVEUR", None)
    if extra is not None:
        env.update(extra(port))
    subprocess.run([sys.executable, "-m", "api", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(
        [sys.executable, "-m", "api", "create-admin"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    journal = (tmp / "uvicorn.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
        stdout=journal,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if proc.poll() is not None:
                raise RuntimeError(f"uvicorn s'est arrêté : voir {tmp / 'uvicorn.log'}")
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("l'application n'a pas démarré en 30 s")
        yield Serveur(url, ids=_seed(url), env=env)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        journal.close()


@pytest.fixture(scope="session")
def navigateur(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, "LANG": "fr_FR.UTF-8", "LANGUAGE": "fr"},
        )
        yield browser
        browser.close()


@pytest.fixture
def page(navigateur: Any, serveur: Serveur) -> Iterator[Any]:
    context = navigateur.new_context(
        base_url=serveur.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    erreurs: list[str] = []
    pg.on("pageerror", lambda e: erreurs.append(str(e)))
    # The API's Content-Security-Policy (no inline script) must not block anything the app does.
    pg.on(
        "console",
        lambda m: erreurs.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield pg
    context.close()
    assert not erreurs, f"erreurs JavaScript dans la page : {erreurs}"


@pytest.fixture(scope="session")
def capture() -> Any:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _capture(page: Any, nom: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{nom}.png"), full_page=True)

    return _capture
