"""The published results load through the import service: every row, its source, and its rank basis."""

import csv
import html as html_module
import io
import re
import shutil
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from indicators.importing.published import (
    AVERAGES_FILE,
    DISPUTES_FILE,
    PUBLISHED_DIR,
    VALUE_FILES,
    published_convert,
    published_load,
)
from indicators.models import (
    AverageScope,
    DisputedFigure,
    ImportBatch,
    PublishedAverage,
    RankBasis,
    Source,
    SourceClass,
    Value,
)
from indicators.ranking_summary import summary_differences
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
    assert summary_differences() == []  # the ranking summary, refreshed by the gate while loading


@pytest.mark.django_db
def test_the_documented_sample_file_matches_the_published_data(published):
    out = io.StringIO()
    with translation.override("en"):  # the summary is asserted in English
        call_command("importvalues", str(PUBLISHED_DIR.parent / "sample_import.csv"), "--dry-run", stdout=out)
    assert "To create: 0 · to update: 0 · unchanged: 4" in out.getvalue()


# -- round 2 (issue #16): corrections, source classes, disputes, the PCI additions ---------------------------

RANKING = "/rankings/"
SOURCE_LINK = re.compile(r'<a href="(?P<url>[^"]+)" rel="noopener noreferrer"[^>]*>[^<]*</a>(?P<after>.{0,60})', re.S)
BADGE = re.compile(r' <span class="badge source-class source-class-(?P<cls>[a-z_]+)')


def table_row(html: str, name: str) -> str:
    """Return the ranking table's row of a unit (the page's dropdowns also name it)."""
    body = html.split("<tbody", 1)[1]
    return next(r for r in body.split("<tr") if f">{name}</a>" in r)


def ranking_html(client, code: str, year: int) -> str:
    response = client.get(RANKING, {"indicator": code, "year": year})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_papi_2019_quang_ninh_reads_the_corrected_figure_on_its_profile(published, client):
    value = Value.objects.get(indicator__code="papi", unit__code="22", year=2019)
    assert value.value == Decimal("46.66") and value.rank == 3
    html = client.get("/provinces/22/", {"on": "2024-12-31"}).content.decode()
    assert "46,66" in html and "44,66" not in html


@pytest.mark.django_db
def test_a_changed_figure_is_corrected_through_the_history_with_the_loadpublished_channel(published, client, tmp_path):
    for name in [*VALUE_FILES, AVERAGES_FILE, DISPUTES_FILE]:
        shutil.copy(PUBLISHED_DIR / name, tmp_path / name)
    old = (
        (tmp_path / "papi.csv")
        .read_text(encoding="utf-8")
        .replace("22,Quảng Ninh,province,2019,papi,46.66,", "22,Quảng Ninh,province,2019,papi,44.66,")
    )
    (tmp_path / "papi.csv").write_text(old, encoding="utf-8")
    published_load(data_dir=tmp_path)  # the figure as it was, then the corrected collection
    result = published_load(data_dir=PUBLISHED_DIR)
    assert result.reports["papi.csv"].counts["update"] == 1
    assert sum(r.counts["update"] for r in result.reports.values()) == 1
    value = Value.objects.get(indicator__code="papi", unit__code="22", year=2019)
    assert (value.value, value.previous_value, value.previous_rank) == (Decimal("46.66"), Decimal("44.66"), 3)
    assert value.corrected_at is not None and value.status == "approved"
    latest = value.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == "loadpublished: papi.csv" and latest.value == Decimal("46.66")
    html = client.get("/provinces/22/", {"on": "2024-12-31"}).content.decode()
    corrected = re.search(r'<small class="corrected">([^<]*)</small>', html)
    assert corrected and "44,66" in corrected[1] and "46,66" in html
    assert summary_differences() == []


@pytest.mark.django_db
def test_pci_2020_ranks_all_63_provinces(published, client):
    assert Value.objects.filter(indicator__code="pci", year=2020, unit__level="province").count() == 63
    response = client.get(RANKING, {"indicator": "pci", "year": 2020})
    ranking = response.context["ranking"]
    assert ranking.n_with_value == ranking.n_units == 63
    assert ranking.rows["rank"].notna().all() and ranking.rows["published_rank"].notna().all()
    assert ranking.rows.loc[0, "name"] == "Quảng Ninh"
    assert set(ranking.rows["source_class"]) == {"official"}


@pytest.mark.django_db
def test_a_partial_table_implies_no_rank_for_the_provinces_it_omits(published):
    listed = {r["unit_code"] for r in file_rows("pci.csv") if r["year"] == "2021"}
    stored = set(Value.objects.filter(indicator__code="pci", year=2021).values_list("unit__code", flat=True))
    assert stored == listed and len(stored) < 63
    vinh_phuc_2017 = Value.objects.get(indicator__code="pci", unit__code="26", year=2017)
    assert vinh_phuc_2017.source.url.startswith("http://doanhnghiep.vinhphuc.gov.vn/")


@pytest.mark.django_db
def test_the_complete_series_of_binh_phuoc_and_ninh_binh_are_loaded(published):
    binh_phuoc = set(Value.objects.filter(indicator__code="pci", unit__code="70").values_list("year", flat=True))
    ninh_binh = set(Value.objects.filter(indicator__code="pci", unit__code="37").values_list("year", flat=True))
    assert binh_phuoc >= set(range(2006, 2023)) and ninh_binh >= set(range(2006, 2024))


