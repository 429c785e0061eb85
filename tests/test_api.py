"""The public API's reads: units, indicators, values, rankings, averages, sources; CSV, ETags, errors, CORS."""

import csv
import io

import pytest
from django.utils import timezone

from api.problems import PROBLEM_CONTENT_TYPE
from indicators.models import Value
from tests.api_world import UNPUBLISHED_MARKS, api_world
from tests.staff import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return api_world()


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def _csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# Units ---------------------------------------------------------------------------------------------


def test_units_list_both_structures_with_validity_parents_and_successors(client, world):
    rows = {row["id"]: row for row in _results(client.get("/api/v1/units/"))}
    old, new = rows[world["danang_old"].pk], rows[world["danang_new"].pk]
    assert (old["code"], old["valid_to"], old["successors"]) == ("48", "2025-06-30", [world["danang_new"].pk])
    assert (new["valid_from"], new["predecessors"]) == ("2025-07-01", [world["danang_old"].pk])
    assert rows[world["ba_dinh"].pk]["parent"] == world["hanoi"].pk


def test_units_filter_by_date_level_province_and_search_without_diacritics(client, world):
    def ids(query: str) -> set[int]:
        return {row["id"] for row in _results(client.get(f"/api/v1/units/?{query}"))}

    assert ids("q=da nang") == {world["danang_old"].pk, world["danang_new"].pk}
    assert ids("q=DA+NANG&on=2025-07-01") == {world["danang_new"].pk}
    assert ids("q=đà nẵng&on=2024-12-31") == {world["danang_old"].pk}
    assert ids("level=district") == {world["ba_dinh"].pk}
    assert ids(f"province={world['hanoi'].pk}") == {world["ba_dinh"].pk}
    assert ids("code=46") == {world["hue"].pk}


def test_unit_detail_and_unknown_unit_is_a_problem(client, world):
    assert client.get(f"/api/v1/units/{world['hanoi'].pk}/").json()["short_name"] == "Hà Nội"
    response = client.get("/api/v1/units/999999/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


# Indicators ----------------------------------------------------------------------------------------


def test_indicators_catalogue_with_series_breaks(client, world):
    (par,) = _results(client.get("/api/v1/indicators/"))
    assert par["code"] == "par_index"
    assert par["levels"] == ["province", "district", "commune"]
    assert par["series_breaks"] == [{"year": 2021, "note_vi": "Thang đo mới", "note_en": "New scale"}]
    assert client.get("/api/v1/indicators/par_index/").json()["direction"] == "higher"


# Values --------------------------------------------------------------------------------------------


def test_values_are_the_published_figures_with_their_source(client, world):
    rows = _results(client.get("/api/v1/values/"))
    assert {(row["unit_name"], row["value"]) for row in rows} == {("Hà Nội", 80), ("Đà Nẵng", 70), ("Ba Đình", 60)}
    hanoi = next(row for row in rows if row["unit_name"] == "Hà Nội")
    assert (hanoi["source"], hanoi["source_title"], hanoi["rank"], hanoi["rank_basis"]) == (
        world["source"].pk,
        "Báo cáo PAR INDEX 2023",
        1,
        "stated",
    )
    assert "source_class" in hanoi


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("indicator=par_index", {"Hà Nội", "Đà Nẵng", "Ba Đình"}),
        ("year=2022", set()),
        ("level=district", {"Ba Đình"}),
        ("region=south_east", {"Đà Nẵng"}),
        ("within={hanoi}", {"Ba Đình"}),
        ("unit={hanoi}", {"Hà Nội"}),
    ],
)
def test_values_filters(client, world, query, expected):
    rows = _results(client.get("/api/v1/values/?" + query.format(hanoi=world["hanoi"].pk)))
    assert {row["unit_name"] for row in rows} == expected


def test_values_changed_since_returns_only_later_changes(client, world):
    moment = timezone.now()
    Value.objects.filter(pk=world["values"]["danang"].pk).update(updated_at=moment)
    Value.objects.exclude(pk=world["values"]["danang"].pk).update(updated_at=moment - timezone.timedelta(days=1))
    rows = _results(client.get("/api/v1/values/", {"changed_since": moment.isoformat()}))
    assert [row["unit_name"] for row in rows] == ["Đà Nẵng"]


