"""The SQL statements an engine sends while a block runs (``before_cursor_execute``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def instructions(engine: Engine, garder: Callable[[str], bool] = lambda _: True) -> Iterator[list[str]]:
    """The statements ``garder`` keeps, in the order they were sent."""
    vues: list[str] = []

    def noter(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if garder(statement):
            vues.append(statement)

    event.listen(engine, "before_cursor_execute", noter)
    try:
        yield vues
    finally:
        event.remove(engine, "before_cursor_execute", noter)
