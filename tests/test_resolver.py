"""The unit resolver: codes with dates, names with or without diacritics, prefixes, aliases and clear errors."""

import datetime

import pytest

from provinces.models import REORGANISATION_DATE, AdministrativeUnit, Level
from provinces.resolver import UnitAmbiguous, UnitIndex, UnitNotFound, UnitResolveError, unit_resolve
from tests.factories import make_unit

pytestmark = pytest.mark.usefixtures("english_messages")

OLD_DAY = REORGANISATION_DATE - datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def index(real_units, django_db_blocker) -> UnitIndex:
    """One index of all real units for the module: resolving needs no database afterwards."""
    with django_db_blocker.unblock():
        return UnitIndex.build()


def resolved(index: UnitIndex, text: str, **kwargs: object) -> tuple[str, str, datetime.date | None]:
    unit = index.resolve(text, **kwargs)
    return unit.level, unit.code, unit.valid_from


OLD = None  # valid_from of the 63-province structure
NEW = REORGANISATION_DATE


# --- small cases with factory units (no real data needed) ---


@pytest.mark.django_db
def test_build_runs_one_query_and_resolving_runs_none(django_assert_num_queries):
    province = make_unit(code="38", short_name="Thanh Hóa", name="Tỉnh Thanh Hóa")
    make_unit(level=Level.DISTRICT, code="380", short_name="Thanh Hóa", unit_type="thanh_pho", parent=province)

    with django_assert_num_queries(1):
        index = UnitIndex.build()
    with django_assert_num_queries(0):
        assert index.resolve("Tỉnh Thanh Hoá") == province
        with pytest.raises(UnitAmbiguous):
            index.resolve("thanh hoa")
        with pytest.raises(UnitNotFound):
            index.resolve("Thanh Hoas")


@pytest.mark.django_db
def test_diacritics_in_the_text_choose_between_names_that_fold_alike():
    hoa = make_unit(level=Level.COMMUNE, code="00001", short_name="Tân Hòa")
    hoa_plain = make_unit(level=Level.COMMUNE, code="00002", short_name="Tân Hoa")
    index = UnitIndex.build()

    assert index.resolve("Tân Hoà") == hoa  # other tone-mark placement, same name
    assert index.resolve("Xã Tân Hoa") == hoa_plain
    with pytest.raises(UnitAmbiguous) as error:
        index.resolve("tan hoa")  # without diacritics both fit: never guess
    assert set(error.value.candidates) == {hoa, hoa_plain}


@pytest.mark.django_db
def test_unit_resolve_looks_up_once():
    province = make_unit(code="66", short_name="Đắk Lắk", name="Tỉnh Đắk Lắk")
    assert unit_resolve("dak lak", level=Level.PROVINCE) == province


@pytest.mark.django_db
def test_year_and_on_together_and_unknown_level_are_programming_errors():
    index = UnitIndex.build()
    with pytest.raises(TypeError):
        index.resolve("Hà Nội", year=2024, on=datetime.date(2024, 1, 1))
    with pytest.raises(ValueError, match="Unknown level"):
        index.resolve("Hà Nội", level="village")


# --- the real units ---


@pytest.mark.django_db
def test_code_needs_a_date_24_is_bac_giang_then_the_new_bac_ninh(index):
    assert index.resolve("24", on=datetime.date(2024, 12, 31)).short_name == "Bắc Giang"
    assert index.resolve("24", on=REORGANISATION_DATE).short_name == "Bắc Ninh"
    assert index.resolve("24", year=2025).short_name == "Bắc Ninh"
    with pytest.raises(UnitAmbiguous) as error:
        index.resolve("24")
    assert "Bắc Giang (province 24, until 30/06/2025)" in error.value.message
    assert "Bắc Ninh (province 24, from 01/07/2025)" in error.value.message
    assert len(error.value.candidates) == 2


@pytest.mark.django_db
def test_codes_are_zero_padded_to_the_width_of_the_level(index):
    assert resolved(index, "1", level=Level.PROVINCE, year=2024) == ("province", "01", OLD)
    assert resolved(index, "760", level=Level.DISTRICT, year=2024) == ("district", "760", OLD)
    assert resolved(index, "4", level=Level.COMMUNE, year=2024) == ("commune", "00004", OLD)
    assert resolved(index, "00004", year=2025) == ("commune", "00004", NEW)
    with pytest.raises(UnitAmbiguous):
        index.resolve("1", year=2024)  # province 01, district 001 or commune 00001


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["Đắk Lắk", "dak lak", "DAK LAK", "Đăk Lăk", "Dak Lak", "Tỉnh Đắk Lắk", "tinh dak lak"]
)
def test_names_with_or_without_diacritics_any_case_and_aliases(index, text):
    assert resolved(index, text, year=2016) == ("province", "66", OLD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("Tỉnh Thanh Hoá", {"year": 2024}, ("province", "38", OLD)),
        ("Thanh Hoá", {"year": 2025}, ("province", "38", NEW)),  # diacritics rule out Thanh Hòa, Thạnh Hóa …
        ("thanh hoa", {"year": 2024, "level": Level.PROVINCE}, ("province", "38", OLD)),
        ("Thành phố Thanh Hóa", {"year": 2024}, ("district", "380", OLD)),  # the city, not the province
        ("TP. Hồ Chí Minh", {"year": 2023}, ("province", "79", OLD)),
        ("TP.HCM", {"year": 2025}, ("province", "79", NEW)),
        ("Thành phố Hồ Chí Minh", {"year": 2025}, ("province", "79", NEW)),
        ("HCMC", {"year": 2020}, ("province", "79", OLD)),
        ("Huyện Núi Thành", {"year": 2022}, ("district", "517", OLD)),
        ("Thị trấn Núi Thành", {"year": 2022}, ("commune", "20965", OLD)),
        ("Quận 1", {"year": 2024}, ("district", "760", OLD)),
        ("Thủy Nguyên", {"year": 2024, "level": Level.DISTRICT}, ("district", "311", OLD)),  # file: Thuỷ Nguyên
        ("Hòa Bình", {"year": 2022, "level": Level.PROVINCE}, ("province", "17", OLD)),  # file: Hoà Bình
        ("Hương Sơn", {"year": 2021, "level": Level.DISTRICT}, ("district", "439", OLD)),
    ],
)
def test_prefixes_narrow_to_their_type_and_tone_placement_does_not_matter(index, text, kwargs, expected):
    assert resolved(index, text, **kwargs) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["Bà Rịa - Vũng Tàu", "Ba Ria Vung Tau", "Bà Rịa-Vũng Tàu", "BRVT", "BR-VT"])
