import csv
import datetime
import io

import pandas as pd
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import AverageScope, PublishedAverage, Qualifier, RankBasis, RankingRow, SeriesBreak
from indicators.ranking_summary import rebuild
from indicators.selectors import public_values
from provinces.models import Level, Region
from reports.profile.selectors import indicator_frame, peer_sums, rank_history, summary_rank_history, unit_at
from reports.reads import value_rows
from tests.factories import make_indicator, make_source, make_unit, make_value
from tests.merger_units import build_merger

pytestmark = pytest.mark.django_db

PROFILE_QUERIES = 12


def url(code: str, on: str | None = None) -> str:
    path = reverse("reports:province", args=[code])
    return f"{path}?on={on}" if on else path


def english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def figures_of(client, response) -> dict:
    """Return the page's chart figures by chart id, as the browser fetches them (the page prints none)."""
    figures = client.get(response.context["figures_url"])
    assert figures.status_code == 200 and figures["Content-Type"] == "application/json"
    return figures.json()


@pytest.fixture
def merger():
    m = build_merger()
    make_value(indicator=m.par, unit=m.bac_giang, year=2022, value="85", rank=9, rank_basis=RankBasis.DERIVED)
    make_value(indicator=m.par, unit=m.bac_giang, year=2023, value="87.5", rank=5, rank_basis=RankBasis.STATED)
    make_value(indicator=m.par, unit=m.bac_ninh_old, year=2023, value="90")
    for unit, value in zip(m.others, ["80", "82", "88"], strict=True):
        make_value(indicator=m.par, unit=unit, year=2023, value=value)
    make_value(indicator=m.par, unit=m.bac_ninh_new, year=2025, value="91")
    return m


def test_bare_code_shows_todays_unit_and_a_date_selects_the_unit_then(client, merger):
    today = client.get(url("24"))
    then = client.get(url("24", "2024-06-01"))
    assert today.status_code == 200 and then.status_code == 200
    assert today.context["unit"] == merger.bac_ninh_new
    assert then.context["unit"] == merger.bac_giang
    assert "<h1>Bắc Giang</h1>" in then.content.decode()


def test_old_province_links_to_its_successor_and_the_new_one_to_its_predecessors(client, merger):
    old = client.get(url("24", "2024-06-01")).content.decode()
    assert f'href="{url("24", "2025-07-01")}"' in old
    new = client.get(url("24")).content.decode()
    assert f'href="{url("24", "2025-06-30")}"' in new  # Bắc Giang
    assert f'href="{url("27", "2025-06-30")}"' in new  # the old Bắc Ninh
    assert "01/07/2025–" in new  # the new unit's validity is shown


def test_new_province_shows_each_predecessors_series_separately_and_never_summed(client, merger):
    response = client.get(url("24"))
    rows = response.context["table"]["rows"]
    labels = [row["unit"] for row in rows]
    assert labels == ["Bắc Ninh (01/07/2025–)", "Bắc Giang (–30/06/2025)", "Bắc Ninh (–30/06/2025)"]
    figure = figures_of(client, response)["indicator-par_index"]
    traces = {t["name"]: t for t in figure["data"]}
    assert traces["Bắc Giang (–30/06/2025)"]["x"] == [2022, 2023]
    assert traces["Bắc Giang (–30/06/2025)"]["y"] == [85.0, 87.5]
    assert traces["Bắc Ninh (–30/06/2025)"]["y"] == [90.0]
    assert traces["Bắc Ninh (01/07/2025–)"]["y"] == [91.0]
    unit_values = [y for t in figure["data"] if "average" not in t["name"] for y in t["y"]]
    assert 177.5 not in unit_values and 88.75 not in unit_values


def test_averages_are_labelled_official_or_computed_over_n_units(client, merger):
    source = make_source(title="Báo cáo PAR 2022", url="https://example.org/par2022")
    PublishedAverage.objects.create(
        indicator=merger.par, year=2022, scope=AverageScope.NATIONAL, value=84, source=source
    )
    english(client)
    response = client.get(url("24", "2024-06-01"))
    traces = {t["name"]: t for t in figures_of(client, response)["indicator-par_index"]["data"]}
    assert traces["National average (official)"]["x"] == [2022]
    assert traces["National average (official)"]["y"] == [84.0]
    # Five of the 63 provinces: their mean is drawn, but never called national (NATIONAL_AVERAGE_MIN_UNITS).
    computed = traces["Mean of the 5 units with data (too few to stand for the country)"]
    assert computed["x"] == [2023] and computed["y"] == pytest.approx([85.5])
    # Too few units for a regional average: never drawn as if it were one.
    assert not any("Regional" in name for name in traces)


