"""HTTP plumbing: client address, request id and JSON access logs, security headers, body limits."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.context import request_context
from api.core.errors import PROBLEM_JSON, CorpsTropGros, TypeContenuNonSupporte
from api.core.proxy import Reseau, client_reel, schema_reel

logger = logging.getLogger("ancrage.http")

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"font-src 'self' data:; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
        b"base-uri 'self'; form-action 'self'",
    ),
]
# /docs loads Swagger UI's assets from a CDN; it gets a CSP of its own.
_DOCS_CSP = (
    b"default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
    b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    b"script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; frame-ancestors 'none'"
)
_BODY_METHODS = {"POST", "PUT", "PATCH"}
# The token endpoint speaks OAuth2 (form-encoded); every other body is JSON.
_FORM_PATHS = {"/api/v1/auth/token"}


async def _send_problem(send: Send, problem: CorpsTropGros | TypeContenuNonSupporte, path: str) -> None:
    import json

    body = json.dumps(problem.body(instance=path), ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": problem.status,
            "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class PlumbingMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): cheap, and streaming-safe."""

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, hsts: bool, trusted_proxies: Sequence[Reseau] = ()
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.hsts = hsts
        self.trusted_proxies = list(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request_id = headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
        client = scope.get("client")
        if self.trusted_proxies and client:
            # The real client replaces the proxy in the scope, so that every reader of
            # request.client (sign-in limits, access log) sees the same address.
            transmis = [v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"x-forwarded-for"]
            pair = client[0]
            scope = {
                **scope,
                "client": (client_reel(pair, transmis, self.trusted_proxies), client[1]),
                "scheme": schema_reel(
                    pair, scope.get("scheme", "http"), headers.get("x-forwarded-proto"), self.trusted_proxies
                ),
            }
            client = scope["client"]
        token = request_context.set({"request_id": request_id, "client": client[0] if client else ""})
        path: str = scope["path"]
        method: str = scope["method"]
        start = time.perf_counter()
        status_holder = {"status": 500}

        try:
            if method in _BODY_METHODS and path.startswith("/api/"):
                length = headers.get("content-length")
                if length and length.isdigit() and int(length) > self.max_body:
                    await _send_problem(
                        send, CorpsTropGros(f"Le corps fait {length} octets ; {self.max_body} au plus."), path
                    )
                    status_holder["status"] = 413
                    return
                ctype = headers.get("content-type", "").split(";")[0].strip().lower()
                has_body = (length and length != "0") or "transfer-encoding" in headers
                wanted = "application/x-www-form-urlencoded" if path in _FORM_PATHS else "application/json"
                if has_body and ctype != wanted and not (path in _FORM_PATHS and ctype == "multipart/form-data"):
                    await _send_problem(
                        send,
                        TypeContenuNonSupporte(
                            f"Type de contenu « {ctype or 'absent'} » non supporté ; attendu : {wanted}."
                        ),
                        path,
                    )
                    status_holder["status"] = 415
                    return

            received = 0

            async def limited_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > self.max_body:
                        raise _TooLarge()
                return message

            async def send_wrapper(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status_holder["status"] = message["status"]
                    extra = list(_SECURITY_HEADERS)
                    if path.startswith("/docs") or path.startswith("/redoc"):
                        extra = [h for h in extra if h[0] != b"content-security-policy"]
                        extra.append((b"content-security-policy", _DOCS_CSP))
                    if self.hsts:
                        extra.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
                    existing = {k.lower() for k, _ in message.get("headers", [])}
                    if path.startswith("/api/") and b"cache-control" not in existing:
                        # Responses of the API carry personal data: never cached.
                        extra.append((b"cache-control", b"no-store"))
                    extra.append((b"x-request-id", request_id.encode()))
                    message["headers"] = list(message.get("headers", [])) + [h for h in extra if h[0] not in existing]
                await send(message)

            try:
                await self.app(scope, limited_receive, send_wrapper)
            except _TooLarge:
                status_holder["status"] = 413
                await _send_problem(send, CorpsTropGros(f"Le corps dépasse {self.max_body} octets."), path)
        finally:
            # Path only, never the query string: a search may contain a name.
            logger.info(
                "requete",
                extra={
                    "request_id": request_id,
                    "method": method,
                    "path": _chemin_journalisable(path),
                    "status": status_holder["status"],
                    "duree_ms": round((time.perf_counter() - start) * 1000, 1),
                },
            )
            request_context.reset(token)


def _chemin_journalisable(path: str) -> str:
    """The path as logged: a secret calendar URL is a credential, it never reaches the logs."""
    if path.startswith("/api/v1/calendrier/") and path.endswith(".ics"):
        return "/api/v1/calendrier/***.ics"
    return path


class _TooLarge(Exception):
    pass
