"""Per-request context (request id, client address) for logs and the audit trail."""

from __future__ import annotations

from contextvars import ContextVar

request_context: ContextVar[dict[str, str]] = ContextVar("request_context", default={})  # noqa: B039
