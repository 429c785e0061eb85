"""The yearly report of any unit with a profile page (issue 15): an agency's page, DOCX and PDF, in both languages.

A department is ranked and averaged among the departments of its own province (the province appraises them);
a ministry among the ministries.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings

from indicators.models import AverageScope, PublishedAverage
from provinces.models import Level, UnitType
from tests.factories import make_indicator, make_source, make_unit, make_value

URL = "/units/department/42001/report/"
needs_chromium = pytest.mark.skipif(
    not Path(settings.CHROMIUM_PATH).exists(),
    reason=f"server-side chart images need Chromium at {settings.CHROMIUM_PATH}",
)


def department(province: object, code: str, name: str) -> object:
    return make_unit(
        level=Level.DEPARTMENT,
        code=code,
        short_name=name,
        parent=province,
        unit_type=UnitType.DEPARTMENT,
        valid_to=None,
    )


@pytest.fixture
def agencies(db):
    """Hà Tĩnh's Sở Tư pháp and 4 other departments of Hà Tĩnh; 3 departments of Nghệ An that are not its peers."""
    par = make_indicator(code="par_index", name_vi="Chỉ số CCHC", name_en="PAR Index")
    decision = make_source(title="Quyết định 123/QĐ-UBND công bố Chỉ số CCHC 2023", url="https://hatinh.example.org/qd")
    older = make_source(title="Quyết định 45/QĐ-UBND công bố Chỉ số CCHC 2022", url="https://hatinh.example.org/qd22")
    ha_tinh = make_unit(code="42", short_name="Hà Tĩnh", valid_to=None)
    nghe_an = make_unit(code="40", short_name="Nghệ An", valid_to=None)
    justice = department(ha_tinh, "42001", "Sở Tư pháp")
    make_value(indicator=par, unit=justice, year=2023, value="91.25", source=decision, rank=2)
    make_value(indicator=par, unit=justice, year=2022, value="88.00", source=older)
    for index in range(4):
        peer = department(ha_tinh, f"4201{index}", f"Sở {index}")
        make_value(indicator=par, unit=peer, year=2023, value=f"{85 + index * 2.5:.2f}", source=decision)
        make_value(indicator=par, unit=peer, year=2022, value=f"{90 - index:.2f}", source=older)
    for index in range(3):  # higher scores elsewhere: they must not push Sở Tư pháp down
        other = department(nghe_an, f"4000{index}", f"Sở Nghệ An {index}")
        make_value(indicator=par, unit=other, year=2023, value="99.00", source=decision)
    return justice


def test_the_agency_report_ranks_it_among_its_provinces_departments_with_change_and_sources(client, agencies):
    response = client.get(URL, {"year": "2023"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sở Tư pháp, 2023" in html
    assert "91,25%" in html and "+3,25" in html  # the value and its change on 2022
    # 85, 87.5, 90, 92.5 and 91.25 in Hà Tĩnh: second of five (Nghệ An's 99s left out); 2022: 90, 89, 88 (tied
    # with 88), 87, so third then: one place gained.
    assert "2/5 (+1)" in html
    assert "Trung bình: Các sở, ban, ngành của Hà Tĩnh" in html
    assert "trung bình của 5 đơn vị có số liệu" in html  # the peers' average says over how many
    assert "Cả nước" not in html and "cả nước" not in html  # an agency is not compared with the country
    assert "Quyết định 123/QĐ-UBND" in html and "https://hatinh.example.org/qd" in html
    assert 'href="/units/department/42001/report/?year=2023&amp;format=docx"' in html
    assert 'data-figure-id="report-par_index"' in html


def test_the_agency_report_in_english(client, agencies):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL, {"year": "2023"}).content.decode()
    assert "Administrative reform indicators of Sở Tư pháp, 2023" in html
    assert "91.25%" in html and "2 of 5 (+1)" in html
    assert "Departments of Hà Tĩnh" in html and "mean of 5 units with a figure" in html


def test_the_agency_profile_links_to_its_report(client, agencies):
    html = client.get("/units/department/42001/").content.decode()
    assert 'href="/units/department/42001/report/"' in html


def test_a_ministry_is_ranked_among_the_ministries(client, db):
    par = make_indicator(code="par_index", name_vi="Chỉ số CCHC", name_en="PAR Index")
    source = make_source(title="Báo cáo PAR Index 2023 của các bộ", url="https://moha.example.org/bo")
    for index in range(4):
        ministry = make_unit(
            level=Level.MINISTRY,
            code=f"100{index + 1}",
            short_name=f"Bộ {index}",
            unit_type=UnitType.MINISTRY,
            valid_to=None,
        )
        make_value(indicator=par, unit=ministry, year=2023, value=f"{80 + index:.2f}", source=source)
    html = client.get("/units/ministry/1004/report/", {"year": "2023"}).content.decode()
    assert "1/4" in html and "Các bộ, cơ quan ngang bộ" in html
    assert "81,50% (trung bình của 4 đơn vị có số liệu)" in html
    # Where the ministries' average is published, the report gives it, cited.
    moha = make_source(title="Bộ Nội vụ: trung bình các bộ 2023", url="https://moha.example.org/tb")
    PublishedAverage.objects.create(indicator=par, year=2023, scope=AverageScope.MINISTRIES, value="82.10", source=moha)
    html = client.get("/units/ministry/1004/report/", {"year": "2023"}).content.decode()
    assert "82,10% (chính thức [2])" in html and "Bộ Nội vụ: trung bình các bộ 2023" in html


def test_an_unknown_level_or_unit_is_a_404_and_a_year_without_data_says_so(client, agencies):
    assert client.get("/units/agency/42001/report/").status_code == 404
    response = client.get("/units/department/42999/report/", {"year": "2023"})
    assert response.status_code == 404 and "42999" in response.content.decode()
    response = client.get(URL, {"year": "2019"})
    assert response.status_code == 200
    assert "Chưa có số liệu công bố nào của đơn vị này cho năm 2019" in response.content.decode()
    assert client.get(URL, {"year": "2019", "format": "docx"}).status_code == 200
    assert client.get(URL, {"year": "hai nghìn"}).status_code == 400


@needs_chromium
@pytest.mark.parametrize(("language", "figure", "heading"), [("vi", "91,25%", "Nguồn"), ("en", "91.25%", "Sources")])
def test_the_agency_docx_holds_headings_figures_a_chart_and_the_sources(client, agencies, language, figure, heading):
    from docx import Document

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(URL, {"year": "2023", "format": "docx"})
    assert response.status_code == 200
    assert "42001-2023" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Sở Tư pháp, 2023" in headings[0] and heading in headings
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert figure in cells
    assert len(document.inline_shapes) >= 1
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert any("hatinh.example.org/qd" in p for p in numbered) and len(numbered) == 1


@needs_chromium
def test_the_agency_pdf_holds_the_title_figures_and_sources(client, agencies):
    from pypdf import PdfReader

    response = client.get(URL, {"year": "2023", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Sở Tư pháp, 2023" in text and "91,25%" in text
    assert "1. Quyết định 123/QĐ-UBND" in text


def test_the_agency_report_runs_a_fixed_number_of_queries(client, agencies, django_assert_max_num_queries):
    with django_assert_max_num_queries(22):
        assert client.get(URL, {"year": "2023"}).status_code == 200
