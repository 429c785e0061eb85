"""Shared fixtures."""

import pytest
from django.db import connection


@pytest.fixture
def staff_user(django_user_model):
    """A superuser who can use every admin page (roles arrive with the workflow issue)."""
    return django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-test-password")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def is_postgres() -> bool:
    return connection.vendor == "postgresql"
