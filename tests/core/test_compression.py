"""Issue 14, « léger » : text leaves compressed above 1 kB, hashed assets are cached for a
year, the page itself is revalidated (a new deployment is seen at once)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app
from tests.factories import Monde


def test_app_assets_leave_gzipped_and_hashed_ones_are_cached_long(settings, engine, tmp_path) -> None:
    (tmp_path / "assets").mkdir()
    script = "console.log('Ancrage');\n" * 400  # ≈ 10 kB, like a chunk of the bundle
    (tmp_path / "index.html").write_text("<html>" + "<!-- Ancrage -->" * 100 + "</html>")
    (tmp_path / "assets" / "index-3f2a1b.js").write_text(script)
    app = create_app(settings.model_copy(update={"frontend_dist": tmp_path}), engine=engine)
    with TestClient(app) as c:
        r = c.get("/assets/index-3f2a1b.js", headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip"
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert r.text == script  # decoded by the client: the same bytes
        assert int(r.headers["content-length"]) < len(script) / 10
        page = c.get("/connexion", headers={"Accept-Encoding": "gzip"})
        assert page.headers["content-encoding"] == "gzip" and page.headers["cache-control"] == "no-cache"
        # a client that does not ask for it gets the plain bytes
        brut = c.get("/assets/index-3f2a1b.js", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in brut.headers and brut.content == script.encode()


def test_api_answers_above_a_size_leave_gzipped(client, monde: Monde) -> None:
    h = monde.h("asso_agent") | {"Accept-Encoding": "gzip"}
    grand = client.get("/openapi.json", headers=h)
    assert grand.headers["content-encoding"] == "gzip"
    # a small answer is not worth the CPU: sent as is
    petit = client.get("/health", headers=h)
    assert len(petit.content) < 1000 and "content-encoding" not in petit.headers
    # and the compressed body is the JSON, whole
    brut = client.get("/openapi.json", headers=h | {"Accept-Encoding": "identity"})
    assert brut.content == grand.content