def table_of(client, chart) -> object:
    """Return the chart as its on-demand data table (?chart=ID&format=table) holds it: the page prints no rows."""
    response = client.get(chart.table_url)
    assert response.status_code == 200 and "<table" in response.content.decode()
    return response.context["chart"]


def test_rank_history_computes_ranks_among_units_of_the_same_level_and_shows_published_ranks(client, merger):
    english(client)
    response = client.get(url("24", "2024-06-01"))
    assert response.context["rank_chart"].rows == []  # fetched when the reader opens the table
    chart = table_of(client, response.context["rank_chart"])
    assert ["Public Administration Reform Index", "Bắc Giang (–30/06/2025)", "2023", "3 of 5", "5"] in chart.rows
    assert [
        "Public Administration Reform Index",
        "Bắc Giang (–30/06/2025)",
        "2022",
        "",  # only one unit has a 2022 value: no computed rank ("1st of 1" says nothing)
        "9 (derived, not official)",
    ] in chart.rows
    trace = figures_of(client, response)["rank-history"]["data"][0]
    assert trace["x"] == [2023] and trace["y"] == [3]


def test_rank_history_draws_the_composite_indices_and_the_table_keeps_every_indicator(client, merger):
    """35 lines (40 indicators × 3 predecessors) were unreadable: the chart draws PAR Index, SIPAS, PAPI, PCI."""
    component = make_indicator(code="par_c1_direction", parent=merger.par, name_en="PAR direction")
    digital = make_indicator(code="online_payment_rate", group="digital", name_en="Online payments")
    for indicator in (component, digital):
        for unit, value in zip([merger.bac_giang, *merger.others], ["50", "60", "70", "80"], strict=True):
            make_value(indicator=indicator, unit=unit, year=2023, value=value)
    english(client)
    response = client.get(url("24", "2024-06-01"))
    assert [t["name"] for t in figures_of(client, response)["rank-history"]["data"]] == [
        "Public Administration Reform Index"
    ]
    chart = table_of(client, response.context["rank_chart"])
    assert {row[0] for row in chart.rows} == {"Public Administration Reform Index", "PAR direction", "Online payments"}
    assert "The chart draws the composite indices" in response.context["rank_chart"].note


def test_rank_history_draws_every_indicator_of_a_unit_without_a_composite_index(client):
    digital = make_indicator(code="online_payment_rate", group="digital", name_en="Online payments")
    staff = make_indicator(code="staff_computer_rate", group="digital", name_en="Staff with computers")
    units = [make_unit(code=code) for code in ("91", "92", "93")]
    for indicator in (digital, staff):
        for unit, value in zip(units, ["50", "60", "70"], strict=True):
            make_value(indicator=indicator, unit=unit, year=2022, value=value)
    english(client)
    response = client.get(url("91", "2022-12-31"))
    names = [t["name"] for t in figures_of(client, response)["rank-history"]["data"]]
    assert names == ["Online payments", "Staff with computers"]
    assert "composite indices" not in response.context["rank_chart"].note


def test_rank_history_gives_tied_units_the_same_rank_and_respects_direction():
    higher = make_indicator(code="a", direction="higher")
    lower = make_indicator(code="b", direction="lower")
    neutral = make_indicator(code="c", direction="neutral")
    units = [make_unit(code=f"{n}", short_name=f"Tỉnh {n}") for n in (61, 62, 63, 64)]
    for unit, a, b in zip(units, ["90", "90", "80", "70"], ["3", "1", "2", "4"], strict=True):
        make_value(indicator=higher, unit=unit, year=2023, value=a)
        make_value(indicator=lower, unit=unit, year=2023, value=b)
        make_value(indicator=neutral, unit=unit, year=2023, value=a)
    ours = [u.pk for u in units[:3]]  # the fourth is a peer only: it counts, but its row is not sent
    ranks = rank_history(level=Level.PROVINCE, codes=["a", "b", "c"], years=[2023], unit_ids=ours)
    by_key = {(r.indicator, r.unit_id): (r.computed_rank, r.ranked_units) for r in ranks.itertuples()}
    assert [by_key[("a", u)] for u in ours] == [(1, 4), (1, 4), (3, 4)]
    assert [by_key[("b", u)] for u in ours] == [(3, 4), (1, 4), (2, 4)]
    assert set(ranks["unit_id"]) == set(ours)
    assert not any(key[0] == "c" for key in by_key)  # neutral counts measure size: never ranked


