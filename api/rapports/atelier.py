"""The workshop (« l'atelier »): PDF, DOCX and HTML of reports are rendered in a process of
their own, one per API worker, started at the first render and kept.

Why not in the worker: WeasyPrint and matplotlib weigh ≈ 100 MB once imported, which every
API worker would then keep for good (issue 15: no more than 50 MB above the worker's
baseline; issue 16: an API worker under 150 MB), and a render holds the worker's GIL for 2
to 3 s, during which its other requests wait. In the workshop the render runs beside the
worker, the worker's memory does not move, and the workshop's heap holds only the renderers:
its full garbage collections walk far fewer objects than an API worker's would.

Standard library only (``concurrent.futures.ProcessPoolExecutor``, one process, « spawn »: a
fresh interpreter, nothing inherited from the worker's threads or connections). What crosses
is the composed content (``composition.Contenu``, plain data) and the rendered bytes. A
workshop that dies (killed, out of memory) is replaced at the next render, which is retried
once. Renders of one worker are queued in its workshop: at most one per worker at a time.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from api.rapports import rendu
from api.rapports.composition import Contenu

T = TypeVar("T")

_verrou = threading.Lock()
_atelier: ProcessPoolExecutor | None = None


def _executeur() -> ProcessPoolExecutor:
    global _atelier
    with _verrou:
        if _atelier is None:
            _atelier = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=rendu.prechauffer
            )
        return _atelier


def _remplacer(ancien: ProcessPoolExecutor) -> None:
    global _atelier
    with _verrou:
        if _atelier is ancien:
            _atelier = None
    ancien.shutdown(wait=False, cancel_futures=True)


def _executer(fonction: Callable[..., T], *args: Any) -> T:
    for essai in (1, 2):
        executeur = _executeur()
        try:
            return executeur.submit(fonction, *args).result()
        except BrokenProcessPool:
            _remplacer(executeur)
            if essai == 2:
                raise
    raise AssertionError  # unreachable: the loop returns or raises


def rendre(format: str, c: Contenu) -> bytes:
    """The report in ``html``, ``pdf`` or ``docx``, rendered by the workshop."""
    return _executer(rendu.rendre_contenu, format, c)


def rendre_les_trois(c: Contenu) -> tuple[bytes, bytes, bytes]:
    """HTML, PDF and DOCX (a deposit), rendered by the workshop."""
    return _executer(rendu.rendre_les_trois, c)


def prechauffer() -> Future[None] | None:
    """Starts the workshop without waiting (a report's screen is open: its download will
    likely follow). Nothing when it is already started."""
    with _verrou:
        if _atelier is not None:
            return None
    return _executeur().submit(_rien)  # the process starts and runs its initializer


def _rien() -> None:
    return None


def pid() -> int | None:
    """The workshop's process id, once started (benchmarks read its memory)."""
    with _verrou:
        processus = getattr(_atelier, "_processes", None) or {}
    return next(iter(processus), None)
