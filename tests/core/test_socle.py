"""A worker freezes its start-up objects once (api/core/socle.py): a full collection of
the garbage collector then walks what requests create, not the whole app."""

from __future__ import annotations

import os
import subprocess
import sys

from tests import RACINE


def test_the_asgi_app_freezes_what_it_built_at_start(tmp_path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ANCRAGE_")},
        "ANCRAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'socle.db'}",
        "ANCRAGE_SECRET_KEY": "socle-" + "s" * 48,
        "ANCRAGE_DOCUMENTS_REPERTOIRE": str(tmp_path / "documents"),
    }
    code = "import gc, api.asgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    sortie = subprocess.run(
        [sys.executable, "-c", code], cwd=RACINE, env=env, capture_output=True, text=True, check=True
    ).stdout
    figes, restants = map(int, sortie.split())
    # the app's modules, routes and models: far more than what is left to collect
    assert figes > 100_000 and restants < figes / 20, (figes, restants)