@pytest.mark.django_db
def test_every_source_of_an_index_row_has_the_class_of_the_collection(published):
    for name in ("par_index.csv", "sipas.csv", "papi.csv", "pci.csv", "pci_subindices.csv", "par_components.csv"):
        for row in file_rows(name):
            if row["source_url"] and row["source_class"]:
                assert (
                    Source.objects.get(url=row["source_url"], title=row["source_title"]).source_class
                    == row["source_class"]
                )
    assert not Source.objects.filter(values__isnull=False).exclude(url="").filter(source_class="").exists()
    assert Source.objects.get(url__contains="ufabetindo.in").source_class == SourceClass.REPUBLISHER


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["par_index", "sipas", "papi", "pci"])
def test_no_figure_links_to_a_source_without_its_class_badge(published, client, code):
    classes = dict(Source.objects.exclude(url="").values_list("url", "source_class"))
    for year in Value.objects.filter(indicator__code=code).values_list("year", flat=True).distinct():
        html = ranking_html(client, code, year)
        cells = re.findall(r'<td class="source">(.*?)</td>', html, flags=re.S)
        links = [link for cell in cells for link in SOURCE_LINK.finditer(cell)]
        assert links
        for link in links:
            badge = BADGE.match(link["after"])
            assert badge is not None, link[0]  # a link is always followed by its badge
            assert badge["cls"] == classes[html_module.unescape(link["url"])]
        weak_rows = Value.objects.filter(
            indicator__code=code, year=year, source__source_class__in=["republisher", "other"]
        )
        assert html.count('class="weak-source"') >= weak_rows.filter(unit__level="province").count()


@pytest.mark.django_db
def test_a_figure_resting_only_on_a_republisher_is_marked_on_ranking_and_profile(published, client):
    da_nang = Value.objects.get(indicator__code="par_index", unit__code="48", year=2013)
    assert da_nang.source.source_class == SourceClass.REPUBLISHER
    html = ranking_html(client, "par_index", 2013)
    row = table_row(html, "Đà Nẵng")
    assert 'class="weak-source"' in row and "source-class-republisher" in row
    profile = client.get("/provinces/48/", {"on": "2024-12-31"}).content.decode()
    assert 'class="weak-source"' in profile and "source-class-republisher" in profile


@pytest.mark.django_db
def test_disputed_figures_keep_the_chosen_source_and_show_the_other_with_its_own(published, client):
    hai_phong = Value.objects.get(indicator__code="par_index", unit__code="31", year=2023)
    assert hai_phong.value == Decimal("91.87") and "baochinhphu" in hai_phong.source.url
    also = hai_phong.note.split("Also reported by:")[-1] if "Also reported by:" in hai_phong.note else ""
    assert "doanhnghiephoinhap" not in also
    dispute = DisputedFigure.objects.get(value=hai_phong)
    assert dispute.figure == Decimal("91.81") and dispute.source.source_class == SourceClass.OTHER
    ca_mau = DisputedFigure.objects.get(value__indicator__code="par_index", value__unit__code="96", value__year=2023)
    assert (ca_mau.value.rank, ca_mau.rank, ca_mau.figure) == (32, 34, None)
    html = ranking_html(client, "par_index", 2023)
    row = table_row(html, "Hải Phòng")
    assert "91,87" in row and "91,81" in row and "doanhnghiephoinhap" in row and 'class="disputed"' in row
    assert "baocamau.vn" in table_row(html, "Cà Mau")
    profile = client.get("/provinces/31/", {"on": "2024-12-31"}).content.decode()
    assert "91,81" in profile and "doanhnghiephoinhap" in profile


@pytest.mark.django_db
def test_loading_twice_leaves_disputes_and_source_classes_unchanged(published):
    out = io.StringIO()
    call_command("loadpublished", stdout=out)
    assert "disputed figures: 0 created, 0 updated, 3 unchanged" in out.getvalue()
    assert ImportBatch.objects.count() == len(VALUE_FILES)


@pytest.mark.django_db
def test_the_indicator_page_shows_each_cited_source_with_its_class(published, client):
    html = client.get("/indicators/par_index/").content.decode()
    section = html.split('id="sources-title"')[1].split("</section>")[0]
    assert section.count("<li>") == section.count("source-class-") > 0


@pytest.mark.django_db
def test_the_seed_figures_missing_from_the_first_round_are_loaded_with_their_article(published):
    inspections = Value.objects.get(indicator__code="inspections_unplanned", unit__code="19", year=2024)
    assert inspections.value == 27 and inspections.qualifier == "as_of" and "first quarter" in inspections.note
    assert inspections.source.title.startswith("Thái Nguyên đẩy mạnh") and "001_d1c11d818337eedb.txt" in (
        inspections.source.note
    )
    communes = Value.objects.get(indicator__code="staff_computer_rate_communes", year=2022)
    assert (communes.unit.short_name, communes.value, communes.qualifier) == ("Núi Thành", 95, "gt")
    networks = Value.objects.get(indicator__code="party_network_communes", unit__code="66", year=2016)
    assert networks.value == 105 and "of 184" in networks.note
    assert Value.objects.filter(import_batch__note="loadpublished: seed_figures_additions.csv").count() == 16


@pytest.mark.skipif(not (settings.SHARED_DIR / "data" / "additions").is_dir(), reason="shared/data is not present")
def test_the_committed_files_are_what_the_converter_makes_from_the_collection(tmp_path):
    written = published_convert(shared_dir=settings.SHARED_DIR / "data", out_dir=tmp_path)
    assert written["pci.csv"] == 317 and written[DISPUTES_FILE] == 3
    for name in written:
        assert (tmp_path / name).read_bytes() == (PUBLISHED_DIR / name).read_bytes(), name
