"""Rules every value obeys, whichever way it is entered: range, uniqueness, level, validity."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.forms import ValueAdminForm
from indicators.models import Direction, IndicatorGroup, MeasureUnit, Value, value_errors
from provinces.models import REORGANISATION_DATE, Level
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def papi(db):
    return make_indicator(
        code="papi", group=IndicatorGroup.PAPI, measure_unit=MeasureUnit.POINTS, max_value=80, levels="province"
    )


@pytest.fixture
def old_province(db):
    """A province of the 63-province structure (until 30 June 2025)."""
    return make_unit(short_name="Bắc Giang", code="24")


@pytest.fixture
def new_province(db):
    """A province of the 34-province structure (from 1 July 2025)."""
    return make_unit(short_name="Bắc Ninh", code="24", valid_from=REORGANISATION_DATE, valid_to=None)


def _form(**data: object) -> ValueAdminForm:
    base = {"year": 2023, "qualifier": "eq", "rank_basis": "", "note": ""}
    return ValueAdminForm(data={**base, **{k: getattr(v, "pk", v) for k, v in data.items()}})


def test_papi_accepts_80_points_and_refuses_more(papi, old_province):
    assert value_errors(indicator=papi, unit=old_province, year=2019, value=Decimal("80"), rank=None) == {}
    errors = value_errors(indicator=papi, unit=old_province, year=2019, value=Decimal("80.5"), rank=None)
    assert list(errors) == ["value"]
    assert errors["value"][0].startswith("80.5 is above the maximum")


def test_a_percentage_below_zero_and_a_fractional_count_are_refused(old_province):
    percent = make_indicator(code="on_time_rate")
    count = make_indicator(
        code="departments", measure_unit=MeasureUnit.COUNT, max_value=None, direction=Direction.NEUTRAL
    )

    below = value_errors(indicator=percent, unit=old_province, year=2023, value=Decimal("-1"), rank=None)
    fraction = value_errors(indicator=count, unit=old_province, year=2023, value=Decimal("17.5"), rank=None)

    assert below["value"] == ["-1 is below the minimum 0 for on_time_rate."]
    assert fraction["value"] == ["17.5 is not a whole number, but departments is a count."]


def test_a_value_needs_a_number_or_a_rank(papi, old_province):
    assert value_errors(indicator=papi, unit=old_province, year=2019, value=None, rank=None) == {
        "value": ["Give a value, a published rank, or both."]
    }
    assert value_errors(indicator=papi, unit=old_province, year=2019, value=None, rank=5) == {}


def test_a_second_value_for_the_same_indicator_unit_and_year_is_an_integrity_error(papi, old_province):
    make_value(indicator=papi, unit=old_province, year=2019, value="40.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_value(indicator=papi, unit=old_province, year=2019, value="41")


def test_the_admin_form_refuses_a_duplicate_value_with_a_message(papi, old_province):
    make_value(indicator=papi, unit=old_province, year=2019, value="40.1")
    form = _form(indicator=papi, unit=old_province, year=2019, value="41", source=make_source())

    assert not form.is_valid()
    assert "already exists" in " ".join(form.non_field_errors())
    assert Value.objects.count() == 1


def test_an_indicator_of_another_level_is_refused_at_the_indicator_field(papi, old_province):
    district = make_unit(level=Level.DISTRICT, short_name="Hương Sơn", parent=old_province)
    form = _form(indicator=papi, unit=district, year=2019, value="40", source=make_source())

    assert not form.is_valid()
    assert form.errors["indicator"] == ["papi does not apply to the District level (only: province)."]


def test_a_63_structure_province_is_refused_in_2025(papi, old_province):
    form = _form(indicator=papi, unit=old_province, year=2025, value="40", source=make_source())

    assert not form.is_valid()
    assert form.errors["year"] == ["Bắc Giang (code 24) was not in force in 2025 (in force –30/06/2025)."]


def test_a_34_structure_province_is_refused_in_2024_and_accepted_in_2025(papi, new_province):
    refused = _form(indicator=papi, unit=new_province, year=2024, value="40", source=make_source())
    accepted = _form(indicator=papi, unit=new_province, year=2025, value="40", source=make_source())

    assert not refused.is_valid()
    assert refused.errors["year"] == ["Bắc Ninh (code 24) was not in force in 2024 (in force 01/07/2025–)."]
    assert accepted.is_valid(), accepted.errors


def test_a_unit_dissolved_mid_year_belongs_to_no_figure_of_that_year(papi):
    dissolved = make_unit(short_name="Tỉnh đã nhập", valid_to=datetime.date(2025, 6, 30))
    assert "year" in value_errors(indicator=papi, unit=dissolved, year=2025, value=Decimal(1), rank=None)
    assert value_errors(indicator=papi, unit=dissolved, year=2024, value=Decimal(1), rank=None) == {}


def test_model_validation_reports_each_rule_at_its_field(papi, old_province):
    district = make_unit(level=Level.DISTRICT, parent=old_province)
    value = Value(indicator=papi, unit=district, year=2025, value=Decimal("95"), source=make_source())

    with pytest.raises(ValidationError) as caught:
        value.full_clean()

    assert set(caught.value.message_dict) >= {"value", "indicator", "year"}


def test_a_rank_basis_without_a_rank_is_refused_at_the_rank_basis_field(papi, old_province):
    form = _form(indicator=papi, unit=old_province, year=2019, value="40", rank_basis="stated", source=make_source())

    assert not form.is_valid()
    assert form.errors["rank_basis"] == ["A rank basis needs a published rank."]


def test_a_percent_sign_is_refused_for_an_indicator_in_points(papi, old_province):
    form = _form(indicator=papi, unit=old_province, year=2019, value="40%", source=make_source())

    assert not form.is_valid()
    assert form.errors["value"] == ["“40%” has a % sign, but papi is measured in points."]


def test_a_malformed_number_gets_one_clear_message(papi, old_province):
    form = _form(indicator=papi, unit=old_province, year=2019, value="4.0.1", source=make_source())

    assert not form.is_valid()
    assert form.errors["value"] == ["“4.0.1” is not a number: thousands must be grouped by three digits."]


# 00:30 on 1 January 2027 in Vietnam is still 31 December 2026 in UTC (and on a server clock in UTC).
JUST_AFTER_NEW_YEAR_IN_VIETNAM = datetime.datetime(2026, 12, 31, 17, 30, tzinfo=datetime.UTC)
JUST_BEFORE_NEW_YEAR_IN_VIETNAM = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(monkeypatch):
    """Return a function that sets the current time (Django's timezone.now) for the test."""
    from django.utils import timezone

    def freeze(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


def test_a_year_is_plausible_only_once_it_has_ended_in_vietnam(frozen):
    from indicators.models import latest_plausible_year, year_error

    frozen(JUST_BEFORE_NEW_YEAR_IN_VIETNAM)
    assert latest_plausible_year() == 2025
    assert year_error(2025) is None
    assert year_error(2026) == "Year 2026 has not ended yet: no figures for it can have been published."
    frozen(JUST_AFTER_NEW_YEAR_IN_VIETNAM)
    assert latest_plausible_year() == 2026 and year_error(2026) is None
    assert "has not ended yet" in year_error(2027)
    assert year_error(1989) == "Year 1989 is outside 1990–2100."


def test_the_value_form_refuses_the_current_year_and_accepts_it_once_it_ended(frozen, papi, new_province):
    source = make_source()
    frozen(JUST_BEFORE_NEW_YEAR_IN_VIETNAM)
    assert _form(indicator=papi, unit=new_province, year=2025, value="50", source=source).is_valid()
    current = _form(indicator=papi, unit=new_province, year=2026, value="50", source=source)
    assert not current.is_valid() and "has not ended yet" in str(current.errors["year"])
    frozen(JUST_AFTER_NEW_YEAR_IN_VIETNAM)
    # Not yet 2027 in UTC, but the year 2026 has ended in Vietnam.
    assert _form(indicator=papi, unit=new_province, year=2026, value="50", source=source).is_valid()


@pytest.mark.parametrize("typed", ["٢٠٢٣", "２０２３", "²⁰²³", "2023.0", "+2023"])
def test_the_value_form_reads_a_year_in_ascii_digits_only(papi, old_province, typed):
    form = _form(indicator=papi, unit=old_province, year=typed, value="50", source=make_source())
    assert not form.is_valid() and form.errors["year"] == ["Enter a whole number."]
