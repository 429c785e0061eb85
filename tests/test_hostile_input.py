"""Hostile input: random and injected query strings, markup in stored texts, unsafe links, oversize requests."""

import csv
import io
import json
import re
from urllib.parse import quote, quote_from_bytes

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import AverageScope, PublishedAverage, SeriesBreak
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
HOSTILE = f"{SCRIPT}{ATTRIBUTE}"
PUBLIC_PATHS = [
    "/",
    "/rankings/",
    "/search/",
    "/export/values.csv",
    "/provinces/01/",
    "/provinces/99/",
    "/units/district/001/",
    "/units/commune/00001/",
    "/compare/",
    "/indicators/",
    "/indicators/par_index/",
    "/coverage/",
    "/coverage/missing.csv",
    "/import-format/",
    "/healthz",
]
# Every parameter some public page reads, plus the ones a crawler or attacker tries.
KNOWN_KEYS = [
    "indicator", "year", "level", "region", "within", "highlight", "format", "q", "on", "units", "indicators",
    "x", "y", "chart", "sort", "page", "per_page", "next", "language",
]  # fmt: skip
TRICKY_VALUES = [
    "", "01", "1", "001", "99", "2023", "2025", "0", "-1", "9" * 400, "1e309", "NaN", "inf", "-0", "2024-06-01",
    "2023-13-45", "9999-12-31", "0001-01-01", "province", "district", "commune", "csv", "xlsx", "png", "par_index",
    "01,66,02", "01@2024-06-01,66@bad", "../../etc/passwd", "' OR 1=1 --", SCRIPT, ATTRIBUTE, "\x00", "%", "ä" * 300,
    "Hà Nội", "javascript:alert(1)", "//evil.example", "name", "-name", "value", "rank",
]  # fmt: skip


@pytest.fixture
def hostile_data():
    """A small dataset whose every free text carries markup, and a source whose URL is a script."""
    par = make_indicator(code="par_index", name_vi=f"Chỉ số {SCRIPT}", name_en=f"Index {SCRIPT}")
    make_indicator(code="sipas", name_vi="SIPAS", name_en="SIPAS")
    SeriesBreak.objects.create(indicator=par, year=2022, note_vi=HOSTILE, note_en=HOSTILE)
    evil_source = make_source(title=f"Báo cáo {HOSTILE}", url="javascript:alert(document.cookie)")
    good_source = make_source(title='=HYPERLINK("http://evil.example","x")', url="https://moha.example.org/par")
    units = [
        make_unit(code="01", short_name=f"Hà Nội {SCRIPT}"),
        make_unit(code="66", short_name=f"Đắk Lắk{ATTRIBUTE}"),
        make_unit(code="02", short_name="=1+2"),
    ]
    for index, unit in enumerate(units):
        make_value(
            indicator=par,
            unit=unit,
            year=2023,
            value=str(80 + index),
            rank=index + 1,
            source=evil_source if index == 0 else good_source,
            note=HOSTILE,
        )
    PublishedAverage.objects.create(
        indicator=par, year=2023, scope=AverageScope.NATIONAL, value="81", source=evil_source
    )
    return par


def non_ascii_digits() -> st.SearchStrategy[str]:
    """Return digits that str.isdigit() (and sometimes int()) accept but that are not ASCII: ², ①, ٣, １ …"""
    return st.text(st.characters(categories=("Nd", "No"), exclude_characters="0123456789"), min_size=1, max_size=6)


def _query_strings(key: st.SearchStrategy, value: st.SearchStrategy, *, max_pairs: int) -> st.SearchStrategy:
    """Return query strings of up to max_pairs key=value pairs, the keys percent-encoded, the values as given."""
    pair = st.tuples(key.map(quote), value).map(lambda kv: f"{kv[0]}={kv[1]}")
    return st.lists(pair, max_size=max_pairs).map("&".join)


