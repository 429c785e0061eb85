"""The published results load through the import service: every row, its source, and its rank basis."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from indicators.importing.published import AVERAGES_FILE, PUBLISHED_DIR, VALUE_FILES
from indicators.models import AverageScope, ImportBatch, PublishedAverage, RankBasis, Value
from provinces.models import Region


@pytest.fixture(scope="module")
def published(django_db_setup, django_db_blocker):
    """Load units, catalogue and published data once for the module, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        for command in ("loadunits", "loadcatalogue", "loadpublished"):
            call_command(command, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def file_rows(name: str) -> list[dict[str, str]]:
    with (PUBLISHED_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
@pytest.mark.parametrize("name", VALUE_FILES)
def test_every_row_of_each_file_is_loaded(published, name):
    batch = ImportBatch.objects.get(note=f"loadpublished: {name}")
    assert batch.rows_created == len(file_rows(name)) > 0
    assert Value.objects.filter(import_batch=batch).count() == len(file_rows(name))


@pytest.mark.django_db
def test_totals_match_the_files(published):
    assert Value.objects.count() == sum(len(file_rows(name)) for name in VALUE_FILES)
    assert PublishedAverage.objects.count() == len(file_rows(AVERAGES_FILE))


@pytest.mark.django_db
def test_a_figures_source_url_and_note_are_kept(published):
    value = Value.objects.get(indicator__code="par_index", unit__code="48", year=2012)
    assert value.value == Decimal("87.14") and value.rank == 1
    assert value.source.url == "https://en.vietnamplus.vn/da-nang-tops-nation-in-administrative-reforms/56332.vnp"
    assert "ranked first with 87.14 percent" in value.note


@pytest.mark.django_db
def test_derived_ranks_are_stored_as_derived_and_not_official(published):
    derived = Value.objects.filter(rank_basis=RankBasis.DERIVED)
    expected = sum(1 for name in VALUE_FILES for row in file_rows(name) if row["rank_basis"] == "derived")
    assert derived.count() == expected > 0
    assert not any(v.is_official_rank for v in derived)
    hà_giang = Value.objects.get(indicator__code="pci", unit__code="02", year=2021)
    assert (hà_giang.rank, hà_giang.rank_basis, hà_giang.is_official_rank) == (59, RankBasis.DERIVED, False)


@pytest.mark.django_db
def test_order_implied_ranks_are_kept_as_such(published):
    value = Value.objects.get(indicator__code="par_index", unit__code="77", year=2012)
    assert value.rank_basis == RankBasis.ORDER_IMPLIED and value.is_official_rank


@pytest.mark.django_db
def test_seed_figures_keep_their_article_and_qualifier(published):
    value = Value.objects.get(indicator__code="e_document_rate", unit__code="42", year=2021)
    assert value.qualifier == "gt"
    assert value.source.title == "Hà Tĩnh: Cải cách hành chính được đẩy mạnh"
    assert "000_fbbed1f540949016.txt" in value.source.note
    district = Value.objects.get(indicator__code="procedures_onestop", year=2022)
    assert district.unit.short_name == "Núi Thành" and district.unit.level == "district"


@pytest.mark.django_db
def test_seed_rank_stated_by_the_article_wins_over_a_derived_one(published):
    value = Value.objects.get(indicator__code="par_index", unit__code="19", year=2022)
    assert (value.rank, value.rank_basis) == (9, RankBasis.STATED)
    assert "thitruonghanghoa.com" in value.note  # the collection's derivation stays traceable


@pytest.mark.django_db
def test_pci_subindices_and_par_components_map_to_their_indicators(published):
    assert Value.objects.filter(indicator__parent__code="pci").count() == len(file_rows("pci_subindices.csv"))
    area = Value.objects.get(indicator__code="par_c1_direction", unit__code="67", year=2022)
    assert (area.value, area.rank) == (Decimal("8.94"), 30)
    group = Value.objects.get(indicator__code="par_score_appraised", unit__code="66", year=2023)
    assert group.value == Decimal("57.92") and "61.5" in group.note


@pytest.mark.django_db
def test_published_averages_use_the_2023_report_for_2023(published):
    average = PublishedAverage.objects.get(
        indicator__code="par_index", year=2023, scope=AverageScope.REGION, region=Region.SOUTH_EAST
    )
    assert average.value == Decimal("87.79") and "conflict" in average.note
    assert average.source.url.startswith("https://infographics.vn/")


@pytest.mark.django_db
def test_loading_again_changes_nothing(published):
    out = io.StringIO()
    call_command("loadpublished", stdout=out)
    assert " 0 created, 0 updated" in out.getvalue()
    assert "averages: 0 created, 0 updated" in out.getvalue()


@pytest.mark.django_db
def test_the_documented_sample_file_matches_the_published_data(published):
    out = io.StringIO()
    with translation.override("en"):  # the summary is asserted in English
        call_command("importvalues", str(PUBLISHED_DIR.parent / "sample_import.csv"), "--dry-run", stdout=out)
    assert "To create: 0 · to update: 0 · unchanged: 4" in out.getvalue()
