"""HTML compressed on the wire: pages gzipped (also from the page cache), streamed exports left alone."""

import gzip
import re

import pytest

from tests.factories import make_indicator, make_unit, make_value

pytestmark = pytest.mark.django_db
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
RANKING = "/rankings/?indicator=par_index&year=2023"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def ranking_values():
    par = make_indicator(code="par_index", name_en="PAR Index", decimals=2)
    make_value(indicator=par, unit=make_unit(code="01", short_name="Hà Nội"), year=2023, value="71.25")
    make_value(indicator=par, unit=make_unit(code="31", short_name="Hải Phòng"), year=2023, value="65.5")


def test_a_page_is_gzipped_for_a_browser_that_accepts_it(client, ranking_values):
    page = client.get(RANKING, **GZIP)
    assert page.status_code == 200
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    html = gzip.decompress(page.content).decode()
    assert "71,25" in html or "71.25" in html
    assert len(page.content) < len(html.encode()) / 3


def test_a_page_stays_plain_for_a_client_that_does_not_accept_gzip(client, ranking_values):
    page = client.get(RANKING)
    assert not page.has_header("Content-Encoding")
    assert "Hà Nội" in page.content.decode()


def test_a_cached_page_is_gzipped_with_the_visitors_own_csrf_token(client, ranking_values):
    first = client.get(RANKING, **GZIP)
    assert first["X-Page-Cache"] == "miss"
    other = client.__class__()
    again = other.get(RANKING, **GZIP)
    assert again["X-Page-Cache"] == "hit"
    assert again["Content-Encoding"] == "gzip"
    html = gzip.decompress(again.content).decode()
    token = TOKEN.search(html).group(1)
    assert "\x00" not in token  # the cached placeholder was replaced by this visitor's (masked) token
    assert len(token) == 64
    assert "csrftoken" in other.cookies


def test_the_streamed_bulk_export_is_not_compressed_nor_buffered(client, ranking_values):
    export = client.get("/export/values.csv", **GZIP)
    assert export.status_code == 200
    assert export.streaming
    assert not export.has_header("Content-Encoding")
    assert "Hà Nội" in b"".join(export.streaming_content).decode("utf-8-sig")
