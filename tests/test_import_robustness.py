"""Imports without exceptions (issue 11): every malformed row reported, the right unit or an error,
values the database can hold, bounded resources, messages in the active language.

The broken files are under tests/files/imports/; the resource bombs are built here (small on disk).
"""

import io
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import translation
from openpyxl import Workbook

from indicators.importing import values_import
from indicators.models import Source, Value, YearLock, value_errors
from provinces.models import AdministrativeUnit, Level
from tests.factories import make_indicator, make_source, make_three_provinces, make_value
from tests.staff import make_staff

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files" / "imports"


@pytest.fixture
def world():
    return make_three_provinces()


def run(content: bytes, *, name: str = "values.csv", **kwargs):
    kwargs.setdefault("source", Source.objects.get_or_create(title="Báo cáo", url="https://example.org/r")[0])
    return values_import(content=content, file_name=name, **kwargs)


def run_file(name: str, **kwargs):
    return run((FILES / name).read_bytes(), name=name, **kwargs)


def text(report) -> str:
    return "\n".join(str(e) for e in report.errors) + report.file_error


# -- 1. malformed rows ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("semicolon_row.csv", 3, "separated by “;” while the file uses “,”"),
        ("truncated_row.csv", 3, "cut short"),
        ("garbage_row.csv", 3, "No value and no rank"),
        ("unterminated_quote.csv", 2, 'a quote (") is not closed'),
    ],
)
def test_a_malformed_row_refuses_the_whole_file_with_its_line_and_reason(world, english_messages, name, line, reason):
    report = run_file(name)
    assert not report.ok
    assert any(e.line == line and reason in e.message for e in report.errors), text(report)
    assert not Value.objects.exists()


def test_blank_lines_are_the_only_rows_skipped_and_are_listed_by_number(world, english_messages):
    content = b"unit,year,indicator,value\nH\xc3\xa0 N\xe1\xbb\x99i,2023,par_index,91.5\n\n,,,\nThanh H\xc3\xb3a,2023,par_index,80\n"
    report = run(content)
    assert report.ok, text(report)
    assert report.blank_lines == [3, 4]
    assert "Empty lines skipped: 3, 4" in report.summary_lines()


def test_an_xlsx_formula_without_a_saved_result_is_an_error(world, english_messages):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["unit", "year", "indicator", "value"])
    sheet.append(["Hà Nội", 2023, "par_index", 91.5])
    sheet.append(["Đắk Lắk", 2023, "par_index", "=B3*0.04"])  # openpyxl saves no cached result
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(buffer.getvalue(), name="formula.xlsx")
    assert [(e.line, e.column) for e in report.errors] == [(3, "value")]
    assert "formula whose result was not saved" in report.errors[0].message
    assert not Value.objects.exists()


def test_a_wide_row_without_any_figure_is_an_error(world, english_messages):
    report = run("unit,year,par_index,departments\nHà Nội,2023,91.5,20\nĐắk Lắk,2023,,\n".encode())
    assert [e.line for e in report.errors] == [3]


# -- 2. the right unit or an error ----------------------------------------------------------------


@pytest.mark.parametrize("levels", ["province,district,commune", "province"])
def test_merged_away_provinces_never_resolve_to_a_same_named_commune(real_units, levels, english_messages):
    make_indicator(code="par_index", levels=levels)
    report = run_file("merged_provinces_2025.csv")
    assert {e.line for e in report.errors} == {2, 3, 4, 5, 6}, text(report)
    assert "Long An" in text(report) and not Value.objects.exists()


def test_the_dry_run_lists_every_row_to_create_with_full_name_level_code_and_parent(real_units, english_messages):
    make_indicator(code="par_index", levels="province,district,commune")
    content = "Đơn vị,Năm,indicator,value\nLong An,2024,par_index,80.5\nBến Nghé,2024,par_index,70\n".encode()
    report = run(content, dry_run=True, decimal="dot")
    assert report.ok, text(report)
    lines = "\n".join(report.summary_lines())
    assert "create line 2: Tỉnh Long An (province 80) · 2024 · par_index" in lines
    assert "(commune 26740 in Quận 1)" in lines


# -- 3./4. values the database can hold ----------------------------------------------------------


