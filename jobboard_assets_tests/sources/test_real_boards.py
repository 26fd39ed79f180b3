"""Real payloads (fixtures/real/, provenance in its README) through the real path.

Each payload is served over HTTP on 127.0.0.1, scraped, merged and stored by
`process_board_day` on SQLite and PostgreSQL; the stored rows are compared with values written
by hand from the payloads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, select

from jobboard_assets.metrics.belief import SuspectRule
from jobboard_assets.pipeline.board_day import apply_board_day, process_board_day
from jobboard_assets.pipeline.rebuild import rebuild_board
from jobboard_assets.sources.errors import TooManyUnusableRecordsError
from jobboard_assets.sources.fetch import scrape_board
from jobboard_assets.sources.http import PoliteHttpClient
from jobboard_assets.sources.records import BoardConfig
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobPosting
from jobboard_assets.warehouse.queries.boards import board_ids_by_slug, sync_boards
from jobboard_assets_tests.api.conftest import live_server
from jobboard_assets_tests.http_server import LoopbackServer, Reply, Request

REAL = Path(__file__).parents[1] / "fixtures" / "real"
MEDIA_TYPES = {".json": "application/json", ".xml": "application/xml", ".html": "text/html"}
HTML_OPTIONS = {
    "icims_wipfli.html": {
        "item_selector": "li.iCIMS_JobCardItem",
        "title_selector": "h3",
        "link_selector": "a.iCIMS_Anchor",
        "location_selector": ".header.left span:not(.sr-only)",
        "company": "Wipfli",
    },
    "jobvite_feedingamerica.html": {
        "item_selector": "tr",
        "title_selector": "a",
        "link_selector": "a",
        "location_selector": ".jv-job-list-location",
        "company": "Feeding America",
    },
}
KIND_OF_PREFIX = {"icims": "html", "jobvite": "html"}

YEAR, HOUR = "year", "hour"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# (file, external id) -> (locations, workplace_type, remote, (min, max, currency, period) or None,
# employment_type, expires_at), read by hand from the payloads.
# fmt: off
EXPECTED: dict[tuple[str, str], tuple[Any, ...]] = {
    # Ashby: workplaceType, compensation tiers (the Salary component, not equity), employmentType
    ("ashby_airbyte.json", "99c417bc-a996-4265-9401-f967b3076c9f"):
        (["United States"], "remote", True, (99000, 115000, "USD", YEAR), "full_time", None),
    ("ashby_airbyte.json", "efe55756-f28b-4030-b9a0-539f6c8ed8ff"):
        (["San Francisco"], "hybrid", False, (217000, 260000, "USD", YEAR), "full_time", None),
    ("ashby_careerkit.json", "90fb3621-899e-4b59-925d-25080ec91e18"):
        (["Canada"], "remote", True, None, "full_time", None),
    ("ashby_careerkit.json", "fc2f1f85-46a0-4a31-b165-683e39c07c04"):
        (["Toronto, Ontario"], "hybrid", False, (102800, 137000, "CAD", YEAR), "full_time", None),
    # Greenhouse: "Employment Type" metadata "Regular"; no location type stated
    ("greenhouse_careerkit.json", "8636903002"):
        (["London, UK"], None, None, None, "full_time", None),
    ("greenhouse_careerkit.json", "8651132002"):
        (["Bangalore, India"], None, None, None, "full_time", None),
    ("greenhouse_work_scrapper.json", "4834489101"):
        (["ul. Zbożowa 4, 70-653 Stettin"], None, None, None, None, None),
    ("greenhouse_work_scrapper.json", "4897932101"):
        (["ul. Zbożowa 4, 70-653 Stettin"], None, None, None, None, None),
    # Lever: workplaceType, commitment, pay stated in the "additional" text
    ("lever_metabase.json", "5eca795c-48dd-496a-be23-2181068a5450"):
        (["Remote-North & South America"], "remote", True, (95400, 190000, "USD", YEAR),
         "full_time", None),
    ("lever_metabase.json", "ee8203b5-2cf7-4eae-afd6-3f9724761ad9"):
        (["Global Remote"], "remote", True, (116000, 213000, "USD", YEAR), "full_time", None),
    ("lever_careerkit.json", "a24ec4e5-5caa-473d-abd4-b71f09a8167b"):
        (["Chicago, IL"], "remote", True, None, "contract", None),
    ("lever_careerkit.json", "5d54d69b-e940-452e-b892-1170aa60f095"):
        (["Washington, D.C."], "remote", True, None, "contract", None),
    ("lever_work_scrapper.json", "5b5a445a-6150-481b-b4ad-5932d793c2b3"):
        (["Portugal, Lisbon"], "hybrid", False, None, "full_time", None),
    ("lever_work_scrapper.json", "8adfa26a-70cd-412b-8d7b-ccab306b1ec0"):
        (["UK, London"], "hybrid", False, None, "full_time", None),
    ("lever_work_scrapper.json", "27906eb6-51df-4dbc-a860-72e911bdd2c8"):
        (["Portugal, Lisbon"], "hybrid", False, None, "full_time", None),
    # SmartRecruiters: remote/hybrid flags, typeOfEmployment id, "Szczecin, , Poland" mended
    ("smartrecruiters_careerkit.json", "743999671674844"):
        (["St. Louis, MO, United States"], "onsite", False, None, "part_time", None),
    ("smartrecruiters_work_scrapper.json", "744000141699866"):
        (["Szczecin, West Pomeranian Voivodeship, Poland"], "onsite", False, None, "full_time",
         None),
    ("smartrecruiters_work_scrapper.json", "744000140721629"):
        (["Szczecin, Poland"], "hybrid", False, None, "full_time", None),
    ("smartrecruiters_work_scrapper.json", "744000142857646"):
        (["Brno, South Moravian Region, Czechia"], "remote", True, None, "full_time", None),
    # Workable: one shortcode listed per location is one posting with both
    ("workable_careerkit.json", "DD136DD7E7"):
        (["Spain", "Portugal"], "remote", True, None, None, None),
    ("workable_work_scrapper.json", "C99A238797"):
        (["Poland"], "remote", True, None, "contract", None),
    ("workable_work_scrapper.json", "3796520067"):
        (["Poznań, Poland"], "remote", True, None, "contract", None),
    ("workable_work_scrapper.json", "9B8C3783A5"):
        (["Poland"], "remote", True, None, None, None),
    # RSS: Himalayas' undeclared himalayasJobs:/media: prefixes, its expiry and the pay in the
    # description; We Work Remotely's region, type and expires_at
    ("rss_himalayas.xml",
     "https://himalayas.app/companies/esource-corp/jobs/instructional-designer-contractor"):
        (["United States"], "remote", True, None, "contract", utc(2026, 9, 25, 13, 17, 37)),
    ("rss_himalayas.xml",
     "https://himalayas.app/companies/cribl/jobs/senior-technical-support-engineer-2197622672"):
        (["United States"], "remote", True, (90000, 141000, "USD", YEAR), None,
         utc(2026, 9, 25, 13, 17, 13)),
    ("rss_weworkremotely.xml",
     "https://weworkremotely.com/remote-jobs/hospitable-customer-advocate-lead-north-america-remote-1"):
        (["Anywhere in the World"], "remote", True, None, "full_time", utc(2026, 9, 10, 12, 40, 35)),
    ("rss_weworkremotely.xml",
     "https://weworkremotely.com/remote-jobs/harney-sons-fine-teas-associate-erp-operations-sap-business-one"):
        (["Anywhere in the World"], "remote", True, None, "full_time", utc(2026, 9, 9, 9, 15)),
    ("rss_weworkremotely.xml",
     "https://weworkremotely.com/remote-jobs/justworks-international-consultant-apac"):
        (["🇨🇦 Canada and 🇺🇸 United States of America"], None, None, None, "full_time",
         utc(2026, 9, 8, 18, 30, 22)),
    # Personio: the same position listed twice is one posting; office and additionalOffices;
    # schedule "full-time" beside employmentType "permanent"
    ("personio_careerkit.xml", "1834171"):
        (["Munich", "Berlin"], None, None, None, "full_time", None),
    # HTML: iCIMS and Jobvite list pages; "(Chicago/Hybrid)" in the title
    ("icims_wipfli.html",
     "https://careers-wipfli.icims.com/jobs/8214/payroll-tax-specialist/job?in_iframe=1"):
        (["US"], None, None, None, None, None),
    ("icims_wipfli.html",
     "https://careers-wipfli.icims.com/jobs/8212/payroll-support-specialist/job?in_iframe=1"):
        (["US"], None, None, None, None, None),
    ("jobvite_feedingamerica.html", "/feedingamerica/job/octxAfww"):
        (["Chicago, Illinois"], "hybrid", False, None, None, None),
    ("jobvite_feedingamerica.html", "/feedingamerica/job/ohAzAfwK"):
        (["Chicago, Illinois"], "hybrid", False, None, None, None),
}
# fmt: on
FILES = sorted({name for name, _ in EXPECTED})
WORKDAY_SITES = {  # fixture -> (the CXS site it is served as, the days one list states)
    "workday_bega.json": "/wday/cxs/begacheese/Bega_Careers",
    "workday_saputo.json": "/wday/cxs/saputo/External",
}


def board_for(name: str, url: str) -> BoardConfig:
    prefix = name.split("_")[0]
    return BoardConfig(
        slug=Path(name).stem.replace("_", "-"),
        name=f"Board {prefix}",
        kind=KIND_OF_PREFIX.get(prefix, prefix),
        url=url,
        options={"min_interval_seconds": 0.0, **HTML_OPTIONS.get(name, {})},
    )


@pytest.fixture
def served() -> Iterator[tuple[LoopbackServer, dict[str, BoardConfig]]]:
    with LoopbackServer() as server:
        boards = {}
        for name in FILES:
            path = REAL / name
            server.route(
                f"/{name}",
                Reply(200, path.read_bytes(), {"Content-Type": MEDIA_TYPES[path.suffix]}),
            )
            boards[name] = board_for(name, server.url(f"/{name}"))
        yield server, boards


def apply(
    engine: Engine, boards: list[BoardConfig], client: PoliteHttpClient, *, confirm: bool = True
) -> dict[str, Any]:
    """Every board's day through `process_board_day`; the outcomes by board slug. A small
    board's first observation waits for a confirming day (`metrics.belief`): with `confirm`,
    the same listing is applied the day before too (fetched once more)."""
    with session_scope(engine) as session:
        sync_boards(session, boards)
        ids = board_ids_by_slug(session)
    today, rule = datetime.now(UTC).date(), SuspectRule()
    outcomes = {}
    for board in boards:
        if confirm:  # these boards list only today: the same listing, a day earlier
            yesterday = replace(scrape_board(board, today, client), day=today - timedelta(days=1))
            apply_board_day(engine, ids[board.slug], yesterday, rule)
        outcomes[board.slug] = process_board_day(
            engine, ids[board.slug], board, today, client, rule
        )
    return outcomes


def stored(engine: Engine) -> dict[str, JobPosting]:
    with session_scope(engine) as session:
        rows = session.scalars(select(JobPosting)).all()
        session.expunge_all()
    return {row.external_id: row for row in rows}


def test_every_real_payload_stores_what_its_board_states(
    engine: Engine,
    served: tuple[LoopbackServer, dict[str, BoardConfig]],
    client: PoliteHttpClient,
) -> None:
    server, boards = served
    apply(engine, list(boards.values()), client)
    rows = stored(engine)

    assert len(rows) == len(EXPECTED)
    for (name, external_id), expected in EXPECTED.items():
        if external_id.startswith("/"):  # relative links resolve against the served page
            external_id = server.url(external_id)
        row = rows[external_id]
        pay = (
            (row.salary_min, row.salary_max, row.salary_currency, row.salary_period)
            if row.salary_min is not None
            else None
        )
        actual = (
            row.locations,
            row.workplace_type,
            row.remote,
            pay,
            row.employment_type,
            row.expires_at,
        )
        assert actual == expected, f"{name} {external_id}"
        locations = expected[0]
        assert (
            locations is not None and row.location == locations[0]
        )  # `location` stays the primary


def test_company_falls_back_to_the_board_name_and_stays_the_boards_own(
    engine: Engine,
    served: tuple[LoopbackServer, dict[str, BoardConfig]],
    client: PoliteHttpClient,
) -> None:
    _, boards = served
    apply(engine, [boards["greenhouse_work_scrapper.json"], boards["rss_himalayas.xml"]], client)
    rows = stored(engine)

    assert rows["4834489101"].company == "Board greenhouse"  # no company_name in the payload
    cribl = (
        "https://himalayas.app/companies/cribl/jobs/senior-technical-support-engineer-2197622672"
    )
    assert rows[cribl].company == "Cribl"  # himalayasJobs:companyName, an undeclared prefix


def greenhouse_with_nulled_titles(count: int) -> bytes:
    """The real Amplitude payload with `count` of its titles nulled, as a real board did."""
    payload = json.loads((REAL / "greenhouse_careerkit.json").read_bytes())
    for job in payload["jobs"][:count]:
        job["title"] = None
    return json.dumps(payload).encode()


def test_an_unusable_record_is_skipped_counted_and_named(
    engine: Engine, server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route(
        "/gh", Reply(200, greenhouse_with_nulled_titles(1), {"Content-Type": "application/json"})
    )
    board = board_for("greenhouse_x.json", server.url("/gh"))
    board = replace(board, options={"max_unusable_share": 0.5})

    outcome = apply(engine, [board], client)[board.slug]

    assert (outcome.scraped, outcome.skipped) == (1, 1)
    assert outcome.skipped_records == ["job #0: no title (id 8636903002)"]
    assert outcome.as_result()["skipped_records"] == ["job #0: no title (id 8636903002)"]
    assert set(stored(engine)) == {"8651132002"}


def test_a_board_day_fails_when_too_many_records_are_unusable(
    engine: Engine, server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route(
        "/gh", Reply(200, greenhouse_with_nulled_titles(1), {"Content-Type": "application/json"})
    )
    board = board_for("greenhouse_x.json", server.url("/gh"))  # default share: 20 %, 1 of 2 is 50 %

    with pytest.raises(TooManyUnusableRecordsError, match="got 1 of 2: job #0: no title"):
        apply(engine, [board], client)
    assert stored(engine) == {}


def test_the_corpus_day_is_idempotent(
    engine: Engine,
    served: tuple[LoopbackServer, dict[str, BoardConfig]],
    client: PoliteHttpClient,
) -> None:
    _, boards = served
    chosen = [boards["workable_careerkit.json"], boards["ashby_airbyte.json"]]
    apply(engine, chosen, client)
    again = apply(engine, chosen, client)

    assert all(outcome.changed == 0 for outcome in again.values())


def serve_workday(server: LoopbackServer, name: str) -> BoardConfig:
    """A real Workday list served as the first page of its site's search (later pages empty,
    as when postings close mid-crawl), and the one real job detail at its job's endpoint."""
    site = WORKDAY_SITES[name]
    listing = json.loads((REAL / name).read_bytes())

    def search(request: Request) -> Reply:
        body = request.json()
        assert (request.method, body["limit"], body["appliedFacets"]) == ("POST", 20, {})
        return Reply.json(listing if body["offset"] == 0 else {"total": 0, "jobPostings": []})

    server.route(f"{site}/jobs", search)
    server.route(
        f"{site}{BEGA_DETAIL_PATH}",
        Reply(
            200,
            (REAL / "workday_bega_detail.json").read_bytes(),
            {"Content-Type": "application/json"},
        ),
    )
    return replace(
        board_for(name, server.url(f"{site}/jobs")), name=Path(name).stem.split("_")[1].title()
    )


