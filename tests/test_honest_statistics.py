"""Honest statistics (issue 15): averages say over how many units, "national" needs enough provinces,
no correlation over too few, compare's default year is one most chosen units have, rankings can hide the gaps."""

import pytest
from django.urls import reverse

from indicators.averages import national_min_units, stands_for_the_country
from provinces.models import Level
from tests.factories import make_indicator, make_unit, make_value

pytestmark = pytest.mark.django_db


def test_the_national_threshold_follows_the_structure_of_the_year(settings):
    assert national_min_units(year=2024) == 20 and national_min_units(year=2025) == 12
    assert national_min_units(year=2023, level=Level.DISTRICT) is None
    assert stands_for_the_country(count=20, year=2024) and not stands_for_the_country(count=19, year=2024)
    settings.NATIONAL_AVERAGE_MIN_UNITS = {63: 5, 34: 3}
    assert stands_for_the_country(count=5, year=2024)


@pytest.fixture
def sparse():
    """Ten provinces, only three of them with a 2023 figure."""
    par = make_indicator(code="par_index")
    units = [make_unit(code=f"{n:02d}", short_name=f"Tỉnh {n}", valid_to=None) for n in range(1, 11)]
    for n, unit in enumerate(units[:3]):
        make_value(indicator=par, unit=unit, year=2023, value=str(80 + n))
    return units


def test_rankings_list_only_the_units_with_figures_when_most_have_none_and_say_how_many_are_left_out(client, sparse):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reports:ranking"), {"indicator": "par_index", "year": "2023"})
    html = response.content.decode()
    assert response.context["only_with_figures"] is True
    assert [row["name"] for row in response.context["table"].data.data] == ["Tỉnh 3", "Tỉnh 2", "Tỉnh 1"]
    assert "7 units have no figure for this year and are not listed" in html
    assert "too few to stand for the country" in html

    everything = client.get(reverse("reports:ranking"), {"indicator": "par_index", "year": "2023", "figures": "all"})
    assert len(everything.context["table"].data.data) == 10
    assert "7 units have no figure for this year: they are listed last" in everything.content.decode()


def test_compare_defaults_to_the_latest_year_most_chosen_provinces_have(client):
    par = make_indicator(code="par_index")
    units = [
        make_unit(code=code, short_name=name, valid_to=None) for code, name in [("01", "A"), ("02", "B"), ("03", "C")]
    ]
    for n, unit in enumerate(units):
        make_value(indicator=par, unit=unit, year=2023, value=str(80 + n))
    make_value(indicator=par, unit=units[0], year=2024, value="90")  # one of three has 2024
    response = client.get(reverse("reports:compare"), {"units": "01,02,03", "indicators": "par_index"})
    assert response.context["query"].year == 2023


def test_a_district_with_figures_but_no_rank_says_why_and_names_no_missing_successor(client):
    province = make_unit(code="22", short_name="Quảng Ninh", valid_to=None)
    district = make_unit(level=Level.DISTRICT, code="193", short_name="Hạ Long", parent=province)  # ended 30/06/2025
    staff = make_indicator(code="staff_cut_commune_cadres", levels="province,district,commune")
    staff.short_name = "Commune cadres reduced"
    staff.save()
    make_value(indicator=staff, unit=district, year=2023, value="261")
    html = client.get("/units/district/193/?on=2023-12-31").content.decode()
    assert "no numeric values" not in html and "không có giá trị số" not in html
    assert "Không tính được thứ hạng: trong các năm có số liệu" in html
    assert "liên kết ở dưới" not in html  # no successor recorded: none is announced
