"""Loading the administrative units: the data files, the loadunits command, idempotence and the counts."""

import csv
import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from provinces.loaders import DATA_DIR, UnitDataError, units_load
from provinces.models import REORGANISATION_DATE, AdministrativeUnit, Commune, District, Province, Region, UnitType
from provinces.text import sort_key
from tests.factories import make_unit
from tests.merger_units import SMALL_FILES

# These tests check messages by their English wording.
pytestmark = pytest.mark.usefixtures("english_messages")


OLD_DAY = REORGANISATION_DATE - datetime.timedelta(days=1)
TOTAL_UNITS = 63 + 34 + 696 + 10_051 + 3_321


@pytest.fixture
def small_data(tmp_path: Path) -> Path:
    """Write a tiny but complete set of data files (2 old provinces merged into 1 new one)."""
    for name, text in SMALL_FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.django_db
def test_unit_table_is_empty_for_tests_without_real_units():
    assert not AdministrativeUnit.objects.exists()


@pytest.mark.django_db
def test_loading_small_files_twice_changes_nothing_the_second_time(small_data):
    first = units_load(data_dir=small_data)
    second = units_load(data_dir=small_data)

    assert (first.created, first.updated, first.unchanged, first.links_added) == (6, 0, 0, 2)
    assert (second.created, second.updated, second.unchanged, second.links_added) == (0, 0, 6, 0)
    assert not second.changed
    assert "Nothing changed" in second.summary()


@pytest.mark.django_db
def test_reload_updates_changed_rows_and_links_and_leaves_other_units_alone(small_data):
    units_load(data_dir=small_data)
    hand_made = make_unit(code="99", short_name="Tỉnh thủ công")
    text = SMALL_FILES["provinces_63.csv"].replace("Bac Ninh", "Bắc Ninh cũ")
    (small_data / "provinces_63.csv").write_text(text, encoding="utf-8")
    Province.objects.get(code="24", valid_from=None).successors.clear()

    result = units_load(data_dir=small_data)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 5)
    assert (result.links_added, result.links_removed) == (1, 0)
    old_bac_ninh = Province.objects.get(code="27")
    assert old_bac_ninh.alias_list() == ["Bắc Ninh cũ"]
    assert "bac ninh cu" in old_bac_ninh.search_text
    hand_made.refresh_from_db()
    assert hand_made.short_name == "Tỉnh thủ công"


@pytest.mark.django_db
def test_bad_data_file_is_refused_with_file_and_line_and_nothing_is_written(small_data):
    text = SMALL_FILES["districts_2025-01.csv"] + "214,Huyện Lạ,Lạ,làng,24\n"
    (small_data / "districts_2025-01.csv").write_text(text, encoding="utf-8")

    with pytest.raises(UnitDataError, match=r"districts_2025-01.csv:3: unknown unit type 'làng'"):
        units_load(data_dir=small_data)
    assert not AdministrativeUnit.objects.exists()


@pytest.mark.django_db
def test_unknown_parent_and_inconsistent_merger_are_refused(small_data):
    (small_data / "communes_2025-01.csv").write_text(
        "code,name,short_name,type,district_code\n07165,Xã Đồng Tiến,Đồng Tiến,xã,999\n", encoding="utf-8"
    )
    with pytest.raises(UnitDataError, match=r"communes_2025-01.csv:2: the parent district 999"):
        units_load(data_dir=small_data)

    (small_data / "communes_2025-01.csv").write_text(SMALL_FILES["communes_2025-01.csv"], encoding="utf-8")
    (small_data / "provinces_34.csv").write_text(
        SMALL_FILES["provinces_34.csv"].replace("24;27", "24;27;30"), encoding="utf-8"
    )
    with pytest.raises(UnitDataError, match=r"predecessor 30 does not name this unit"):
        units_load(data_dir=small_data)


@pytest.mark.django_db
def test_missing_data_file_is_refused(small_data):
    (small_data / "communes_2025-07.csv").unlink()
    with pytest.raises(UnitDataError, match=r"communes_2025-07\.csv is missing"):
        units_load(data_dir=small_data)


def test_shipped_district_and_commune_files_are_the_shared_copies():
    """The three large files are unchanged copies (SOURCES.md); the province files are checked below."""
    shared = Path(settings.SHARED_DIR) / "data" / "units"
    if not shared.exists():
        pytest.skip(f"shared reference data not found in {shared} (../shared beside the project root)")
    for name in ("districts_2025-01.csv", "communes_2025-01.csv", "communes_2025-07.csv"):
        assert (DATA_DIR / name).read_bytes() == (shared / name).read_bytes(), name


# --- the real units (loaded once per session, see tests/conftest.py) ---


@pytest.mark.django_db
def test_loadunits_twice_creates_and_updates_nothing(real_units):
    assert real_units.created + real_units.unchanged == TOTAL_UNITS
    out = StringIO()

    call_command("loadunits", stdout=out)

    assert f"0 created, 0 updated, {TOTAL_UNITS} unchanged" in out.getvalue()
    assert "successor links: 0 added, 0 removed" in out.getvalue()
    assert "Nothing changed." in out.getvalue()