BEGA_DETAIL_PATH = "/job/Hobart-TAS/Quality-Specialist---Environmental---Sanitation_JR-7309"


def days_ago(days: int) -> datetime:
    day = datetime.now(UTC).date() - timedelta(days=days)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# external id -> (title, location, locations, posted_at, posted_at_approximate, employment_type,
# expires_at), by hand
# fmt: off
WORKDAY_EXPECTED: dict[str, tuple[Any, ...]] = {
    # "Posted 6 Days Ago", one place: nothing to ask the job's endpoint; a phrase's day
    "JR-7309": ("Quality Specialist - Environmental & Sanitation", "Hobart (TAS)",
                ["Hobart (TAS)"], days_ago(6), True, None, None),
    # "Posted 30+ Days Ago" names no day; its endpoint answers 404 here: the list's fields stay
    "JR-7208": ("Spray Dryer Operator", "Tatura (VIC)", ["Tatura (VIC)"], None, False, None,
                None),
    # "2 Locations" is not a place
    "JR-4089": ("Expression Of Interest - Warehouse Operator - Sydney", None, None, None, False,
                None, None),
    # no locationsText at all
    "JR-3685": ("Expression of Interest - Production Worker - WA", None, None, None, False, None,
                None),
    "JR-7096": ("Manufacturing Team Manager", "Port Melbourne (VIC)", ["Port Melbourne (VIC)"],
                days_ago(3), True, None, None),
    # Saputo: a requisition's second posting ("..._JR63751-1", bulletFields "JR63751")
    "JR63751-1": ("Senior Manager, Sanitation", None, None, None, False, None, None),
    "JR64816": ("Quality Tech", "Troy, NC", ["Troy, NC"], days_ago(11), True, None, None),
    "JR62642-1": ("Opérateur spécialisé, production - Emploi été 2026", "St-Hyacinthe, QC",
                  ["St-Hyacinthe, QC"], days_ago(20), True, None, None),
}
# fmt: on


