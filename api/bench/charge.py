"""Load generator, run as its own process: ``python -m api.bench.charge URL ...``.

Bounded in time and in concurrency, loopback only; prints one JSON line with
requests per second and latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

import httpx


async def _run(url: str, headers: dict[str, str], duree: float, concurrence: int) -> dict[str, float]:
    latences: list[float] = []
    erreurs = 0
    fin = time.perf_counter() + duree
    limits = httpx.Limits(max_connections=concurrence, max_keepalive_connections=concurrence)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal erreurs
            while time.perf_counter() < fin:
                t0 = time.perf_counter()
                r = await client.get(url)
                if r.status_code == 200:
                    latences.append(time.perf_counter() - t0)
                else:
                    erreurs += 1

        t0 = time.perf_counter()
        cpu0 = time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrence)))
        ecoule = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
    latences.sort()
    q = statistics.quantiles(latences, n=100) if len(latences) > 1 else [0.0] * 99
    return {
        "requetes": len(latences),
        "erreurs": erreurs,
        "rps": len(latences) / ecoule,
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
        "cpu_client_s": cpu,
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("--duree", type=float, default=15)
    p.add_argument("--concurrence", type=int, default=8)
    p.add_argument("--jeton", default=None)
    a = p.parse_args()
    if not a.url.startswith(("http://127.", "http://localhost")):
        raise SystemExit("charge : boucle locale uniquement")
    headers = {"Authorization": f"Bearer {a.jeton}"} if a.jeton else {}
    print(json.dumps(asyncio.run(_run(a.url, headers, min(a.duree, 120), min(a.concurrence, 64)))))


if __name__ == "__main__":
    main()
