"""The committed OpenAPI document is a product: it must equal the app's."""

from __future__ import annotations

import json

from api.core.config import PROJECT_ROOT
from api.openapi_doc import openapi_json


def test_committed_openapi_is_current() -> None:
    committed = (PROJECT_ROOT / "openapi" / "openapi.json").read_text()
    assert committed == openapi_json(), "openapi/openapi.json est périmé : lancez `make openapi`"


def test_operation_ids_are_unique_and_errors_are_problem_json() -> None:
    doc = json.loads(openapi_json())
    ids = [op["operationId"] for path in doc["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status, resp in op["responses"].items():
                if status.startswith(("4", "5")) and "content" in resp:
                    assert "application/problem+json" in resp["content"], (path, method, status)
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def test_served_openapi_equals_committed(client) -> None:
    committed = json.loads((PROJECT_ROOT / "openapi" / "openapi.json").read_text())
    assert client.get("/openapi.json").json() == committed