def test_workday_lists_are_paged_and_asked_for_details_only_where_they_lack_something(
    engine: Engine, server: LoopbackServer, client: PoliteHttpClient
) -> None:
    boards = [serve_workday(server, name) for name in WORKDAY_SITES]

    outcomes = apply(engine, boards, client, confirm=False)  # 20 postings: believed at once
    rows = stored(engine)

    assert {slug: outcome.scraped for slug, outcome in outcomes.items()} == {
        "workday-bega": 20,
        "workday-saputo": 20,
    }
    for external_id, expected in WORKDAY_EXPECTED.items():
        row = rows[external_id]
        actual = (
            row.title, row.location, row.locations, row.posted_at, row.posted_at_approximate,
            row.employment_type, row.expires_at,
        )  # fmt: skip
        assert actual == expected, external_id
        assert row.company == ("Bega" if external_id.startswith("JR-") else "Saputo")
    assert rows["JR-7309"].url == server.url(f"/Bega_Careers{BEGA_DETAIL_PATH}")
    # a search page per 20 jobs, until the empty second page
    searches = server.requests_to(WORKDAY_SITES["workday_bega.json"] + "/jobs")
    assert [request.json()["offset"] for request in searches] == [0, 20]
    # the job endpoint only for the 11 jobs "Posted 30+ Days Ago" (two of them in "2 Locations")
    details = [r for r in server.requests if r.method == "GET" and "/begacheese/" in r.path]
    assert len(details) == 11
    assert f"{WORKDAY_SITES['workday_bega.json']}{BEGA_DETAIL_PATH}" not in {
        r.path for r in details
    }


