"""Per-page and per-description parse cost of the HTML paths, caches cleared before each call.

(a) an html-kind list page of the simulator (50 items) and the real iCIMS page, read into records;
(b) description HTML to text: the real Greenhouse, Ashby and Himalayas descriptions of
    jobboard_assets_tests/fixtures/real/.
Run: `.venv/bin/python benchmarks/bench_parse.py [--repeats 200]`.
"""

from __future__ import annotations

import argparse
import html
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import write_results
from jobboard_assets.sim import formats
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sources.http import Response
from jobboard_assets.sources.kinds import html as html_kind
from jobboard_assets.sources.kinds.base import Crawl
from jobboard_assets.sources.normalize import html_to_text, make_record
from jobboard_assets.sources.records import BoardConfig

REAL = Path(__file__).resolve().parents[1] / "jobboard_assets_tests" / "fixtures" / "real"
ICIMS = {
    "item_selector": "li.iCIMS_JobCardItem",
    "title_selector": "h3",
    "link_selector": "a.iCIMS_Anchor",
    "location_selector": ".header.left span:not(.sr-only)",
}


def sim_page() -> bytes:
    market = SimulatedMarket(seed=42, n_boards=33)
    board = next(board for board in market.boards if board.kind == "html")
    postings = market.postings_on(board.slug, date(2026, 3, 2))
    return formats.render(board, date(2026, 3, 2), postings, {}).body


def descriptions() -> list[str]:
    greenhouse = json.loads((REAL / "greenhouse_careerkit.json").read_bytes())["jobs"]
    ashby = json.loads((REAL / "ashby_airbyte.json").read_bytes())["jobs"]
    feed = etree.fromstring(
        (REAL / "rss_himalayas.xml").read_bytes(), etree.XMLParser(recover=True)
    )
    encoded = [
        el.text for el in feed.iter() if isinstance(el.tag, str) and el.tag.endswith("encoded")
    ]
    return (
        [html.unescape(job["content"]) for job in greenhouse]
        + [job["descriptionHtml"] for job in ashby]
        + encoded
    )


def page_reader(body: bytes, options: dict[str, str]) -> Callable[[], int]:
    board = BoardConfig(slug="b", name="B", kind="html", url="http://b.test/", options=options)
    response = Response("b", "http://b.test/jobs", 200, {"content-type": "text/html"}, body)
    crawl = Crawl(board, client=None, obey_robots_txt=False)  # type: ignore[arg-type]  # parses `response` only, never fetches

    def read() -> int:
        make_record.cache_clear()
        return len(html_kind._read_page(crawl, response, options).records)

    return read


def timed(call: Callable[[], object], repeats: int) -> dict[str, float]:
    call()  # imports, compiled selectors
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return {
        "median_ms": round(statistics.median(times) * 1000, 3),
        "p90_ms": round(sorted(times)[int(len(times) * 0.9)] * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    page = sim_page()
    texts = descriptions()

    def all_descriptions() -> None:
        html_to_text.cache_clear()
        for text in texts:
            html_to_text(text)

    results = {
        "sim_page_50_items": timed(page_reader(page, formats.HTML_SELECTORS), args.repeats),
        "icims_page": timed(
            page_reader((REAL / "icims_wipfli.html").read_bytes(), ICIMS), args.repeats
        ),
        f"descriptions_{len(texts)}_real": timed(all_descriptions, args.repeats),
    }
    for name, figures in results.items():
        print(f"{name:28} median {figures['median_ms']:8.3f} ms   p90 {figures['p90_ms']:8.3f} ms")
    write_results("parse", {"repeats": args.repeats, "results": results})


if __name__ == "__main__":
    main()
