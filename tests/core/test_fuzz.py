"""Fuzzing: schemathesis, in-process, against the app's own OpenAPI document, for each role.

Every operation is fed generated requests (valid ones, then invalid ones) with
each role's token, and schemathesis' default checks run on each response: no
5xx, the response matches its documented schema, only documented status codes,
headers and content types. Path parameters are generated at random (unknown
records: 404) and also set to the association's real records, so that the
checks see real answers too.

Bounded so that CI stays short: ``FUZZ_EXEMPLES`` examples per operation and
mode (5 by default), no per-example deadline (the machine is shared).
Deeper, locally: ``FUZZ_EXEMPLES=100 .venv/bin/pytest tests/core/test_fuzz.py``.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from api.auth.throttle import ClientRateLimit
from tests.factories import Monde, menage_payload

ROLES = (
    "asso_agent",
    "asso_resp",
    "asso2_agent",
    "gie",
    "bailleur",
    "bailleur_si",
    "financeur",
    "admin",
    "anonyme",
)
EXEMPLES = int(os.environ.get("FUZZ_EXEMPLES", "5"))
# The pytest integration of schemathesis' lazy schemas (from_fixture) does not run on
# pytest 9; strategies driven by hypothesis inside a plain test do the same job.
REGLAGES = settings(
    max_examples=EXEMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.mark.parametrize("role", ROLES)
def test_fuzz(app, client, settings, monde: Monde, role: str) -> None:
    created = client.post("/api/v1/menages", json=menage_payload(), headers=monde.h("asso_agent"))
    assert created.status_code == 201
    reels = {
        "menage_id": created.json()["id"],
        "organisation_id": str(monde.asso.id),
        "utilisateur_id": str(monde.users["asso_agent"].id),
        "client_id": str(monde.clients["bailleur_si"].id),
    }
    headers = {} if role == "anonyme" else monde.h(role)
    # A high machine-client limit here: the rate limit has its own test.
    app.state.client_rate_limit = ClientRateLimit(
        settings.model_copy(update={"client_requetes_par_minute": 1_000_000})
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # U+0000 is refused in every text at the door (422, tests/core/test_errors.py): the document
    # cannot say so field by field, so valid data is generated without it.
    schema.config.generation.update(allow_x00=False)
    # An invalid body may also be too large (a 5,000-character text × many keys): refused
    # with 413 before any validation (PlumbingMiddleware, documented on every operation
    # with a body), a rejection schemathesis does not count by default.
    rejet = schema.config.checks.negative_data_rejection
    rejet.expected_statuses = [*rejet.expected_statuses, "413"]
    echecs: list[str] = []
    operations = cas = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        params = {k: v for k, v in reels.items() if k in operation.path}
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        if params:
            strategies.append(
                operation.as_strategy(GenerationMode.POSITIVE, path_parameters=params)
            )
        for strategy in strategies:

            @given(case=strategy)
            @REGLAGES
            def essai(case: Any) -> None:
                nonlocal cas
                cas += 1
                case.call_and_validate(headers=headers)

            try:
                essai()
            except Unsatisfiable:
                pass  # no input to make invalid (an operation without parameters nor body)
            except Exception as exc:  # collect every operation's failure, report them together
                echecs.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    base = "PostgreSQL" if settings.database_url.startswith("postgresql") else "SQLite"
    print(f"\nfuzz {role} ({base}) : {operations} opérations, {cas} cas, {len(echecs)} opération(s) en échec")
    assert not echecs, f"{len(echecs)} opération(s) en échec :\n\n" + "\n\n".join(echecs)
