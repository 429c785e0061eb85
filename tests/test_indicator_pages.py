import csv
import io

import pandas as pd
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import AverageScope, Direction, IndicatorGroup, PublishedAverage, SeriesBreak
from provinces.models import Region
from reports.indicator.page import movers
from tests.factories import make_indicator, make_source, make_unit, make_value
from tests.merger_units import build_merger

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]

DETAIL_QUERIES = 10
LIST_QUERIES = 4


def detail(client, code: str = "par_index", query: str = ""):
    return client.get(reverse("reports:indicator", args=[code]) + (f"?{query}" if query else ""))


@pytest.fixture
def data():
    m = build_merger()
    provinces = [m.bac_giang, m.bac_ninh_old, *m.others]
    for unit, before, after in zip(provinces, [80, 85, 70, 90, 75], [83, 84, 78, 90, 74.5], strict=True):
        make_value(indicator=m.par, unit=unit, year=2022, value=before)
        make_value(indicator=m.par, unit=unit, year=2023, value=after)
    make_value(indicator=m.par, unit=m.bac_ninh_new, year=2025, value="91")
    SeriesBreak.objects.create(indicator=m.par, year=2022, note_vi="Bộ chỉ số mới", note_en="New scheme (876/QĐ-BNV)")
    return m


def test_list_shows_the_catalogue_by_group_with_years_and_counts(client, data):
    make_indicator(code="pci", group=IndicatorGroup.PCI, name_en="Provincial Competitiveness Index", name_vi="PCI")
    response = client.get(reverse("reports:indicator-list"))
    content = response.content.decode()
    assert response.status_code == 200
    groups = {g["code"]: g for g in response.context["groups"]}
    par_row = groups["par"]["rows"][0]
    assert par_row["years"] == "2022–2023, 2025" and par_row["count"] == 11
    assert groups["pci"]["rows"][0]["count"] == 0
    assert "Public Administration Reform Index" in content and "higher is better" in content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert "Chỉ số cải cách hành chính" in client.get(reverse("reports:indicator-list")).content.decode()


def test_detail_shows_definition_series_breaks_and_sources(client, data):
    make_value(
        indicator=data.par,
        unit=data.others[0],
        year=2021,
        value="70",
        source=make_source(title="Nguồn lạ", url="javascript:alert(1)"),
    )
    response = detail(client)
    content = response.content.decode()
    assert response.status_code == 200
    assert "New scheme (876/QĐ-BNV)" in content
    assert "Nguồn lạ" in content and "javascript:" not in content
    assert 'href="https://example.org/report"' in content
    assert "0 – 100" in content  # allowed range
    distribution = response.context["charts"]["distribution"]
    assert any(shape.get("x0") == 2021.5 for shape in distribution.figure["layout"]["shapes"])


def test_movers_between_the_last_two_years_with_data_for_both(client, data):
    response = detail(client)
    summary = response.context["movers"]
    # 2025 belongs to the new structure: no unit has both 2023 and 2025, so 2022 → 2023 is compared.
    assert (summary["earlier"], summary["later"]) == (2022, 2023)
    assert summary["top"]["name"].tolist() == ["Hà Nội", "Bắc Giang"]
    assert summary["bottom"]["name"].tolist() == ["Bắc Ninh", "Hà Tĩnh"]
    top = response.context["charts"]["movers_top"]
    assert top.figure["data"][0]["x"] == [8.0, 3.0]
    assert top.rows[0] == ["Hà Nội", "70.00%", "78.00%", "+8.00 pp"]


def test_movers_follow_a_lower_is_better_direction():
    values = pd.DataFrame(
        {
            "unit_id": [1, 2, 1, 2],
            "code": ["01", "02", "01", "02"],
            "name": ["A", "B", "A", "B"],
            "year": [2020, 2020, 2021, 2021],
            "value": pd.array([10, 10, 5, 12], dtype="Float64"),
        }
    )
    summary = movers(values, direction=Direction.LOWER)
    assert summary["top"]["name"].tolist() == ["A"] and summary["bottom"]["name"].tolist() == ["B"]
    assert movers(values.iloc[:2], direction=Direction.HIGHER)["later"] is None


