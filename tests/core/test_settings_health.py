"""Settings validation, health endpoints and the frontend fallback."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.core.config import Settings


def test_production_refuses_missing_or_weak_secret() -> None:
    for key in (None, "court", "changeme"):
        with pytest.raises(ValidationError, match="ANCRAGE_SECRET_KEY"):
            Settings(env="production", secret_key=key)
    ok = Settings(env="production", secret_key="k" * 48)
    assert ok.secure_cookies is True


def test_development_generates_and_keeps_a_key(tmp_path, monkeypatch) -> None:
    import api.core.config as config

    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    s = Settings(env="development")
    first = s.signing_key()
    assert len(first) >= 43 and s.signing_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_settings_read_from_environment(monkeypatch) -> None:
    monkeypatch.setenv("ANCRAGE_ACCESS_TOKEN_MINUTES", "5")
    monkeypatch.setenv("ANCRAGE_CORS_ORIGINS", '["https://ancrage.example"]')
    s = Settings()
    assert s.access_token_minutes == 5 and s.cors_origins == ["https://ancrage.example"]


def test_the_server_is_configured_by_settings(monkeypatch) -> None:
    """Bind address, processes and keep-alive come from the settings; production binds
    where it is told (loopback unless ANCRAGE_HOST says otherwise), never a fixed address."""
    from api.__main__ import options_uvicorn

    prod = Settings(env="production", secret_key="k" * 48)
    options = options_uvicorn(prod)
    assert (options["host"], options["workers"]) == ("127.0.0.1", 1)
    assert options["timeout_keep_alive"] >= 60  # longer than a person's think time (uvicorn: 5 s)
    assert options["proxy_headers"] is False
    monkeypatch.setenv("ANCRAGE_HOST", "10.0.0.5")
    monkeypatch.setenv("ANCRAGE_WORKERS", "3")
    monkeypatch.setenv("ANCRAGE_KEEP_ALIVE_SECONDES", "120")
    options = options_uvicorn(Settings(env="production", secret_key="k" * 48))
    assert (options["host"], options["workers"], options["timeout_keep_alive"]) == ("10.0.0.5", 3, 120)
    assert options_uvicorn(Settings(), workers=2)["workers"] == 2  # serve --workers wins


def test_health(client) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/health/ready").json() == {"status": "ok"}
    r = client.get("/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-request-id"]


def test_request_id_is_echoed(client) -> None:
    assert client.get("/health", headers={"X-Request-ID": "abc123"}).headers["x-request-id"] == "abc123"


def test_docs_served(client) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower()


def test_frontend_fallback(settings, engine, tmp_path) -> None:
    from fastapi.testclient import TestClient

    from api.main import create_app

    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<html>Ancrage</html>")
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")
    app = create_app(settings.model_copy(update={"frontend_dist": tmp_path}), engine=engine)
    with TestClient(app) as c:
        assert "Ancrage" in c.get("/").text
        assert "Ancrage" in c.get("/menages/123").text  # client-side route
        assert c.get("/assets/app.js").text == "console.log(1)"
        assert c.get("/../pyproject.toml").status_code in (200, 404)
        assert "tool.alembic" not in c.get("/..%2Fpyproject.toml").text
        api_missing = c.get("/api/v1/inconnu")
        assert api_missing.status_code == 404 and api_missing.headers["content-type"] == "application/problem+json"


def test_logs_are_json_with_request_id_and_without_secrets(settings, engine, db, monde, capsys) -> None:
    import json as _json

    from fastapi.testclient import TestClient

    from api.core.db import get_session
    from api.main import create_app

    app = create_app(settings.model_copy(update={"log_level": "INFO"}), engine=engine)
    app.dependency_overrides[get_session] = lambda: db
    client = TestClient(app)
    h = monde.h("asso_agent")
    token = h["Authorization"].split()[1]
    client.get("/api/v1/menages", params={"q": "Durand"}, headers={**h, "X-Request-ID": "req-42"})
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    records = [_json.loads(line) for line in lines]
    mine = [r for r in records if r.get("request_id") == "req-42"]
    assert mine and mine[-1]["path"] == "/api/v1/menages" and mine[-1]["status"] == 200
    text = "\n".join(lines)
    assert token not in text and "Durand" not in text
