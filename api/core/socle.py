"""What a worker does once, after the app is built (api/asgi.py)."""

from __future__ import annotations

import gc


def figer_le_socle() -> None:
    """Takes what a worker has built at start (modules, routes, models, schemas: ≈ 200,000
    objects) out of the garbage collector's generations, once.

    They live as long as the worker, yet every full collection walked them all: 115 ms
    each, triggered every few requests by the objects a request creates (150 to 210 ms
    inside an indicators document, measured with ``gc.callbacks``). Frozen, a full
    collection walks only what requests create. Called once per worker, after the app is
    built (api/asgi.py); never during a request (freezing there would keep every object
    of the request forever: docs/performance.md, « Rapports »)."""
    gc.freeze()
