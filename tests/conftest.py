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


@pytest.fixture(scope="session")
def real_units(django_db_setup, django_db_blocker):
    """Load the real administrative units (provinces/data, 14,165 units) once per test session.

    Opt-in: ask for ``real_units`` (with the ``django_db`` mark) in tests that need the real
    provinces, districts and communes. Loading takes seconds, too slow for every test, so the units
    are committed into the test database once, outside the per-test transactions (which still roll
    back whatever a test changes), and deleted when the session ends. Tests using this fixture run
    last (see pytest_collection_modifyitems below), so every other test still starts with an empty
    unit table and may create units with any code. Not for transactional tests: ``transactional_db``
    empties the database after each test.
    """
    from provinces.loaders import units_load
    from provinces.models import AdministrativeUnit, Level

    with django_db_blocker.unblock():
        result = units_load()
    yield result
    # Plain SQL deletes: the ORM's delete() would send signals and write a history row per unit (~20 s).
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AdministrativeUnit.successors.through._meta.db_table}")
        for level in (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE):  # children first: parent is PROTECT
            cursor.execute(f"DELETE FROM {AdministrativeUnit._meta.db_table} WHERE level = %s", [level])


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that use ``real_units`` after all others (stable order otherwise)."""
    items.sort(key=lambda item: "real_units" in getattr(item, "fixturenames", ()))


@pytest.fixture(autouse=True)
def default_language():
    """Start every test in the site's default language (Vietnamese), whatever an earlier test activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english_messages():
    """Read messages in English, for tests that check message texts by their English wording."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_caches(settings):
    """Start every test with empty caches of its own: a page cached by an earlier test shows that test's data.

    The data generation normally lives in a file shared by every process on the machine (so that server
    workers agree); tests keep it in memory, so that parallel test runs do not clear each other's.
    """
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "generation": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "generation"},
    }
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def appraisal_world(django_user_model, settings, tmp_path):
    """The synthetic commune-level appraisal world (tests/appraisal_world.py), its evidence under a temporary MEDIA_ROOT."""
    from tests.appraisal_world import commune_world

    settings.MEDIA_ROOT = tmp_path
    return commune_world(django_user_model)


@pytest.fixture
def appraisal_accounts(django_user_model, settings, tmp_path):
    """The places and people of the commune appraisal world without its set and campaign (tests/appraisal_world.py)."""
    from tests.appraisal_world import commune_accounts

    settings.MEDIA_ROOT = tmp_path
    return commune_accounts(django_user_model)


@pytest.fixture
def english_client(client):
    """The test client reading the site in English (the language cookie set)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
