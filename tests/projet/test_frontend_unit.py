"""The frontend's unit tests (vitest), run by `make test` through pytest."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests import RACINE

FRONT = RACINE / "frontend"
VITEST = FRONT / "node_modules" / "vitest" / "vitest.mjs"


def test_tests_unitaires_frontend() -> None:
    if not VITEST.exists() or shutil.which("node") is None:
        pytest.skip("frontend/node_modules absent : lancez `make frontend` pour les tests vitest")
    r = subprocess.run(
        ["node", str(VITEST), "run", "--reporter=dot"],
        cwd=FRONT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CI": "1", "NO_COLOR": "1"},
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
