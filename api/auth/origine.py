"""The cookie-authenticated routes answer only pages of known origins.

``/auth/refresh`` and ``/auth/logout`` are authenticated by the refresh cookie alone,
which a browser attaches by itself: SameSite=Strict already keeps it off cross-site
requests, and this check is the second lock (older browsers, a sibling sub-domain that
counts as same-site). Known origins: the server's own (the scheme and ``Host`` of the
request, as the trusted proxies report them), ``ANCRAGE_PUBLIC_URL`` when a proxy
rewrites ``Host``, and ``ANCRAGE_CORS_ORIGINS``. A request without ``Origin`` nor
``Referer`` comes from a non-browser client, which holds its cookie on purpose: allowed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from api.core.config import Settings
from api.core.errors import OrigineRefusee

_PORTS_PAR_DEFAUT = {"http": "80", "https": "443"}


def _normaliser(schema: str, hote: str) -> str:
    """``scheme://host[:port]``, lower case, default port dropped (as browsers write Origin)."""
    schema, hote = schema.lower(), hote.lower()
    defaut = _PORTS_PAR_DEFAUT.get(schema)
    if defaut and hote.endswith(":" + defaut):
        hote = hote[: -len(defaut) - 1]
    return f"{schema}://{hote}"


def _origine_d_url(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None  # "null" (sandboxed frame, file:, data:) and any malformed value
    return _normaliser(parts.scheme, parts.netloc.rpartition("@")[2])


def origines_connues(settings: Settings, request: Request) -> set[str]:
    connues = {o for o in (_origine_d_url(u) for u in settings.cors_origins) if o}
    if settings.public_origin:
        connues.add(settings.public_origin)
    hote = request.headers.get("host")
    if hote:
        connues.add(_normaliser(request.url.scheme, hote))
    return connues


async def verifier_origine(request: Request) -> None:
    """Dependency: 403 when the request names a page of an unknown origin."""
    origine = request.headers.get("origin")
    source = "Origin"
    if origine is None:
        referer = request.headers.get("referer")
        if referer is None:
            return
        origine, source = referer, "Referer"
    annoncee = _origine_d_url(origine)
    if annoncee is None or annoncee not in origines_connues(request.app.state.settings, request):
        raise OrigineRefusee(
            f"Requête refusée : l'origine annoncée ({source} : « {origine[:100]} ») n'est pas celle "
            "de l'application ni une origine configurée (ANCRAGE_PUBLIC_URL, ANCRAGE_CORS_ORIGINS)."
        )
