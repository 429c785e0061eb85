"""CSV/XLSX downloads of the rankings and the streamed bulk export."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from indicators.exports import cell_value, csv_lines, safe_text
from indicators.models import Value
from provinces.models import Region
from reports.exports.downloads import EXPORT_CHUNK_SIZE
from reports.rankings.tables import EXPORT_COLUMNS, export_columns
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def par():
    return make_indicator(code="par_index", decimals=2)


@pytest.fixture
def data(par):
    evil = make_source(title='=HYPERLINK("http://evil")', url="https://example.org/par-2023")
    ha_noi = make_unit(code="01", short_name="Hà Nội", region=Region.RED_RIVER_DELTA)
    dak_lak = make_unit(code="66", short_name="Đắk Lắk", region=Region.CENTRAL_HIGHLANDS)
    make_unit(code="22", short_name="Quảng Ninh", region=Region.RED_RIVER_DELTA)
    make_value(indicator=par, unit=ha_noi, year=2023, value="89.7", source=evil)
    make_value(indicator=par, unit=dak_lak, year=2023, value="1746.5")
    return {"ha_noi": ha_noi, "dak_lak": dak_lak}


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


# Dangerous whatever follows the first character (a digit too), and in their fullwidth forms.
PAYLOADS = [
    "=1+cmd|' /C calc'!A0",
    '=2*HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "\uff1d1+1",
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
    "|cmd",
]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", *PAYLOADS])
def test_formula_starts_are_neutralised(text):
    assert safe_text(text) == "'" + text


def test_plain_text_and_numbers_are_kept():
    assert safe_text("Hà Nội") == "Hà Nội"
    assert cell_value(-1.5) == -1.5  # a negative number is a number, not a formula


def test_ranking_csv_has_bom_header_unlocalised_numbers_and_a_descriptive_name(client, data):
    response = client.get(reverse("reports:ranking") + "?indicator=par_index&year=2023&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="par_index_2023_provinces.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    with translation.override("vi"):
        assert rows[0] == export_columns()  # the header in the page's language
    assert rows[0][0] == "Xếp hạng" and rows[0][7] == "Giá trị"
    body = [dict(zip(EXPORT_COLUMNS, r, strict=True)) for r in rows[1:]]
    assert [(r["unit_name"], r["rank"], r["value"]) for r in body] == [
        ("Đắk Lắk", "1", "1746.5"),
        ("Hà Nội", "2", "89.7"),
        ("Quảng Ninh", "", ""),
    ]
    assert body[1]["source_title"].startswith("'=HYPERLINK")


def test_csv_follows_the_filters_and_names_them(client, data):
    url = reverse("reports:ranking") + f"?indicator=par_index&year=2023&region={Region.RED_RIVER_DELTA}&format=csv"
    response = client.get(url)
    assert 'filename="par_index_2023_provinces_red_river_delta.csv"' in response["Content-Disposition"]
    assert [r[3] for r in read_csv(response)[1:]] == ["Hà Nội", "Quảng Ninh"]


def test_xlsx_opens_and_has_the_same_rows_with_numbers_as_numbers(client, data):
    base = reverse("reports:ranking") + "?indicator=par_index&year=2023"
    csv_rows = read_csv(client.get(base + "&format=csv"))
    response = client.get(base + "&format=xlsx")
    assert 'filename="par_index_2023_provinces.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    everything = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert everything[0][0].startswith("Chỉ số") and "2023" in everything[0][0]  # the title row: indicator, year
    assert sheet.freeze_panes == "A5"  # title, filters, a blank line, the frozen header
    xlsx_rows = everything[3:]
    with translation.override("vi"):
        assert xlsx_rows[0] == export_columns()
    assert len(xlsx_rows) == len(csv_rows)
    assert workbook.sheetnames[1] == "Nguồn" and sheet.column_dimensions["D"].width > 8
    first = dict(zip(EXPORT_COLUMNS, xlsx_rows[1], strict=True))
    assert first["value"] == 1746.5 and isinstance(first["rank"], int)
    assert [r[3] for r in xlsx_rows[1:]] == [r[3] for r in csv_rows[1:]]


def test_ranking_csv_runs_a_fixed_number_of_queries(client, par, django_assert_max_num_queries):
    for n in range(25):
        make_value(indicator=par, unit=make_unit(short_name=f"Tỉnh {n}"), year=2023, value=n)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reports:ranking") + "?indicator=par_index&year=2023&format=csv")
    assert len(read_csv(response)) == 26


def test_bulk_export_streams_every_value_with_its_source(client, data, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("reports:export-values"))
        rows = read_csv(response)
    assert response.streaming
    header = rows[0]
    assert header[:2] == ["indicator_code", "indicator_name_vi"] and "source_url" in header
    assert len(rows) == 3
    record = dict(zip(header, rows[1], strict=True))
    assert record["unit_name"] in {"Hà Nội", "Đắk Lắk"} and record["source_url"].startswith("https://")


def test_csv_lines_are_produced_lazily():
    rows = ([n] for n in range(EXPORT_CHUNK_SIZE * 3))
    lines = csv_lines(["n"], rows)
    assert next(lines) == "\ufeffn\r\n"
    assert next(lines) == "0\r\n"


def test_ranking_and_bulk_exports_carry_each_sources_class(client, par):
    unit = make_unit(code="48", short_name="Đà Nẵng")
    copy = make_source(url="https://ufabetindo.in/par-2013")
    copy.source_class = "republisher"
    copy.save()
    make_value(indicator=par, unit=unit, year=2013, value="84.2", source=copy)
    ranking = read_csv(
        client.get(reverse("reports:ranking"), {"indicator": "par_index", "year": 2013, "format": "csv"})
    )
    assert ranking[0][-1] == "Loại nguồn" and ranking[1][-1] == "đăng lại"  # in the page's language
    bulk = read_csv(client.get(reverse("reports:export-values")))
    assert dict(zip(bulk[0], bulk[1], strict=True))["source_class"] == "republisher"


def _payload_world(par):
    """Return units whose value's source title and note are each one payload; one value is negative."""
    units = []
    for i, text in enumerate(PAYLOADS):
        unit = make_unit(code=f"{i + 10}", short_name=f"Tỉnh {i}")
        make_value(indicator=par, unit=unit, year=2023, value=str(50 + i), source=make_source(title=text), note=text)
        units.append(unit)
    return units


