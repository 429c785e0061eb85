"""Every public page on a 390 px phone and a 1366 px laptop, in both languages (issue 15).

No page may be wider than the screen (`document.documentElement.scrollWidth <= innerWidth`), every chart
is drawn once scrolled to (charts are drawn lazily), and the browser reports no error (the `page` fixture
fails the test on any console error, page error or dialog). The data are synthetic and long on purpose:
long indicator names, a list of provinces longer than a phone screen, and a unit of each structure with
the same name.
"""

import datetime

import pytest

from indicators.models import AverageScope, PublishedAverage
from provinces.models import Level, Region, UnitType
from tests.e2e.conftest import draw_every_chart, screenshot
from tests.factories import make_indicator, make_source, make_unit, make_value

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = [
    "Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Bà Rịa - Vũng Tàu", "Thừa Thiên Huế", "Quảng Ninh",
    "Bắc Ninh", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Gia Lai",
    "Kon Tum", "Bình Dương", "Đồng Nai", "Tây Ninh", "Long An", "Tiền Giang", "Bến Tre", "Vĩnh Long", "Trà Vinh",
    "Sóc Trăng", "Bạc Liêu", "Cà Mau", "Kiên Giang",
]  # fmt: skip

PAGES = [
    "/",
    "/rankings/?indicator=par_index&year=2023",
    "/provinces/01/",
    "/compare/?units=01,02,03&year=2023",
    "/indicators/",
    "/indicators/par_index/",
    "/coverage/",
    "/search/?q=quang",
    "/import-format/",
    "/provinces/01/report/?year=2023",
    "/units/department/01001/report/?year=2023",
]


