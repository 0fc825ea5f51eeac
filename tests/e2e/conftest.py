"""Browser tests: Debian's Chromium driven by Playwright, with axe-core checking the pages a journey calls
``assert_accessible`` on."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_SOURCE = Path(settings.BASE_DIR, "node_modules", "axe-core", "axe.min.js")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("The browser tests need Chromium: make test installs it (scripts/machine-packages.sh test).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
    }));
}"""


def assert_accessible(page: Page) -> None:
    """Run axe-core (WCAG 2.2 AA) on the page once it has loaded; fail on any violation.

    A click that follows a link returns once the new page has started to load, so axe waits for the
    load event: run on a half-built document, it finds no document element and fails at random.
    """
    page.wait_for_load_state("load")
    page.evaluate(AXE_SOURCE.read_text())
    violations = page.evaluate(AXE_RUN, AXE_TAGS)
    assert violations == [], f"axe found problems on {page.url}: {violations}"
