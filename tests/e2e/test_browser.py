"""End-to-end flows in a real browser (Chromium): what an official does, with charts drawn by plotly.js."""

import csv
import io

import pytest

from indicators.models import AverageScope, PublishedAverage
from provinces.models import AdministrativeUnit
from tests.e2e.conftest import draw_every_chart, screenshot
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db(transaction=True)

PROVINCES = [("01", "Hà Nội"), ("79", "Hồ Chí Minh"), ("48", "Đà Nẵng"), ("31", "Hải Phòng"), ("92", "Cần Thơ")]


@pytest.fixture
def dashboard():
    """Six provinces (one without figures), two indicators over two years, every figure with its source."""
    par = make_indicator(code="par_index", name_vi="Chỉ số CCHC", name_en="PAR Index")
    sipas = make_indicator(code="sipas", name_vi="Chỉ số hài lòng SIPAS", name_en="SIPAS")
    source = make_source(title="Báo cáo Chỉ số CCHC 2023", url="https://moha.example.org/par-2023")
    units = {code: make_unit(code=code, short_name=name, valid_to=None) for code, name in PROVINCES}
    make_unit(code="40", short_name="Nghệ An", valid_to=None)
    for index, unit in enumerate(units.values()):
        make_value(indicator=par, unit=unit, year=2023, value=f"{90 - index * 1.5:.2f}", source=source)
        make_value(indicator=par, unit=unit, year=2022, value=f"{88 - index:.2f}", source=source)
        make_value(indicator=sipas, unit=unit, year=2023, value=f"{80 + index:.2f}", source=source)
    PublishedAverage.objects.create(indicator=par, year=2023, scope=AverageScope.NATIONAL, value="86.5", source=source)
    return units


def test_rankings_profile_compare_and_csv_download(page, dashboard):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    screenshot(page, "home")

    page.locator("nav.site-nav a[href='/rankings/']").click()
    page.select_option("#id_indicator", "par_index")
    page.select_option("#id_year", "2023")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**/rankings/?*year=2023*")
    assert draw_every_chart(page) >= 1
    bars = page.locator(".chart .barlayer .point")
    assert bars.count() == len(PROVINCES)  # Nghệ An has no figure: no bar, listed last in the table
    assert "Nghệ An" in page.locator(".ranking-table").inner_text()
    screenshot(page, "rankings")

    with page.expect_download() as download_info:
        page.locator(".chart-actions a[href*='format=csv']").first.click()
    content = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert "Xếp hạng" in rows[0] and "Giá trị" in rows[0]  # the header in the page's language
    assert {"Hà Nội", "Cần Thơ"} <= {cell for row in rows[1:] for cell in row}

    page.locator(".ranking-table").get_by_role("link", name="Đà Nẵng").click()
    page.wait_for_url("**/provinces/48/**")
    assert "Đà Nẵng" in page.locator("h1").inner_text()
    draw_every_chart(page)
    screenshot(page, "profile")

    page.locator("nav.site-nav a[href='/compare/']").click()
    page.select_option("#units", ["01", "79", "48"])
    page.locator("form.picker button[type=submit]").click()
    page.wait_for_url("**/compare/?*units=*")
    assert draw_every_chart(page) >= 2
    compared = page.locator("main").inner_text()
    for name in ("Hà Nội", "Hồ Chí Minh", "Đà Nẵng"):
        assert name in compared
    screenshot(page, "compare")


def test_the_language_switch_changes_the_page_language_and_keeps_the_page(page, dashboard):
    page.goto("/rankings/?indicator=par_index&year=2023")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.locator("form.language-switch button[value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "year=2023" in page.url
    assert page.locator("nav.site-nav").get_by_role("link", name="Rankings").is_visible()
    screenshot(page, "rankings_en")
    page.locator("form.language-switch button[value=vi]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/rankings/",
        "/provinces/01/",
        "/compare/?units=01,79,48,31&year=2023",
        "/indicators/",
        "/indicators/par_index/",
        "/coverage/",
        "/search/?q=ha",
        "/admin/login/",
    ],
)
def test_every_page_loads_and_draws_without_browser_errors(page, dashboard, path):
    response = page.goto(path)
    assert response.status == 200
    draw_every_chart(page)
    screenshot(page, f"page{path}")