@pytest.fixture
def country():
    """Thirty provinces over two years, long indicator names and sources, one name in both structures."""
    par = make_indicator(
        code="par_index",
        name_vi="Chỉ số cải cách hành chính của các bộ, cơ quan ngang bộ, Ủy ban nhân dân tỉnh (PAR Index)",
        name_en="Public Administration Reform Index of ministries and provincial People's Committees",
    )
    sipas = make_indicator(
        code="sipas",
        name_vi="Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước",
        name_en="Satisfaction of people and organisations with the services of state administrative agencies",
    )
    source = make_source(
        title="Báo cáo Chỉ số cải cách hành chính năm 2023 của các bộ, cơ quan ngang bộ, UBND các tỉnh",
        url="https://moha.example.org/bao-cao/chi-so-cai-cach-hanh-chinh-nam-2023-cua-cac-bo-co-quan-ngang-bo",
    )
    regions = list(Region)
    units = []
    for index, name in enumerate(NAMES):
        unit = make_unit(code=f"{index + 1:02d}", short_name=name, valid_to=None, region=regions[index % len(regions)])
        units.append(unit)
        make_value(indicator=par, unit=unit, year=2023, value=f"{90 - index * 0.7:.2f}", source=source, rank=index + 1)
        make_value(indicator=par, unit=unit, year=2022, value=f"{88 - index * 0.5:.2f}", source=source)
        make_value(indicator=sipas, unit=unit, year=2023, value=f"{80 + index * 0.3:.2f}", source=source)
    # The same name before and after 1 July 2025: the pickers must tell them apart.
    make_unit(code="95", short_name="Quảng Ninh", valid_from=None, valid_to=datetime.date(2025, 6, 30))
    make_unit(code="95", short_name="Quảng Ninh", valid_from=datetime.date(2025, 7, 1), valid_to=None)
    PublishedAverage.objects.create(indicator=par, year=2023, scope=AverageScope.NATIONAL, value="86.5", source=source)
    # Hà Nội's departments, appraised by the city (the agency yearly report): long names and a long decision.
    decision = make_source(
        title="Quyết định số 1234/QĐ-UBND ngày 15/02/2024 của UBND thành phố Hà Nội công bố Chỉ số cải cách hành "
        "chính năm 2023 của các sở, ban, ngành",
        url="https://hanoi.example.org/quyet-dinh/1234-qd-ubnd-cong-bo-chi-so-cai-cach-hanh-chinh-nam-2023",
    )
    for index, name in enumerate(["Sở Nội vụ", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Tài nguyên và Môi trường"]):
        department = make_unit(
            level=Level.DEPARTMENT,
            code=f"01{index + 1:03d}",
            short_name=f"{name} thành phố Hà Nội",
            unit_type=UnitType.DEPARTMENT,
            parent=units[0],
            valid_to=None,
        )
        make_value(indicator=par, unit=department, year=2023, value=f"{92 - index * 1.5:.2f}", source=decision)
        make_value(indicator=par, unit=department, year=2022, value=f"{89 - index:.2f}", source=decision)
    return units


def overflow(tab) -> dict:
    return tab.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " wide: Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right >"
        " window.innerWidth + 1 && !e.closest('.table-scroll, .ts-dropdown'))"
        ".slice(0, 8).map(e => e.tagName + '.' + e.getAttribute('class') + '#' + (e.closest('[id]') || {}).id + ':'"
        " + Math.round(e.getBoundingClientRect().right))})"
    )


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("path", PAGES)
def test_no_public_page_is_wider_than_the_screen_and_every_chart_draws(
    page, live_server, country, path, width, language
):
    page.set_viewport_size({"width": width, "height": 844 if width < 800 else 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    draw_every_chart(page)
    page.wait_for_load_state("networkidle")
    measured = overflow(page)
    screenshot(page, f"phone{path}_{width}_{language}")
    assert measured["scroll"] <= measured["inner"], measured
    assert cut_legend_entries(page) == []


CUT_LEGEND_ENTRIES = """() => Array.from(document.querySelectorAll('.chart[data-figure-id]')).flatMap(chart => {
  const box = chart.getBoundingClientRect();
  return Array.from(chart.querySelectorAll('.legend .legendtext, .annotation-text'))
    .filter(text => text.getBoundingClientRect().right > box.right + 1 || text.getBoundingClientRect().left < box.left - 1)
    .map(text => chart.id + ': ' + text.textContent);
})"""


def cut_legend_entries(tab: object) -> list[str]:
    """Return the legend entries and labels (chart id: text) that run past their chart's edges (plotly.js cuts them)."""
    return tab.evaluate(CUT_LEGEND_ENTRIES)


def test_the_compare_picker_is_searchable_and_tells_namesakes_apart(page, live_server, country):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/compare/")
    control = page.locator("#units-ts-control")
    control.click()
    control.fill("cần")
    option = page.locator(".ts-dropdown .option", has_text="Cần Thơ")
    option.click()
    page.keyboard.press("Escape")
    assert page.locator("#units option:checked").all_inner_texts() == ["Cần Thơ (05)"]


def test_every_public_page_offers_a_link_preview(page, country):
    page.goto("/rankings/?indicator=par_index&year=2023")
    title = page.locator("meta[property='og:title']").get_attribute("content")
    assert "Xếp hạng" in title and "2023" in title
    assert page.locator("meta[property='og:description']").get_attribute("content")
    assert page.locator("meta[name='twitter:card']").get_attribute("content") == "summary"


def test_printing_hides_the_navigation_and_forms_and_shows_the_address(page, country):
    page.goto("/rankings/?indicator=par_index&year=2023")
    page.emulate_media(media="print")
    assert not page.locator("nav.site-nav").is_visible()
    assert not page.locator("form.filters").is_visible()
    assert page.locator(".print-meta").is_visible()
    assert "/rankings/?indicator=par_index" in page.locator(".print-meta").inner_text()


def test_a_chart_png_carries_its_title_and_source_and_its_link_restores_it(page, country):
    page.goto("/rankings/?indicator=par_index&year=2023")
    draw_every_chart(page)
    with page.expect_download() as download_info:
        page.locator("button.chart-png").first.click()
    content = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    assert content.startswith(b"\x89PNG")
    # The image's own texts: title, the page's heading (indicator, year) and the source line.
    page.evaluate(
        "() => { const original = window.Plotly.toImage; window.Plotly.toImage = (figure, options) => {"
        " window.lastImage = figure.layout; return original(figure, options); }; }"
    )
    with page.expect_download():
        page.locator("button.chart-png").first.click()
    layout = page.evaluate("window.lastImage")
    assert "2023" in layout["title"]["text"] and "Chỉ số cải cách hành chính" in layout["title"]["text"]
    footer = layout["annotations"][-1]["text"]
    assert footer.startswith("Nguồn: Báo cáo Chỉ số cải cách hành chính năm 2023")
    assert "/rankings/?indicator=par_index&amp;year=2023" in footer
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("button.chart-link-copy").first.click()
    page.locator(".chart-copied").first.wait_for()
    link = page.evaluate("navigator.clipboard.readText()")
    assert "/rankings/?indicator=par_index&year=2023#ranking-bar-block" in link


def test_a_copied_chart_link_restores_its_zoom_and_hidden_series(page, country):
    page.goto("/compare/?units=01,02,03&indicators=par_index&year=2023")
    draw_every_chart(page)
    chart = "document.querySelector('[data-figure-id=\"line-par_index\"]')"
    # What a reader's drag-zoom and legend click do: plotly sets the ranges (autorange off) and hides trace 1.
    page.evaluate(
        f"() => Plotly.relayout({chart}, {{'xaxis.range': [2022.25, 2023.125], 'yaxis.range': [86.5, 90.25]}})"
        f".then(() => Plotly.restyle({chart}, {{visible: 'legendonly'}}, [1]))"
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("button.chart-link-copy[data-chart='line-par_index']").click()
    page.locator(".chart-copied").first.wait_for()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link.endswith("#line-par_index-block~hide=1~xaxis=2022.25,2023.125~yaxis=86.5,90.25")
    page.goto("about:blank")
    page.goto(link)
    # A function, not an expression: Playwright polls an expression with eval, which the site's CSP forbids.
    page.wait_for_function(
        f"() => {{ const c = {chart}; return Boolean(c && c.getAttribute('data-drawn') && c._fullLayout); }}"
    )
    state = page.evaluate(
        f"() => ({{x: {chart}.layout.xaxis.range, y: {chart}.layout.yaxis.range,"
        f" visible: {chart}.data.map(t => t.visible || true)}})"
    )
    assert state == {"x": [2022.25, 2023.125], "y": [86.5, 90.25], "visible": [True, "legendonly", True]}
    assert page.evaluate("window.scrollY") > 0  # scrolled to the chart, whose anchor the state follows
    screenshot(page, "chart_link_restored")


def test_a_printed_page_keeps_its_tables_and_charts_within_a4(page, country):
    page.goto("/provinces/01/report/?year=2023")
    draw_every_chart(page)
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(300)
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('.chart .main-svg')).map(s => s.getBoundingClientRect().width)"
    )
    assert widths and max(widths) <= 700  # 18 cm at 96 dpi, A4 less the margins
    screenshot(page, "print_report")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/indicators/value/",
        "/admin/indicators/value/yearsheet/?unit={unit}&year=2023",
        "/admin/provinces/administrativeunit/",
        "/admin/indicators/importbatch/",
    ],
)
def test_no_staff_page_is_wider_than_a_phone_and_the_sheet_fits_a_laptop(
    page, live_server, country, django_user_model, path
):
    django_user_model.objects.create_superuser("approver", "approver@example.org", "a-long-test-password")
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "approver")
    page.fill("#id_password", "a-long-test-password")
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url("**/admin/")
    path = path.format(unit=country[0].pk)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 844 if width < 800 else 900})
        assert page.goto(path).status == 200
        measured = overflow(page)
        screenshot(page, f"staff{path}_{width}")
        assert measured["scroll"] <= measured["inner"], (width, measured)