def test_values_pages_follow_the_cursor_to_the_end(client, world):
    seen, url, pages = [], "/api/v1/values/?limit=2", 0
    while url:
        response = client.get(url)
        seen += [row["id"] for row in response.json()["results"]]
        url, pages = response.json()["next"], pages + 1
        if url:
            assert 'rel="next"' in response["Link"]
    assert pages == 2
    assert sorted(seen) == sorted(v.pk for k, v in world["values"].items() if k in {"hanoi", "danang", "ba_dinh"})


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/values/?limit=1000", 1),
        ("/api/v1/units/?limit=1000", 3),  # units, successors, predecessors
        ("/api/v1/indicators/", 2),  # indicators (with parents), series breaks
        ("/api/v1/sources/", 1),
        ("/api/v1/rankings/?indicator=par_index", 6),  # indicator, years, units, values, official averages, disputes
        ("/api/v1/averages/", 3),  # official, computed national, computed regional
    ],
)
def test_reads_run_a_fixed_number_of_queries(client, world, django_assert_max_num_queries, url, queries):
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200


def test_unpublished_values_are_absent_from_every_read_endpoint(client, world, django_user_model):
    staff = make_staff(django_user_model, "editor", "national-admin")
    client.force_login(staff)  # a staff session asking for a preview still gets only published figures
    urls = [
        "/api/v1/values/",
        "/api/v1/values/?year=2022",
        f"/api/v1/values/?unit={world['hue'].pk}",
        "/api/v1/rankings/?indicator=par_index&year=2023",
        "/api/v1/rankings/?indicator=par_index&year=2022",
        "/api/v1/averages/",
        "/api/v1/sources/",
    ]
    for url in urls:
        for suffix in ("", "&format=csv" if "?" in url else "?format=csv"):
            for preview in ("", "&preview=1" if "?" in url + suffix else "?preview=1"):
                body = client.get(url + suffix + preview).content.decode("utf-8")
                for mark in UNPUBLISHED_MARKS:
                    assert mark not in body, (url + suffix + preview, mark)


# Rankings and averages -----------------------------------------------------------------------------


def test_ranking_is_the_rankings_page_selector_with_published_ranks(client, world):
    data = client.get("/api/v1/rankings/?indicator=par_index").json()
    assert (data["year"], data["n_units"], data["n_with_value"]) == (2023, 3, 2)
    assert data["average"] == {
        "value": 75.5,
        "official": True,
        "n": 0,
        "source_title": "Báo cáo PAR INDEX 2023",
        "source_url": "https://example.org/report",
    }
    ranked = [(row["name"], row["value"], row["rank"], row["published_rank"]) for row in data["results"]]
    assert ranked == [("Hà Nội", 80.0, 1, 1), ("Đà Nẵng", 70.0, 2, None), ("Thừa Thiên Huế", None, None, None)]


