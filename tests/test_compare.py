import csv
import io

import pandas as pd
import pytest
from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import MeasureUnit
from provinces.models import Region
from reports.compare.forms import CompareForm
from reports.compare.page import pearson
from tests.factories import make_indicator, make_unit, make_value
from tests.merger_units import build_merger

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]

COMPARE_QUERIES = 12


def compare(client, query: str):
    return client.get(f"{reverse('reports:compare')}?{query}")


@pytest.fixture
def data():
    m = build_merger()
    sipas = make_indicator(code="sipas", name_en="SIPAS", name_vi="Chỉ số SIPAS")
    provinces = [m.bac_giang, m.bac_ninh_old, *m.others]
    # PAR and SIPAS of 2023 on a straight line: r = 1 over the five provinces.
    for index, unit in enumerate(provinces):
        make_value(indicator=m.par, unit=unit, year=2023, value=80 + index)
        make_value(indicator=sipas, unit=unit, year=2023, value=70 + 2 * index)
        make_value(indicator=m.par, unit=unit, year=2022, value=78 + index)
    make_value(indicator=m.par, unit=m.bac_ninh_new, year=2025, value="91")
    return m, sipas


def test_two_to_eight_units_are_compared(client, data):
    response = compare(client, "units=24,27,01&indicators=par_index,sipas&year=2023")
    assert response.status_code == 200
    assert [u.short_name for u in response.context["units"]] == ["Bắc Giang", "Bắc Ninh", "Hà Nội"]
    line = next(c for c in response.context["line_charts"] if c.id == "line-par_index")
    assert [t["name"] for t in line.figure["data"]] == [
        "Bắc Giang (–30/06/2025)",
        "Bắc Ninh (–30/06/2025)",
        "Hà Nội (–30/06/2025)",
    ]
    bar = response.context["bar_chart"]
    assert {t["name"] for t in bar.figure["data"]} == {
        "Bắc Giang (–30/06/2025)",
        "Bắc Ninh (–30/06/2025)",
        "Hà Nội (–30/06/2025)",
    }


def test_one_unit_gets_a_message(client, data):
    response = compare(client, "units=24&year=2023")
    assert response.status_code == 200
    assert "Choose between 2 and 8 provinces (you chose 1)." in response.content.decode()
    assert response.context["scatter_chart"] is None


def test_codes_not_in_force_count_against_the_minimum(client, data):
    response = compare(client, "units=24,98&year=2023")
    content = response.content.decode()
    assert "No province had code 98 on 2023-12-31." in content
    assert "Only 1 province was found; choose at least 2." in content


def test_nine_distinct_codes_are_refused_with_the_count(client, data):
    response = compare(client, "units=01,24,27,31,42,02,04,06,08&year=2023")
    assert "Choose between 2 and 8 provinces (you chose 9)." in response.content.decode()
    assert not response.context["line_charts"]


def test_correlation_coefficient_and_n_are_shown(client, data, settings):
    settings.CORRELATION_MIN_UNITS = 5  # the fixture has five provinces with both figures
    response = compare(client, "units=24,27&indicators=par_index,sipas&year=2023&x=par_index&y=sipas")
    assert response.context["correlation"]["n"] == 5
    assert response.context["correlation"]["r"] == pytest.approx(1.0)
    assert "Pearson correlation r = 1.00 over 5 provinces with both figures." in response.content.decode()
    scatter = response.context["scatter_chart"]
    highlighted = next(t for t in scatter.figure["data"] if t["mode"] == "markers+text")
    assert sorted(highlighted["text"]) == ["Bắc Giang", "Bắc Ninh"]


def test_fewer_than_three_pairs_say_so_instead_of_a_number(client, data):
    response = compare(client, "units=24,27&indicators=par_index,sipas&year=2022&x=par_index&y=sipas")
    content = response.content.decode()
    assert response.context["correlation"]["r"] is None
    assert "only 0 provinces have both figures, and a correlation needs at least 8." in content


def test_the_component_chart_says_when_there_is_no_data_and_draws_it_when_there_is(client, data):
    m, _sipas = data
    response = compare(client, "units=24,27&year=2023")
    assert response.context["components_chart"].figure is None
    assert "No component data" in response.content.decode()
    c1 = make_indicator(code="par_c1_direction", parent=m.par, measure_unit=MeasureUnit.POINTS, max_value=None)
    c2 = make_indicator(code="par_c2_institutions", parent=m.par, measure_unit=MeasureUnit.POINTS, max_value=None)
    make_value(indicator=c1, unit=m.bac_giang, year=2023, value="8.94")
    make_value(indicator=c2, unit=m.bac_giang, year=2023, value="5.1")
    chart = compare(client, "units=24,27&year=2023").context["components_chart"]
    assert chart.figure["data"][0]["x"] == [8.94, 5.1]  # drawn by the cartesian bundle: bars, not a polar trace
    assert chart.figure["data"][0]["type"] == "bar" and chart.figure["data"][0]["orientation"] == "h"
    assert len(chart.rows) == 2


