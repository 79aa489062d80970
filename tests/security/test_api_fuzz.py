"""Fuzzing the API from its own OpenAPI schema (``/api/schema/``) with schemathesis.

Every operation of the schema, called in-process through Django's WSGI application, as
an anonymous client and with the API tokens of a member and of a coordinator. Bounded
and derandomised, so that CI runs the same examples every time. Checked on every
response: no server error, the status code and content type are among those the schema
documents, and the body conforms to the documented schema.
"""

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.conftest import FIGURES

MAX_EXAMPLES = 15  # per operation, each sent by the three clients: bounded for CI

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

_application = get_wsgi_application()


# Read at collection: building the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", _application)
# The examples and fuzzing phases (valid and invalid data, derandomised). The coverage
# phase (every boundary of every parameter) costs about ten times more: the unexpected
# methods it tries are covered by test_no_method_breaks_an_operation below.
schema.config.phases.coverage.enabled = False


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # As Django's test client does: a request's end must not close the connection that
    # holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def clients(world, db):
    """Headers of each client: anonymous, a member's token, a coordinator's token."""
    from rest_framework.authtoken.models import Token

    headers = {"anonymous": {}}
    for role in ("member-fondateurs", "coordinator"):
        token, _created = Token.objects.get_or_create(user=world.users[role])
        headers[role] = {"Authorization": f"Token {token.key}"}
    return headers


CALLS = {"operations": set(), "requests": 0, "examples": 0}


@pytest.fixture(autouse=True, scope="module")
def _figures():
    """What was fuzzed (operations, examples, requests), printed in pytest's summary."""
    yield
    if CALLS["requests"]:
        FIGURES.append(
            f"API fuzzing: {len(CALLS['operations'])} operations, {CALLS['examples']} examples, "
            f"{CALLS['requests']} requests (anonymous, member token, coordinator token)"
        )


@pytest.mark.django_db
@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_operation_keeps_its_contract(case, clients):
    CALLS["operations"].add(f"{case.method} {case.path}")
    CALLS["examples"] += 1
    for who, headers in clients.items():
        # Throttle and rate-limit counters live in the cache: each call starts afresh
        # (the limits have their own tests; here they would answer 429 to everything).
        cache.clear()
        CALLS["requests"] += 1
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as exc:  # schemathesis reports failures as exception groups
            exc.add_note(f"client: {who}")
            raise


UNEXPECTED_METHODS = ("OPTIONS", "HEAD", "PUT", "PATCH", "DELETE", "TRACE")


@pytest.mark.django_db
def test_no_method_breaks_an_operation(world, clients):
    """Every address of the schema, with every method (documented or not), for the three
    clients: never a server error (OPTIONS answered 500 on the list views before)."""
    import re

    from django.test import Client

    paths = schema.raw_schema["paths"]
    failures = []
    for path in paths:
        url = re.sub(r"\{[^}]+\}", "1", path.replace("{slug}", "fondateurs"))
        for who, headers in clients.items():
            client = Client(headers=headers)
            for method in UNEXPECTED_METHODS:
                cache.clear()
                response = client.generic(method, url)
                if response.status_code >= 500:
                    failures.append(f"{method} {url} ({who}): {response.status_code}")
    assert not failures, failures
