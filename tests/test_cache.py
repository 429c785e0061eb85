"""The public page cache: pages served from the cache, and never a stale figure after a write."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from indicators import models as indicator_models
from indicators.importing.service import values_import
from indicators.models import AverageScope, PublishedAverage
from indicators.signals import data_generation, values_changed
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db
ENGLISH = {"HTTP_COOKIE": "django_language=en"}
RANKING = "/rankings/?indicator=par_index&year=2023"


@pytest.fixture
def par():
    return make_indicator(code="par_index", name_en="PAR Index", decimals=2)


@pytest.fixture
def ha_noi():
    return make_unit(code="01", short_name="Hà Nội")


@pytest.fixture
def hai_phong():
    return make_unit(code="31", short_name="Hải Phòng")


@pytest.fixture
def ranking_page(client, par, ha_noi, hai_phong):
    """A ranking page already cached with Hà Nội at 71.25."""
    value = make_value(indicator=par, unit=ha_noi, year=2023, value="71.25")
    make_value(indicator=par, unit=hai_phong, year=2023, value="65.5")
    first = client.get(RANKING, **ENGLISH)
    assert first["X-Page-Cache"] == "miss"
    assert "71.25" in first.content.decode()
    return value


def test_a_second_request_is_served_from_the_cache_without_queries(client, ranking_page):
    with CaptureQueriesContext(connection) as queries:
        again = client.get(RANKING, **ENGLISH)
    assert again.status_code == 200
    assert again["X-Page-Cache"] == "hit"
    assert "71.25" in again.content.decode()
    assert len(queries) == 0


def test_a_changed_value_shows_at_once(client, ranking_page):
    ranking_page.value = Decimal("88.75")
    ranking_page.save()
    page = client.get(RANKING, **ENGLISH)
    assert page["X-Page-Cache"] == "miss"
    assert "88.75" in page.content.decode()
    assert "71.25" not in page.content.decode()


def test_an_approved_value_shows_at_once_and_a_draft_never(client, par, ranking_page):
    status = indicator_models.ValueStatus
    submitted = make_value(indicator=par, unit=make_unit(code="22", short_name="Quảng Ninh"), year=2023, value="93.5")
    submitted.status = status.SUBMITTED
    submitted.save()
    assert "93.5" not in client.get(RANKING, **ENGLISH).content.decode()
    submitted.status = status.APPROVED  # what the workflow's approval saves
    submitted.save()
    assert "93.5" in client.get(RANKING, **ENGLISH).content.decode()


def test_a_deleted_value_disappears_at_once(client, ranking_page):
    ranking_page.delete()
    assert "71.25" not in client.get(RANKING, **ENGLISH).content.decode()


def test_an_import_starts_a_new_generation(client, ranking_page):
    # An import writes in bulk (no row signals); whether its figures are public at once is the
    # workflow's rule, but no page cached before it may be served after it.
    before = data_generation()
    content = "unit_code,year,indicator,value,source_title\n01,2023,par_index,90.5,Ministry of Home Affairs report\n"
    report = values_import(content=content.encode(), file_name="update.csv")
    assert report.written, report.summary_lines()
    assert data_generation() != before
    assert client.get(RANKING, **ENGLISH)["X-Page-Cache"] == "miss"


def test_a_published_average_shows_at_once(client, par, ranking_page):
    PublishedAverage.objects.create(
        indicator=par, year=2023, scope=AverageScope.NATIONAL, value=Decimal("77.77"), source=make_source()
    )
    assert "77.77" in client.get(RANKING, **ENGLISH).content.decode()


def test_bulk_writers_start_a_new_generation(ranking_page):
    before = data_generation()
    values_changed()
    assert data_generation() != before


def test_each_language_is_cached_apart(client, ranking_page):
    vietnamese = client.get(RANKING)
    assert vietnamese["X-Page-Cache"] == "miss"
    assert "71,25" in vietnamese.content.decode()
    assert client.get(RANKING, **ENGLISH)["X-Page-Cache"] == "hit"
    assert "Cookie" in vietnamese["Vary"]


def test_a_cached_page_carries_the_visitors_own_working_csrf_token(client, ranking_page):
    other = Client(enforce_csrf_checks=True)
    other.cookies["django_language"] = "en"
    page = other.get(RANKING)
    assert page["X-Page-Cache"] == "hit"
    assert other.cookies["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    switched = other.post("/i18n/setlang/", {"language": "vi", "next": "/", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302


def test_staff_never_get_a_cached_page(client, ranking_page):
    staff = get_user_model().objects.create_user("editor", password="a long password 1", is_staff=True)
    client.force_login(staff)
    client.cookies["django_language"] = "en"  # beside the session cookie (HTTP_COOKIE would replace it)
    page = client.get(RANKING)
    assert page.status_code == 200
    assert not page.has_header("X-Page-Cache")


def test_error_pages_are_not_cached(client, par):
    first = client.get("/rankings/?indicator=nope", **ENGLISH)
    assert first.status_code == 404
    assert not first.has_header("X-Page-Cache")


def test_the_cache_can_be_switched_off(client, settings, ranking_page):
    settings.PAGE_CACHE_SECONDS = 0
    assert not client.get(RANKING, **ENGLISH).has_header("X-Page-Cache")


def test_a_deploy_that_changes_static_files_computes_the_pages_again(client, ranking_page, monkeypatch):
    """Cached pages name static files by their hashed names: a new manifest must not serve them."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    assert client.get(RANKING, **ENGLISH)["X-Page-Cache"] == "hit"
    monkeypatch.setattr(staticfiles_storage, "manifest_hash", "after-deploy", raising=False)
    assert client.get(RANKING, **ENGLISH)["X-Page-Cache"] == "miss"
    assert client.get(RANKING, **ENGLISH)["X-Page-Cache"] == "hit"
