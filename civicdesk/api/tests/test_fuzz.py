"""Property-based fuzzing of the native API from its own OpenAPI schema (schemathesis): whatever the input,
no response is a 500 and every error has the API's error shape."""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from civicdesk.cases import actions
from civicdesk.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the WSGI app directly; like Django's test client, keep the request cycle from
    closing the connection that holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def check_response(response):
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400 and response.status_code != 405:
        body = response.json()
        assert set(body) == {"code", "detail", "errors"}, body
        assert isinstance(body["errors"], dict)


@pytest.mark.parametrize("who", ["dispatcher", "handler", "citizen_user"])
def test_no_input_makes_the_api_fail(city, submit, who):
    for _ in range(3):
        actions.dispatch(submit(), city.dispatcher, city.dept)
    token, _ = Token.objects.get_or_create(user=getattr(city, who))
    headers = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            check_response(case.call(headers=headers))

        fuzz()
