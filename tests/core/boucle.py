"""Run a coroutine to its end from a synchronous test, whatever this worker ran before.

The end-to-end tests drive Chromium through Playwright's sync API, which leaves an event
loop running in the test thread of the worker that ran them: ``asyncio.run`` there fails
(« cannot be called from a running event loop »). A thread of its own has no loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def executer(fabrique: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run(fabrique())`` in a fresh thread (the coroutine is made there too)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(fabrique())).result()
