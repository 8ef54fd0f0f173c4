"""The HTML report opened in a real headless Chromium, as a reader would open it.

Needs Debian's `chromium` (scripts/install-system-packages) and Playwright for Python; the
browser is never downloaded: Playwright drives /usr/bin/chromium.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image

from tests.report import stores

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="module")
def browser():
    # A missing browser fails rather than skips: the report must be checked as users see it.
    from playwright import sync_api

    assert shutil.which(CHROMIUM), "no chromium: run scripts/install-system-packages"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Visit:
    """A page load with everything the page asked for and complained about."""

    def __init__(self, browser, path):
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url, wait_until="load")

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def fetched(self) -> list[str]:
        """Requests other than the file itself and its inline data: images."""
        return [url for url in self.requests if url != self.url and not url.startswith("data:")]


def test_report_renders_every_image_without_errors_or_fetches(browser, trained_report, tmp_path):
    visit = Visit(browser, trained_report)
    images = visit.page.eval_on_selector_all(
        "img", "all => all.map(i => ({alt: i.alt, done: i.complete, width: i.naturalWidth}))"
    )
    assert len(images) == 8
    assert all(image["done"] and image["width"] > 0 for image in images), images
    assert visit.console_errors == []
    assert visit.fetched() == []
    assert visit.page.title() == "actlab report: digits_mlp[epochs=2]"
    screenshot = tmp_path / "report.png"
    visit.page.screenshot(path=str(screenshot), full_page=True)
    pixels = np.asarray(Image.open(screenshot).convert("L"), dtype=float)
    assert pixels.shape[0] > 2000  # the whole long page, not one screen
    assert pixels.std() > 20  # text, tables and figures, not a blank page


def test_hostile_names_stay_text_in_the_browser(browser, hostile_report):
    visit = Visit(browser, hostile_report)
    assert visit.dialogs == []
    assert visit.page.locator("script").count() == 0
    assert visit.page.locator("h1").inner_text() == f"actlab report: {stores.HOSTILE}"
    assert visit.console_errors == [] and visit.fetched() == []


def test_the_paired_test_effect_size_and_difference_interval_are_read_in_the_browser(
    browser, trained_report
):
    visit = Visit(browser, trained_report)
    table = visit.page.locator("table").first  # the statistics table opens the Result section
    headers = table.locator("thead th").all_inner_texts()
    for header in ("Δ accuracy [95% CI]", "d", "test (pairs)", "p (Holm)"):
        assert header in headers
        assert table.locator("thead th").nth(headers.index(header)).is_visible()
    rows = [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]
    tanhexp = dict(zip(headers, rows[1], strict=True))
    assert tanhexp["test (pairs)"] == "paired t (2)"
    low, high = map(float, tanhexp["Δ accuracy [95% CI]"].split("[")[1].strip("]").split(", "))
    assert -1.0 <= low <= high <= 1.0
    assert 0.0 <= float(tanhexp["p (Holm)"]) <= 1.0
    caption = " ".join(visit.page.locator("p.caption").first.inner_text().split())
    assert visit.page.locator("p.caption").first.is_visible()
    assert "paired t test of the per-seed differences, Holm-adjusted over 1 test" in caption
    assert "Cohen's d for paired data" in caption and "paired 95% t-interval" in caption
