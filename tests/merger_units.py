"""Test data for pages that must respect the 2025 reorganisation: code 24 was Bắc Giang, is now Bắc Ninh."""

from dataclasses import dataclass

from indicators.models import Indicator
from provinces.models import REORGANISATION_DATE, AdministrativeUnit, Region
from tests.factories import make_indicator, make_unit


@dataclass
class Merger:
    bac_giang: AdministrativeUnit  # code 24 until 30 June 2025
    bac_ninh_old: AdministrativeUnit  # code 27 until 30 June 2025
    bac_ninh_new: AdministrativeUnit  # code 24 from 1 July 2025: Bắc Giang + old Bắc Ninh
    others: list[AdministrativeUnit]  # three more provinces of the 63-province structure
    par: Indicator


def build_merger() -> Merger:
    """Return the Bắc Giang + Bắc Ninh → new Bắc Ninh merger, three other provinces and a PAR Index indicator."""
    bac_giang = make_unit(code="24", short_name="Bắc Giang", name="Tỉnh Bắc Giang", region=Region.NORTHERN_MIDLANDS)
    bac_ninh_old = make_unit(code="27", short_name="Bắc Ninh", name="Tỉnh Bắc Ninh", region=Region.RED_RIVER_DELTA)
    bac_ninh_new = make_unit(
        code="24",
        short_name="Bắc Ninh",
        name="Tỉnh Bắc Ninh",
        region=Region.RED_RIVER_DELTA,
        valid_from=REORGANISATION_DATE,
        valid_to=None,
    )
    bac_giang.successors.add(bac_ninh_new)
    bac_ninh_old.successors.add(bac_ninh_new)
    others = [
        make_unit(code="01", short_name="Hà Nội", region=Region.RED_RIVER_DELTA),
        make_unit(code="31", short_name="Hải Phòng", region=Region.RED_RIVER_DELTA),
        make_unit(code="42", short_name="Hà Tĩnh", region=Region.NORTH_CENTRAL_COAST),
    ]
    par = make_indicator(
        code="par_index",
        name_vi="Chỉ số cải cách hành chính",
        name_en="Public Administration Reform Index",
        levels="province,district,commune",
    )
    return Merger(bac_giang, bac_ninh_old, bac_ninh_new, others, par)