def test_a_value_over_the_database_limit_is_a_row_error_everywhere(world, english_messages):
    report = run_file("too_large.csv")
    assert [(e.line, e.column) for e in report.errors] == [(2, "value")]
    assert "too large" in report.errors[0].message
    errors = value_errors(
        indicator=world["count"], unit=world["ha_noi"], year=2023, value=Decimal("1E15"), rank=None
    )  # the form and the year sheet share this rule
    assert "too large" in errors["value"][0]
    assert not Value.objects.exists()


def test_more_than_four_decimals_are_rounded_so_a_reimport_is_unchanged(world, english_messages):
    first = run_file("five_decimals.csv")
    assert first.ok and Value.objects.get().value == Decimal("95.1235")
    second = run_file("five_decimals.csv")
    assert second.counts["unchanged"] == 1 and second.counts["update"] == 0


def test_a_stored_value_too_large_for_its_column_does_not_break_pages(world, django_user_model):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses to store such a value in NUMERIC(18,4); only SQLite can hold one")
    value = make_value(indicator=world["par"], unit=world["ha_noi"], value="50", source=make_source())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE indicators_value SET value = 1e15 WHERE id = %s", [value.pk])
        cursor.execute("UPDATE indicators_historicalvalue SET value = 1e15 WHERE id = %s", [value.pk])
    assert Value.objects.get().value == Decimal("1E15")
    admin = make_staff(django_user_model, "admin", "national-admin")
    client = Client()
    client.force_login(admin)
    for url in (
        f"/admin/indicators/value/{value.pk}/change/",
        "/admin/indicators/value/?q=H%C3%A0+N%E1%BB%99i",
        "/admin/indicators/value/?q=1000",
        "/admin/indicators/historicalvalue/",
        "/rankings/?indicator=par_index&year=2023&preview=1",
        "/provinces/01/?on=2023-12-31&preview=1",
    ):
        assert client.get(url).status_code == 200, url


# -- 5. resource bombs ----------------------------------------------------------------------------


