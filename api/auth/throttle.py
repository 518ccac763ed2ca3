"""Sign-in throttling: at most N failed attempts per window, per account and per address.

Counters live in the ``limits`` library's storage: in memory for one worker,
in Redis (``ANCRAGE_REDIS_URL``) when several workers must share them.
"""

from __future__ import annotations

import math
import time

from fastapi import Request
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from api.core.config import Settings
from api.core.errors import TropDeRequetes


class LoginGuard:
    def __init__(self, settings: Settings) -> None:
        uri = settings.redis_url or "memory://"
        self.limiter = MovingWindowRateLimiter(storage_from_string(uri))
        self.item = RateLimitItemPerMinute(settings.login_max_echecs, settings.login_fenetre_minutes)

    @staticmethod
    def _address(request: Request) -> str:
        return "ip:" + (request.client.host if request.client else "inconnue")

    def check(self, account: str, request: Request) -> None:
        """Refuse before checking the password when either counter is full."""
        for key in ("compte:" + account, self._address(request)):
            if not self.limiter.test(self.item, key):
                reset = self.limiter.get_window_stats(self.item, key).reset_time
                retry = max(1, math.ceil(reset - time.time()))
                raise TropDeRequetes(
                    "Trop de tentatives de connexion échouées. Réessayez dans "
                    f"{math.ceil(retry / 60)} minute(s), ou demandez à un responsable "
                    "de votre organisation de débloquer le compte.",
                    retry_after=retry,
                )

    def fail(self, account: str, request: Request) -> None:
        self.limiter.hit(self.item, "compte:" + account)
        self.limiter.hit(self.item, self._address(request))

    def success(self, account: str) -> None:
        self.limiter.clear(self.item, "compte:" + account)

    def unlock(self, account: str) -> None:
        self.limiter.clear(self.item, "compte:" + account)


class ClientRateLimit:
    """At most N requests per minute per machine client, whatever the route.

    A partner's system that loops must not starve the people using the app; the
    same storage as ``LoginGuard`` (memory, or Redis shared by every worker).
    """

    def __init__(self, settings: Settings) -> None:
        uri = settings.redis_url or "memory://"
        self.limiter = MovingWindowRateLimiter(storage_from_string(uri))
        self.item = RateLimitItemPerMinute(settings.client_requetes_par_minute)

    def hit(self, client_id: str) -> None:
        key = "client-api:" + client_id
        if not self.limiter.hit(self.item, key):
            reset = self.limiter.get_window_stats(self.item, key).reset_time
            retry = max(1, math.ceil(reset - time.time()))
            raise TropDeRequetes(
                f"Ce client API a dépassé {self.item.amount} requêtes par minute. "
                f"Réessayez dans {retry} seconde(s).",
                retry_after=retry,
            )
