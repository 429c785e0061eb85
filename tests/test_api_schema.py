"""The API against its own OpenAPI schema (schemathesis): no 5xx, and every answer conforms to the schema.

A bounded number of generated requests per operation keeps the run short (a few seconds on 2 cores);
the examples run against the small public world of tests.api_world.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from tests.api_world import api_world

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def api_schema(db, settings):
    settings.API_THROTTLE_ANON = "100000/minute"
    api_world()
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_conform_to_the_schema_and_never_fail(case):
    case.call_and_validate()