@pytest.mark.django_db
def test_old_structure_counts_on_30_june_2025(real_units):
    assert Province.objects.in_force_on(OLD_DAY).count() == 63
    assert District.objects.in_force_on(OLD_DAY).count() == 696
    assert Commune.objects.in_force_on(OLD_DAY).count() == 10_051


@pytest.mark.django_db
def test_new_structure_counts_on_1_july_2025(real_units):
    assert Province.objects.in_force_on(REORGANISATION_DATE).count() == 34
    assert Commune.objects.in_force_on(REORGANISATION_DATE).count() == 3_321
    assert not District.objects.in_force_on(REORGANISATION_DATE).exists()


@pytest.mark.django_db
def test_every_old_province_has_one_successor_and_every_new_one_a_predecessor(real_units):
    old = Province.objects.in_force_on(OLD_DAY).annotate(n=Count("successors"))
    new = Province.objects.in_force_on(REORGANISATION_DATE).annotate(n=Count("predecessors"))

    assert sorted({p.n for p in old}) == [1]
    assert min(p.n for p in new) >= 1
    assert sum(p.n for p in new) == 63
    ho_chi_minh = new.get(code="79")
    assert sorted(ho_chi_minh.predecessors.values_list("code", flat=True)) == ["74", "77", "79"]


@pytest.mark.django_db
def test_code_24_is_bac_giang_before_and_the_new_bac_ninh_after(real_units):
    assert Province.objects.in_force_on(datetime.date(2024, 12, 31)).get(code="24").short_name == "Bắc Giang"
    new = Province.objects.in_force_on(REORGANISATION_DATE).get(code="24")
    assert new.short_name == "Bắc Ninh"
    assert set(new.predecessors.values_list("short_name", flat=True)) == {"Bắc Giang", "Bắc Ninh"}


@pytest.mark.django_db
def test_regions_for_the_63_and_none_for_the_34(real_units):
    old = Province.objects.in_force_on(OLD_DAY)
    assert dict(old.values_list("region").annotate(n=Count("id")).order_by()) == {
        Region.NORTHERN_MIDLANDS: 14,
        Region.RED_RIVER_DELTA: 11,
        Region.NORTH_CENTRAL_COAST: 14,
        Region.CENTRAL_HIGHLANDS: 5,
        Region.SOUTH_EAST: 6,
        Region.MEKONG_DELTA: 13,
    }
    assert set(Province.objects.in_force_on(REORGANISATION_DATE).values_list("region", flat=True)) == {""}


@pytest.mark.django_db
def test_types_validity_and_derived_fields_are_set_by_the_bulk_load(real_units):
    hue = Province.objects.get(code="46", valid_from=None)
    assert (hue.short_name, hue.name, hue.unit_type) == ("Thừa Thiên Huế", "Tỉnh Thừa Thiên Huế", UnitType.PROVINCE)
    assert "Huế" in hue.alias_list()
    assert (hue.valid_from, hue.valid_to) == (None, OLD_DAY)
    dak_lak = Province.objects.get(code="66", valid_from=REORGANISATION_DATE)
    assert dak_lak.valid_to is None
    assert dak_lak.search_text.startswith("dak lak | tinh dak lak")
    assert dak_lak.sort_key == sort_key("Đắk Lắk")
    assert Commune.objects.filter(unit_type=UnitType.SPECIAL_ZONE).count() == 13
    commune = Commune.objects.select_related("parent__parent").get(code="00004", valid_from=None)
    assert (commune.parent.short_name, commune.parent.parent.short_name) == ("Ba Đình", "Hà Nội")


def test_the_shipped_province_files_agree_with_the_shared_lists():
    shared = Path(settings.SHARED_DIR) / "data" / "units"
    if not shared.exists():
        pytest.skip(f"shared reference data not found in {shared} (../shared beside the project root)")
    ours = {r["code"]: r for r in csv.DictReader((DATA_DIR / "provinces_63.csv").open(encoding="utf-8"))}
    theirs = {r["code"]: r for r in csv.DictReader((shared / "provinces_2008_2025.csv").open(encoding="utf-8"))}
    assert ours.keys() == theirs.keys()
    for code, row in theirs.items():
        assert (ours[code]["region"], ours[code]["successor_code"]) == (row["region"], row["successor_code"])
        if code != "46":  # kept as Thừa Thiên Huế, see provinces/data/SOURCES.md
            assert (ours[code]["name"], ours[code]["short_name"]) == (row["name"], row["short_name"])


@pytest.mark.django_db
def test_a_load_that_changes_units_starts_a_new_page_cache_generation_and_a_load_that_does_not_keeps_it(small_data):
    from indicators.signals import data_generation

    before = data_generation()
    units_load(data_dir=small_data)
    after_first = data_generation()
    assert after_first != before
    units_load(data_dir=small_data)
    assert data_generation() == after_first
