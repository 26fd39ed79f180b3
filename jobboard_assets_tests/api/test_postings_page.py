"""The monitor page's postings view in headless Debian Chromium: search, open a posting, its timeline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import Engine

from jobboard_assets_tests.api import posting_seed
from jobboard_assets_tests.api.conftest import live_server
from jobboard_assets_tests.api.posting_seed import BY_ID, DAYS, SPECS
from jobboard_assets_tests.api.test_monitor_page import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    _note_console_error,
    _refuse_dialog,
)

PAGE_SIZE = 10  # postings.js

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
    pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True),
]


@pytest.fixture
def problems() -> list[str]:
    return []


@pytest.fixture
def page(engine: Engine, problems: list[str]) -> Iterator[Page]:
    posting_seed.build(engine)
    with live_server(engine, None) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.on("dialog", lambda dialog: _refuse_dialog(dialog, problems))
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("console", lambda message: _note_console_error(message, problems))
            page.goto(base + "/")
            yield page
        finally:
            browser.close()


def test_search_filters_and_pages(page: Page, problems: list[str]) -> None:
    results = page.locator("#posting-results > li.posting")
    assert len(SPECS) > PAGE_SIZE
    expect(results).to_have_count(PAGE_SIZE)  # the first page of every posting
    for shown in range(2 * PAGE_SIZE, len(SPECS) + PAGE_SIZE, PAGE_SIZE):  # "More", page by page
        expect(page.locator("#posting-more")).to_be_visible()
        page.locator("#posting-more").click()
        expect(results).to_have_count(min(shown, len(SPECS)))
    expect(page.locator("#posting-more")).to_be_hidden()

    page.fill("#p-q", "engineer")
    page.select_option("#p-status", "active")
    page.locator("#posting-search button[type=submit]").click()
    engineers = [s for s in SPECS if "engineer" in s.title.lower() and s.active]
    expect(results).to_have_count(len(engineers))

    page.fill("#p-q", "")
    page.select_option("#p-status", "")
    page.check("#p-fake-fresh")
    page.locator("#posting-search button[type=submit]").click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("fake-fresh")
    assert problems == []


def test_a_postings_evidence_and_timeline(page: Page, problems: list[str]) -> None:
    page.fill("#p-q", "Platform Engineer")
    page.locator("#posting-search button[type=submit]").click()
    restamped = page.locator("#posting-results > li.posting").filter(has_text="Alpha")
    expect(restamped).to_have_count(1)
    restamped.locator("button.posting-title").click()
    expect(page.locator("#evidence-title")).to_have_text("Platform Engineer · Alpha")
    expect(page.locator("#evidence-likelihood")).to_contain_text("driven by restamped, fake_fresh")
    expect(page.locator("#evidence-likelihood")).to_have_class("likelihood stale")
    spec = BY_ID["a-restamp"]
    moved = sum(spec.board_date(o) > spec.board_date(o - 1) for o in range(1, DAYS))
    timeline = page.locator("#posting-timeline")
    # This posting (one span) and its listing on Beta; a tick per re-stamp of its board date.
    expect(timeline.locator("g.timeline-self rect.span")).to_have_count(1)
    expect(timeline.locator("g.timeline-other")).to_have_count(1)
    expect(timeline.locator("g.timeline-other")).to_contain_text("Beta")
    expect(timeline.locator("line.restamp")).to_have_count(moved)
    expect(page.locator('#evidence-signals li.fired[data-signal="restamped"]')).to_have_count(1)

    page.fill("#p-q", "QA Engineer")
    page.select_option("#p-status", "active")
    page.locator("#posting-search button[type=submit]").click()
    expect(page.locator("#posting-results > li.posting")).to_have_count(1)
    page.locator("#posting-results button.posting-title").click()
    expect(page.locator("#evidence-title")).to_have_text("QA Engineer · Alpha")
    expect(timeline.locator("g.timeline-repost")).to_have_count(2)
    assert problems == []
