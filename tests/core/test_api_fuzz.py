"""The whole API fuzzed against its own OpenAPI schema (issue 14 #9): every operation of /api/v1/ and Open311 as a
street dispatcher, and every read as the commander too, with valid and invalid input drawn from a fixed seed. No answer
may be a server error, and every answer must match what the schema documents for its status. Each operation is a test
of its own, in the test's transaction (what it writes is rolled back), so a failure names the operation and leaves no
trace.

The app is called in-process (its WSGI handler, as gunicorn would); a request carries a signed-in session."""
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from haidian.wsgi import application
from tests.conftest import built_for_a_module, make_cast

# The coverage phase walks each operation's valid inputs deterministically (every enum member, each optional part
# present and absent, boundary lengths); the fuzzing phase adds a few random valid and invalid ones, for every
# operation as the dispatcher and every read as the commander. Invalid coverage would also send each body as the wrong
# type, at twice the cost; the shape that broke code reading a body before its serializer (not an object) is probed
# on its own (the last test).
CONFIG = schemathesis.Config.from_dict({
    "seed": 14_09,
    "generation": {"mode": "all", "max-examples": 5, "deterministic": True, "no-shrink": True, "database": "none"},
    "phases": {"stateful": {"enabled": False},
               "coverage": {"generation": {"mode": "positive"}, "unexpected-methods": []}},
})
CSRF_SECRET = "fuzz" * 8  # the session's CSRF secret, sent back as the header as a browser's script would

# In JSON: the YAML that the schema's URL answers by default takes most of a second a worker to write and to read.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG,
                                        headers={"Accept": "application/vnd.oai.openapi+json"})
JSON_BODIES = sorted((method.upper(), path) for path, item in schema.raw_schema["paths"].items()
                     for method, operation in item.items()
                     if "application/json" in operation.get("requestBody", {}).get("content", {}))


@pytest.fixture(scope="module")
def sessions(django_db_blocker):
    """The two roles' signed-in sessions, made once for the module's tests."""

    def build():
        cast, browser = make_cast(), Client()
        sessions = {}
        for role in ("dispatcher_a", "commander"):
            browser.force_login(getattr(cast, role))
            sessions[role] = browser.cookies["sessionid"].value
        return sessions

    with built_for_a_module(django_db_blocker, build) as sessions:
        yield sessions


@pytest.fixture
def in_the_tests_transaction(db):
    """Django closes a connection left in a transaction when a request starts or ends; here every request runs inside
    the test's transaction (rolled back after it), as the test client arranges for its own requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def signed_in(sessions, role: str) -> dict:
    return {"cookies": {"sessionid": sessions[role], "csrftoken": CSRF_SECRET}, "headers": {"X-CSRFToken": CSRF_SECRET}}


def call_and_validate(case, signed_in: dict) -> None:
    case.call_and_validate(app=application, checks=[not_a_server_error, response_schema_conformance], **signed_in)


# A read is sent as the commander too, who reads the whole district (the scope that filters nothing, the largest
# lists): the same generated request, so schemathesis draws each read's cases once for both. What the commander writes
# goes through the same serializers and checks as the dispatcher's writes.
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_answers_as_documented(case, sessions, in_the_tests_transaction):
    call_and_validate(case, signed_in(sessions, "dispatcher_a"))
    if case.method == "GET":
        call_and_validate(case, signed_in(sessions, "commander"))


@pytest.mark.parametrize("method,path", JSON_BODIES)
def test_a_json_body_that_is_not_an_object_is_refused_not_failed(db, client, sessions, method, path):
    """What a throttle, a permission or a view reads before its serializer has judged the body's shape."""
    client.cookies["sessionid"] = sessions["commander"]
    url = re.sub(r"{[^}]+}", "1", path)
    for body in ("[]", "null", '"text"', "1"):
        assert client.generic(method, url, body, content_type="application/json").status_code < 500, body


def test_nothing_here_is_left_out_of_cis_pooled_run(request):
    """CI's run through PgBouncer selects the tests marked ``postgres`` or ``pooled`` and leaves this module out
    unread (.ci/run: its import builds the API's schema, seconds a worker): none of its tests may be marked so."""
    marked = [item.nodeid for item in request.session.items if item.path == request.path
              and (item.get_closest_marker("postgres") or item.get_closest_marker("pooled"))]
    assert not marked
