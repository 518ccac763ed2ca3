"""A short-lived cache of computed documents (the indicator document first).

Why: an indicator document reads five sources over a whole dispositif; under a
département's load it was a third of PostgreSQL's CPU (docs/performance.md),
while the analysts who ask for it read the same document again and again within
minutes. A figure that is at most ``ANCRAGE_INDICATEURS_CACHE_SECONDES`` old is
what a funder expects of a statistic; the answer says how old it is (``Age``,
``Last-Modified``), and ``Cache-Control: no-cache`` from the client asks for a
fresh computation.

What may be shared: a key is built by the caller from *everything* the document
depends on, what the access policy reads of the principal included (the cache never
decides who sees what; the document it stores was computed under the caller's access
policy). Values are opaque bytes.

Where: in the worker's memory (``cachetools.TTLCache``), or in Redis
(``ANCRAGE_REDIS_URL``) when several workers or machines should share one
computation. A Redis that fails is skipped (the document is computed), never an
error for the reader. Concurrent readers of one key wait for a single
computation (no stampede when a popular document expires): within a process by a
lock per key, and across workers and machines by a Redis lock per key (redis-py's
``Lock``: ``SET NX PX`` with a token, released only by its holder): without it,
every worker and machine that misses the same expired document at once computes
it. (At the département bench such twins turned out rare, docs/performance.md: the
lock is for the rush on a popular document, not the steady state.) A holder that
dies frees the key when its lock expires (``expiration``); a reader never waits
longer than ``attente`` for another's computation before doing its own.

Each kept document lives a lifetime drawn between ``1 - etalement`` and 1 times the TTL
(never longer: « at most TTL old » holds). Documents first computed together (the
analysts' morning, a bench's warm-up) would otherwise all expire in the same second,
every TTL, and their recomputations land on the database at once (each is 0.5–1 s of
PostgreSQL on two connections): a burst that fills both cores for a moment. Spread, the
same work queues fewer requests behind it (docs/performance.md, 03/12 nuit).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import random
import struct
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from cachetools import TLRUCache

log = logging.getLogger("ancrage.cache")

_ENTETE = struct.Struct("!d")  # computed at (epoch seconds), then the payload


def cle(*parties: Any) -> str:
    """A stable key from JSON-able parts (dates, ids and enums are written as text)."""
    texte = json.dumps(parties, default=str, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(texte.encode()).hexdigest()


class CacheDocuments:
    """``obtenir(espace, cle, calcul)`` → (bytes, computed at). ``ttl=0`` disables it."""

    def __init__(
        self,
        ttl: int,
        redis_url: str | None = None,
        *,
        taille: int = 512,
        attente: float = 30.0,
        expiration: float = 120.0,
        etalement: float = 0.2,
        horloge: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.attente = attente
        self.expiration = expiration
        self.etalement = etalement
        self._local: TLRUCache[str, tuple[float, bytes]] | None = (
            TLRUCache(maxsize=taille, ttu=lambda _k, _v, maintenant: maintenant + self.duree(), timer=horloge)
            if ttl and not redis_url
            else None
        )
        self._redis: Any = None
        if ttl and redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._verrou = threading.Lock()
        self._en_cours: dict[str, threading.Lock] = {}

    @property
    def actif(self) -> bool:
        return self.ttl > 0

    def duree(self) -> float:
        """One kept document's lifetime, in seconds: at most the TTL, at least
        ``1 - etalement`` of it (see the module's docstring)."""
        return self.ttl * (1 - self.etalement * random.random())  # noqa: S311 (a spread, not a secret)

    def _lire(self, k: str) -> tuple[float, bytes] | None:
        if self._local is not None:
            with self._verrou:
                return self._local.get(k)
        try:
            brut = self._redis.get(k)
        except Exception as exc:  # a cache that fails must not fail the reader
            log.warning("cache Redis illisible (%s) : document recalculé", exc)
            return None
        if not brut or len(brut) < _ENTETE.size:
            return None
        (calcule_le,) = _ENTETE.unpack_from(brut)
        return calcule_le, bytes(brut[_ENTETE.size :])

    def _ecrire(self, k: str, valeur: tuple[float, bytes]) -> None:
        if self._local is not None:
            with self._verrou:
                self._local[k] = valeur
            return
        try:
            self._redis.set(k, _ENTETE.pack(valeur[0]) + valeur[1], px=max(1, int(self.duree() * 1000)))
        except Exception as exc:
            log.warning("cache Redis inaccessible en écriture (%s)", exc)

    def obtenir(
        self, espace: str, k: str, calcul: Callable[[], bytes], *, frais: bool = False
    ) -> tuple[bytes, float]:
        """The cached value of ``espace:k`` if younger than the TTL, else ``calcul()``, kept.

        ``frais=True`` (the client sent ``Cache-Control: no-cache``) recomputes and keeps.
        """
        if not self.actif:
            return calcul(), time.time()
        k = f"ancrage:{espace}:{k}"
        if not frais and (trouve := self._lire(k)) is not None:
            return trouve[1], trouve[0]
        with self._verrou:
            verrou = self._en_cours.setdefault(k, threading.Lock())
        with verrou:
            # Someone else may have computed it while we waited for the lock.
            if not frais and (trouve := self._lire(k)) is not None:
                return trouve[1], trouve[0]
            try:
                with self._verrou_partage(k) as attendu:
                    # Another worker held the key: its document is kept now, unless it
                    # failed or we gave up waiting.
                    if attendu and not frais and (trouve := self._lire(k)) is not None:
                        return trouve[1], trouve[0]
                    valeur = (time.time(), calcul())
                    self._ecrire(k, valeur)
            finally:
                with self._verrou:
                    self._en_cours.pop(k, None)
        return valeur[1], valeur[0]

    @contextlib.contextmanager
    def _verrou_partage(self, k: str) -> Iterator[bool]:
        """Hold ``k``'s computation across workers (Redis); yields whether we had to wait.

        In memory there is nothing to share. A Redis that fails, or a wait longer than
        ``attente``, lets the caller compute anyway: the lock saves work, it never
        decides whether a reader gets an answer."""
        if self._redis is None:
            yield False
            return
        verrou = self._redis.lock(
            f"{k}:calcul", timeout=self.expiration, sleep=0.05, blocking_timeout=self.attente
        )
        try:
            attendu = not verrou.acquire(blocking=False)
            tenu = True if not attendu else verrou.acquire()
        except Exception as exc:
            log.warning("verrou Redis indisponible (%s) : document calculé sans partage", exc)
            yield False
            return
        try:
            yield attendu
        finally:
            if tenu:
                try:
                    verrou.release()
                except Exception as exc:  # expired while computing, or Redis gone: harmless
                    log.warning("verrou Redis non rendu (%s)", exc)
