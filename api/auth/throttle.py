"""Sign-in throttling: at most N failed attempts per window, per account and per address.

Machine clients (client_credentials) are counted by address only: their 32-byte secret
cannot be guessed, so a counter per client_id would only let anyone lock a bailleur's
system out by sending wrong secrets in its name.

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
        # request.client is the real client: PlumbingMiddleware has read X-Forwarded-For
        # from trusted proxies only (api/core/proxy.py).
        return "ip:" + (request.client.host if request.client else "inconnue")

    def _keys(self, account: str | None, request: Request) -> list[str]:
        return ([] if account is None else ["compte:" + account]) + [self._address(request)]

    def check(self, account: str | None, request: Request) -> None:
        """Refuse before checking the password when a counter is full (``account=None``:
        the address's counter only, for machine clients)."""
        for key in self._keys(account, request):
            if not self.limiter.test(self.item, key):
                reset = self.limiter.get_window_stats(self.item, key).reset_time
                retry = max(1, math.ceil(reset - time.time()))
                raise TropDeRequetes(
                    "Trop de tentatives de connexion échouées. Réessayez dans "
                    f"{math.ceil(retry / 60)} minute(s), ou demandez à un responsable "
                    "de votre organisation de débloquer le compte.",
                    retry_after=retry,
                )

    def fail(self, account: str | None, request: Request) -> None:
        for key in self._keys(account, request):
            self.limiter.hit(self.item, key)

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
                f"Ce client API a dépassé {self.item.amount} requêtes par minute. Réessayez dans {retry} seconde(s).",
                retry_after=retry,
            )
