"""A small warehouse whose every API figure can be worked out by hand (see the comments)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from jobboard_assets.pipeline.lifespan_report import update_lifespan_report
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import (
    EfficiencyScore,
    JobBoard,
    JobPosting,
    PipelineJob,
    PipelineRun,
    RawDataSnapshot,
)

ALPHA, BETA, XSS = 1, 2, 3
XSS_NAME = "<img src=x onerror=alert(1)>"
BOARD_NAMES = {ALPHA: "Alpha Jobs", BETA: "Beta Board", XSS: XSS_NAME}
SCORE_DAY = date(2026, 3, 10)
TRACKING_START = date(2026, 1, 1)
FAILED_RUN_ERRORS = ["scrape alpha-jobs: timeout after 30 s", "<b>not bold</b>"]


def _at(days_ago: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days_ago)


def _run(
    run_id: str,
    status: str,
    days_ago: float,
    seconds: float | None,
    completed: int,
    failed: int,
    errors: list[str] | None = None,
) -> PipelineRun:
    start = _at(days_ago)
    return PipelineRun(
        run_id=run_id,
        status=status,
        start_time=start,
        end_time=start + timedelta(seconds=seconds) if seconds is not None else None,
        total_jobs=completed + failed,
        completed_jobs=completed,
        failed_jobs=failed,
        jobs=[],
        errors=errors or [],
        trigger="schedule",
        dagster_run_ids=[],
    )


# Last 7 days (finished): ok + partial + failed -> 3 runs, 1 completed, 12 jobs (9 completed),
# average (100 + 200 + 60) / 3 = 120 s. All time adds run-old: 4 runs, 17 jobs, 102.5 s.
RUNS = [
    ("run-live", "running", 0.001, None, 0, 0, None),
    ("run-ok", "completed", 1, 100.0, 5, 0, None),
    ("run-partial", "partial", 2, 200.0, 4, 1, ["scrape beta-board: HTTP 503"]),
    ("run-failed", "failed", 3, 60.0, 0, 2, FAILED_RUN_ERRORS),
    ("run-old", "completed", 10, 50.0, 5, 0, None),
]


def _score(
    board: int,
    day: date,
    overall: float,
    components: tuple[float | None, ...],
    grade: str,
    rank: int,
    postings: int,
    **scope: Any,
) -> EfficiencyScore:
    lifespan, repost, employer, candidate, adjustment = components
    return EfficiencyScore(
        job_board_id=board,
        score_date=day,
        overall_score=overall,
        lifespan_score=lifespan,
        repost_score=repost,
        employer_survey_score=employer,
        candidate_survey_score=candidate,
        quality_adjustment=adjustment,
        data_completeness=sum(c is not None for c in (lifespan, repost, employer, candidate)) / 4,
        grade=grade,
        rank=rank,
        percentile=100.0 - 50.0 * (rank - 1),
        trend=None,
        details={"postings": postings, **({} if scope else PAY_STATED.get((board, day), {}))},
        **scope,
    )


# Board rows of the score day say what share of the board's postings state pay.
PAY_STATED = {
    (ALPHA, SCORE_DAY): {"pay_stated_postings": 10, "pay_stated_pct": 25.0},
    (BETA, SCORE_DAY): {"pay_stated_postings": 0, "pay_stated_pct": 0.0},
}


def _scores() -> list[EfficiencyScore]:
    day, before = SCORE_DAY, SCORE_DAY - timedelta(days=1)
    # Alpha: 90x.4 + 80x.3 + 70x.2 (candidate missing: weights / 0.9) = 82.22 -> B+.
    # Beta: (50x.4 + 60x.3) / 0.7 = 54.29, x 0.95 = 51.57 -> D.
    return [
        _score(ALPHA, day, 82.22, (90.0, 80.0, 70.0, None, 1.0), "B+", 1, 40),
        _score(BETA, day, 51.57, (50.0, 60.0, None, None, 0.95), "D", 2, 30),
        _score(XSS, day, 15.0, (10.0, 20.0, None, None, 0.7), "F", 3, 10),
        _score(ALPHA, before, 80.0, (88.0, 78.0, 70.0, None, 1.0), "B+", 1, 38),
        _score(BETA, before, 57.0, (55.0, 62.0, None, None, 0.95), "D", 2, 29),
        # role families: engineering (85, 60) avg 72.5, 32 postings; sales 70, 15 postings
        _score(
            ALPHA, day, 85.0, (90.0, 80.0, 70.0, None, 1.0), "A", 1, 20, role_family="engineering"
        ),
        _score(
            BETA, day, 60.0, (50.0, 60.0, None, None, 0.95), "C", 2, 12, role_family="engineering"
        ),
        _score(ALPHA, day, 70.0, (90.0, 80.0, 70.0, None, 1.0), "C+", 1, 15, role_family="sales"),
        # industry tech: (82.22 + 51.57) / 2 = 66.895
        _score(ALPHA, day, 82.22, (90.0, 80.0, 70.0, None, 1.0), "B+", 1, 40, industry="tech"),
        _score(BETA, day, 51.57, (50.0, 60.0, None, None, 0.95), "D", 2, 30, industry="tech"),
    ]


def _posting(
    posting_id: int, board: int, first: int, last: int, active: bool, role_family: str | None
) -> JobPosting:
    """A posting first and last seen `first` / `last` days after TRACKING_START."""
    first_seen, last_seen = (
        TRACKING_START + timedelta(days=first),
        TRACKING_START + timedelta(days=last),
    )
    return JobPosting(
        id=posting_id,
        job_board_id=board,
        external_id=f"ext-{posting_id}",
        title=f"Job {posting_id}",
        company="Acme",
        role_family=role_family,
        first_seen=first_seen,
        last_seen=last_seen,
        is_active=active,
        disappeared_at=None if active else last_seen + timedelta(days=1),
        lifespan_days=last - first,
        repost_count=0,
        workplace_type=WORKPLACES.get(posting_id),
    )


# Alpha's closed postings 2 and 3 (5 and 10 days) are remote, Beta's 6 (40 days) hybrid.
WORKPLACES = {2: "remote", 3: "remote", 6: "hybrid"}


# The history ends on day 120 (as_of). Closed postings not left-censored (first seen after day 0):
# 5, 10, 20 (Alpha), 40, 70, 100 (Beta), 3 (XSS) -> buckets 0-7: 2, 8-14: 1, 15-30: 1,
# 31-60: 1, 61-90: 1, 90+: 1. Kaplan-Meier medians (the standing stock left out): XSS 3,
# Alpha 10, Beta 70 -> ranks 1, 2, 3.
# Role families: engineering closed 5, 10, 40, 70 -> mean 31.25, median 25, 5 postings on
# 2 boards, Alpha most common (3); sales 20 -> mean 20.
POSTINGS = [  # id, board, first, last, active, role family
    (1, ALPHA, 0, 50, False, "engineering"),  # left-censored
    (2, ALPHA, 1, 6, False, "engineering"),
    (3, ALPHA, 2, 12, False, "engineering"),
    (4, ALPHA, 3, 23, False, "sales"),
    (5, ALPHA, 5, 120, True, None),
    (6, BETA, 1, 41, False, "engineering"),
    (7, BETA, 2, 72, False, "engineering"),
    (8, BETA, 4, 104, False, None),
    (9, XSS, 10, 13, False, None),
    (10, XSS, 20, 120, True, None),
]
AS_OF = TRACKING_START + timedelta(days=120)


def seed(engine: Engine) -> None:
    """Boards, runs, jobs, postings and scores, inserted through the models, and the lifespan
    report computed from the postings by the pipeline's own step."""
    with session_scope(engine) as session:
        session.add_all(
            JobBoard(
                id=board,
                slug=f"board-{board}",
                name=name,
                kind="greenhouse",
                url="https://example.test",
                industry="tech" if board != XSS else None,
            )
            for board, name in BOARD_NAMES.items()
        )
        session.flush()
        session.add_all(_run(*row) for row in RUNS)
        created = _at(0.5)
        session.add_all(
            [
                PipelineJob(
                    id=uuid.uuid4(),
                    job_type="scrape",
                    job_board_id=ALPHA,
                    board_name="Alpha Jobs",
                    status="pending",
                    pipeline_run_id="run-live",
                    created_at=created,
                ),
                PipelineJob(
                    id=uuid.uuid4(),
                    job_type="normalize",
                    job_board_id=BETA,
                    board_name="Beta Board",
                    status="pending",
                    pipeline_run_id="run-live",
                    created_at=created + timedelta(seconds=1),
                ),
                PipelineJob(
                    id=uuid.uuid4(),
                    job_type="scrape",
                    job_board_id=XSS,
                    board_name=XSS_NAME,
                    status="completed",
                    pipeline_run_id="run-ok",
                    created_at=created,
                ),
            ]
        )
        session.add_all(_posting(*row) for row in POSTINGS)
        # Every board was first scraped on day 0: each one's tracking starts there (its postings
        # of that day are its standing stock), as the figures above assume.
        session.add_all(
            RawDataSnapshot(job_board_id=board, board_name=name, snapshot_date=TRACKING_START)
            for board, name in BOARD_NAMES.items()
        )
        session.add_all(_scores())
    update_lifespan_report(engine)
