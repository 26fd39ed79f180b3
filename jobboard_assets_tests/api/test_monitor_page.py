"""The monitor page in headless Debian Chromium (Playwright) against the live server and seeded data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Page, expect, sync_playwright

from jobboard_assets_tests.api.conftest import TOKEN
from jobboard_assets_tests.api.seed import FAILED_RUN_ERRORS, XSS_NAME

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
    # One backend is enough for the page: the API's numbers are checked on both in test_endpoints.
    pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True),
]


@pytest.fixture
def problems() -> list[str]:
    """Dialogs (an injected alert), uncaught script errors and console errors seen by the page."""
    return []


@pytest.fixture
def page(base_url: str, problems: list[str]) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.on("dialog", lambda dialog: _refuse_dialog(dialog, problems))
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("console", lambda message: _note_console_error(message, problems))
            page.goto(base_url + "/")
            yield page
        finally:
            browser.close()


def _refuse_dialog(dialog: Dialog, problems: list[str]) -> None:
    problems.append(f"dialog: {dialog.message}")
    dialog.dismiss()


def _note_console_error(message: ConsoleMessage, problems: list[str]) -> None:
    if message.type == "error":
        problems.append(message.text)


def test_the_page_shows_stats_runs_errors_and_both_charts(page: Page, problems: list[str]) -> None:
    runs = page.locator("#runs > li.run")
    expect(runs).to_have_count(5)
    expect(page.locator("#stat-runs")).to_have_text("3 (1 completed, 1 partial, 1 failed)")
    expect(page.locator("#stat-success-rate")).to_have_text("33.3%")
    expect(page.locator("#stat-jobs")).to_have_text("12 (9 completed, 3 failed)")
    expect(page.locator("#stat-duration")).to_have_text("2 min 0 s")

    failed = page.locator('li.run[data-run-id="run-failed"]')
    expect(failed.locator(".badge")).to_have_text("failed")
    expect(failed.locator(".badge")).to_have_class("badge badge-failed")
    expect(failed.locator(".errors > li")).to_have_text(FAILED_RUN_ERRORS)
    expect(failed.locator(".run-counts")).to_have_text("0/2 jobs completed, 2 failed · 1 min 0 s")
    expect(failed.locator("b")).to_have_count(0)  # "<b>not bold</b>" stays text
    expect(page.locator('li.run[data-run-id="run-partial"] .badge')).to_have_text("partial")
    expect(page.locator('li.run[data-run-id="run-ok"] .badge')).to_have_text("completed")
    expect(page.locator('li.run[data-run-id="run-live"] .badge')).to_have_text("running")

    expect(page.locator("#score-chart rect.bar")).to_have_count(3)
    expect(page.locator("#score-chart text.bar-value")).to_have_text(
        ["82.2 B+", "51.6 D", "15.0 F"]
    )
    # pay transparency beside the score, for the boards whose score row measured it
    expect(page.locator("#score-chart text.bar-pay")).to_have_text(["pay 25%", "pay 0%"])
    bars = page.locator("#score-chart rect.bar")
    widths = bars.evaluate_all("bars => bars.map(bar => Number(bar.getAttribute('width')))")
    assert widths[0] > widths[1] > widths[2] > 0
    expect(page.locator("#lifespan-chart rect.bar")).to_have_count(6)
    expect(page.locator("#lifespan-chart text.bar-value")).to_have_text(
        ["2", "1", "1", "1", "1", "1"]
    )
    expect(page.locator("#lifespan-chart text.bar-label")).to_have_text(
        ["0-7 d", "8-14 d", "15-30 d", "31-60 d", "61-90 d", "90+ d"]
    )
    assert problems == []


def test_a_board_name_with_markup_is_shown_as_text(page: Page, problems: list[str]) -> None:
    expect(page.locator("#score-chart text.bar-label").nth(2)).to_have_text(f"3. {XSS_NAME}")
    expect(page.locator("img")).to_have_count(0)
    page.wait_for_timeout(300)  # give an injected onerror handler the time to fire
    assert problems == []


def test_run_now_shows_a_refusal_then_adds_a_running_run_with_the_token(
    page: Page, problems: list[str]
) -> None:
    runs = page.locator("#runs > li.run")
    expect(runs).to_have_count(5)

    page.fill("#token", "not-the-token")
    page.click("#run-now")
    expect(page.locator("#message")).to_contain_text(
        "Run Now refused: a valid 'Authorization: Bearer <token>'"
    )
    expect(page.locator("#message")).to_have_class("message error")
    expect(runs).to_have_count(5)

    page.fill("#token", TOKEN)
    page.click("#run-now")
    expect(runs).to_have_count(6)
    newest = runs.first
    expect(newest).to_have_attribute("data-run-id", re.compile(r"^api-\d+-[0-9a-f]+$"))
    expect(newest.locator(".badge")).to_have_text("running")
    expect(page.locator("#message")).to_contain_text("requested")
    # The refusal was reported on the page, not as a console error.
    assert [problem for problem in problems if "401" not in problem] == []