def test_distribution_figure_equals_its_table_and_csv(client, data):
    chart = detail(client).context["charts"]["distribution"]
    trace = chart.figure["data"][0]
    assert list(zip(trace["x"], trace["hovertext"], trace["y"], strict=True)) == [
        (int(r[0]), r[1], float(r[2].rstrip("%"))) for r in chart.rows
    ]
    rows = list(csv.reader(io.StringIO(client.get(chart.csv_url).content.decode().lstrip("\ufeff"))))
    assert rows[0][0] == "Year" and rows[0][3] == "Value" and len(rows) - 1 == len(chart.rows) == 11
    assert trace["customdata"][0].startswith("/provinces/")


def test_tile_map_for_a_chosen_year_and_a_clear_message_for_a_bad_year(client, data):
    response = detail(client, query="year=2022")
    assert response.context["map_year"] == 2022
    tiles = response.context["charts"]["tile_map"]
    assert tiles.figure is not None and len(tiles.rows) == 5
    bad = detail(client, query="year=1890")
    assert bad.status_code == 200 and "No province figures for 1890; showing 2025." in bad.content.decode()


def test_official_averages_are_listed_with_their_source(client, data):
    source = make_source(title="Bộ Nội vụ", url="https://moha.gov.vn/par2023")
    PublishedAverage.objects.create(
        indicator=data.par, year=2023, scope=AverageScope.NATIONAL, value=86.5, source=source
    )
    content = detail(client).content.decode()
    assert "2023: 86.50%" in content and "https://moha.gov.vn/par2023" in content


@pytest.mark.parametrize(
    "path", ["/indicators/nope/", "/indicators/par_index/?year=abc", "/indicators/par_index/?format=csv&chart=x"]
)
def test_bad_parameters_never_500(client, data, path):
    assert client.get(path).status_code in (200, 404)


def test_unknown_indicator_is_404(client, data):
    assert detail(client, "no_such_code").status_code == 404


def test_empty_indicator_says_no_data(client, data):
    make_indicator(code="staff_cut_admin", group=IndicatorGroup.STAFFING)
    response = detail(client, "staff_cut_admin")
    assert response.status_code == 200
    assert "No province has a number for this indicator yet." in response.content.decode()


def test_vietnamese_renders_numbers_the_vietnamese_way(client, data):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    response = detail(client)
    assert 'lang="vi"' in response.content.decode()
    assert response.context["charts"]["movers_top"].rows[0][1] == "70,00%"


def test_query_counts_are_fixed(client, data, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as small:
        detail(client)
    with CaptureQueriesContext(connection) as small_list:
        client.get(reverse("reports:indicator-list"))
    for n in range(6):
        unit = make_unit(code=f"{70 + n}", region=Region.SOUTH_EAST)
        for year in range(2012, 2024):
            make_value(indicator=data.par, unit=unit, year=year, value=str(70 + n))
    make_indicator(code="sipas", group=IndicatorGroup.SIPAS)
    with django_assert_max_num_queries(DETAIL_QUERIES), CaptureQueriesContext(connection) as large:
        detail(client)
    with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as large_list:
        client.get(reverse("reports:indicator-list"))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large_list.captured_queries) == len(small_list.captured_queries)


@pytest.mark.django_db
def test_indicator_levels_are_shown_as_words_in_the_page_language(client):
    from tests.factories import make_indicator

    indicator = make_indicator(code="on_time_rate", levels="province,district")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = client.get(reverse("reports:indicator", args=[indicator.code])).content.decode()
    assert "province,district" not in html
    assert "Cấp tỉnh, Cấp huyện" in html


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "No province figures for 20x3; showing 2025."), ("vi", "Chưa có số liệu cấp tỉnh năm 20x3")],
)
def test_a_year_that_is_not_one_is_the_forms_error_and_the_latest_map_is_shown(client, data, language, message):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = detail(client, query="year=20x3")
    assert response.status_code == 200 and response.context["map_year"] == 2025
    assert response.context["form"].errors["year"] and message in response.content.decode()
