"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

The tests are skipped, with the reason shown in pytest's summary, when Chromium or Playwright is
missing (.ci/run installs Chromium); they never pass silently without a browser.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Return a running headless Chromium, or skip the browser tests with the reason."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does it)")
    for bundle in ("plotly.min.js", "plotly-cartesian.min.js"):
        if not (ROOT / "static" / "vendor" / bundle).exists():
            pytest.skip(f"browser tests need static/vendor/{bundle}: run `make static/vendor/plotly.min.js`")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (requirements-dev)")
    # Playwright's sync API keeps an event loop in this thread; the tests' own ORM calls are still
    # synchronous, so Django's guard against ORM calls from async code does not apply to them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class BrowserErrors(list):
    """JavaScript errors, failed requests and Content-Security-Policy violations seen by one page."""


@pytest.fixture
def page(chromium, live_server, request) -> Iterator[object]:
    """Return a fresh page (own cookies) on the live server; fail the test if the page logged any error."""
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors = BrowserErrors()
    tab.on("console", lambda message: errors.append(f"console: {message.text}") if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    tab.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    tab.errors = errors
    yield tab
    context.close()
    assert list(errors) == [], f"{request.node.name}: the browser reported errors"


def screenshot(tab: object, name: str) -> Path:
    """Save a full-page screenshot to tests/screenshots/<name>.png (gitignored) and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]+', '_', name.lower())}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def draw_every_chart(tab: object) -> int:
    """Scroll each chart into view (they are drawn lazily), wait until plotly.js drew it; return the count."""
    charts = tab.locator(".chart[data-figure-id]")
    count = charts.count()
    for index in range(count):
        chart = charts.nth(index)
        if not chart.is_visible():  # inside a closed <details> or a hidden tab
            continue
        # Scrolled by the page itself, not Locator.scroll_into_view_if_needed: that first waits for the box to
        # stay put over two animation frames, and a headless Chromium starved of CPU (CI, two cores) has been
        # seen to produce no frame for 15 s after the chart was already drawn. What is asserted is the same:
        # the chart, once on screen, gets drawn.
        chart.evaluate("element => element.scrollIntoView({block: 'center'})")
        chart.locator(".main-svg").first.wait_for()
    return count