def _xlsx_rows(response, *, titled: bool = False) -> list[dict[str, object]]:
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    if titled:  # the ranking's XLSX: title, filters and a blank line above a translated header
        return [dict(zip(EXPORT_COLUMNS, r, strict=True)) for r in rows[4:]]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_public_csv_and_xlsx_neutralise_every_payload_and_keep_numbers(client, par):
    _payload_world(par)
    base = reverse("reports:ranking") + "?indicator=par_index&year=2023"
    rows = read_csv(client.get(base + "&format=csv"))
    body = [dict(zip(EXPORT_COLUMNS, r, strict=True)) for r in rows[1:]]
    assert sorted(r["source_title"] for r in body) == sorted("'" + p for p in PAYLOADS)
    assert all(float(r["value"]) >= 50 for r in body)  # numbers are not escaped
    sheet = _xlsx_rows(client.get(base + "&format=xlsx"), titled=True)
    assert sorted(r["source_title"] for r in sheet) == sorted("'" + p for p in PAYLOADS)
    assert all(isinstance(r["value"], int | float) for r in sheet)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_staff_export_neutralises_every_payload_and_writes_numbers_as_numbers(
    client, django_user_model, par, export_format
):
    from tests.staff import make_staff

    client.force_login(make_staff(django_user_model, "xem", "viewer"))
    units = _payload_world(par)
    negative = make_value(indicator=par, unit=make_unit(code="99"), year=2022, value="-2.5", note="-2.5")
    selected = [*Value.objects.filter(indicator=par, unit__in=units).values_list("pk", flat=True), negative.pk]
    action = "export_selected" if export_format == "csv" else "export_selected_xlsx"
    response = client.post(
        reverse("admin:indicators_value_changelist"), {"action": action, "_selected_action": selected, "index": 0}
    )
    assert f"cchc_values_staff.{export_format}" in response["Content-Disposition"]
    if export_format == "csv":
        rows = read_csv(response)
        body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    else:
        body = _xlsx_rows(response)
    by_note = {r["note"]: r for r in body}
    for text in PAYLOADS:
        assert by_note["'" + text]["source_title"] == "'" + text
    # The negative figure is a number (not escaped); the same characters in a note are text (escaped).
    assert by_note["'-2.5"]["value"] in ("-2.5", -2.5)
    assert {r["year"] for r in body} <= {"2022", "2023", 2022, 2023}