def test_ranks_read_from_the_summary_equal_the_sql_ranks_and_years_it_lacks_are_ranked_in_sql():
    higher = make_indicator(code="a", direction="higher")
    neutral = make_indicator(code="c", direction="neutral")
    units = [make_unit(code=f"{n}", short_name=f"Tỉnh {n}") for n in (61, 62, 63, 64)]
    for unit, a in zip(units, ["90", "90", "80", "70"], strict=True):
        for year in (2022, 2023):
            make_value(indicator=higher, unit=unit, year=year, value=a)
            make_value(indicator=neutral, unit=unit, year=year, value=a)
    ours = [u.pk for u in units[:2]]
    indicators = indicator_frame(codes=["a", "c"])
    values = value_rows(public_values().filter(unit_id__in=ours))
    args = {"level": Level.PROVINCE, "codes": ["a", "c"], "years": [2022, 2023], "unit_ids": ours}
    sums = peer_sums(level=Level.PROVINCE, codes=["a", "c"], years=[2022, 2023])
    in_sql = rank_history(**args)
    assert len(in_sql) == 4
    rebuild()
    with CaptureQueriesContext(connection) as read:
        from_summary = summary_rank_history(**args, values=values, indicators=indicators, sums=sums)
    assert len(read.captured_queries) == 1  # the summary alone: the peers' values are not scanned
    pd.testing.assert_frame_equal(from_summary, in_sql)
    RankingRow.objects.filter(year=2022).delete()  # a year the summary does not hold: ranked by the database
    with CaptureQueriesContext(connection) as read:
        mixed = summary_rank_history(**args, values=values, indicators=indicators, sums=sums)
    assert len(read.captured_queries) == 2
    pd.testing.assert_frame_equal(mixed, in_sql)


def test_no_rank_among_fewer_than_three_units():
    indicator = make_indicator(code="a", direction="higher")
    units = [make_unit(code=f"{n}", short_name=f"Tỉnh {n}") for n in (61, 62)]
    for unit in units:
        make_value(indicator=indicator, unit=unit, year=2023, value="50")
    assert rank_history(level=Level.PROVINCE, codes=["a"], years=[2023], unit_ids=[units[0].pk]).empty


def test_series_breaks_are_marked_on_the_small_multiples(client, merger):
    SeriesBreak.objects.create(indicator=merger.par, year=2023, note_vi="Đổi phương pháp", note_en="New method")
    english(client)
    response = client.get(url("24", "2024-06-01"))
    chart = next(c for c in response.context["small_multiples"] if c.id == "indicator-par_index")
    figure = figures_of(client, response)["indicator-par_index"]
    assert any(shape.get("x0") == 2022.5 for shape in figure["layout"]["shapes"])
    assert "New method" in chart.note


def test_figure_data_equal_the_table_rows_and_the_csv(client, merger):
    response = client.get(url("24"))
    chart = next(c for c in response.context["small_multiples"] if c.id == "indicator-par_index")
    figure = figures_of(client, response)["indicator-par_index"]  # the figure the page fetches
    # The page builds no figure, only its outline: an empty box of the figure's height.
    assert chart.figure == {"data": [], "layout": {"height": figure["layout"]["height"]}}
    chart = table_of(client, chart)
    download = client.get(chart.csv_url.replace("&amp;", "&"))
    assert download["Content-Type"].startswith("text/csv")
    text = download.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "Năm" and len(body) == len(chart.rows)
    for trace in figure["data"]:
        column = header.index(trace["name"])
        from_csv = {int(r[0]): float(r[column]) for r in body if r[column]}
        assert from_csv == dict(zip(trace["x"], trace["y"], strict=True))
        display_column = chart.columns.index(trace["name"])
        shown = {int(r[0]) for r in chart.rows if r[display_column]}
        assert shown == set(trace["x"])


def test_values_are_formatted_per_language_with_qualifier_and_rank_marks(client, merger):
    digital = make_indicator(code="e_document_rate", decimals=1)
    make_value(indicator=digital, unit=merger.bac_giang, year=2021, value="95", qualifier=Qualifier.MORE_THAN)
    make_value(indicator=digital, unit=merger.bac_giang, year=2022, value="1746.5", qualifier=Qualifier.AS_OF)
    vietnamese = client.get(url("24", "2024-06-01")).content.decode()
    assert "&gt; 95,0%" in vietnamese
    assert "1.746,5% (" in vietnamese
    assert "87,50%" in vietnamese
    english(client)
    content = client.get(url("24", "2024-06-01")).content.decode()
    assert "&gt; 95.0%" in content and "1,746.5% (as of)" in content and "87.50%" in content
    assert "9 (derived, not official)" in content


def test_source_links_are_http_only(client, merger):
    bad = make_source(title="Nguồn lạ", url="javascript:alert(1)")
    make_value(indicator=merger.par, unit=merger.bac_giang, year=2021, value="80", source=bad)
    content = client.get(url("24", "2024-06-01")).content.decode()
    assert "javascript:" not in content
    assert "https://example.org/report" in content


