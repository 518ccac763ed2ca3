"""HTTP plumbing: client address, request id and JSON access logs, security headers, body limits."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.context import request_context
from api.core.errors import (
    PROBLEM_JSON,
    CorpsTropGros,
    ErreurChamp,
    ErreurValidation,
    Probleme,
    ServiceSurcharge,
    TypeContenuNonSupporte,
    validation_errors,
)
from api.core.proxy import Reseau, client_reel, schema_reel

logger = logging.getLogger("ancrage.http")

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        # blob: for the preview of a document (fetched with the session's token, shown from a blob).
        b"default-src 'self'; img-src 'self' data: blob:; frame-src 'self' blob:; style-src 'self' 'unsafe-inline'; "
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
# File uploads (a funder's Word template): multipart only.
_MULTIPART_PATHS = {"/api/v1/rapports/gabarits"}


async def _send_problem(send: Send, problem: Probleme, path: str) -> None:
    body = json.dumps(problem.body(instance=path), ensure_ascii=False).encode()
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in (problem.headers or {}).items()]
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class PlumbingMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): cheap, and streaming-safe."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        hsts: bool,
        trusted_proxies: Sequence[Reseau] = (),
        fichiers: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        # Paths that take a file (multipart/form-data), each with its own body limit.
        self.fichiers = dict(fichiers or {})
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
            fichier = method == "POST" and path in self.fichiers
            max_body = self.fichiers[path] if fichier else self.max_body
            refus, receive = await self._verifier_requete(scope, headers, receive, max_body=max_body, fichier=fichier)
            if refus is not None:
                status_holder["status"] = refus.status
                await _send_problem(send, refus, path)
                return

            received = 0

            async def limited_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > max_body:
                        raise _TooLarge()
                return message

            async def send_wrapper(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status_holder["status"] = message["status"]
                    message["headers"] = self._entetes(path, list(message.get("headers", [])), request_id)
                await send(message)

            try:
                await self.app(scope, limited_receive, send_wrapper)
            except _TooLarge:
                status_holder["status"] = 413
                await _send_problem(send, _trop_gros(None, max_body, fichier), path)
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

    def _entetes(self, path: str, entetes: list[tuple[bytes, bytes]], request_id: str) -> list[tuple[bytes, bytes]]:
        """The response's headers with the security ones added (those the app set win)."""
        extra = list(_SECURITY_HEADERS)
        if path.startswith("/docs") or path.startswith("/redoc"):
            extra = [h for h in extra if h[0] != b"content-security-policy"]
            extra.append((b"content-security-policy", _DOCS_CSP))
        if self.hsts:
            extra.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
        existing = {k.lower() for k, _ in entetes}
        if path.startswith("/api/") and b"cache-control" not in existing:
            # Responses of the API carry personal data: never cached.
            extra.append((b"cache-control", b"no-store"))
        extra.append((b"x-request-id", request_id.encode()))
        return entetes + [h for h in extra if h[0] not in existing]

    async def _verifier_requete(
        self, scope: Scope, headers: dict[str, str], receive: Receive, *, max_body: int, fichier: bool
    ) -> tuple[Probleme | None, Receive]:
        """What refuses a request before the app sees it (size, content type, NUL bytes), and
        the ``receive`` the app should read (the body, read here once and replayed)."""
        path: str = scope["path"]
        method: str = scope["method"]
        if method in _BODY_METHODS and path.startswith("/api/"):
            length = headers.get("content-length")
            if length and length.isdigit() and int(length) > max_body:
                return _trop_gros(length, max_body, fichier), receive
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            has_body = (length and length != "0") or "transfer-encoding" in headers
            wanted = (
                "application/x-www-form-urlencoded"
                if path in _FORM_PATHS
                else "multipart/form-data"
                if path in _MULTIPART_PATHS
                else "application/json"
            )
            if fichier:
                wanted = "multipart/form-data"
            if has_body and ctype != wanted and not (path in _FORM_PATHS and ctype == "multipart/form-data"):
                return TypeContenuNonSupporte(
                    f"Type de contenu « {ctype or 'absent'} » non supporté ; attendu : {wanted}."
                ), receive
            # The whole body, bounded, before the app sees it: a chunked body (no
            # Content-Length) over the limit is a 413 here, not a decoding error later.
            try:
                body = await _lire_corps(receive, max_body)
            except _TooLarge:
                return CorpsTropGros(f"Le corps dépasse {max_body} octets."), receive
            erreurs = await _nuls_du_corps(body, ctype, scope)
            if erreurs:
                return _probleme_nul(erreurs), receive
            receive = _rejouer(body, receive)
        if path.startswith("/api/"):
            erreurs = _nuls_de_l_adresse(path, scope["query_string"])
            if erreurs:
                return _probleme_nul(erreurs), receive
        return None, receive


