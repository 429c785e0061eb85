"""The indicator catalogue: loaded from indicators/data/*.csv, idempotently, with series breaks."""

import csv
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from indicators.catalogue import DATA_DIR, CatalogueError, catalogue_load
from indicators.models import Indicator, SeriesBreak

pytestmark = pytest.mark.usefixtures("english_messages")

SHARED_DATA = Path(settings.SHARED_DIR) / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED_DATA / "seed_figures.csv").exists(), reason=f"reference data not found in {SHARED_DATA}"
)


def _snapshot() -> list[tuple]:
    return list(Indicator.objects.order_by("code").values_list()) + list(SeriesBreak.objects.values_list())


def _copy_catalogue(tmp_path: Path) -> Path:
    for name in ("indicators.csv", "series_breaks.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with (DATA_DIR / "indicators.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({name: "" for name in header} | row)


PCI_SUBINDEX = {
    "code": "pci_time_costs",
    "group": "pci",
    "parent": "pci",
    "name_vi": "Chi phí thời gian",
    "name_en": "Time costs",
    "measure_unit": "points",
    "min": "0",
    "max": "10",
    "decimals": "2",
    "direction": "higher",
    "levels": "province",
    "display_order": "40",
}


@pytest.mark.django_db
def test_loadcatalogue_twice_changes_nothing_the_second_time():
    first, second = StringIO(), StringIO()
    call_command("loadcatalogue", stdout=first)
    snapshot = _snapshot()
    call_command("loadcatalogue", stdout=second)

    count = Indicator.objects.count()
    assert f"indicators: {count} created, 0 updated, 0 unchanged" in first.getvalue()
    assert f"indicators: 0 created, 0 updated, {count} unchanged" in second.getvalue()
    assert "series breaks: 0 created, 0 updated, 2 unchanged" in second.getvalue()
    assert _snapshot() == snapshot


@needs_shared
@pytest.mark.django_db
def test_catalogue_has_every_code_used_by_the_seed_figures_and_the_index_files():
    catalogue_load()
    with (SHARED_DATA / "seed_figures.csv").open(encoding="utf-8") as handle:
        used = {row["indicator"] for row in csv.DictReader(handle)}
    index_files = {"par_index", "sipas", "papi", "pci"}
    assert all((SHARED_DATA / f"{code}.csv").exists() for code in index_files)

    missing = (used | index_files) - set(Indicator.objects.values_list("code", flat=True))

    assert missing == set()


@pytest.mark.django_db
def test_headline_indices_come_first_with_their_short_names():
    catalogue_load()
    first_four = list(Indicator.objects.values_list("code", "short_name")[:4])
    assert first_four == [("par_index", "PAR INDEX"), ("sipas", "SIPAS"), ("papi", "PAPI"), ("pci", "PCI")]


@pytest.mark.django_db
def test_decimals_follow_the_unit_of_measure_and_papi_prints_three():
    catalogue_load()
    decimals = {(i.measure_unit, i.decimals) for i in Indicator.objects.exclude(code="papi")}
    assert decimals <= {("percent", 2), ("points", 2), ("count", 0)}
    assert Indicator.objects.get(code="papi").decimals == 3


@pytest.mark.django_db
def test_papi_range_uses_the_80_point_scale_and_both_breaks_are_recorded():
    catalogue_load()
    papi = Indicator.objects.get(code="papi")
    assert papi.max_value == 80
    breaks = {(b.indicator.code, b.year): b for b in SeriesBreak.objects.select_related("indicator")}
    assert set(breaks) == {("papi", 2018), ("sipas", 2022)}
    assert "87,16%" in breaks[("sipas", 2022)].note_vi
    assert "80.08%" in breaks[("sipas", 2022)].note_en
    assert "80" in breaks[("papi", 2018)].note_en and "60" in breaks[("papi", 2018)].note_en


@pytest.mark.django_db
def test_par_components_belong_to_the_par_index_and_every_row_passes_model_validation():
    catalogue_load()
    components = Indicator.objects.filter(code__startswith="par_c")
    assert components.count() == 8
    assert set(components.values_list("parent__code", flat=True)) == {"par_index"}
    for indicator in Indicator.objects.all():
        indicator.full_clean()
        assert indicator.name_vi and indicator.name_en


@pytest.mark.django_db
def test_a_parent_defined_in_another_file_is_resolved(tmp_path):
    data_dir = _copy_catalogue(tmp_path)
    # Sorted file names put indicators_pci.csv after indicators.csv; "aaa" puts the child first.
    _write(data_dir / "indicators_aaa.csv", [PCI_SUBINDEX])

    report = catalogue_load(data_dir=data_dir)

    assert Indicator.objects.get(code="pci_time_costs").parent.code == "pci"
    assert report.indicators["created"] == Indicator.objects.count()
    assert catalogue_load(data_dir=data_dir).indicators["unchanged"] == Indicator.objects.count()


@pytest.mark.django_db
def test_a_changed_row_is_reported_as_updated(tmp_path):
    data_dir = _copy_catalogue(tmp_path)
    _write(data_dir / "indicators_pci.csv", [PCI_SUBINDEX])
    catalogue_load(data_dir=data_dir)
    _write(data_dir / "indicators_pci.csv", [PCI_SUBINDEX | {"name_en": "Time cost of regulatory compliance"}])

    report = catalogue_load(data_dir=data_dir)

    assert report.indicators["updated"] == 1
    assert Indicator.objects.get(code="pci_time_costs").name_en == "Time cost of regulatory compliance"


@pytest.mark.django_db
def test_an_unknown_parent_is_refused_and_nothing_is_loaded(tmp_path):
    data_dir = _copy_catalogue(tmp_path)
    _write(data_dir / "indicators_pci.csv", [PCI_SUBINDEX | {"parent": "pci_total"}])

    with pytest.raises(CommandError, match=r"indicators_pci.csv line 2: parent pci_total is not defined"):
        call_command("loadcatalogue", data_dir=data_dir, stdout=StringIO())

    assert Indicator.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"group": "governance"}, r"line 2, group: “governance” is not one of"),
        ({"max": "80,5"}, r"line 2, max: “80,5” is not a number"),
        ({"levels": "province,ward"}, r"line 2: Use one or more of"),
        ({"code": "par_index"}, r"line 2: code par_index is already defined in indicators.csv line 2"),
    ],
)
def test_a_malformed_row_is_refused_with_its_file_line_and_column(tmp_path, change, message):
    data_dir = _copy_catalogue(tmp_path)
    _write(data_dir / "indicators_pci.csv", [PCI_SUBINDEX | change])

    with pytest.raises(CatalogueError, match=message):
        catalogue_load(data_dir=data_dir)
