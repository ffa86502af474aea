"""Schemathesis against the OpenAPI description: no server error, no response off-schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from ficarchive.wsgi import application
from tests.api.conftest import bearer
from tests.conftest import make_user, make_work

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_connection():
    """Calling the WSGI application directly would close the database connection after each
    request, taking the test's transaction with it; Django's test client avoids that the
    same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def some_works(db, tmp_path, settings, keep_connection):
    settings.MEDIA_ROOT = tmp_path
    settings.API_RATE_LIMIT = 0
    alice = make_user("alice")
    make_work(alice, "Open Harbour", series="Harbour Tales")
    make_work(alice, "Members Lighthouse", restricted=True)
    return bearer(alice, "write")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_description(case, some_works):
    # Tag ids, tag names and cursors are checked against the archive, which a schema cannot
    # describe, so a schema-valid request may still get a 400: that check is left out.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_description_for_a_writer(case, some_works):
    case.call_and_validate(headers=some_works, excluded_checks=[positive_data_acceptance])
