"""Structured JSON logs (python-json-logger) on stdout."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", rename_fields={"levelname": "level"})
    )
    root = logging.getLogger("ancrage")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
