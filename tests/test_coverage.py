"""The public coverage page: counts per indicator-year and a province × year grid with visible gaps."""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse

from indicators.models import RankBasis
from provinces.models import REORGANISATION_DATE
from reports.coverage.selectors import MISSING_COLUMNS
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db
URL = reverse("reports:coverage")


@pytest.fixture
def data():
    an_giang = make_unit(code="89", short_name="An Giang")
    dak_lak = make_unit(code="66", short_name="Đắk Lắk")
    bac_ninh = make_unit(code="27", short_name="Bắc Ninh")
    new_unit = make_unit(code="91", short_name="Đồng Tháp mới", valid_from=REORGANISATION_DATE, valid_to=None)
    par = make_indicator(code="par_index", name_en="PAR Index")
    linked = make_source(url="https://example.org/par-2023")
    article = make_source(url="")
    make_value(indicator=par, unit=an_giang, year=2023, value="81.32", rank=63, rank_basis="stated", source=linked)
    make_value(indicator=par, unit=dak_lak, year=2023, value="85", source=article)
    make_value(indicator=par, unit=bac_ninh, year=2022, value=None, rank=9, rank_basis=RankBasis.DERIVED, source=linked)
    make_value(indicator=par, unit=new_unit, year=2025, value="90", source=linked)
    return {"par": par, "an_giang": an_giang, "dak_lak": dak_lak, "bac_ninh": bac_ninh, "new": new_unit}


def test_counts_per_indicator_and_year(client, data):
    response = client.get(URL, {"indicator": "par_index"})
    assert response.status_code == 200
    row = next(r for r in response.context["summary"] if r.year == 2023)
    assert (row.units, row.with_value, row.with_rank, row.with_derived_rank) == (2, 2, 1, 0)
    assert (row.with_source_url, row.sources) == (1, 2)
    derived = next(r for r in response.context["summary"] if r.year == 2022)
    assert (derived.with_rank, derived.with_derived_rank) == (0, 1)


def test_grid_shows_gaps_in_vietnamese_order(client, data):
    grid = client.get(URL, {"indicator": "par_index"}).context["grid"]
    assert grid.years == [2022, 2023, 2024, 2025]
    names = [province.short_name for province, _cells in grid.rows]
    assert names == ["An Giang", "Bắc Ninh", "Đắk Lắk", "Đồng Tháp mới"]  # Đ after D, Ă after A
    states = {p.short_name: dict(cells) for p, cells in grid.rows}
    assert states["An Giang"] == {2022: "missing", 2023: "full", 2024: "missing", 2025: "not-in-force"}
    assert states["Bắc Ninh"][2022] == "derived"
    assert states["Đắk Lắk"][2023] == "value"
    assert states["Đồng Tháp mới"] == {2022: "not-in-force", 2023: "not-in-force", 2024: "not-in-force", 2025: "value"}
    assert (grid.filled, grid.possible) == (4, 10)


def test_page_has_a_legend_and_marks_missing_cells(client, data):
    html = client.get(URL).content.decode()
    assert "cell--missing" in html and "coverage-legend" in html


def test_unknown_indicator_is_a_clear_message_not_an_error(client, data):
    response = client.get(URL, {"indicator": "nope"})
    assert response.status_code == 200 and "nope" in response.content.decode()
    assert response.context["grid"] is None


def test_empty_database_renders(client):
    assert client.get(URL).status_code == 200


def test_fixed_number_of_queries(client, data, django_assert_max_num_queries):
    for n in range(10):
        unit = make_unit(code=f"5{n}", short_name=f"Tỉnh thêm {n}")
        make_value(indicator=data["par"], unit=unit, year=2020 + n % 4, value="70", source=make_source())
    with django_assert_max_num_queries(5):
        assert client.get(URL, {"indicator": "par_index"}).status_code == 200


def test_each_year_says_the_share_of_provinces_known_and_the_kinds_of_source(client, data):
    linked = data["par"].values.get(unit=data["an_giang"], year=2023).source
    linked.source_class = "official"
    linked.save()
    response = client.get(URL, {"indicator": "par_index"})
    row = next(r for r in response.context["summary"] if r.year == 2023)
    # Three of the four test provinces were in force in 2023 (the fourth was created in 2025).
    assert (row.provinces, row.provinces_in_force) == (2, 3)
    assert (row.official, row.unclassified) == (1, 1)
    html = response.content.decode()
    assert "2/3" in html and "source-class-official" in html and "source-class-none" in html


def test_the_download_lists_the_missing_province_years(client, data):
    response = client.get(reverse("reports:coverage-missing"), {"indicator": "par_index"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == MISSING_COLUMNS
    holes = {(r[3], r[5]) for r in rows[1:]}
    assert ("2024", "An Giang") in holes and ("2023", "Bắc Ninh") in holes
    assert ("2023", "An Giang") not in holes  # held
    assert ("2022", "Bắc Ninh") not in holes  # a derived rank is a figure held
    assert not any(name == "Đồng Tháp mới" and year != "2025" for year, name in holes)  # not in force
    assert ("2025", "An Giang") not in holes
    assert len(holes) == 10 - 4


def test_the_download_of_an_unknown_indicator_is_a_clear_404(client, data):
    response = client.get(reverse("reports:coverage-missing"), {"indicator": "nope"})
    assert response.status_code == 404 and "nope" in response.content.decode()


def test_the_page_links_the_download_and_an_import_format_page_that_exists(client, data):
    html = client.get(URL, {"indicator": "par_index"}).content.decode()
    assert reverse("reports:coverage-missing") + "?indicator=par_index" in html
    assert reverse("reports:import-format") in html
    page = client.get(reverse("reports:import-format"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "source_class" in text and "<table>" in text and "<script" not in text.split("<article")[1]


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "There is no indicator with the code “nope”."), ("vi", "Không có chỉ số nào mang mã “nope”.")],
)
def test_an_unknown_indicator_is_the_forms_error_in_either_language(client, data, language, message):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(URL, {"indicator": "nope"})
    assert response.status_code == 200 and response.context["form"].errors["indicator"]
    assert message in response.content.decode()