def test_a_workday_board_asking_every_job_stores_what_its_endpoint_states(
    engine: Engine, server: LoopbackServer, client: PoliteHttpClient
) -> None:
    board = serve_workday(server, "workday_bega.json")
    board = replace(board, options={**board.options, "details": "always"})

    apply(engine, [board], client)
    row = stored(engine)["JR-7309"]

    assert (row.posted_at, row.posted_at_approximate, row.employment_type, row.expires_at) == (
        utc(2026, 6, 15),  # startDate: a date, not the list's "Posted 6 Days Ago"
        False,
        "full_time",  # timeType "Full time"
        utc(2026, 7, 13),  # endDate
    )
    assert row.url == (
        "https://begacheese.wd3.myworkdayjobs.com/Bega_Careers/job/Hobart-TAS/"
        "Quality-Specialist---Environmental---Sanitation_JR-7309"
    )


def test_a_phrase_date_is_stored_approximate_until_the_board_states_the_day(
    engine: Engine, server: LoopbackServer, client: PoliteHttpClient
) -> None:
    """Every job's endpoint is asked on both days. Yesterday JR-7309's endpoint gave no
    `startDate`, so its day is the list's "Posted 6 Days Ago", approximate; today it states
    that same day (the real detail, its `startDate` set to it): same content, same date, the
    mark goes. JR-7096's endpoint answers 404 on both days: its phrase's day stays
    approximate. A rebuild from the kept listings and the API say the same."""
    board = serve_workday(server, "workday_bega.json")
    board = replace(board, options={**board.options, "details": "always"})
    with session_scope(engine) as session:
        sync_boards(session, [board])
        board_id = board_ids_by_slug(session)[board.slug]
    detail_path = f"{WORKDAY_SITES['workday_bega.json']}{BEGA_DETAIL_PATH}"
    detail = json.loads((REAL / "workday_bega_detail.json").read_bytes())
    today, rule = datetime.now(UTC).date(), SuspectRule()

    del detail["jobPostingInfo"]["startDate"]
    server.route(detail_path, Reply.json(detail))
    yesterday = replace(scrape_board(board, today, client), day=today - timedelta(days=1))
    apply_board_day(engine, board_id, yesterday, rule)
    first = stored(engine)["JR-7309"]
    assert (first.posted_at, first.posted_at_approximate) == (days_ago(6), True)

    detail["jobPostingInfo"]["startDate"] = days_ago(6).date().isoformat()
    server.route(detail_path, Reply.json(detail))
    process_board_day(engine, board_id, board, today, client, rule)

    expected = {  # external id -> (posted_at, posted_at_approximate)
        "JR-7309": (days_ago(6), False),  # stated now: the same day, exact
        "JR-7096": (days_ago(3), True),  # still the phrase's day
        "JR-7208": (None, False),  # "Posted 30+ Days Ago": no day at all
    }
    rows = stored(engine)
    assert {i: (rows[i].posted_at, rows[i].posted_at_approximate) for i in expected} == expected
    assert rows["JR-7309"].content_hash == first.content_hash  # the mark alone changed
    rebuild_board(engine, board_id, rule)
    rows = stored(engine)
    assert {i: (rows[i].posted_at, rows[i].posted_at_approximate) for i in expected} == expected

    with live_server(engine, None) as base:
        page = requests.get(
            f"{base}/api/postings", params={"boardId": board_id, "limit": 100}, timeout=30
        ).json()["data"]
        shown = {
            item["externalId"]: (
                item["postedAt"] and datetime.fromisoformat(item["postedAt"]),
                item["postedAtApproximate"],
            )
            for item in page["items"]
        }
        one = requests.get(f"{base}/api/postings/{rows['JR-7096'].id}", timeout=30).json()
    assert {i: shown[i] for i in expected} == expected
    assert len(shown) == 20
    assert sum(approximate for _, approximate in shown.values()) == 8  # the 9 phrases, less one
    posting = one["data"]["posting"]
    assert (posting["externalId"], posting["postedAtApproximate"]) == ("JR-7096", True)