def test_children_table_lists_districts_with_their_latest_values(client, merger):
    on_time = make_indicator(code="on_time_rate", name_vi="Tỷ lệ đúng hạn", name_en="On-time rate")
    district = make_unit(level=Level.DISTRICT, code="213", short_name="Yên Thế", parent=merger.bac_giang)
    quiet = make_unit(level=Level.DISTRICT, code="214", short_name="Lục Nam", parent=merger.bac_giang)
    make_value(indicator=on_time, unit=district, year=2022, value="97")
    make_value(indicator=on_time, unit=district, year=2023, value="98.5")
    english(client)
    response = client.get(url("24", "2024-06-01"))
    children = response.context["children"]
    assert [row["unit"] for row in children["rows"]] == [district]
    assert children["rows"][0]["cells"][0]["text"] == "98.50%" and children["rows"][0]["cells"][0]["year"] == 2023
    assert children["without_data"] == [quiet]
    content = response.content.decode()
    assert "Districts: latest figures" in content
    district_page = client.get(reverse("reports:unit", args=["district", "213"]) + "?on=2024-06-01")
    assert district_page.status_code == 200 and district_page.context["unit"] == district


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/provinces/24/?on=2024-13-45", 400, "is not a date"),
        ("/provinces/24/?on=yesterday", 400, "is not a date"),
        ("/provinces/99/", 404, "No unit has ever had this code"),
        ("/provinces/abc/", 404, "No unit has ever had this code"),
        ("/provinces/27/?on=2025-08-01", 404, "Bắc Ninh (–30/06/2025)"),
        ("/units/village/24/", 404, ""),
        ("/provinces/24/?format=csv&chart=nope", 200, "Bắc Ninh"),
    ],
)
def test_bad_parameters_get_a_clear_answer_never_500(client, merger, path, status, message):
    response = client.get(path, HTTP_COOKIE="django_language=en")
    assert response.status_code == status
    assert message in response.content.decode()


def test_both_languages_render(client, merger):
    vietnamese = client.get(url("24"))
    assert vietnamese.status_code == 200 and 'lang="vi"' in vietnamese.content.decode()
    english(client)
    content = client.get(url("24")).content.decode()
    assert 'lang="en"' in content and "Rank history" in content and "Public Administration Reform Index" in content


def test_query_count_is_fixed_whatever_the_number_of_years_and_units(client, merger, django_assert_max_num_queries):
    rebuild()  # the ranking summary, as after a publication (the factories write past the write gate)
    with CaptureQueriesContext(connection) as small:
        client.get(url("24", "2024-06-01"))
    extra = make_indicator(code="pci")
    for year in range(2010, 2025):
        make_value(indicator=extra, unit=merger.bac_giang, year=year, value=str(50 + year - 2010))
        for unit in merger.others:
            make_value(indicator=extra, unit=unit, year=year, value="60")
    for n in range(5):
        district = make_unit(level=Level.DISTRICT, code=f"2{n}0", parent=merger.bac_giang)
        make_value(indicator=extra, unit=district, year=2023, value="55")
    rebuild()
    with django_assert_max_num_queries(PROFILE_QUERIES), CaptureQueriesContext(connection) as large:
        response = client.get(url("24", "2024-06-01"))
    assert len(response.context["small_multiples"]) == 2
    assert len(large.captured_queries) == len(small.captured_queries)


def test_unit_at_picks_the_unit_in_force_on_the_day(merger):
    assert unit_at(level=Level.PROVINCE, code="24", day=datetime.date(2025, 6, 30)) == merger.bac_giang
    assert unit_at(level=Level.PROVINCE, code="24", day=datetime.date(2025, 7, 1)) == merger.bac_ninh_new
    assert unit_at(level=Level.PROVINCE, code="27", day=datetime.date(2025, 7, 1)) is None


def test_unit_names_with_html_are_escaped_in_charts_and_csv(client):
    indicator = make_indicator(code="par_index")
    unit = make_unit(code="50", short_name="=<b>Thử</b>", region=Region.SOUTH_EAST)
    make_value(indicator=indicator, unit=unit, year=2023, value="80")
    response = client.get(url("50", "2024-01-01"))
    chart = next(c for c in response.context["small_multiples"])
    assert figures_of(client, response)[chart.id]["data"][0]["name"] == "=&lt;b&gt;Thử&lt;/b&gt; (–30/06/2025)"
    assert "<b>Thử</b>" not in response.content.decode()
    download = client.get(chart.csv_url.replace("&amp;", "&")).content.decode()
    assert "'=<b>Thử</b>" in download


@pytest.mark.parametrize(("language", "message"), [("en", "is not a date"), ("vi", "không phải là ngày")])
def test_a_bad_date_is_the_forms_error_shown_with_what_was_typed(client, merger, language, message):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url("24", "2024-02-30"))
    content = response.content.decode()
    assert response.status_code == 400
    assert response.context["form"].errors["on"] and message in content
    assert 'name="on" value="2024-02-30"' in content