def test_unknown_indicator_or_province_is_a_404_naming_the_parameter(client, world):
    for url, field in (
        ("/api/v1/values/?indicator=no_such_index", "indicator"),
        ("/api/v1/averages/?indicator=no_such_index", "indicator"),
        ("/api/v1/rankings/?indicator=no_such_index", "indicator"),
        (f"/api/v1/rankings/?indicator=par_index&within={world['ba_dinh'].pk}", "within"),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
        assert [error["field"] for error in response.json()["errors"]] == [field]


def test_district_ranking_within_a_province(client, world):
    rows = client.get(f"/api/v1/rankings/?indicator=par_index&level=district&within={world['hanoi'].pk}").json()
    assert [row["name"] for row in rows["results"]] == ["Ba Đình"]


def test_averages_give_official_and_computed_with_n(client, world):
    rows = client.get("/api/v1/averages/?indicator=par_index&year=2023").json()
    national = [row for row in rows if row["scope"] == "national"]
    assert [(row["official"], row["value"], row["n"]) for row in national] == [(True, 75.5, None), (False, 75.0, 2)]
    assert national[0]["source"] == world["source"].pk
    regional = {row["region"]: (row["value"], row["n"]) for row in rows if row["scope"] == "region"}
    assert regional == {"red_river_delta": (80.0, 1), "south_east": (70.0, 1)}


def test_sources_are_those_of_public_figures_with_their_class(client, world):
    rows = _results(client.get("/api/v1/sources/"))
    assert [(row["id"], row["source_class"]) for row in rows] == [
        (world["source"].pk, getattr(world["source"], "source_class", None) or None)
    ]


# CSV -----------------------------------------------------------------------------------------------


def test_csv_by_format_parameter_and_by_accept_header(client, world):
    by_format = client.get("/api/v1/values/?format=csv")
    by_accept = client.get("/api/v1/values/", HTTP_ACCEPT="text/csv")
    for response in (by_format, by_accept):
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert 'filename="values.csv"' in response["Content-Disposition"]
        rows = _csv_rows(response)
        assert {row["unit_name"] for row in rows} == {"Hà Nội", "Đà Nẵng", "Ba Đình"}
        assert {row["value"] for row in rows} == {"80", "70", "60"}


def test_csv_cells_cannot_run_as_formulas(client, world):
    world["source"].title = "=HYPERLINK(1)"
    world["source"].save()
    rows = _csv_rows(client.get("/api/v1/sources/?format=csv"))
    assert rows[0]["title"] == "'=HYPERLINK(1)"


def test_ranking_as_csv_lists_the_rows(client, world):
    rows = _csv_rows(client.get("/api/v1/rankings/?indicator=par_index&format=csv"))
    assert [(row["name"], row["rank"]) for row in rows] == [("Hà Nội", "1"), ("Đà Nẵng", "2"), ("Thừa Thiên Huế", "")]


# Conditional requests ------------------------------------------------------------------------------


def test_etag_round_trip_answers_304_until_the_data_change(client, world, django_assert_max_num_queries):
    first = client.get("/api/v1/values/")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    with django_assert_max_num_queries(0):  # a current copy costs no query
        again = client.get("/api/v1/values/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get("/api/v1/values/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    # Another representation of the same URL has its own tag.
    assert client.get("/api/v1/values/?format=csv", HTTP_IF_NONE_MATCH=etag).status_code == 200
    world["values"]["danang"].note = "corrected"
    world["values"]["danang"].save()
    changed = client.get("/api/v1/values/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


# Errors, throttling, CORS, schema ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/values/?year=abc", "year"),
        ("/api/v1/values/?year=1800", "year"),
        ("/api/v1/values/?unit=99999999999999999999999", "unit"),
        ("/api/v1/values/?changed_since=yesterday", "changed_since"),
        ("/api/v1/units/?on=2025-13-01", "on"),
        ("/api/v1/units/?level=village", "level"),
        ("/api/v1/units/?q=%00", "q"),
        ("/api/v1/rankings/", "indicator"),
        ("/api/v1/values/?limit=0", "limit"),
        ("/api/v1/values/?limit=abc", "limit"),
    ],
)
def test_bad_input_is_a_problem_naming_the_parameter(client, world, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    problem = response.json()
    assert {"type", "title", "status", "detail"} <= set(problem)
    assert problem["status"] == 400
    assert field in [error["field"] for error in problem["errors"]]


def test_unknown_paths_formats_and_methods_are_problems(client, world):
    for response, status in (
        (client.get("/api/v1/nothing-here/"), 404),
        (client.get("/api/v1/values/?format=xml"), 400),
        (client.get("/api/v1/values/?format="), 400),
        (client.get("/api/v1/units/%0A/"), 404),
        (client.get("/api/v1/values/?cursor=garbage"), 404),
        (client.get("/api/v1/values/", HTTP_ACCEPT="image/png"), 406),
        (client.delete("/api/v1/units/"), 405),
    ):
        assert response.status_code == status
        assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
        assert response.json()["status"] == status


def test_anonymous_clients_are_throttled(client, world, settings):
    settings.API_THROTTLE_ANON = "3/minute"
    statuses = [client.get("/api/v1/indicators/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/indicators/")
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert int(response["Retry-After"]) > 0


def test_cors_allows_reads_from_any_origin_but_no_writes(client, world):
    response = client.get("/api/v1/values/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/values/", HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "POST" not in preflight.get("Access-Control-Allow-Methods", "")
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN="https://example.org")


def test_schema_and_interactive_docs_are_served_without_inline_scripts(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/values/", "/api/v1/rankings/", "/api/v1/units/"} <= set(schema["paths"])
    docs = client.get("/api/v1/docs/")
    html = docs.content.decode()
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "api/docs.js" in html
    assert "<script>" not in html
    assert "script-src 'self'" in docs["Content-Security-Policy"]


def test_messages_are_vietnamese_unless_english_is_asked_for(client, world):
    vietnamese = client.get("/api/v1/values/?indicator=no_such_index").json()["detail"]
    english = client.get("/api/v1/values/?indicator=no_such_index", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert (vietnamese, english) == ("Không có chỉ số “no_such_index”.", "Unknown indicator “no_such_index”.")
