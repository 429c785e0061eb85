"""The import service through `manage.py importvalues`: formats, layouts, numbers, errors, idempotence."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from indicators.importing import values_import
from indicators.importing.jobs import preview_data
from indicators.models import ImportBatch, MeasureUnit, RankBasis, Source, Value
from provinces.models import Level
from tests.factories import make_indicator, make_source, make_three_provinces, make_unit, make_value

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


@pytest.fixture
def world():
    """Three provinces of the 63-province structure, a district, and PAR/PAPI-like indicators."""
    world = make_three_provinces()
    world["district"] = make_unit(level=Level.DISTRICT, code="517", short_name="Núi Thành", parent=world["thanh_hoa"])
    world["papi"] = make_indicator(code="papi", measure_unit=MeasureUnit.POINTS, max_value=80, levels="province")
    return world


def run(content: bytes | str, *, name: str = "values.csv", **kwargs):
    if isinstance(content, str):
        content = content.encode("utf-8")
    if "source" not in kwargs:
        kwargs["source"] = Source.objects.get_or_create(title="Báo cáo PAR INDEX 2023", url="https://example.org/par")[
            0
        ]
    return values_import(content=content, file_name=name, **kwargs)


def messages(report) -> str:
    return "\n".join(str(e) for e in report.errors) + report.file_error


LONG = 'unit,year,indicator,value,rank\nHà Nội,2023,par_index,"91,5",3\nĐắk Lắk,2023,par_index,"85,2",40\n'


def stored(unit, indicator, year=2023) -> Value:
    return Value.objects.get(unit=unit, indicator=indicator, year=year)


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("utf-8", ";"), ("utf-16", "\t"), ("utf-8-sig", ";")],
)
def test_csv_encodings_and_separators_are_detected(world, encoding, delimiter):
    text = LONG.replace(",", "|").replace('"91|5"', "91,5").replace('"85|2"', "85,2")
    text = text.replace("|", delimiter) if delimiter != "," else LONG
    report = run(text.encode(encoding))
    assert report.ok, messages(report)
    assert report.written and report.delimiter == delimiter
    assert stored(world["ha_noi"], world["par"]).value == Decimal("91.5")
    assert stored(world["dak_lak"], world["par"]).rank == 40


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_long_layout_with_vietnamese_headers(world):
    content = xlsx_bytes([["Tỉnh", "Năm", "Chỉ số", "Giá trị", "Xếp hạng"], ["Ha Noi", 2023, "par_index", 91.25, 3]])
    report = run(content, name="ket-qua.xlsx")
    assert report.ok, messages(report)
    assert report.file_format == "xlsx"
    value = stored(world["ha_noi"], world["par"])
    assert (value.value, value.rank, value.rank_basis) == (Decimal("91.25"), 3, RankBasis.STATED)


def test_wide_layout_one_column_per_indicator_and_rank_columns(world):
    text = "Mã tỉnh;Năm;par_index;par_index_rank;papi\n01;2023;91,5;3;45,7\n66;2023;;12;\n"
    report = run(text)
    assert report.ok, messages(report)
    assert report.layout == "wide"
    assert stored(world["ha_noi"], world["papi"]).value == Decimal("45.7")
    dak_lak = stored(world["dak_lak"], world["par"])
    assert (dak_lak.value, dak_lak.rank) == (None, 12)
    assert not Value.objects.filter(unit=world["dak_lak"], indicator=world["papi"]).exists()


@pytest.mark.parametrize("name", ["Đắk Lắk", "dak lak", "Tỉnh Đắk Lắk", "DAK LAK", "Đăk Lăk", "66"])
def test_unit_name_variants_resolve(world, name):
    report = run(f"unit,year,indicator,value\n{name},2023,par_index,80\n")
    assert report.ok, messages(report)
    assert stored(world["dak_lak"], world["par"]).value == 80


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("91,5", "91.5"), ("91.5", "91.5"), ("91,5%", "91.5"), ("1.746", "1746"), (" 88 ", "88")],
)
def test_vietnamese_numbers(world, cell, expected):
    indicator = world["count"] if cell == "1.746" else world["par"]
    other = "80,25" if cell == "1.746" else "80"  # a decimal comma elsewhere settles 1.746 as thousands
    report = run(f"unit;year;indicator;value\nHà Nội;2023;{indicator.code};{cell}\nĐắk Lắk;2023;par_index;{other}\n")
    assert report.ok, messages(report)
    assert stored(world["ha_noi"], indicator).value == Decimal(expected)


def test_missing_markers_are_no_value_not_zero(world):
    report = run("unit,year,indicator,value,rank\nHà Nội,2023,par_index,N/A,\nĐắk Lắk,2023,par_index,N/A,-\n\n")
    assert report.ok, messages(report)
    assert report.no_figure_lines == [2, 3] and report.blank_lines == [4]
    assert not Value.objects.exists()


def test_a_row_with_blank_value_and_rank_is_an_error_not_skipped(world):
    report = run("unit,year,indicator,value,rank\nHà Nội,2023,par_index,,\nĐắk Lắk,2023,par_index,85,\n")
    assert [(e.line, e.column) for e in report.errors] == [(2, "value")]
    assert not Value.objects.exists()


def test_all_ambiguous_numbers_need_a_stated_convention(world):
    text = "unit,year,indicator,value\nHà Nội,2023,departments,1.746\n"
    report = run(text)
    assert not report.ok and "--decimal" in messages(report)
    assert run(text, decimal="comma").ok
    assert stored(world["ha_noi"], world["count"]).value == 1746


def test_conflicting_decimal_conventions_are_errors(world):
    report = run('unit,year,indicator,value\nHà Nội,2023,par_index,"91,5"\nĐắk Lắk,2023,par_index,85.25\n')
    assert not report.ok
    assert "line 3" in messages(report) and "decimal" in messages(report)
    assert not Value.objects.exists()


def test_every_bad_row_is_reported_with_line_column_and_reason_and_nothing_is_written(world):
    text = (
        "unit,year,indicator,value,rank\n"
        "Hà Nội,2023,par_index,91.5,3\n"  # good
        "Tỉnh Xyz,2023,par_index,80.5,\n"  # unknown province
        "Đắk Lắk,2023,par_index,120,\n"  # above the maximum
        "Đắk Lắk,2099,par_index,80.5,\n"  # future year
        "Hà Nội,2023,par_index,90.5,\n"  # duplicate of line 2
        "Núi Thành,2023,papi,40.5,\n"  # not applicable at the district level
        "Hà Nội,2023,par_indx,80.5,\n"  # unknown code
        "Thanh Hóa,2023,par_index,abc,0\n"  # not a number, not a rank
        "Thanh Hóa,2026x,par_index,80.5,\n"  # not a year
    )
    report = run(text)
    found = {(e.line, e.column) for e in report.errors}
    assert {(3, "unit"), (4, "value"), (5, "year"), (6, "indicator"), (7, "indicator"), (8, "indicator")} <= found
    assert {(9, "value"), (9, "rank"), (10, "year")} <= found
    text_of = messages(report)
    assert "Tỉnh Xyz" in text_of
    assert "120 is above the maximum 100 for par_index" in text_of
    assert "already on line 2" in text_of
    assert "did you mean par_index" in text_of
    assert "does not apply to the" in text_of
    assert Value.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_unit_not_in_force_that_year_is_an_error(world):
    make_unit(code="91", short_name="An Giang mới", valid_from=world["ha_noi"].valid_to, valid_to=None)
    report = run("unit,year,indicator,value\nAn Giang mới,2023,par_index,80\n")
    assert not report.ok
    assert report.errors[0].line == 2


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02\x03binary\x00\x00junk" * 20, "binary"),
        (b"\x89PNG\r\n\x1a\n0000", "PNG"),
        (b"PK\x03\x04not really a workbook", "Excel"),
        ("unit,year,indicator,value\n".encode("cp1258") + b"H\xe0 N\xf4i,2023,par_index,80\n", "UTF-8"),
        (b"just one line of words without separators\n", "columns"),
        (b"unit,year,indicator,value\n", "no data rows"),
    ],
)
def test_files_that_are_not_tables_are_refused_clearly(world, content, phrase):
    report = run(content)
    assert not report.ok
    assert phrase.lower() in report.file_error.lower()
    assert Value.objects.count() == 0


def test_oversized_file_is_refused(world, settings):
    settings.IMPORT_MAX_BYTES = 100
    report = run(LONG + "x" * 200)
    assert "largest file accepted" in report.file_error


def test_missing_columns_are_named(world):
    report = run("tinh,value\nHà Nội,80\n")
    assert not report.ok and "No year column" in messages(report)


def test_import_twice_changes_nothing_the_second_time(world):
    first = run(LONG)
    assert first.counts["create"] == 2
    before = list(Value.objects.values_list("pk", "updated_at"))
    second = run(LONG)
    assert second.ok and second.counts == {
        "create": 0,
        "update": 0,
        "unchanged": 2,
        "error_rows": 0,
        "empty": 0,
        "no_figure": 0,
    }
    assert not second.written
    assert list(Value.objects.values_list("pk", "updated_at")) == before
    assert ImportBatch.objects.count() == 1


def test_dry_run_writes_nothing_and_previews_counts(world):
    make_value(indicator=world["par"], unit=world["ha_noi"], year=2023, value="90")
    text = LONG + 'Thanh Hóa,2023,par_index,"80,5",\n'
    report = run(text, dry_run=True)
    assert report.counts["create"] == 2 and report.counts["update"] == 1
    update = report.by_action("update")[0]
    assert "value 90 → 91.5" in str(update)
    assert Value.objects.count() == 1 and stored(world["ha_noi"], world["par"]).value == 90


def test_a_file_changing_published_figures_writes_their_corrections_and_the_preview_names_the_old_source(world):
    published = make_value(indicator=world["par"], unit=world["ha_noi"], value="90", rank=5, rank_basis="stated",
                           source=make_source(title="Nguồn cũ"))  # fmt: skip

    preview = run(LONG, dry_run=True)
    assert preview_data(preview)["updates"][0]["changes"] == [
        ["value", "90", "91.5"], ["rank", "5", "3"], ["source", "Nguồn cũ", "Báo cáo PAR INDEX 2023"]
    ]  # fmt: skip
    report = run(LONG, seen_versions=preview.versions)

    assert report.written, messages(report)
    published.refresh_from_db()
    assert (published.value, published.rank, published.version) == (Decimal("90"), 5, 2)  # still public, now stale
    correction = Value.objects.get(correction_of=published)
    assert (correction.value, correction.rank, correction.status, correction.source.title, correction.import_batch) == (
        Decimal("91.5"), 3, "draft", "Báo cáo PAR INDEX 2023", report.batch
    )  # fmt: skip
    record = correction.history.get()
    assert (record.history_type, record.history_change_reason, record.value, record.correction_of_id) == (
        "+", "import: values.csv", Decimal("91.5"), published.pk
    )  # fmt: skip


def test_written_values_record_source_user_and_batch(world, django_user_model):
    user = django_user_model.objects.create_superuser("importer", password="a-long-test-password")
    make_value(
        indicator=world["par"], unit=world["ha_noi"], year=2023, value="90", note="typed by hand", status="draft"
    )
    report = run(LONG, user=user)
    assert report.written
    value = stored(world["ha_noi"], world["par"])
    assert value.source.title == "Báo cáo PAR INDEX 2023"
    assert value.updated_by == user and value.import_batch == report.batch
    assert value.note == "typed by hand"  # a file without a note column keeps the stored note
    created = stored(world["dak_lak"], world["par"])
    assert created.created_by == user and created.import_batch.rows_created == 1
    assert report.batch.rows_updated == 1


def test_per_row_sources_and_rank_basis(world):
    text = (
        "unit,year,indicator,value,rank,rank_basis,note,source_title,source_url\n"
        "Hà Nội,2022,par_index,,9,derived,rank 6 up 3 places,VNA,https://example.org/a\n"
    )
    report = run(text, source=None)
    assert report.ok, messages(report)
    value = stored(world["ha_noi"], world["par"], 2022)
    assert value.rank_basis == RankBasis.DERIVED and not value.is_official_rank
    assert (value.source.title, value.source.url, value.note) == ("VNA", "https://example.org/a", "rank 6 up 3 places")


def test_rows_without_any_source_are_errors(world):
    report = run(LONG, source=None)
    assert not report.ok and "No source" in messages(report)


def test_percent_sign_on_points_indicator_is_an_error(world):
    report = run("unit,year,indicator,value\nHà Nội,2023,papi,45%\n")
    assert "percent sign" in messages(report)


def test_command_dry_run_prints_summary_and_writes_nothing(world, tmp_path):
    path = tmp_path / "values.csv"
    path.write_text(LONG, encoding="utf-8")
    out = io.StringIO()
    call_command("importvalues", str(path), "--dry-run", "--source-title", "Báo cáo mới", stdout=out)
    assert "To create: 2" in out.getvalue() and "Dry run" in out.getvalue()
    assert not Value.objects.exists() and not Source.objects.filter(title="Báo cáo mới").exists()
    call_command(
        "importvalues", str(path), "--source-title", "Báo cáo mới", "--source-url", "https://e.org/r", stdout=out
    )
    assert Value.objects.filter(source__title="Báo cáo mới").count() == 2


def test_command_reports_errors_and_fails(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("unit,year,indicator,value\nTỉnh Xyz,2023,par_index,80\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("importvalues", str(path), "--source-title", "X", stdout=out)
    assert "line 2" in out.getvalue() and "Tỉnh Xyz" in out.getvalue()
    assert not Source.objects.filter(title="X").exists()


def test_validation_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    rows = "".join(f"{u},{y},par_index,80\n" for u in ("Hà Nội", "Đắk Lắk", "Thanh Hóa") for y in range(2015, 2024))
    source = make_source()
    with django_assert_max_num_queries(5):
        report = values_import(content=("unit,year,indicator,value\n" + rows).encode(), file_name="f.csv",
                               source=source, dry_run=True)  # fmt: skip
    assert report.counts["create"] == 27


def test_a_name_shared_by_a_province_and_a_district_means_the_province_unless_a_level_is_given(world):
    make_unit(level=Level.DISTRICT, code="456", short_name="Đắk Lắk", parent=world["thanh_hoa"])
    assert run("unit,year,indicator,value\nĐắk Lắk,2023,par_index,80\n").ok
    assert stored(world["dak_lak"], world["par"]).value == 80
    report = run("unit,level,year,indicator,value\nĐắk Lắk,district,2023,par_index,70\n")
    assert report.ok, messages(report)
    assert Value.objects.get(unit__level=Level.DISTRICT, year=2023).value == 70


def test_a_district_header_resolves_districts(world):
    report = run("Huyện,year,indicator,value\nNúi Thành,2022,par_index,75\n")
    assert report.ok, messages(report)
    assert stored(world["district"], world["par"], 2022).value == 75


def test_more_than_sign_sets_the_qualifier(world):
    report = run("unit,year,indicator,value\nHà Nội,2023,par_index,>95%\n")
    assert report.ok, messages(report)
    assert stored(world["ha_noi"], world["par"]).qualifier == "gt"


def test_a_source_class_column_sets_the_class_of_new_and_existing_sources(world):
    existing = make_source(title="Báo Đắk Lắk", url="https://baodaklak.vn/par-2023")
    content = (
        "unit,year,indicator,value,source_title,source_url,source_class\n"
        "Hà Nội,2023,par_index,91,Cổng Bộ Nội vụ,https://moha.gov.vn/par-2023,official\n"
        "Đắk Lắk,2023,par_index,85,Báo Đắk Lắk,https://baodaklak.vn/par-2023,news\n"
    )
    report = run(content)
    assert report.ok and report.written, messages(report)
    assert Source.objects.get(url="https://moha.gov.vn/par-2023").source_class == "official"
    existing.refresh_from_db()
    assert existing.source_class == "major_news"
    again = run(content)
    assert again.ok and not again.written  # nothing changed: no empty batch


def test_an_unknown_source_class_refuses_the_file_naming_the_cell(world):
    content = "unit,year,indicator,value,source_title,source_url,source_class\nHà Nội,2023,par_index,91,X,https://x.vn/a,blog\n"
    report = run(content)
    assert not report.ok and not report.written
    assert "line 2" in messages(report) and "source_class" in messages(report) and "blog" in messages(report)
    assert not Value.objects.exists()


def test_the_current_year_is_refused_until_it_has_ended_in_vietnam(world, monkeypatch):
    import datetime

    from django.utils import timezone

    make_unit(code="04", short_name="Cao Bằng", valid_to=None)
    content = "unit,year,indicator,value\nCao Bằng,2026,par_index,80\n"
    # 23:30 on 31 December 2026 in Vietnam: the year has not ended.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC))
    report = run(content)
    assert "Year 2026 has not ended yet" in messages(report)
    assert not Value.objects.exists()
    # 00:30 on 1 January 2027 in Vietnam, still 2026 in UTC: 2026 has ended.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 31, 17, 30, tzinfo=datetime.UTC))
    report = run(content)
    assert not report.errors and Value.objects.filter(year=2026).count() == 1
