"""HTML compressed on the wire: pages gzipped (also from the page cache), streamed exports left alone."""

import gzip
import os
import re

import pytest
from django.http import HttpResponse

from reports.cache import cache_public_page, page_key
from reports.gzipped_page import compressed_size, gzip_body, gzipped_page, page_text
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


# Pages served from the page cache: stored gzipped around the CSRF token (reports.gzipped_page).
CACHED_PAGES = [
    "/",
    RANKING,
    RANKING + "&level=province&page=1",
    RANKING + "&format=csv",  # no token in it
    "/provinces/01/?on=2024-06-01",
    "/provinces/01/?on=2024-06-01&format=figures",
    "/units/province/01/?on=2024-06-01",
    "/provinces/01/report/?year=2023",
    "/compare/?units=01,31&indicators=par_index&year=2023",
    "/indicators/",
    "/indicators/par_index/",
    "/coverage/",
    "/import-format/",
]


def without_token(content: bytes) -> bytes:
    """Return the page with its CSRF tokens blanked, and the time printed in its footer (base.html's
    ``{% now %}``: a minute may tick over between two renderings compared here)."""
    content = re.sub(rb'(name="csrfmiddlewaretoken" value=")[^"]+"', rb'\1"', content)
    return re.sub(rb'(class="print-only print-meta">[^<]*?)\d\d/\d\d/\d{4} \d\d:\d\d', rb"\1", content)


@pytest.fixture
def rendered(settings, client, ranking_values):
    """Each cached page as the view renders it with the page cache off (tokens blanked), and whether
    PageGZipMiddleware gzips it."""
    settings.PAGE_CACHE_SECONDS = 0
    pages = {}
    for url in CACHED_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        gzipped = client.get(url, **GZIP).get("Content-Encoding") == "gzip"
        pages[url] = (without_token(response.content), dict(response.items()), gzipped)
    settings.PAGE_CACHE_SECONDS = 3600
    return pages


@pytest.mark.parametrize("accept", [GZIP, {}], ids=["gzip", "identity"])
def test_every_page_from_the_cache_is_what_the_view_renders(client, rendered, accept):
    for url, (html, headers, gzipped_by_django) in rendered.items():
        for expected in ("miss", "hit"):
            response = client.__class__().get(url, **accept)
            assert response["X-Page-Cache"] == expected, url
            assert int(response["Content-Length"]) == len(response.content), url
            assert "Cookie" in response["Vary"] and "Accept-Encoding" in response["Vary"], url
            gzipped = response.get("Content-Encoding") == "gzip"
            assert gzipped == (bool(accept) and gzipped_by_django), url
            content = gzip.decompress(response.content) if gzipped else response.content
            assert without_token(content) == html, url
            for name in ("Content-Type", "Content-Disposition", "Content-Language", "X-Robots-Tag"):
                assert response.get(name) == headers.get(name), (url, name)


@pytest.mark.parametrize("accept", [GZIP, {}], ids=["gzip", "identity"])
def test_the_token_of_a_cached_page_is_the_visitors_own_and_works(client, ranking_values, accept):
    from django.test import Client

    client.get(RANKING, **accept)
    tokens = set()
    for _ in range(3):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(RANKING, **accept)
        assert page["X-Page-Cache"] == "hit"
        html = (gzip.decompress(page.content) if accept else page.content).decode()
        token = TOKEN.search(html).group(1)
        tokens.add(token)
        switched = visitor.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
        assert switched.status_code == 302
    assert len(tokens) == 3


def test_a_head_request_is_answered_from_the_cache_with_the_length_of_the_body(client, ranking_values):
    got = client.get(RANKING, **GZIP)
    head = client.head(RANKING, **GZIP)
    assert head.status_code == 200
    assert head["X-Page-Cache"] == "hit"
    assert head["Content-Encoding"] == "gzip"
    assert head.content == b""
    # The random bytes of the gzip header (BREACH) make each body's length vary by up to 99 bytes.
    assert abs(int(head["Content-Length"]) - len(got.content)) < 100


def test_the_gzip_header_carries_random_bytes_like_djangos(client, ranking_values):
    client.get(RANKING, **GZIP)
    lengths = {len(client.get(RANKING, **GZIP).content) for _ in range(20)}
    assert len(lengths) > 1


def test_the_stored_page_is_compressed(client, ranking_values):
    import pickle

    from django.core.cache import cache
    from django.test import RequestFactory

    html = client.get(RANKING).content
    stored = cache.get(page_key(RequestFactory().get(RANKING)))
    assert len(pickle.dumps(stored)) < len(html) / 2


@pytest.mark.parametrize("body", [os.urandom(5000), b"ok"], ids=["random", "short"])
def test_a_body_gzip_would_not_shorten_is_stored_and_served_as_it_is(rf, body):
    view = cache_public_page(lambda request: HttpResponse(body, content_type="application/octet-stream"))
    for expected in ("miss", "hit"):
        response = view(rf.get("/download/", HTTP_ACCEPT_ENCODING="gzip"))
        assert response["X-Page-Cache"] == expected
        assert not response.has_header("Content-Encoding")
        assert response.content == body


@pytest.mark.parametrize("tokens", [0, 1, 3])
def test_a_gzipped_page_is_its_text_with_the_token_in_each_gap(tokens):
    pieces = [f"<p>{i}</p>".encode() * 500 for i in range(tokens)] + [b""]
    page = gzipped_page(pieces)
    token = b"t0KeN" * 13
    body = gzip_body(page, token, max_random_bytes=100)
    assert gzip.decompress(body) == token.join(pieces)  # the trailer's CRC-32 and length checked too
    assert page_text(page, token) == token.join(pieces)
    assert compressed_size(page) + len(token) * tokens + 100 > len(body) >= compressed_size(page)


def test_a_cached_download_without_a_token_sets_no_csrf_cookie(client, ranking_values):
    for expected in ("miss", "hit"):
        download = client.get(RANKING + "&format=csv", **GZIP)
        assert download["X-Page-Cache"] == expected
        assert "csrftoken" not in download.cookies
