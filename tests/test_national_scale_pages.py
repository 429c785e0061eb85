"""National scale: rankings fetch only the rows they can show and show them 100 per page."""

import datetime
from decimal import Decimal

import pytest

from indicators.models import Value, ValueStatus
from indicators.rankings import _values_frame, ranking
from provinces.models import AdministrativeUnit, Level, UnitType
from reports.shared.links import profile_url, profile_url_maker
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db
MERGER = datetime.date(2025, 7, 1)


@pytest.fixture
def merged_communes():
    """One province whose two communes were merged into one in July 2025; values for 2024 and 2025."""
    par = make_indicator(code="par_index", levels="province,district,commune")
    province = make_unit(code="79", short_name="Hồ Chí Minh", valid_to=None)
    old_a = make_unit(level=Level.COMMUNE, code="26734", short_name="Phường cũ A", parent=province)
    old_b = make_unit(level=Level.COMMUNE, code="26735", short_name="Phường cũ B", parent=province)
    kept = make_unit(level=Level.COMMUNE, code="26736", short_name="Phường giữ", parent=province, valid_to=None)
    new = make_unit(
        level=Level.COMMUNE, code="26737", short_name="Phường mới", parent=province, valid_from=MERGER, valid_to=None
    )
    for unit, value in ((old_a, "60"), (old_b, "61"), (kept, "62")):
        make_value(indicator=par, unit=unit, year=2024, value=value)
    make_value(indicator=par, unit=kept, year=2025, value="70")
    make_value(indicator=par, unit=new, year=2025, value="71")
    return par, province, {"old_a": old_a, "old_b": old_b, "kept": kept, "new": new}


def test_the_previous_year_of_abolished_units_is_never_fetched(merged_communes):
    par, province, units = merged_communes
    frame = _values_frame(indicator=par, year=2025, level=Level.COMMUNE, within=province)
    assert set(frame["unit_id"]) == {units["kept"].pk, units["new"].pk}
    assert sorted(frame["year"]) == [2024, 2025, 2025]


def test_a_kept_unit_still_shows_its_change_from_the_previous_year(merged_communes):
    par, province, units = merged_communes
    rows = ranking(indicator=par, year=2025, level=Level.COMMUNE, within=province).rows.set_index("unit_id")
    assert rows.loc[units["kept"].pk, "previous_value"] == 62
    assert rows.loc[units["kept"].pk, "value_change"] == 8
    assert rows["previous_value"].isna()[units["new"].pk]


@pytest.fixture
def many_communes():
    """250 communes of one province with a 2025 value each (SYNTHETIC): three pages of a commune ranking."""
    par = make_indicator(code="par_index", levels="province,district,commune")
    province = make_unit(code="79", short_name="Hồ Chí Minh", valid_to=None)
    source = make_source(title="SYNTHETIC test data")
    units = AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            level=Level.COMMUNE,
            code=f"{26000 + n}",
            short_name=f"Phường {n}",
            name=f"Phường {n}",
            unit_type=UnitType.WARD,
            parent=province,
            valid_from=MERGER,
            sort_key=f"phuong {n:05d}",
        )
        for n in range(250)
    )
    Value.objects.bulk_create(
        Value(
            indicator=par,
            unit=unit,
            year=2025,
            value=Decimal(1000 - n) / 10,
            source=source,
            status=ValueStatus.APPROVED,
        )
        for n, unit in enumerate(units)
    )
    return units


COMMUNES = "/rankings/?indicator=par_index&year=2025&level=commune&within=79"


def test_a_long_ranking_shows_100_rows_per_page_and_its_chart_the_same_rows(client, many_communes):
    first = client.get(COMMUNES)
    assert first.context["page"].number == 1 and first.context["page"].count == 3
    shown = first.context["table"].shown_records()
    assert [r["name"] for r in shown] == [f"Phường {n}" for n in range(100)]
    assert first.context["bar"].figure["data"][0]["y"] == [r["name"] for r in shown]
    html = first.content.decode()
    assert "Phường 99<" in html and "Phường 100<" not in html
    third = client.get(COMMUNES + "&page=3")
    assert [r["rank"] for r in third.context["table"].shown_records()] == list(range(201, 251))


def test_the_highlighted_unit_opens_on_its_page(client, many_communes):
    page = client.get(COMMUNES + f"&highlight={many_communes[142].code}")
    assert page.context["page"].number == 2
    assert any(r["highlight"] for r in page.context["table"].shown_records())


@pytest.mark.parametrize("asked", ["0", "-1", "٣", "²", "abc", "99999999999999999999999", "9999"])
def test_a_bad_or_too_large_page_number_shows_a_page_never_an_error(client, many_communes, asked):
    page = client.get(COMMUNES + f"&page={asked}")
    assert page.status_code == 200
    assert page.context["page"].number in {1, 3}


def test_the_downloads_hold_every_row_whatever_the_page(client, many_communes):
    csv = client.get(COMMUNES + "&page=2&format=csv")
    assert csv.content.decode("utf-8-sig").count("Phường ") == 250
    assert "page=" not in client.get(COMMUNES + "&page=2").context["csv_url"]


def test_a_long_ranking_page_stays_within_300_kb_and_15k_elements(client, many_communes):
    html = client.get(COMMUNES).content.decode()
    assert len(html.encode()) <= 300_000
    assert html.count("<") - html.count("</") <= 15_000  # opening tags: an upper bound of the DOM's elements
    # 100 rows shown whatever the size: the page of 250 units is no bigger than 100 rows' worth.
    assert html.count("<tr") <= 100 + 2


def test_a_profile_shows_its_communes_20_at_a_time(client, many_communes):
    first = client.get("/provinces/79/")
    children = first.context["children"]
    assert (children["page"].number, children["page"].count) == (1, 13)
    assert [row["unit"].short_name for row in children["rows"]] == [f"Phường {n}" for n in range(20)]
    last = client.get("/provinces/79/?units_page=13").context["children"]
    assert [row["unit"].short_name for row in last["rows"]] == [f"Phường {n}" for n in range(240, 250)]
    html = first.content.decode()
    assert "units_page=2" in html
    assert len(html.encode()) <= 300_000


@pytest.mark.parametrize("asked", ["0", "٣", "x", "99999999999999999999999"])
def test_a_bad_units_page_shows_a_page_never_an_error(client, many_communes, asked):
    page = client.get(f"/provinces/79/?units_page={asked}")
    assert page.status_code == 200
    assert page.context["children"]["page"].number in {1, 13}


@pytest.mark.parametrize("level", [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE])
@pytest.mark.parametrize("on", [None, datetime.date(2024, 12, 31)])
def test_a_profile_url_made_once_per_level_equals_the_reversed_one(level, on):
    make = profile_url_maker(level=level, on=on)
    for code in ("01", "101", "26734"):
        assert make(code) == profile_url(level=level, code=code, on=on)
