"""Small builders for test data: real-looking units, indicators, sources and values.

Plain functions rather than a factory library: each takes keyword arguments with sensible
defaults and returns a saved object.
"""

import datetime
import itertools
from decimal import Decimal

from indicators.models import Direction, Indicator, IndicatorGroup, MeasureUnit, Source, Value, ValueStatus
from provinces.models import REORGANISATION_DATE, AdministrativeUnit, Level, Region, UnitType

_counter = itertools.count(1)
OLD_END = REORGANISATION_DATE - datetime.timedelta(days=1)


def make_unit(
    *,
    level: str = Level.PROVINCE,
    code: str | None = None,
    short_name: str | None = None,
    name: str | None = None,
    unit_type: str | None = None,
    region: str = Region.RED_RIVER_DELTA,
    parent: AdministrativeUnit | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = OLD_END,
    aliases: str = "",
) -> AdministrativeUnit:
    """Return a saved unit; by default a province of the 63-province structure."""
    n = next(_counter)
    short_name = short_name or f"Tỉnh thử {n}"
    default_type = {Level.PROVINCE: UnitType.PROVINCE, Level.DISTRICT: UnitType.RURAL_DISTRICT}.get(
        level, UnitType.COMMUNE
    )
    unit = AdministrativeUnit(
        level=level,
        code=code or f"{n % 100000:05d}"[-(2 if level == Level.PROVINCE else 3 if level == Level.DISTRICT else 5) :],
        short_name=short_name,
        name=name or short_name,
        unit_type=unit_type or default_type,
        region=region if level == Level.PROVINCE else "",
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        aliases=aliases,
    )
    unit.save()
    return unit


def make_indicator(
    *,
    code: str | None = None,
    group: str = IndicatorGroup.PAR,
    measure_unit: str = MeasureUnit.PERCENT,
    min_value: Decimal | int | None = 0,
    max_value: Decimal | int | None = 100,
    direction: str = Direction.HIGHER,
    levels: str = "province,district,commune",
    decimals: int = 2,
    name_vi: str | None = None,
    name_en: str | None = None,
    parent: Indicator | None = None,
) -> Indicator:
    """Return a saved indicator; by default a percentage where higher is better."""
    n = next(_counter)
    code = code or f"indicator_{n}"
    return Indicator.objects.create(
        code=code,
        group=group,
        name_vi=name_vi or f"Chỉ số {code}",
        name_en=name_en or f"Indicator {code}",
        measure_unit=measure_unit,
        min_value=None if min_value is None else Decimal(min_value),
        max_value=None if max_value is None else Decimal(max_value),
        direction=direction,
        levels=levels,
        decimals=decimals,
        parent=parent,
    )


def make_source(*, title: str | None = None, url: str = "https://example.org/report") -> Source:
    """Return a saved source."""
    return Source.objects.create(title=title or f"Báo cáo {next(_counter)}", url=url)


def make_value(
    *,
    indicator: Indicator,
    unit: AdministrativeUnit,
    year: int = 2023,
    value: Decimal | float | str | None = "80",
    rank: int | None = None,
    rank_basis: str = "",
    source: Source | None = None,
    status: str = ValueStatus.APPROVED,
    **extra: object,
) -> Value:
    """Return a saved value; approved (published) unless a status is given."""
    return Value.objects.create(
        indicator=indicator,
        unit=unit,
        year=year,
        value=None if value is None else Decimal(str(value)),
        rank=rank,
        rank_basis=rank_basis,
        source=source or make_source(),
        status=status,
        **extra,
    )


def make_three_provinces() -> dict:
    """Return Hà Nội, Đắk Lắk and Thanh Hóa (63-province structure) and the PAR and count-of-departments indicators."""
    return {
        "ha_noi": make_unit(code="01", short_name="Hà Nội", name="Thành phố Hà Nội", unit_type=UnitType.CENTRAL_CITY),
        "dak_lak": make_unit(code="66", short_name="Đắk Lắk", name="Tỉnh Đắk Lắk"),
        "thanh_hoa": make_unit(code="38", short_name="Thanh Hóa", name="Tỉnh Thanh Hóa"),
        "par": make_indicator(code="par_index", levels="province,district,commune"),
        "count": make_indicator(code="departments", measure_unit=MeasureUnit.COUNT, max_value=None, levels="province"),
    }
