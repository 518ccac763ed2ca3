"""The frontend's TypeScript types must match the committed OpenAPI document.

They are regenerated into a temporary file with the project's own
openapi-typescript (same options as `npm run gen:api`) and compared with
frontend/src/api/schema.d.ts: a route changed without `make openapi` fails here.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import RACINE

ROOT = RACINE
FRONT = ROOT / "frontend"
SCHEMA = FRONT / "src" / "api" / "schema.d.ts"
CLI = FRONT / "node_modules" / "openapi-typescript" / "bin" / "cli.js"


def _gen_api_args(output: Path) -> list[str]:
    """The arguments of package.json's gen:api script, with the output redirected."""
    script = json.loads((FRONT / "package.json").read_text())["scripts"]["gen:api"]
    args = shlex.split(script)
    assert args[0] == "openapi-typescript", script
    out = args.index("-o")
    args[out + 1] = str(output)
    return args[1:]


def test_types_typescript_a_jour(tmp_path: Path) -> None:
    if not CLI.exists() or shutil.which("node") is None:
        pytest.skip(
            "frontend/node_modules absent (ou node introuvable) : "
            "lancez `make frontend` pour vérifier les types"
        )
    genere = tmp_path / "schema.d.ts"
    subprocess.run(
        ["node", str(CLI), *_gen_api_args(genere)],
        cwd=FRONT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert genere.read_text() == SCHEMA.read_text(), (
        "frontend/src/api/schema.d.ts est périmé par rapport à openapi/openapi.json : "
        "lancez `make openapi`"
    )