def test_markup_in_a_unit_name_is_shown_as_text_in_the_chart(page, dashboard):
    unit = dashboard["31"]
    unit.short_name = "<img src=x onerror=alert(1)>"
    unit.save()
    page.goto("/rankings/?indicator=par_index&year=2023")
    draw_every_chart(page)
    labels = page.locator(".chart .yaxislayer-above").first.text_content()
    assert "<img src=x onerror=alert(1)>" in labels  # drawn as text: the fixture fails on any alert dialog
    assert page.locator(".chart img").count() == 0


def test_keyboard_users_can_skip_to_the_content_and_reach_the_filters(page, dashboard):
    page.goto("/rankings/?indicator=par_index&year=2023")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("href") == "#main" and skip.is_visible()
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_indicator":
            break
    assert page.evaluate("document.activeElement.id") == "id_indicator"


def test_staff_enter_submit_and_approve_a_figure_that_then_appears_on_the_rankings(page, dashboard, django_user_model):
    django_user_model.objects.create_superuser("approver", "approver@example.org", "a-long-test-password")
    nghe_an = AdministrativeUnit.objects.get(code="40")
    page.goto("/rankings/?indicator=par_index&year=2023")
    draw_every_chart(page)
    assert page.locator(".chart .barlayer .point").count() == len(PROVINCES)

    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "approver")
    page.fill("#id_password", "a-long-test-password")
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url("**/admin/")

    page.goto(f"/admin/indicators/value/yearsheet/?unit={nghe_an.pk}&year=2023")
    page.locator("#row-par_index input[name$='-value']").fill("84")
    page.locator("#id_sheet-source + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill("Báo cáo")
    page.locator(".select2-results__option", has_text="Báo cáo Chỉ số CCHC 2023").click()
    screenshot(page, "admin_yearsheet")
    page.locator("#yearsheet [type=submit].default").click()
    page.wait_for_load_state()
    page.locator("#yearsheet button[name=_workflow][value=submit]").click()
    page.wait_for_load_state()
    page.locator("#yearsheet button[name=_workflow][value=approve]").click()
    page.wait_for_load_state()
    screenshot(page, "admin_yearsheet_approved")

    page.goto("/rankings/?indicator=par_index&year=2023")
    draw_every_chart(page)
    assert page.locator(".chart .barlayer .point").count() == len(PROVINCES) + 1
    assert "Nghệ An" in page.locator(".chart .yaxislayer-above").first.text_content()
    row = page.locator(".ranking-table tr", has_text="Nghệ An")
    assert "84" in row.inner_text()


def test_public_chart_pages_load_only_the_cartesian_plotly_bundle_the_compare_components_too(page, dashboard):
    par = dashboard["01"].values.first().indicator
    for number in (1, 2, 3):
        component = make_indicator(code=f"par_c{number}", parent=par, name_vi=f"Lĩnh vực {number}")
        for index, unit in enumerate(dashboard.values()):
            make_value(indicator=component, unit=unit, year=2023, value=f"{70 + index + number}")
    page.goto("/rankings/?indicator=par_index&year=2023")
    draw_every_chart(page)
    bundles = "Array.from(document.scripts).map(s => s.src).filter(s => s.includes('/vendor/plotly'))"
    assert [src.rsplit("/", 1)[1] for src in page.evaluate(bundles)] == ["plotly-cartesian.min.js"]

    page.goto("/compare/?units=01,79,48&indicators=par_index&year=2023")
    draw_every_chart(page)
    # The component areas are grouped bars (they were a polar radar, which needed the full 4.6 MB bundle).
    assert [src.rsplit("/", 1)[1] for src in page.evaluate(bundles)] == ["plotly-cartesian.min.js"]
    assert page.locator('[data-figure-id="components"] .barlayer .trace').count() == 3
    screenshot(page, "compare_components")