def test_codes_are_read_at_the_structure_of_the_year_or_at_their_own_date(client, data):
    m, _sipas = data
    response = compare(client, "units=24@2024-06-01,24&indicators=par_index&year=2025")
    assert response.context["units"] == [m.bac_giang, m.bac_ninh_new]
    line = response.context["line_charts"][0]
    traces = {t["name"]: t["y"] for t in line.figure["data"]}
    assert traces == {"Bắc Giang (–30/06/2025)": [78.0, 80.0], "Bắc Ninh (01/07/2025–)": [91.0]}


@pytest.mark.parametrize(
    "query",
    [
        "units=abc,<script>&year=2023",
        "units=24,27&year=20x3",
        "units=24,27&year=99999",
        "units=24,27&indicators=nope,par_index",
        "units=24@2024-99-01,27",
        "units=24,27&x=bad&y=worse",
        "units=24,27&format=csv&chart=none",
        "units=%00&indicators=%00",
        "",
    ],
)
def test_bad_parameters_never_500(client, data, query):
    response = compare(client, query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


@pytest.mark.usefixtures("english_messages")
def test_form_reports_each_bad_part_and_keeps_the_good_ones():
    form = CompareForm(QueryDict("units=01,x1,24@2024-02-30&year=abc&indicators=zzz"), known_indicators=["par_index"])
    assert form.query().units == [("01", None)]
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    # x1, the date, the number of units, the indicator, the year: each said once.
    assert len(errors) == 5
    assert "“2024-02-30” is not a date (write YYYY-MM-DD)." in errors


def test_no_correlation_over_fewer_than_eight_pairs_the_reason_is_shown(client, data):
    # Five provinces have both figures in 2023: too few for a correlation (CORRELATION_MIN_UNITS = 8).
    response = compare(client, "units=24,27&indicators=par_index,sipas&year=2023&x=par_index&y=sipas")
    assert response.context["correlation"]["r"] is None and response.context["correlation"]["n"] == 5
    assert "only 5 provinces have both figures, and a correlation needs at least 8" in response.content.decode()


def test_pearson_needs_three_pairs_and_variation(settings):
    settings.CORRELATION_MIN_UNITS = 3
    assert pearson(pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})) == (None, 2)
    assert pearson(pd.DataFrame({"x": [1.0, 1.0, 1.0], "y": [3.0, 4.0, 5.0]})) == (None, 3)
    r, n = pearson(pd.DataFrame({"x": [1.0, 2.0, 3.0, None], "y": [3.0, 2.0, 1.0, 9.0]}))
    assert n == 3 and r == pytest.approx(-1.0)


def test_figure_data_equal_the_table_rows_and_the_csv(client, data):
    response = compare(client, "units=24,27,01&indicators=par_index,sipas&year=2023")
    for chart in [*response.context["line_charts"], response.context["scatter_chart"]]:
        rows = list(csv.reader(io.StringIO(client.get(chart.csv_url).content.decode().lstrip("\ufeff"))))
        assert len(rows) - 1 == len(chart.rows)
    line = next(c for c in response.context["line_charts"] if c.id == "line-par_index")
    for trace in line.figure["data"]:
        column = line.columns.index(trace["name"])
        assert [int(r[0]) for r in line.rows if r[column]] == trace["x"]
    scatter = response.context["scatter_chart"]
    points = {(x, y) for trace in scatter.figure["data"] for x, y in zip(trace["x"], trace["y"], strict=True)}
    shown = {(float(r[1].rstrip("%")), float(r[2].rstrip("%"))) for r in scatter.rows}
    assert points == shown and len(points) == 5


def test_query_count_is_fixed_for_two_or_eight_units(client, data, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as two:
        compare(client, "units=24,27&indicators=par_index,sipas&year=2023")
    par = data[0].par
    for n in range(3):
        unit = make_unit(code=f"{60 + n}", region=Region.MEKONG_DELTA)
        for year in range(2015, 2024):
            make_value(indicator=par, unit=unit, year=year, value="75")
    with django_assert_max_num_queries(COMPARE_QUERIES), CaptureQueriesContext(connection) as eight:
        compare(client, "units=24,27,01,31,42,60,61,62&indicators=par_index,sipas&year=2023")
    assert len(eight.captured_queries) == len(two.captured_queries)


def test_vietnamese_renders(client, data):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    response = compare(client, "units=24,27&indicators=par_index,sipas&year=2023")
    assert response.status_code == 200 and 'lang="vi"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "“20x3” is not a year; the latest year"), ("vi", "“20x3” không phải là năm")],
)
def test_the_forms_errors_are_listed_on_the_page_in_either_language(client, data, language, message):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = compare(client, "units=24,27,01@2024-02-30&year=20x3")
    content = response.content.decode()
    assert response.status_code == 200
    errors = content.split('class="notice notice--error" role="alert">', 1)[1].split("</div>", 1)[0]
    assert message in errors and "2024-02-30" in errors
    assert errors.count("<li>") == 2
    # The provinces that could be read are still compared, and stay chosen in the form.
    assert response.context["form"].query().units == [("24", None), ("27", None)]
    assert '<option value="24" selected>' in content
