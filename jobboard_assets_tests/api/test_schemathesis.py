"""Schemathesis against the live server: generated requests for every operation of
/api/openapi.json, valid and invalid, must never get a 5xx and every response must match the
document (status code, content type, body schema, auth enforced on Run Now).

Uses schemathesis's Python API (operations -> Hypothesis strategies -> `validate_response`):
its lazy pytest fixture loader does not run under pytest 9 (it reads `request.node._nodeid`).

Every default check runs except `positive_data_acceptance` ("schema-valid requests get 2xx/404"):
one operation serves several actions, and OpenAPI cannot say "boardId is required when
action=breakdown"; an unknown boardId is schema-valid but a 400 by design. The negative
counterpart (`negative_data_rejection`: invalid requests get a 4xx) does run.
"""

from __future__ import annotations

from collections import Counter

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import positive_data_acceptance

from jobboard_assets_tests.api.conftest import TOKEN

EXAMPLES_PER_MODE = 40
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}


def _exercise(
    operation: schemathesis.APIOperation,
    mode: GenerationMode,
    base_url: str,
    session: requests.Session,
    seen: Counter[tuple[str, str, int]],
) -> None:
    """Send the operation's generated cases of one mode and validate every response."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Case) -> None:
        response = case.call(base_url=base_url, session=session, headers=AUTHORIZED)
        seen[(operation.label, mode.value, response.status_code)] += 1
        case.validate_response(
            response,
            headers=AUTHORIZED,
            additional_checks=[not_a_server_error],
            excluded_checks=[positive_data_acceptance],
            transport_kwargs={"base_url": base_url, "headers": AUTHORIZED},
        )

    run()


def test_no_server_error_and_every_response_matches_the_document(base_url: str) -> None:
    schema = schemathesis.openapi.from_url(f"{base_url}/api/openapi.json")
    seen: Counter[tuple[str, str, int]] = Counter()
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):  # an operation the document does not describe validly
            raise result.err()
        operations.append(result.ok())
    with requests.Session() as session:
        for operation in operations:
            # Without parameters or body there is nothing to make invalid.
            has_input = bool(list(operation.iter_parameters())) or bool(operation.body)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)[: 2 if has_input else 1]:
                _exercise(operation, mode, base_url, session, seen)
    # Schemathesis leaves out the document's own URL (GET /api/openapi.json).
    labels = {operation.label for operation in operations}
    assert labels == {
        "GET /api/pipeline",
        "POST /api/pipeline",
        "GET /api/scores",
        "GET /api/lifespan",
        "GET /api/postings",
        "GET /api/postings/{posting_id}",
        "GET /",
    }
    assert not [key for key in seen if key[2] >= 500]
    # The generated requests reached both the happy paths and the validation.
    statuses = {(label, status) for label, _, status in seen}
    assert {
        ("GET /api/scores", 200),
        ("GET /api/scores", 400),
        ("POST /api/pipeline", 202),
        ("POST /api/pipeline", 400),
        ("GET /api/lifespan", 200),
        ("GET /api/postings", 200),
        ("GET /api/postings", 400),
        ("GET /api/postings/{posting_id}", 404),
    } <= statuses
    print(f"\nschemathesis: {len(operations)} operations, {sum(seen.values())} cases")
    for key, count in sorted(seen.items()):
        print(f"  {key[0]:<24} {key[1]:<8} HTTP {key[2]}: {count}")
