"""National scale: the rankings fetch only rows they can show."""

import datetime

import pytest

from provinces.models import Level
from reports.rankings.selectors import _values_frame, ranking
from tests.factories import make_indicator, make_unit, make_value

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
