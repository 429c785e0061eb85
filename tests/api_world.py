"""A small public world for the API tests: two structures, published and unpublished values, averages."""

import datetime

from indicators.models import AverageScope, PublishedAverage, SeriesBreak, ValueStatus
from provinces.models import REORGANISATION_DATE, Level, Region
from tests.factories import make_indicator, make_source, make_unit, make_value


def api_world() -> dict[str, object]:
    """Return units of both structures, an indicator with a series break, and values in every status.

    Published: Hà Nội 80 and Đà Nẵng 70 (2023, PAR Index), Ba Đình 60. Unpublished: a draft for Huế,
    a submitted value for Đà Nẵng in 2022, and a pending correction of Hà Nội's figure to 99.
    """
    hanoi = make_unit(short_name="Hà Nội", code="01", valid_to=None)
    danang_old = make_unit(short_name="Đà Nẵng", code="48", region=Region.SOUTH_EAST)
    danang_new = make_unit(
        short_name="Đà Nẵng", code="48", region=Region.SOUTH_EAST, valid_from=REORGANISATION_DATE, valid_to=None
    )
    danang_old.successors.add(danang_new)
    hue = make_unit(short_name="Thừa Thiên Huế", code="46", region=Region.NORTH_CENTRAL_COAST)
    ba_dinh = make_unit(level=Level.DISTRICT, short_name="Ba Đình", code="001", parent=hanoi)
    par = make_indicator(code="par_index", min_value=0, max_value=100)
    SeriesBreak.objects.create(indicator=par, year=2021, note_vi="Thang đo mới", note_en="New scale")
    source = make_source(title="Báo cáo PAR INDEX 2023")
    secret_source = make_source(title="=Dự thảo chưa công bố")
    values = {
        "hanoi": make_value(indicator=par, unit=hanoi, value="80", rank=1, rank_basis="stated", source=source),
        "danang": make_value(indicator=par, unit=danang_old, value="70", source=source),
        "ba_dinh": make_value(indicator=par, unit=ba_dinh, value="60", source=source),
        "draft": make_value(indicator=par, unit=hue, value="11.11", source=secret_source, status=ValueStatus.DRAFT),
        "submitted": make_value(
            indicator=par, unit=danang_old, year=2022, value="22.22", source=secret_source, status=ValueStatus.SUBMITTED
        ),
    }
    values["correction"] = make_value(
        indicator=par, unit=hanoi, value="99.99", source=secret_source, status=ValueStatus.DRAFT,
        correction_of=values["hanoi"],
    )  # fmt: skip
    PublishedAverage.objects.create(
        indicator=par, year=2023, scope=AverageScope.NATIONAL, value="75.5", source=source, note="official"
    )
    return {
        "hanoi": hanoi,
        "danang_old": danang_old,
        "danang_new": danang_new,
        "hue": hue,
        "ba_dinh": ba_dinh,
        "par": par,
        "source": source,
        "secret_source": secret_source,
        "values": values,
        "day_before_reorganisation": REORGANISATION_DATE - datetime.timedelta(days=1),
    }


#: Figures that only unpublished rows hold: none may appear in any public answer.
UNPUBLISHED_MARKS = ("11.11", "22.22", "99.99", "Dự thảo chưa công bố")
