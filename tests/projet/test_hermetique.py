"""The suite does not depend on the caller's ANCRAGE_* variables.

The README's configuration table invites exporting ANCRAGE_SECRET_KEY or ANCRAGE_ENV;
a developer who did so and then ran ``make test`` used to get a failure
(test_development_generates_and_keeps_a_key expects the key file that an exported key
prevents). tests/conftest.py now removes them at import and builds the suite's settings
from their arguments only.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests import RACINE
from tests.conftest import VARIABLES_DE_LA_SUITE, nettoyer_environnement, reglages_de_test

# What a production shell, or a careless one, may have exported: each value is valid for
# its setting (so that a leak changes the settings instead of failing validation) and far
# from what the tests expect.
ENVIRONNEMENT_HOSTILE = {
    "ANCRAGE_SECRET_KEY": "x",
    "ANCRAGE_ENV": "production",
    "ANCRAGE_LOG_LEVEL": "DEBUG",
    "ANCRAGE_DATABASE_REPLICA_URL": "postgresql://postgres@192.0.2.1:5432/replique",
    "ANCRAGE_REDIS_URL": "redis://192.0.2.1:6379/0",
    "ANCRAGE_ACCESS_TOKEN_MINUTES": "1",
    "ANCRAGE_CORS_ORIGINS": '["https://ailleurs.example"]',
    "ANCRAGE_PUBLIC_URL": "https://ailleurs.example",
    "ANCRAGE_TRUSTED_PROXIES": '["0.0.0.0/0"]',
    "ANCRAGE_COOKIE_SECURE": "true",
    "ANCRAGE_FRONTEND_DIST": "/",
    "ANCRAGE_SECRET_STATISTIQUE_SEUIL": "1000",
    "ANCRAGE_CLIENT_REQUETES_PAR_MINUTE": "1",
    "ANCRAGE_LOGIN_MAX_ECHECS": "1",
    "ANCRAGE_ADMIN_EMAIL": "intrus@ailleurs.example",
    "ANCRAGE_ADMIN_PASSWORD": "intrus",
}


def test_le_fixture_de_reglages_ignore_un_environnement_hostile(monkeypatch, database_url) -> None:
    attendu = reglages_de_test(database_url).model_dump()
    for nom, valeur in ENVIRONNEMENT_HOSTILE.items():
        monkeypatch.setenv(nom, valeur)
    assert reglages_de_test(database_url).model_dump() == attendu
    assert attendu["env"] == "test" and attendu["redis_url"] is None


def test_le_nettoyage_ne_garde_que_les_variables_de_la_suite() -> None:
    environ = {**ENVIRONNEMENT_HOSTILE, "PATH": "/usr/bin", "ANCRAGE_DATABASE_URL": "postgresql://x/y"}
    retirees = nettoyer_environnement(environ)
    assert set(retirees) == set(ENVIRONNEMENT_HOSTILE)
    assert environ == {"PATH": "/usr/bin", "ANCRAGE_DATABASE_URL": "postgresql://x/y"}
    assert "ANCRAGE_DATABASE_URL" in VARIABLES_DE_LA_SUITE
    # Nothing hostile reached this very process (conftest cleaned it at import).
    assert not set(ENVIRONNEMENT_HOSTILE) & set(os.environ)


def test_les_tests_de_reglages_passent_sous_un_environnement_hostile() -> None:
    """The settings tests in a fresh pytest started under the hostile environment: the one
    that failed on an exported key (test_development_generates_and_keeps_a_key) included."""
    env = {**os.environ, **ENVIRONNEMENT_HOSTILE}
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "tests/core/test_settings_health.py"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert " passed" in r.stdout and "failed" not in r.stdout
