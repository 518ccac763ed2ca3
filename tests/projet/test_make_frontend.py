"""`make run` (and `make test`) rebuild the frontend only when what the build reads changed.

A build costs ~12 s; before, every `make run` paid it. ``make -q`` asks whether the
target is up to date without running anything, and ``-W FILE`` asks « what if FILE had
just changed » without touching it.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests import RACINE

DIST = "frontend/dist/index.html"


def _a_jour(*quoi_si: str) -> bool:
    options = [f"-W{f}" for f in quoi_si]
    r = subprocess.run(["make", "-q", *options, DIST], cwd=RACINE, capture_output=True, text=True, timeout=60)
    assert r.returncode in (0, 1), r.stderr
    return r.returncode == 0


def test_le_frontend_n_est_reconstruit_que_si_ses_sources_changent() -> None:
    if shutil.which("make") is None or shutil.which("npm") is None:
        pytest.skip("make ou npm absent")
    if not _a_jour():
        # `make test` builds the frontend before the suite: only a bare pytest gets here.
        pytest.skip("frontend/dist absent ou périmé : lancez make frontend (make test le fait)")
    for source in ("frontend/src/main.tsx", "frontend/index.html", "frontend/package-lock.json", "frontend/vite.config.ts"):
        assert not _a_jour(source), f"{source} changé : le frontend doit être reconstruit"
    assert _a_jour("api/main.py") and _a_jour("README.md")  # nothing the build reads
