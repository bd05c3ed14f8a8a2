"""The open data (/api/open-data/) fuzzed by schemathesis from its own
OpenAPI document: whatever a client sends within (and, for the negative
pass, outside) the documented parameters, the API never fails with a server
error and answers with a status, a content type, headers and a body the
document describes.

The site is called in-process through its WSGI application, on the test
database holding the ``world`` province (tests/reports/conftest.py), so the
figures are real ones computed from orders, not empty tables.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as openapi_checks

from marketplace.wsgi import application
from reports import openapi

OPENAPI_PATH = "/api/open-data/openapi.json"

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]


# Collection may not touch the database, and the site's middleware does on
# every request; so the document is built here by the code the view calls,
# and test_the_site_serves_this_document checks the view serves the same.
# werkzeug's client, which schemathesis drives, sends Host: localhost.
SERVER_URL = "http://localhost/api/open-data"
schema = schemathesis.openapi.from_dict(openapi.openapi_document(server_url=SERVER_URL))
schema.app = application


@pytest.fixture
def connection_kept():
    """As Django's test client does: the site closes the database connection
    at the start and end of each request (close_old_connections), which
    would close the test's transaction between two calls on PostgreSQL."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


# Examples are few on purpose: both operations share one view, and the
# deterministic tests in test_open_data.py cover the figures themselves.
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    # The same cases on every run: a failure in CI is one to reproduce.
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_openapi_document(case, world, connection_kept):
    case.call_and_validate(checks=CHECKS)


def test_the_schema_lists_both_operations():
    """The fuzzing above cannot silently test nothing."""
    labels = {operation.ok().label for operation in schema.get_all_operations()}
    assert labels == {"GET /indicators", "GET /indicators.csv"}


def test_the_site_serves_this_document(client, db):
    response = client.get(OPENAPI_PATH, HTTP_HOST="localhost")
    assert response.status_code == 200
    assert response.json() == openapi.openapi_document(server_url=SERVER_URL)
