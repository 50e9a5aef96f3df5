"""The OpenAPI contract: the schema validates, and schemathesis finds no 5xx, no response that
breaks the schema, no undocumented status code and no undocumented content type.

Schemathesis generates requests from the live schema (served at /api/schema/ by the Django WSGI
application) for every operation, authenticated with a real token of an organisation that has a
role, candidates with their files, an upload and a finished match, so path ids exist.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.api.conftest import bearer, seed

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
MAX_EXAMPLES = 30


def test_the_schema_validates_without_warnings(tmp_path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "bearerAuth" in text
    assert "application/problem+json" in text


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, called in-process on the test's database connection.

    Like Django's test client, it must not close that connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.django_db
def test_schemathesis_finds_no_failure_on_any_operation(
    alice, alice_org, celery_eager, django_capture_on_commit_callbacks, wsgi_app
) -> None:
    data = seed(
        alice_org, alice, celery_app=celery_eager, capture=django_capture_on_commit_callbacks
    )
    headers = {"Authorization": f"Bearer {bearer(alice, alice_org).secret}"}
    real_ids = {
        "/api/v1/candidates/{id}/": data.candidates[1].pk,
        "/api/v1/candidates/{id}/file/": data.candidates[0].pk,
        "/api/v1/custom-roles/{id}/": data.custom_role.pk,
        "/api/v1/uploads/{id}/": data.batch.pk,
        "/api/v1/roles/{slug}/": data.role.slug,
    }
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deletes last, so that the other operations still find the objects they read.
    operations.sort(key=lambda op: (op.method.upper() == "DELETE", op.path, op.method))
    assert len(operations) >= 25
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {
        **api_settings.DEFAULT_THROTTLE_RATES,
        "token": "100000/min",
    }
    try:
        for operation in operations:
            path_ids = {}
            if operation.path in real_ids:
                key = "slug" if "{slug}" in operation.path else "id"
                path_ids = {key: real_ids[operation.path]}
            elif operation.path.startswith("/api/v1/matches/{id}/"):
                path_ids = {"id": data.match.pk}
            strategies = [
                operation.as_strategy(),
                # Invalid input too: it must be refused with a documented 4xx problem.
                operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
            ]
            if path_ids:
                # Half with the real object, half with whatever ids schemathesis makes up.
                strategies.append(operation.as_strategy(path_parameters=path_ids))
            for strategy in strategies:
                _run(strategy, headers)
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original


def _run(strategy, headers) -> None:
    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        case.call_and_validate(
            headers=headers,
            checks=CHECKS,
            # A real server always has the peer address; the rate limits key on it.
            environ_overrides={"REMOTE_ADDR": "127.0.0.1"},
        )

    check()
