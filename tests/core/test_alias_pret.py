"""Aliases shared by every request are built whole at import (``api/core/db.py``,
``alias_pret``): built lazily, two threads reaching one attribute at once could bind it to
the table instead of the alias (SQLAlchemy issue 12302), for the life of the worker."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

from sqlmodel import col

from api.core.db import alias_pret
from api.menages.models import Menage, Personne

API = Path(__file__).resolve().parents[2] / "api"


def test_an_alias_is_built_whole_before_any_request() -> None:
    alias = alias_pret(Personne)
    construits = vars(alias)
    for cle in ("id", "menage_id", "lien", "nom", "prenom"):
        assert cle in construits, cle  # read afterwards, never built by a request thread


def test_threads_reaching_a_fresh_alias_at_once_read_the_alias() -> None:
    mauvais = []
    for _ in range(200):
        alias = alias_pret(Personne)
        barriere = threading.Barrier(8)

        def lire(a: object = alias, b: threading.Barrier = barriere) -> None:
            b.wait()
            mauvais.append("personne.menage_id" in str(col(a.menage_id) == col(Menage.id)))  # type: ignore[attr-defined]

        fils = [threading.Thread(target=lire) for _ in range(8)]
        for f in fils:
            f.start()
        for f in fils:
            f.join()
    assert not any(mauvais)


def test_no_module_builds_an_alias_itself() -> None:
    """``sqlalchemy.orm.aliased`` is called by ``alias_pret`` only."""
    fautifs = []
    for fichier in sorted(API.rglob("*.py")):
        if fichier == API / "core" / "db.py":
            continue
        for noeud in ast.walk(ast.parse(fichier.read_text())):
            if isinstance(noeud, ast.Call) and getattr(noeud.func, "id", getattr(noeud.func, "attr", None)) == "aliased":
                fautifs.append(f"{fichier.relative_to(API.parent)}:{noeud.lineno}")
    assert fautifs == []
