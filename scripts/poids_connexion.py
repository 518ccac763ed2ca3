"""Bytes a first visit to the sign-in page moves, measured in Chromium (no cache): the
page, its scripts, styles, fonts and icons, as the browser reports them (headers and
body as transferred, compressed or not).

    .venv/bin/python scripts/poids_connexion.py http://127.0.0.1:8000 [/usr/bin/chromium]

Measured twice: the browser asking for « Accept-Encoding: identity » (what it received
before the server compressed anything) and with its usual « gzip, deflate, br »."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from typing import Any

from playwright.sync_api import sync_playwright


def mesurer(navigateur: Any, base: str, entetes: dict[str, str]) -> tuple[int, Counter[str]]:
    contexte = navigateur.new_context(extra_http_headers=entetes)
    page = contexte.new_page()
    requetes: list[Any] = []
    page.on("requestfinished", lambda r: requetes.append(r))
    page.goto(f"{base}/connexion", wait_until="networkidle")
    par_type: Counter[str] = Counter()
    for r in requetes:
        tailles = r.sizes()
        par_type[r.resource_type] += tailles["responseBodySize"] + tailles["responseHeadersSize"]
    contexte.close()
    return sum(par_type.values()), par_type


if __name__ == "__main__":
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    chromium = sys.argv[2] if len(sys.argv) > 2 else (shutil.which("chromium") or "/usr/bin/chromium")
    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for nom, entetes in (("sans compression", {"Accept-Encoding": "identity"}), ("avec compression", {})):
            total, par_type = mesurer(navigateur, base, entetes)
            detail = ", ".join(f"{t} {n / 1024:.0f} ko" for t, n in par_type.most_common())
            print(f"{nom:17} : {total / 1024:7.1f} ko ({detail})")
        navigateur.close()