def page_fuzzing(*, max_examples: int) -> settings:
    """Return Hypothesis settings for fetching pages: no deadline or example database, fixtures reused per example."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def query_pairs() -> st.SearchStrategy[str]:
    """Return raw query strings: known and random keys, tricky, random and invalid-UTF-8 values, junk."""
    key = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=12))
    value = st.one_of(
        st.sampled_from(TRICKY_VALUES).map(quote),
        non_ascii_digits().map(quote),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=60).map(quote),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.binary(max_size=20).map(quote_from_bytes),  # often not UTF-8 once decoded
        st.text(alphabet="%&=;+?#[]{}/\\ \t'\"<>", max_size=20),  # malformed escapes and separators, unencoded
    )
    return _query_strings(key, value, max_pairs=6)


@page_fuzzing(max_examples=300)
@given(path=st.sampled_from(PUBLIC_PATHS), query=query_pairs())
def test_no_query_string_gives_a_server_error_on_any_public_page(client, hostile_data, path, query):
    # The raw string goes to the server as sent: the test client would otherwise re-encode it.
    response = client.get(path, QUERY_STRING=query)
    assert response.status_code in {200, 301, 302, 400, 404}, f"{path}?{query} → {response.status_code}"


def test_every_public_page_is_in_the_list():
    """A new public route must join PUBLIC_PATHS, so the property test above covers it."""
    from reports import urls as report_urls

    covered = {re.sub(r"[0-9a-z_]+/$", "", p) for p in PUBLIC_PATHS}
    for pattern in report_urls.urlpatterns:
        route = "/" + str(pattern.pattern)
        prefix = route.split("<", 1)[0]
        assert route in PUBLIC_PATHS or prefix in covered or any(p.startswith(prefix) for p in PUBLIC_PATHS), route


def pages_showing_stored_text() -> list[str]:
    return [
        "/",
        "/rankings/?indicator=par_index&year=2023",
        "/provinces/01/?on=2023-12-31",
        "/provinces/66/?on=2023-12-31",
        "/compare/?units=01,66,02&indicators=par_index&year=2023",
        "/indicators/",
        "/indicators/par_index/",
        "/coverage/",
        "/search/?q=h%C3%A0",
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_markup_in_names_notes_and_titles_is_escaped_in_every_page(client, hostile_data, language):
    for url in pages_showing_stored_text():
        response = client.get(url, HTTP_COOKIE=f"django_language={language}")
        assert response.status_code == 200, url
        html = response.content.decode()
        assert SCRIPT not in html, url
        assert "<img src=x" not in html, url
        assert "onerror=alert(1)>" not in html, url


def test_chart_json_escapes_markup_for_the_page_and_for_plotly(client, hostile_data):
    html = client.get("/rankings/?indicator=par_index&year=2023").content.decode()
    payloads = re.findall(r'<script id="[^"]+" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert payloads, "the rankings page has a chart"
    for payload in payloads:
        assert "<" not in payload  # json_script writes \u003C, so no text can close the script element
        text = json.dumps(json.loads(payload), ensure_ascii=False)
        # plotly renders a subset of HTML in hover labels and titles: names reach it as entities.
        assert "<script>" not in text and "<img" not in text
    assert any("&lt;script&gt;" in json.dumps(json.loads(p), ensure_ascii=False) for p in payloads)


def test_only_http_links_to_sources_are_made(client, hostile_data):
    for url in pages_showing_stored_text():
        html = client.get(url).content.decode()
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], url


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_exports_keep_markup_as_text_and_never_start_a_formula(client, hostile_data):
    response = client.get("/export/values.csv")
    assert response.status_code == 200
    rows = csv_rows(b"".join(response.streaming_content))
    cells = [cell for row in rows[1:] for cell in row]
    assert any(SCRIPT in cell for cell in cells)  # the text is kept whole: CSV is data, not HTML
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]
    assert "'=1+2" in cells
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)

    ranking = client.get("/rankings/?indicator=par_index&year=2023&format=csv")
    ranking_cells = [cell for row in csv_rows(ranking.content)[1:] for cell in row]
    assert not [cell for cell in ranking_cells if cell.startswith(("=", "+", "@"))]
    assert "'=1+2" in ranking_cells


def test_the_import_preview_refuses_an_oversize_file_with_a_clear_message(staff_client, settings, english_messages):
    settings.IMPORT_MAX_BYTES = 1024
    upload = io.BytesIO(b"unit,indicator,year,value\n" + b"x" * 2048)
    upload.name = "big.csv"
    staff_client.cookies["django_language"] = "en"
    response = staff_client.post(reverse("admin:indicators_importbatch_upload"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "the largest file accepted is 1.0" in html


def test_a_request_body_over_the_limit_gets_a_clear_413(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    client.cookies["django_language"] = "en"
    response = client.post("/search/", data=b"x" * 5000, content_type="application/octet-stream")
    assert response.status_code == 413
    assert response.content.decode().startswith("The request is too large (4.9\xa0KB); the largest accepted is 1000")


def test_levels_and_codes_in_paths_that_do_not_exist_are_404(client, hostile_data):
    for path in (
        "/units/province/01/",
        "/units/<script>/01/",
        "/provinces/%3Cscript%3E/",
        "/indicators/x%00/",
        "/provinces/%D9%A0%D9%A1/",  # Arabic-Indic "01": a code is ASCII digits
        "/units/district/%C2%B2%C2%B2%C2%B2/",
    ):
        response = client.get(path)
        assert response.status_code in {400, 404}, path


# Digits that str.isdigit() and int() accept but that are not ASCII: superscript two, circled one,
# Arabic-Indic three, fullwidth one; and an id too large for any database column.
UNICODE_DIGITS = ["%C2%B2", "%E2%91%A0", "%D9%A3", "%EF%BC%91"]
HUGE = "9" * 30


@pytest.mark.parametrize("digit", UNICODE_DIGITS)
@pytest.mark.parametrize(
    "template",
    [
        "/rankings/?indicator=par_index&year={d}",
        "/rankings/?indicator=par_index&year=2023&format=csv&year={d}",
        "/indicators/par_index/?year={d}",
        "/compare/?units=01,66&indicators=par_index&year={d}",
        "/compare/?units={d}{d},66&indicators=par_index",
        "/provinces/01/?year={d}",
    ],
)
def test_non_ascii_digits_in_public_parameters_get_the_page_with_a_message(client, hostile_data, template, digit):
    response = client.get(template.format(d=digit))
    assert response.status_code in {200, 400, 404}, template


@pytest.fixture
def editor_client(client, django_user_model):
    from tests.staff import make_staff

    own = make_unit(code="42", short_name="Hà Tĩnh")
    client.force_login(make_staff(django_user_model, "bien.tap", "province-editor", province=own))
    client.own = own
    return client


@pytest.mark.parametrize("who", ["staff_client", "editor_client"])
@pytest.mark.parametrize("digit", [*UNICODE_DIGITS, "abc", HUGE, "-1", "1.5"])
def test_non_ascii_digits_and_huge_ids_in_staff_pages_never_answer_500(request, hostile_data, who, digit):
    client = request.getfixturevalue(who)
    client.raise_request_exception = False  # collect every answer, not just the first exception
    answers = {}
    for url in (
        f"/admin/indicators/value/yearsheet/?unit={digit}&year=2023",
        f"/admin/indicators/value/yearsheet/?unit=1&year={digit}",
        f"/admin/indicators/value/{digit}/change/",
        f"/admin/indicators/value/{digit}/history/",
        f"/admin/indicators/value/?province={digit}",
        f"/admin/indicators/value/?year={digit}",
        f"/admin/indicators/source/{digit}/change/",
        f"/admin/provinces/administrativeunit/{digit}/change/",
        f"/admin/provinces/administrativeunit/{digit}/history/",
        f"/admin/provinces/administrativeunit/1/history/{digit}/",
        f"/admin/indicators/source/{digit}/history/",
        f"/admin/indicators/value/1/history/{digit}/",
        f"/admin/indicators/historicalvalue/{digit}/change/",
        f"/admin/indicators/importbatch/{digit}/change/",
    ):
        response = client.get(url)
        answers[url] = response.status_code
    assert {url: code for url, code in answers.items() if code not in {200, 302, 400, 403, 404}} == {}


@pytest.mark.parametrize("source", ["=²", "²", "①", HUGE, "abc"])
def test_a_bad_year_sheet_source_gets_the_sheet_with_a_message(staff_client, hostile_data, source):
    from indicators.models import IndicatorGroup, MeasureUnit

    unit = make_unit(code="42", short_name="Hà Tĩnh")
    make_indicator(code="online_services", group=IndicatorGroup.DIGITAL, measure_unit=MeasureUnit.COUNT, max_value=None)
    url = f"/admin/indicators/value/yearsheet/?unit={unit.pk}&year=2023"
    shown = staff_client.get(url)
    assert shown.status_code == 200
    formset = shown.context["formset"]
    data = {f"rows-{key}": str(value) for key, value in formset.management_form.initial.items()}
    data["sheet-source"] = source
    for i in range(formset.total_form_count()):
        data[f"rows-{i}-source"] = source
    response = staff_client.post(url, data)
    assert response.status_code == 200


STAFF_PATHS = [
    "/admin/indicators/value/",
    "/admin/indicators/value/yearsheet/",
    "/admin/indicators/value/add/",
    "/admin/indicators/source/",
    "/admin/indicators/importbatch/",
    "/admin/indicators/historicalvalue/",
    "/admin/provinces/administrativeunit/",
    "/admin/auth/user/",
]
STAFF_KEYS = ["unit", "year", "province", "status", "indicator", "q", "o", "p", "e", "_changelist_filters"]


def staff_query_pairs() -> st.SearchStrategy[str]:
    """Return raw query strings for staff pages: their keys, and values with non-ASCII digits and huge ids."""
    key = st.one_of(st.sampled_from(STAFF_KEYS), st.text(max_size=8))
    value = st.one_of(
        non_ascii_digits().map(quote),
        st.sampled_from([*TRICKY_VALUES, HUGE]).map(quote),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=30).map(quote),
    )
    return _query_strings(key, value, max_pairs=4)


@page_fuzzing(max_examples=150)
@given(path=st.sampled_from(STAFF_PATHS), query=staff_query_pairs())
def test_no_query_string_gives_a_server_error_on_any_staff_page(editor_client, hostile_data, path, query):
    response = editor_client.get(path, QUERY_STRING=query)
    assert response.status_code in {200, 301, 302, 400, 403, 404}, f"{path}?{query} → {response.status_code}"


def test_a_huge_foreign_key_lookup_on_any_admin_change_list_is_not_a_server_error(staff_client, hostile_data):
    """Every registered change list, every foreign key of its model, a value past 64 bits: 200, 302 or 400."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    staff_client.raise_request_exception = False
    answers = {}
    for model in admin.site._registry:
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation or field.get_internal_type() in {"IntegerField", "BigIntegerField"}:
                answers[f"{url}?{field.name}={HUGE}"] = staff_client.get(f"{url}?{field.name}={HUGE}").status_code
    assert answers
    assert {url: code for url, code in answers.items() if code not in {200, 302, 400, 403}} == {}
