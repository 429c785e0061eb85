"""The API against its own OpenAPI schema (schemathesis): no 5xx, and every answer conforms to the schema.

A bounded number of generated requests per operation keeps the run short (a few seconds on 2 cores);
the examples run against the small public world of tests.api_world. Writes are sent with a national
administrator's token, so that generated batches reach the write gate itself.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

from tests.api_tokens import make_token
from tests.api_world import api_world
from tests.staff import make_staff

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def _test_connection_kept():
    """Keep the test's database connection across WSGI requests, as Django's test client does.

    Each request's end closes old connections (request_finished); with PostgreSQL that would close the
    connection holding the test's transaction.
    """
    signal_handlers = ((request_started, close_old_connections), (request_finished, close_old_connections))
    for signal, handler in signal_handlers:
        signal.disconnect(handler)
    yield
    for signal, handler in signal_handlers:
        signal.connect(handler)


@pytest.fixture
def api_schema(db, settings, _test_connection_kept):
    settings.API_THROTTLE_ANON = settings.API_THROTTLE_TOKEN = "100000/minute"
    api_world()
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture
def national_token(api_schema, django_user_model) -> str:
    """A national administrator's token, so that generated writes reach the write gate (not only 401)."""
    return make_token(make_staff(django_user_model, "national", "national-admin"))[1]


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],  # no explicit/coverage cases beyond the bound: the run stays short
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_conform_to_the_schema_and_never_fail(case, national_token):
    # Schemathesis' WSGI client does not undo gzip (PageGZipMiddleware; tests/test_compression.py), so ask for none.
    plain = {"Accept-Encoding": "identity"}
    if case.method == "GET":
        case.call_and_validate(headers=plain)
    else:
        # A well-formed batch may still be refused by the data rules (an unknown indicator, a locked year,
        # a value out of range): 422, documented, is right there, so "valid data is accepted" does not apply.
        case.call_and_validate(
            headers={**plain, "Authorization": f"Bearer {national_token}"},
            excluded_checks=[schemathesis.checks.positive_data_acceptance],
        )