def test_spaces_and_hyphens_do_not_matter(index, text):
    assert resolved(index, text, year=2020) == ("province", "77", OLD)


@pytest.mark.django_db
def test_hue_means_the_old_province_before_july_2025_and_the_new_city_after(index):
    assert resolved(index, "Huế", year=2024) == ("province", "46", OLD)
    assert resolved(index, "Thừa Thiên Huế", year=2012) == ("province", "46", OLD)
    assert resolved(index, "TT-Huế", year=2012) == ("province", "46", OLD)
    assert resolved(index, "Huế", year=2025) == ("province", "46", NEW)
    with pytest.raises(UnitNotFound, match=r"It names: Thừa Thiên Huế \(province 46, until 30/06/2025\)"):
        index.resolve("Thừa Thiên Huế", year=2025)


@pytest.mark.django_db
def test_parent_chooses_between_units_of_the_same_name(index):
    dong_ha = index.resolve("Thành phố Đông Hà", year=2024)
    quang_tri = index.resolve("Quảng Trị", year=2024, level=Level.PROVINCE)

    assert resolved(index, "Phường 1", year=2024, parent=dong_ha) == ("commune", "19333", OLD)
    with pytest.raises(UnitAmbiguous) as error:
        index.resolve("Phường 1", year=2024, parent=quang_tri)  # a grandparent counts too
    assert all(unit.parent.parent == quang_tri for unit in error.value.candidates)


@pytest.mark.django_db
def test_same_name_at_two_levels_is_ambiguous_and_names_every_candidate(index):
    with pytest.raises(UnitAmbiguous) as error:
        index.resolve("Núi Thành", year=2022)

    message = error.value.message
    assert message.startswith('"Núi Thành" matches 2 units (in force on 31/12/2022): ')
    assert "Núi Thành (district 517 in Quảng Nam, until 30/06/2025)" in message
    assert "Núi Thành (commune 20965 in Núi Thành, Quảng Nam, until 30/06/2025)" in message
    assert [u.level for u in error.value.candidates] == ["district", "commune"]
    assert isinstance(error.value, UnitResolveError)
    assert isinstance(error.value, ValueError)


@pytest.mark.django_db
def test_same_name_in_two_periods_is_ambiguous_without_a_date(index):
    with pytest.raises(UnitAmbiguous) as error:
        index.resolve("Tỉnh Đắk Lắk")
    assert {(u.code, u.valid_from) for u in error.value.candidates} == {("66", OLD), ("66", NEW)}


@pytest.mark.django_db
def test_not_found_names_the_closest_matches(index):
    with pytest.raises(UnitNotFound) as error:
        index.resolve("Dak Lack", year=2024, level=Level.PROVINCE)

    assert error.value.message.startswith(
        '"Dak Lack" matches no unit (province, in force on 31/12/2024). Did you mean:'
    )
    assert "Đắk Lắk (province 66, until 30/06/2025)" in error.value.message
    assert 1 <= len(error.value.candidates) <= 3


@pytest.mark.django_db
def test_a_unit_not_in_force_that_year_is_named_in_the_error(index):
    with pytest.raises(UnitNotFound) as error:
        index.resolve("Tỉnh Bắc Giang", year=2025)
    assert "Bắc Giang (province 24, until 30/06/2025)" in error.value.message
    assert [u.code for u in error.value.candidates] == ["24"]


@pytest.mark.django_db
def test_prefix_limits_the_suggestions_and_empty_text_is_refused(index):
    with pytest.raises(UnitNotFound) as error:
        index.resolve("Tỉnh Xyz", year=2022)
    assert error.value.message == '"Tỉnh Xyz" matches no unit (in force on 31/12/2022).'
    assert error.value.candidates == []
    with pytest.raises(UnitNotFound, match="No unit name or code"):
        index.resolve("  ")


@pytest.mark.django_db
def test_index_over_a_queryset_only_knows_those_units(real_units):
    index = UnitIndex.build(AdministrativeUnit.objects.filter(level=Level.PROVINCE).for_year(2024))
    assert index.resolve("Bắc Ninh").code == "27"
    with pytest.raises(UnitNotFound):
        index.resolve("Ba Đình")