class AdmissionMiddleware:
    """At most as many API requests at once as the pool has connections (one each).

    The others wait here, on the event loop, holding neither a worker thread nor a
    connection, at most ``attente`` seconds; then 503 with Retry-After. Without it, 200
    concurrent requests took all the worker threads, each blocked on a connection held by
    a request that queued for a thread: half a minute of waiting, then 500s."""

    def __init__(self, app: ASGIApp, *, places: int, attente: float, retry_after: int) -> None:
        self.app = app
        self.places = places
        self.attente = attente
        self.retry_after = retry_after
        self._semaphore: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:  # created inside the running event loop
            self._semaphore = anyio.Semaphore(self.places)
        semaphore = self._semaphore
        admise = False
        with anyio.move_on_after(self.attente):
            await semaphore.acquire()
            admise = True
        if not admise:
            logger.warning("surcharge : requête refusée", extra={"path": _chemin_journalisable(scope["path"])})
            await _send_problem(send, ServiceSurcharge(self.retry_after), scope["path"])
            return
        try:
            await self.app(scope, receive, send)
        finally:
            semaphore.release()


def _chemin_journalisable(path: str) -> str:
    """The path as logged: a secret calendar URL is a credential, it never reaches the logs."""
    if path.startswith("/api/v1/calendrier/") and path.endswith(".ics"):
        return "/api/v1/calendrier/***.ics"
    return path


class _TooLarge(Exception):
    pass


# --- NUL characters ----------------------------------------------------------------
# PostgreSQL cannot store U+0000 in a text column (SQLite can): such a value would fail deep
# in a query (500) on one database and pass on the other. It never belongs in what a person
# types, so it is refused at the door, in the query string, the path and the body alike,
# with the field named, before any route or database sees it.

_NUL_MESSAGE = "caractère nul (U+0000) interdit ; tout autre caractère est permis"


async def _lire_corps(receive: Receive, limite: int) -> bytes:
    morceaux: list[bytes] = []
    taille = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        morceau = message.get("body", b"")
        taille += len(morceau)
        if taille > limite:
            raise _TooLarge()
        morceaux.append(morceau)
        if not message.get("more_body", False):
            break
    return b"".join(morceaux)


def _rejouer(body: bytes, receive: Receive) -> Receive:
    """The body read above, handed to the app once; then the client's own messages (disconnect)."""
    rendu = False

    async def rejouer() -> Message:
        nonlocal rendu
        if not rendu:
            rendu = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return rejouer


def _chemins_nuls(valeur: Any, chemin: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Where a decoded JSON document holds U+0000 (in a string or a key), nested lists included."""
    if isinstance(valeur, str):
        if "\x00" in valeur:
            yield chemin, valeur
    elif isinstance(valeur, list):
        for i, v in enumerate(valeur):
            yield from _chemins_nuls(v, (*chemin, str(i)))
    elif isinstance(valeur, dict):
        for k, v in valeur.items():
            if "\x00" in k:
                yield (*chemin, k), k
            yield from _chemins_nuls(v, (*chemin, k))


def _erreurs(lieu: str, paires: Any) -> list[ErreurChamp]:
    raw = [{"loc": (lieu, *chemin), "input": valeur, "type": "nul", "msg": _NUL_MESSAGE} for chemin, valeur in paires]
    return validation_errors(raw[:20])


async def _nuls_du_corps(body: bytes, ctype: str, scope: Scope) -> list[ErreurChamp]:
    # Cheap test first: almost every body has no NUL at all and is not decoded here.
    if ctype == "application/json":
        if b"\\u0000" not in body:
            return []
        try:
            document = json.loads(body)
        except ValueError:
            return []  # malformed: the app answers its own 422
        return _erreurs("body", _chemins_nuls(document, ()))
    if ctype == "application/x-www-form-urlencoded":
        if b"%00" not in body and b"\x00" not in body:
            return []
        champs = parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace")
        return _erreurs("body", (((k,), v) for k, v in champs if "\x00" in k + v))
    if ctype == "multipart/form-data" and b"\x00" in body:
        from starlette.datastructures import Headers
        from starlette.formparsers import MultiPartException, MultiPartParser

        async def flux() -> Any:
            yield body

        try:
            formulaire = await MultiPartParser(Headers(scope=scope), flux()).parse()
        except MultiPartException:
            return []
        try:
            return _erreurs(
                "body", (((k,), v) for k, v in formulaire.multi_items() if isinstance(v, str) and "\x00" in k + v)
            )
        finally:
            await formulaire.close()  # the files it spooled (a PDF or a PNG has NUL bytes)
    return []


def _nuls_de_l_adresse(path: str, query_string: bytes) -> list[ErreurChamp]:
    erreurs = _erreurs("path", [((), path)]) if "\x00" in path else []
    if b"%00" in query_string or b"\x00" in query_string:
        champs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace")
        erreurs += _erreurs("query", (((k,), v) for k, v in champs if "\x00" in k + v))
    return erreurs


def _probleme_nul(erreurs: list[ErreurChamp]) -> ErreurValidation:
    champs = ", ".join(e.champ for e in erreurs[:5])
    return ErreurValidation(f"Requête invalide : {champs} ({_NUL_MESSAGE}).", errors=erreurs)


def _trop_gros(longueur: str | None, max_body: int, fichier: bool) -> CorpsTropGros:
    """The 413's words: an uploaded file is told what to do about it."""
    taille = f"fait {longueur} octets" if longueur else f"dépasse {max_body} octets"
    if fichier:
        return CorpsTropGros(
            f"Le fichier déposé {taille} ; {max_body} octets au plus sur cette route : découpez-le "
            "en plusieurs dépôts (ou demandez à l'exploitant de relever la limite)."
        )
    return CorpsTropGros(f"Le corps {taille} ; {max_body} au plus." if longueur else f"Le corps {taille}.")
