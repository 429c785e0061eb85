"""The rankings page: computed ranks, missing data, filters, structure by year, published ranks."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import AverageScope, Direction, PublishedAverage, RankBasis
from provinces.models import Level, Region
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db
NEW = datetime.date(2025, 7, 1)


def rows_of(response) -> list[dict]:
    """Return the table rows of a rankings page as the view built them (rank order as shown)."""
    return list(response.context["table"].data.data)


def ranking_url(**params: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('reports:ranking')}?{query}"


@pytest.fixture
def par():
    return make_indicator(code="par_index", decimals=2, name_vi="Chỉ số CCHC", name_en="PAR Index")


@pytest.fixture
def four_provinces(par):
    units = {
        "Hà Nội": make_unit(code="01", short_name="Hà Nội", region=Region.RED_RIVER_DELTA),
        "Quảng Ninh": make_unit(code="22", short_name="Quảng Ninh", region=Region.RED_RIVER_DELTA),
        "Hải Phòng": make_unit(code="31", short_name="Hải Phòng", region=Region.RED_RIVER_DELTA),
        "Đắk Lắk": make_unit(code="66", short_name="Đắk Lắk", region=Region.CENTRAL_HIGHLANDS),
    }
    make_value(indicator=par, unit=units["Hà Nội"], year=2023, value="85.5")
    make_value(indicator=par, unit=units["Quảng Ninh"], year=2023, value="91.2")
    make_value(indicator=par, unit=units["Hải Phòng"], year=2023, value="85.5")
    return units


def test_tied_values_share_a_rank_and_the_next_rank_is_skipped(client, par, four_provinces):
    make_value(indicator=par, unit=four_provinces["Đắk Lắk"], year=2023, value="80")
    response = client.get(ranking_url(indicator="par_index", year=2023))
    assert response.status_code == 200
    assert [(r["name"], r["rank"]) for r in rows_of(response)] == [
        ("Quảng Ninh", 1),
        ("Hà Nội", 2),
        ("Hải Phòng", 2),
        ("Đắk Lắk", 4),
    ]


def test_lower_is_better_ranks_the_smallest_value_first(client):
    indicator = make_indicator(code="late_files", direction=Direction.LOWER)
    a, b = make_unit(short_name="An Giang"), make_unit(short_name="Bến Tre")
    make_value(indicator=indicator, unit=a, year=2022, value="3")
    make_value(indicator=indicator, unit=b, year=2022, value="1")
    response = client.get(ranking_url(indicator="late_files", year=2022))
    assert [(r["name"], r["rank"]) for r in rows_of(response)] == [("Bến Tre", 1), ("An Giang", 2)]


def test_units_without_a_value_come_last_with_no_rank_even_when_sorted(client, par, four_provinces):
    response = client.get(ranking_url(indicator="par_index", year=2023))
    rows = rows_of(response)
    assert rows[-1]["name"] == "Đắk Lắk" and rows[-1]["rank"] is None
    assert "no-data" in response.content.decode()
    for sort in ("rank", "-rank", "value", "-value", "name", "-name"):
        rows = rows_of(client.get(ranking_url(indicator="par_index", year=2023, sort=sort)))
        assert rows[-1]["name"] == "Đắk Lắk", sort
        assert [r["rank"] is None for r in rows] == [False, False, False, True]


def test_region_filter_shows_the_region_with_national_and_regional_ranks(client, par, four_provinces):
    make_value(indicator=par, unit=four_provinces["Đắk Lắk"], year=2023, value="95")
    response = client.get(ranking_url(indicator="par_index", year=2023, region=Region.RED_RIVER_DELTA))
    rows = rows_of(response)
    assert [r["name"] for r in rows] == ["Quảng Ninh", "Hà Nội", "Hải Phòng"]
    assert [r["rank"] for r in rows] == [2, 3, 3]
    assert [r["region_rank"] for r in rows] == [1, 2, 2]


def test_district_level_ranks_the_districts_of_one_province(client, par, four_provinces):
    ha_noi = four_provinces["Hà Nội"]
    ba_dinh = make_unit(level=Level.DISTRICT, code="001", short_name="Ba Đình", parent=ha_noi)
    hoan_kiem = make_unit(level=Level.DISTRICT, code="002", short_name="Hoàn Kiếm", parent=ha_noi)
    make_unit(level=Level.DISTRICT, code="193", short_name="Hạ Long", parent=four_provinces["Quảng Ninh"])
    make_value(indicator=par, unit=ba_dinh, year=2023, value="70")
    make_value(indicator=par, unit=hoan_kiem, year=2023, value="75")
    response = client.get(ranking_url(indicator="par_index", year=2023, level="district", within="01"))
    assert response.status_code == 200
    assert [(r["name"], r["rank"]) for r in rows_of(response)] == [("Hoàn Kiếm", 1), ("Ba Đình", 2)]


def test_district_level_without_a_province_asks_for_one(client, par, four_provinces):
    response = client.get(
        ranking_url(indicator="par_index", year=2023, level="district"), HTTP_COOKIE="django_language=en"
    )
    assert response.status_code == 400
    assert "Choose the province" in response.content.decode()


def test_the_structure_follows_the_year_63_until_2024_and_34_from_2025(client, par):
    old = make_unit(code="24", short_name="Bắc Giang")
    old_bac_ninh = make_unit(code="27", short_name="Bắc Ninh")
    new = make_unit(code="24", short_name="Bắc Ninh", valid_from=NEW, valid_to=None)
    for unit, year in ((old, 2024), (old_bac_ninh, 2024), (new, 2025)):
        make_value(indicator=par, unit=unit, year=year, value="90")
    rows_2024 = rows_of(client.get(ranking_url(indicator="par_index", year=2024)))
    rows_2025 = rows_of(client.get(ranking_url(indicator="par_index", year=2025)))
    assert sorted(r["name"] for r in rows_2024) == ["Bắc Giang", "Bắc Ninh"]
    assert [(r["name"], r["code"]) for r in rows_2025] == [("Bắc Ninh", "24")]
    # The 2024 unit no longer exists: its link names the day, the 2025 unit's does not need to.
    assert "on=2024-12-31" in rows_2024[0]["url"]
    assert "on=" not in rows_2025[0]["url"]


def test_change_from_previous_year_compares_the_same_unit(client, par, four_provinces):
    make_value(indicator=par, unit=four_provinces["Hà Nội"], year=2022, value="80")
    make_value(indicator=par, unit=four_provinces["Quảng Ninh"], year=2022, value="90")
    response = client.get(ranking_url(indicator="par_index", year=2023))
    by_name = {r["name"]: r for r in rows_of(response)}
    assert by_name["Hà Nội"]["value_change"] == pytest.approx(5.5)
    assert by_name["Hà Nội"]["previous_rank"] == 2 and by_name["Hà Nội"]["rank_change"] == 0
    assert by_name["Hải Phòng"]["value_change"] is None
    html = response.content.decode()
    assert "▲" in html and "+5,50" in html


def test_published_rank_is_shown_apart_and_derived_never_as_official(client, par):
    a = make_unit(short_name="An Giang")
    b = make_unit(short_name="Bình Dương")
    c = make_unit(short_name="Cà Mau")
    make_value(indicator=par, unit=a, year=2023, value="81.32", rank=63, rank_basis=RankBasis.STATED)
    make_value(indicator=par, unit=b, year=2023, value="90", rank=9, rank_basis=RankBasis.DERIVED)
    make_value(indicator=par, unit=c, year=2023, value=None, rank=30, rank_basis=RankBasis.ORDER_IMPLIED)
    response = client.get(ranking_url(indicator="par_index", year=2023), HTTP_COOKIE="django_language=en")
    rows = {r["name"]: r for r in rows_of(response)}
    assert rows["An Giang"]["rank"] == 2 and rows["An Giang"]["published_rank"] == 63
    assert rows["Cà Mau"]["rank"] is None and rows["Cà Mau"]["published_rank"] == 30
    html = response.content.decode()
    cells = re.findall(r'<td class="number">\s*(\d+) <span class="badge">([^<]+)</span>', html)
    assert ("63", "official") in cells
    assert ("9", "derived, not official") in cells
    assert ("30", "implied by the source&#x27;s order") in cells


def test_national_average_is_official_when_published_else_computed_over_n(client, par, four_provinces):
    client.cookies["django_language"] = "en"  # the labels are asserted in English
    response = client.get(ranking_url(indicator="par_index", year=2023))
    # Three of the 63 provinces: a mean, never called national (NATIONAL_AVERAGE_MIN_UNITS).
    assert "Mean of the only 3 units with a value here: too few to stand for the country" in response.content.decode()
    PublishedAverage.objects.create(
        indicator=par, year=2023, scope=AverageScope.NATIONAL, value="87.12", source=make_source(title="Bộ Nội vụ")
    )
    html = client.get(ranking_url(indicator="par_index", year=2023)).content.decode()
    assert "National average (official): 87.12%" in html and "Bộ Nội vụ" in html


def test_source_links_are_http_only(client, par):
    unit = make_unit(short_name="An Giang")
    make_value(indicator=par, unit=unit, year=2023, source=make_source(url="javascript:alert(1)", title="Bad"))
    html = client.get(ranking_url(indicator="par_index", year=2023)).content.decode()
    assert "javascript:" not in html and "Bad" in html


def test_highlighted_unit_is_marked_in_the_table(client, par, four_provinces):
    response = client.get(ranking_url(indicator="par_index", year=2023, highlight="22"))
    assert [r["name"] for r in rows_of(response) if r["highlight"]] == ["Quảng Ninh"]
    assert re.search(r'<tr class="[^"]*\bhighlight\b', response.content.decode())


def test_defaults_to_the_latest_year_with_data(client, par, four_provinces):
    response = client.get(reverse("reports:ranking"))
    assert response.status_code == 200
    assert response.context["year"] == 2023


@pytest.mark.parametrize(
    "query",
    [
        "indicator=nope",
        "indicator=par_index&year=abc",
        "indicator=par_index&year=1800",
        "indicator=par_index&region=atlantis",
        "indicator=par_index&level=galaxy",
        "indicator=par_index&level=commune&within=zz",
        "indicator=par_index&level=district&within=01&year=2023",
        "indicator=par_index&format=pdf",
        "indicator=par_index&sort=nonexistent",
        "indicator=par_index&highlight=<script>",
        "year=2023&year=2022&indicator=",
    ],
)
def test_bad_parameters_give_a_clear_page_never_a_server_error(client, par, four_provinces, query):
    response = client.get(f"{reverse('reports:ranking')}?{query}")
    assert response.status_code in (200, 400, 404)
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_rankings_page_runs_a_fixed_number_of_queries(client, par, django_assert_max_num_queries):
    for n in range(30):
        unit = make_unit(short_name=f"Tỉnh {n}")
        make_value(indicator=par, unit=unit, year=2023, value=50 + n)
        make_value(indicator=par, unit=unit, year=2022, value=40 + n)
    with django_assert_max_num_queries(9):
        response = client.get(ranking_url(indicator="par_index", year=2023))
    assert len(rows_of(response)) == 30


def test_the_form_choices_are_read_once_per_data_generation_and_again_after_a_write(
    client, settings, par, four_provinces
):
    settings.PAGE_CACHE_SECONDS = 0
    url = ranking_url(indicator="par_index")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        response = client.get(url)
    # The catalogue, the indicator's years and the year's provinces: read by the first request only.
    assert len(second) == len(first) - 3
    assert re.findall(r'<option value="(20\d\d)"', response.content.decode()) == ["2023"]
    make_value(indicator=par, unit=four_provinces["Đắk Lắk"], year=2024, value="70")  # a new data generation
    make_unit(code="96", short_name="Cà Mau")
    page = client.get(url).content.decode()
    assert re.findall(r'<option value="(20\d\d)"', page) == ["2024", "2023"]
    assert '<option value="96">Cà Mau (' in page


def test_rank_change_compares_only_units_with_values_in_both_years(client, par):
    units = [make_unit(short_name=name) for name in ("An Giang", "Bình Định", "Cà Mau", "Đồng Nai")]
    for unit, value in zip(units, (90, 85, 80, 70), strict=True):
        make_value(indicator=par, unit=unit, year=2023, value=value)
    # 2022 covered only Cà Mau and Đồng Nai: their 2023 ranks (3, 4) are not comparable with 2022's (1, 2).
    make_value(indicator=par, unit=units[2], year=2022, value=60)
    make_value(indicator=par, unit=units[3], year=2022, value=65)
    rows = {r["name"]: r for r in rows_of(client.get(ranking_url(indicator="par_index", year=2023)))}
    assert rows["Cà Mau"]["previous_rank"] == 2 and rows["Cà Mau"]["rank_change"] == 1
    assert rows["Đồng Nai"]["previous_rank"] == 1 and rows["Đồng Nai"]["rank_change"] == -1
    assert rows["An Giang"]["rank_change"] is None
