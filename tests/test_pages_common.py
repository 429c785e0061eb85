"""Rules for every public page: both languages, local scripts and styles only, no server errors."""

import re

import pytest
from django.urls import URLPattern, reverse

from indicators.models import AverageScope, PublishedAverage
from reports import urls as report_urls
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db
EXTERNAL = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(?:https?:)?//', re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)


@pytest.fixture
def data():
    par = make_indicator(code="par_index", decimals=2, name_vi="Chỉ số CCHC", name_en="PAR Index")
    ha_noi = make_unit(code="01", short_name="Hà Nội")
    dak_lak = make_unit(code="66", short_name="Đắk Lắk")
    make_value(indicator=par, unit=ha_noi, year=2023, value="99.7")
    make_value(indicator=par, unit=dak_lak, year=2023, value="1746.25")
    PublishedAverage.objects.create(
        indicator=par, year=2023, scope=AverageScope.NATIONAL, value="87.5", source=make_source()
    )
    return par


def parameterless_pages() -> list[str]:
    """Return the URLs of every dashboard page that needs no argument (new pages are covered automatically)."""
    names = [p.name for p in report_urls.urlpatterns if isinstance(p, URLPattern) and not p.pattern.converters]
    return [reverse(f"reports:{name}") for name in names if name and name not in {"export-values", "coverage-missing"}]


def pages() -> list[str]:
    return [*parameterless_pages(), reverse("reports:ranking") + "?indicator=par_index&year=2023", "/search/?q=ha"]


def test_vietnamese_is_the_default_with_vietnamese_number_format(client, data):
    html = client.get(reverse("reports:ranking") + "?indicator=par_index&year=2023").content.decode()
    assert '<html lang="vi">' in html
    assert "99,70%" in html and "1.746,25%" in html and "Chỉ số CCHC" in html


def test_english_by_accept_language_and_by_the_language_switch(client, data):
    url = reverse("reports:ranking") + "?indicator=par_index&year=2023"
    html = client.get(url, HTTP_COOKIE="django_language=en").content.decode()
    assert '<html lang="en">' in html and "99.70%" in html and "1,746.25%" in html and "PAR Index" in html
    switched = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302 and switched["Location"] == url
    html = client.get(url).content.decode()
    assert '<html lang="en">' in html and "1,746.25%" in html


def test_every_page_renders_in_both_languages_with_local_scripts_and_styles_only(client, data):
    for url in pages():
        for language in ("vi", "en"):
            response = client.get(url, HTTP_COOKIE=f"django_language={language}")
            assert response.status_code == 200, url
            html = response.content.decode()
            assert not EXTERNAL.search(html), url
            assert not INLINE_SCRIPT.search(html), url
            assert 'id="main"' in html and 'href="#main"' in html, url


@pytest.mark.parametrize(
    "query",
    ["?q=%00", "?q=" + "a" * 5000, "?year=-1", "?indicator[]=x", "?page=999", "?sort=' OR 1=1", "?on=2023-13-45"],
)
def test_bad_query_parameters_never_give_a_server_error(client, data, query):
    for url in parameterless_pages():
        response = client.get(url + query)
        assert response.status_code < 500, url + query
