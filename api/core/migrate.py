"""Alembic driven from Python: configuration lives in pyproject.toml ([tool.alembic])."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.config import Config

from api.core.config import PROJECT_ROOT


def alembic_config(url: str | None = None, connection: Any = None) -> Config:
    cfg = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str | None = None, revision: str = "head", connection: Any = None) -> None:
    command.upgrade(alembic_config(url, connection), revision)


def downgrade(url: str | None = None, revision: str = "base", connection: Any = None) -> None:
    command.downgrade(alembic_config(url, connection), revision)
