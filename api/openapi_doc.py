"""The OpenAPI document as committed in openapi/openapi.json: sorted, stable."""

from __future__ import annotations

import json

from api.core.config import Settings
from api.main import create_app


def openapi_json() -> str:
    # A fixed in-memory SQLite URL: the document must not depend on the machine's settings.
    app = create_app(Settings(env="test", database_url="sqlite://", secret_key="x" * 48, log_level="WARNING"))
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