def _xlsx_with_sheet(sheet_xml: str, shared: str = "") -> bytes:
    """Return a minimal XLSX whose first sheet is the given XML (built by hand: a bomb is small zipped)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            "</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


_SHEET = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
_HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c><c r="B1" t="inlineStr"><is><t>year</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>indicator</t></is></c><c r="D1" t="inlineStr"><is><t>value</t></is></c></row>'
)


def test_a_sheet_declaring_the_whole_grid_is_refused_before_reading(world, english_messages):
    sheet = (
        f'{_SHEET}<dimension ref="A1:XFD1048576"/><sheetData>{_HEADER_ROW}'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    content = _xlsx_with_sheet(sheet)
    assert len(content) < 4000
    started = time.process_time()
    report = run(content, name="grid.xlsx")
    assert "declares 1048576 rows and 16384 columns" in report.file_error
    assert time.process_time() - started < 30  # a guard against hanging, not a speed assertion


def test_empty_rows_count_towards_the_row_limit(world, english_messages, settings):
    settings.IMPORT_MAX_ROWS = 100
    rows = "".join(f'<row r="{n}"/>' for n in range(2, 500))
    sheet = f'{_SHEET}<sheetData>{_HEADER_ROW}{rows}<row r="500"><c r="A500"><v>1</v></c></row></sheetData></worksheet>'
    report = run(_xlsx_with_sheet(sheet), name="empty.xlsx")
    assert "more than 100 rows (empty rows count too)" in report.file_error
    csv_rows = "unit,year,indicator,value\n" + ",,,\n" * 150
    assert "more than 100 rows" in run(csv_rows.encode()).file_error


def test_a_huge_cell_is_refused(world, english_messages, settings):
    settings.IMPORT_MAX_CELL_CHARS = 500
    note = "x" * 600
    report = run(f"unit,year,indicator,value,note\nHà Nội,2023,par_index,91.5,{note}\n".encode())
    assert "Line 2, column 5 holds 600 characters" in report.file_error
    workbook = Workbook()
    workbook.active.append(["unit", "year", "indicator", "value", "note"])
    workbook.active.append(["Hà Nội", 2023, "par_index", 91.5, note])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "holds 600 characters" in run(buffer.getvalue(), name="n.xlsx").file_error


def test_a_workbook_that_unpacks_too_large_is_refused_before_parsing(world, english_messages, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 100_000
    sheet = f'{_SHEET}<sheetData>{_HEADER_ROW}<row r="2"><c r="E2" t="inlineStr"><is><t>{"y" * 200_000}</t></is></c></row></sheetData></worksheet>'
    content = _xlsx_with_sheet(sheet)
    assert len(content) < 5000
    assert "unpacks to" in run(content, name="bomb.xlsx").file_error


def test_too_many_columns_are_refused(world, english_messages, settings):
    settings.IMPORT_MAX_COLUMNS = 50
    header = "unit,year,indicator,value," + ",".join(f"c{n}" for n in range(60))
    assert "has 64 columns; at most 50" in run(f"{header}\n".encode()).file_error


# -- 7. messages ----------------------------------------------------------------------------------


def test_utf16_without_a_bom_is_read(world, english_messages):
    report = run_file("utf16_without_bom.csv")
    assert report.ok, text(report)
    assert report.encoding == "utf-16-le"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_a_header_after_many_blank_lines_sets_the_separator_and_lines_keep_their_numbers(world, encoding):
    """The header is looked for in the first 64 k characters, then in the whole text; cells are read from the bytes."""
    content = " \r\n" * 30_000 + "unit;year;indicator;value\r\nHà Nội;2023;par_index;91,5\r\nĐắk Lắk;2023;x;1\r\n"

    report = run(content.encode(encoding))

    assert report.delimiter == ";" and report.encoding == encoding
    assert [(e.line, e.column) for e in report.errors] == [(30_003, "indicator")]
    assert report.blank_lines == []


def test_a_file_refused_for_its_decimals_never_says_decimal_not_needed(world, english_messages):
    report = run_file("conflicting_decimals.csv")
    assert not report.ok
    assert "not needed" not in report.summary_lines()[0]


def test_the_command_speaks_vietnamese_only(world):
    with translation.override("vi"), pytest.raises(CommandError) as refused:
        out = io.StringIO()
        call_command("importvalues", str(FILES / "garbage_row.csv"), "--source-title", "Báo cáo", stdout=out)
    output = out.getvalue() + str(refused.value)
    assert "Nhập bị từ chối" in str(refused.value)
    for english_text in ("Import refused", "line 3", "update", "No value", "not needed", "empty (skipped)"):
        assert english_text not in output, english_text


def test_the_command_lists_updates_in_vietnamese(world):
    make_value(indicator=world["par"], unit=world["ha_noi"], value="90", source=make_source())
    out = io.StringIO()
    with translation.override("vi"):
        call_command("importvalues", str(FILES / "five_decimals.csv"), "--source-title", "Báo cáo", stdout=out)
    assert "cập nhật dòng 2: Thành phố Hà Nội (cấp tỉnh 01) · 2023 · par_index: giá trị 90 → 95.1235" in out.getvalue()


def test_csv_errors_are_translated(world):
    with translation.override("vi"):
        report = run(f"unit,year,indicator,value,note\nHà Nội,2023,par_index,91,{'x' * 140_000}\n".encode())
    assert report.file_error.startswith("Không đọc được dòng 2") and "field limit" not in report.file_error


def test_lock_and_scope_errors_name_the_files_own_columns(world, django_user_model, english_messages):
    YearLock.objects.create(group=world["par"].group, year=2023)
    report = run("Tỉnh,Năm,indicator,value\nHà Nội,2023,par_index,91.5\n".encode())
    assert [(e.line, e.column) for e in report.errors] == [(2, "Năm")]
    YearLock.objects.all().delete()
    editor = make_staff(django_user_model, "editor", "province-editor", world["dak_lak"])
    report = run("Tỉnh,Năm,indicator,value\nHà Nội,2023,par_index,91.5\n".encode(), user=editor)
    assert [(e.line, e.column) for e in report.errors] == [(2, "Tỉnh")]


def test_the_preview_prints_years_without_a_thousands_separator(world, django_user_model):
    admin = make_staff(django_user_model, "admin", "national-admin")
    client = Client()
    client.force_login(admin)
    content = io.BytesIO("unit,year,indicator,value\nHà Nội,2019,par_index,91.5\n".encode())
    content.name = "y.csv"
    source = make_source()
    response = client.post("/admin/indicators/importbatch/upload/", {"file": content, "source": source.pk}, follow=True)
    page = response.content.decode()
    assert "2019" in page and "2.019" not in page
    assert AdministrativeUnit.objects.filter(level=Level.PROVINCE).exists()
