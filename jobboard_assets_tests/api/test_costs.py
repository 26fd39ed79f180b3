"""What keeps the API cheap: conditional GETs, a precomputed report read per version, bounded
pages."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, update

from jobboard_assets.api import lifespan_routes, run_routes
from jobboard_assets.pipeline.lifespan_report import update_lifespan_report
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobBoard, JobPosting, PipelineRun
from jobboard_assets_tests.api.seed import ALPHA, BETA, XSS, _posting


def test_a_get_carries_an_etag_and_an_unchanged_answer_is_a_304(base_url: str) -> None:
    url = base_url + "/api/lifespan?action=distribution"
    first = requests.get(url, timeout=30)
    etag = first.headers["etag"]
    assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
    again = requests.get(url, headers={"If-None-Match": etag}, timeout=30)
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    other = requests.get(url, headers={"If-None-Match": '"stale"'}, timeout=30)
    assert other.status_code == 200 and other.json() == first.json()
    # Errors are never cached.
    error = requests.get(base_url + "/api/lifespan?action=nope", timeout=30)
    assert error.status_code == 400 and "etag" not in error.headers
    assert error.headers["cache-control"] == "no-store"


def test_the_lifespan_answers_follow_the_report(seeded: Engine, base_url: str) -> None:
    """An answer kept for a query is replaced once the pipeline rewrites the report."""
    url = base_url + f"/api/lifespan?action=distribution&boardId={BETA}"
    before = requests.get(url, timeout=30)
    with session_scope(seeded) as session:
        session.add(_posting(100, BETA, 10, 12, False, "sales"))  # 2 days: bucket 0-7
    unchanged = requests.get(url, headers={"If-None-Match": before.headers["etag"]}, timeout=30)
    assert unchanged.status_code == 304  # the report is the pipeline's, not rebuilt per request
    update_lifespan_report(seeded)
    after = requests.get(url, headers={"If-None-Match": before.headers["etag"]}, timeout=30)
    assert after.status_code == 200
    counts = [bucket["count"] for bucket in after.json()["data"]]
    assert counts[0] == before.json()["data"][0]["count"] + 1
    # A posting closing is seen too.
    with session_scope(seeded) as session:
        session.execute(update(JobPosting).where(JobPosting.id == 5).values(is_active=False))
    update_lifespan_report(seeded)
    alpha = requests.get(base_url + "/api/lifespan?action=all&workplaceType=", timeout=30)
    assert alpha.status_code == 400  # an empty choice is still validated, not served from memo
    rows = requests.get(base_url + "/api/lifespan?action=all", timeout=30).json()["data"]
    assert next(row for row in rows if row["boardId"] == ALPHA)["activePostings"] == 0


def test_a_renamed_board_is_answered_under_its_new_name(seeded: Engine, base_url: str) -> None:
    url = base_url + "/api/lifespan?action=ranked"
    assert requests.get(url, timeout=30).json()["data"][0]["boardId"] == XSS
    with session_scope(seeded) as session:
        session.execute(update(JobBoard).where(JobBoard.id == XSS).values(name="Renamed"))
    assert requests.get(url, timeout=30).json()["data"][0]["boardName"] == "Renamed"


def test_trends_are_paged(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifespan_routes, "MAX_TREND_ROWS", 2)
    whole = requests.get(base_url + "/api/lifespan?action=trends&days=2", timeout=30).json()["data"]
    second = requests.get(
        base_url + "/api/lifespan?action=trends&days=2&offset=2", timeout=30
    ).json()["data"]
    assert len(whole) == 2 and len(second) == 2
    assert [(r["date"], r["boardId"]) for r in second] != [(r["date"], r["boardId"]) for r in whole]
    beyond = requests.get(base_url + "/api/lifespan?action=trends&days=2&offset=6", timeout=30)
    assert beyond.json()["data"] == []


def test_the_run_history_keeps_failed_jobs_and_counts_the_rest(
    seeded: Engine, base_url: str
) -> None:
    jobs = [
        {
            "jobType": "scrape",
            "board": f"board-{n}",
            "status": "failed" if n % 10 == 9 else "completed",
        }
        for n in range(run_routes.MAX_JOBS_PER_RUN + 5)
    ]
    with session_scope(seeded) as session:
        session.add(
            PipelineRun(
                run_id=f"run-big-{uuid.uuid4().hex[:6]}",
                status="partial",
                start_time=datetime.now(UTC),
                total_jobs=len(jobs),
                completed_jobs=len(jobs) - 2,
                failed_jobs=2,
                jobs=jobs,
                errors=[],
                trigger="schedule",
                dagster_run_ids=[],
            )
        )
    (run,) = requests.get(base_url + "/api/pipeline?action=history&limit=1", timeout=30).json()[
        "data"
    ]
    assert len(run["jobs"]) == run_routes.MAX_JOBS_PER_RUN and run["jobsOmitted"] == 5
    assert [job["status"] for job in run["jobs"][:2]] == ["failed", "failed"]
    assert run["totalJobs"] == len(jobs)


def test_older_runs_carry_no_job_list(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_routes, "JOB_LISTS", 1)
    runs = requests.get(base_url + "/api/pipeline?action=history&limit=3", timeout=30).json()[
        "data"
    ]
    assert [run["jobs"] for run in runs[1:]] == [[], []]
    assert [run["jobsOmitted"] for run in runs[1:]] == [run["totalJobs"] for run in runs[1:]]
    assert runs[1]["totalJobs"] > 0


def test_concurrent_first_requests_share_one_answer(base_url: str) -> None:
    """Eight clients at once on a cold server: each gets the full, same answer."""

    def fetch(_: int) -> Any:
        return requests.get(base_url + "/api/lifespan?action=ranked", timeout=30).json()

    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(fetch, range(8)))
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["success"] is True and len(bodies[0]["data"]) == 3
