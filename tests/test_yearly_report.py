"""The yearly report of a province (issue 15): the page, the DOCX and the PDF, in Vietnamese and English."""

import io
from pathlib import Path

import pytest
from django.conf import settings

from indicators.models import AverageScope, PublishedAverage
from provinces.models import Region
from tests.factories import make_indicator, make_source, make_unit, make_value

URL = "/provinces/42/report/"
needs_chromium = pytest.mark.skipif(
    not Path(settings.CHROMIUM_PATH).exists(),
    reason=f"server-side chart images need Chromium at {settings.CHROMIUM_PATH}",
)


@pytest.fixture
def province_year(db):
    """Hà Tĩnh and 24 other provinces with PAR Index figures for 2022 and 2023, and SIPAS for 2023 in 5 of them."""
    par = make_indicator(code="par_index", name_vi="Chỉ số CCHC", name_en="PAR Index")
    sipas = make_indicator(code="sipas", name_vi="Chỉ số hài lòng SIPAS", name_en="SIPAS")
    moha = make_source(title="Báo cáo Chỉ số CCHC 2023", url="https://moha.example.org/par-2023")
    press = make_source(title="Báo Hà Tĩnh: SIPAS 2023", url="https://baohatinh.example.org/sipas")
    unit = make_unit(code="42", short_name="Hà Tĩnh", valid_to=None, region=Region.NORTH_CENTRAL_COAST)
    make_value(indicator=par, unit=unit, year=2023, value="88.12", source=moha, rank=5)
    make_value(indicator=par, unit=unit, year=2022, value="85.50", source=moha)
    make_value(indicator=sipas, unit=unit, year=2023, value="84.00", source=press)
    for index in range(24):
        peer = make_unit(code=f"{index + 50}", short_name=f"Tỉnh {index}", valid_to=None, region=Region.MEKONG_DELTA)
        make_value(indicator=par, unit=peer, year=2023, value=f"{80 + index * 0.5:.2f}", source=moha)
        make_value(indicator=par, unit=peer, year=2022, value=f"{79 + index * 0.5:.2f}", source=moha)
        if index < 4:
            make_value(indicator=sipas, unit=peer, year=2023, value=f"{81 + index:.2f}", source=press)
    PublishedAverage.objects.create(indicator=par, year=2023, scope=AverageScope.NATIONAL, value="84.20", source=moha)
    return unit


def test_the_page_shows_the_years_figures_with_rank_change_averages_and_numbered_sources(client, province_year):
    response = client.get(URL, {"year": "2023"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chỉ số cải cách hành chính của Hà Tĩnh, 2023" in html
    assert "88,12%" in html and "+2,62" in html  # the value and its change on 2022
    assert "84,20% (chính thức [1])" in html  # the official national average, cited
    # SIPAS: five provinces have a figure, fewer than the 20 a national average needs.
    assert "không phải số liệu cả nước" in html
    assert "Báo cáo Chỉ số CCHC 2023" in html and "Báo Hà Tĩnh: SIPAS 2023" in html
    assert 'href="/provinces/42/report/?year=2023&amp;format=docx"' in html
    assert 'data-figure-id="report-par_index"' in html


def test_the_page_defaults_to_the_latest_year_with_a_figure(client, province_year):
    html = client.get(URL).content.decode()
    assert "Hà Tĩnh, 2023" in html


def test_a_bad_year_or_an_unknown_code_is_a_clear_error(client, province_year):
    assert client.get(URL, {"year": "hai nghìn"}).status_code == 400
    response = client.get("/provinces/99/report/", {"year": "2023"})
    assert response.status_code == 404 and "99" in response.content.decode()


@needs_chromium
@pytest.mark.parametrize(("language", "title"), [("vi", "Hà Tĩnh, 2023"), ("en", "Hà Tĩnh, 2023")])
def test_the_docx_holds_the_title_a_figure_a_picture_and_the_sources(client, province_year, language, title):
    from docx import Document

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(URL, {"year": "2023", "format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "attachment" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert title in paragraphs[0]
    if language == "en":
        assert paragraphs[0].startswith("Administrative reform indicators of Hà Tĩnh")
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert ("88,12%" if language == "vi" else "88.12%") in cells
    assert len(document.inline_shapes) >= 1  # a chart drawn on the server
    assert any("moha.example.org/par-2023" in p for p in paragraphs)


@needs_chromium
def test_the_pdf_holds_the_title_and_a_figure(client, province_year):
    from pypdf import PdfReader

    response = client.get(URL, {"year": "2023", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Hà Tĩnh, 2023" in text
    assert "88,12%" in text
    assert "Báo cáo Chỉ số CCHC 2023" in text


def test_the_documents_say_so_when_the_charts_cannot_be_drawn(client, province_year, settings):
    from docx import Document

    settings.CHROMIUM_PATH = "/nonexistent/chromium"
    response = client.get(URL, {"year": "2023", "format": "docx"})
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    assert len(document.inline_shapes) == 0
    assert any("không vẽ được" in p.text for p in document.paragraphs)


def test_the_report_runs_a_fixed_number_of_queries(client, province_year, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert client.get(URL, {"year": "2023"}).status_code == 200


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "The year must be written as four digits, e.g. 2023."), ("vi", "Năm phải viết bằng bốn chữ số")],
)
@pytest.mark.parametrize("year", ["20x3", "1989", "2999"])
def test_a_bad_year_is_the_forms_error_shown_with_what_was_typed(client, province_year, language, message, year):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(URL, {"year": year})
    content = response.content.decode()
    assert response.status_code == 400 and response.context["form"].errors["year"]
    assert message in content and f'name="year" value="{year}"' in content
