"""Ministries and departments as units: the data command, loadunits leaving them alone, the public pages."""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from appraisal.agencies import agencies_load
from indicators.models import AverageScope, PublishedAverage, Value
from provinces.loaders import units_load
from provinces.models import AdministrativeUnit, Level, UnitType
from tests.appraisal_world import PAR_LEVELS
from tests.factories import make_indicator, make_unit
from tests.merger_units import SMALL_FILES

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministries():
    make_indicator(code="par_index", levels=PAR_LEVELS)
    call_command("loadagencies", stdout=StringIO())


def test_the_17_ministries_load_with_their_2023_ranks_and_the_official_average_idempotently(ministries):
    assert AdministrativeUnit.objects.filter(level=Level.MINISTRY).count() == 17
    justice = AdministrativeUnit.objects.get(level=Level.MINISTRY, short_name="Bộ Tư pháp")
    assert justice.name_en == "Ministry of Justice"
    value = Value.objects.get(unit=justice, year=2023, indicator__code="par_index")
    assert (value.value, value.rank, value.status) == (Decimal("89.95"), 1, "approved")
    assert Value.objects.get(unit=justice, year=2021).value == Decimal("91.9")
    average = PublishedAverage.objects.get(scope=AverageScope.MINISTRIES, year=2023)
    assert average.value == Decimal("84.38")
    again = agencies_load()
    assert (again.created, again.updated, again.values.counts["create"]) == (0, 0, 0)


def test_loadunits_leaves_ministries_departments_and_their_links_alone(tmp_path: Path):
    for name, text in SMALL_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    units_load(data_dir=tmp_path)
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE, code="24", valid_from=None)
    ministry = make_unit(
        level=Level.MINISTRY, code="1099", short_name="Bộ thử", unit_type=UnitType.MINISTRY, valid_to=None
    )
    old = make_unit(
        level=Level.DEPARTMENT, code="24001", short_name="Sở Thử A", parent=province, unit_type=UnitType.DEPARTMENT
    )
    new = make_unit(
        level=Level.DEPARTMENT,
        code="24002",
        short_name="Sở Thử B",
        parent=province,
        unit_type=UnitType.DEPARTMENT,
        valid_from=datetime.date(2025, 7, 1),
        valid_to=None,
    )
    old.successors.add(new)
    result = units_load(data_dir=tmp_path)
    assert not result.changed
    ministry.refresh_from_db()
    assert ministry.short_name == "Bộ thử" and list(old.successors.all()) == [new]


def test_the_ministries_ranking_shows_the_official_average_and_the_profile_and_search_find_them(client, ministries):
    response = client.get("/rankings/", {"indicator": "par_index", "year": 2023, "level": "ministry"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Bộ Tư pháp") < body.index("Bộ Công Thương")
    assert "Trung bình các bộ, cơ quan ngang bộ (chính thức): 84,38" in body
    csv = client.get("/rankings/", {"indicator": "par_index", "year": 2023, "level": "ministry", "format": "csv"})
    assert "par_index_2023_ministries" in csv["Content-Disposition"]
    justice = AdministrativeUnit.objects.get(level=Level.MINISTRY, short_name="Bộ Tư pháp")
    profile = client.get(f"/units/ministry/{justice.code}/").content.decode()
    assert (
        "Ministry of Justice" in profile and "Trung bình cả nước (chính thức)" not in profile
    )  # not the provinces' average
    assert "Bộ Tư pháp" in client.get("/search/", {"q": "tu phap"}).content.decode()


def test_departments_are_ranked_within_their_province(client):
    index = make_indicator(code="par_index", levels=PAR_LEVELS)
    province = make_unit(short_name="Hà Tĩnh", code="42")
    department = make_unit(
        level=Level.DEPARTMENT, code="42001", short_name="Sở Nội vụ", parent=province, unit_type=UnitType.DEPARTMENT
    )
    from tests.factories import make_value

    make_value(indicator=index, unit=department, year=2023, value="88.5")
    response = client.get("/rankings/", {"indicator": "par_index", "year": 2023, "level": "department", "within": "42"})
    assert response.status_code == 200 and "Sở Nội vụ" in response.content.decode()
    response = client.get(
        "/rankings/", {"indicator": "par_index", "year": 2023, "level": "department", "within": "all"}
    )
    assert response.status_code == 400
