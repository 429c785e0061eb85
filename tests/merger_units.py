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


#: A tiny but complete set of unit data files: two old provinces merged into one new one (loader tests).
SMALL_FILES = {
    "provinces_63.csv": (
        "code,name,short_name,type,region,valid_to,successor_code,aliases\n"
        "24,Tỉnh Bắc Giang,Bắc Giang,tỉnh,Trung du và miền núi phía Bắc,2025-06-30,24,\n"
        "27,Tỉnh Bắc Ninh,Bắc Ninh,tỉnh,Đồng bằng sông Hồng,2025-06-30,24,Bac Ninh\n"
    ),
    "provinces_34.csv": (
        "code,name,short_name,type,valid_from,predecessor_codes,aliases\n"
        "24,Tỉnh Bắc Ninh,Bắc Ninh,tỉnh,2025-07-01,24;27,\n"
    ),
    "districts_2025-01.csv": "code,name,short_name,type,province_code\n213,Huyện Yên Thế,Yên Thế,huyện,24\n",
    "communes_2025-01.csv": "code,name,short_name,type,district_code\n07165,Xã Đồng Tiến,Đồng Tiến,xã,213\n",
    "communes_2025-07.csv": "code,name,short_name,type,province_code\n07165,Xã Yên Thế,Yên Thế,xã,24\n",
}
