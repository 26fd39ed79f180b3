"""Every injected fault, end to end through Dagster, on SQLite and on PostgreSQL.

One platform per backend plays five days: day 1 clean; day 2 with seven boards broken at once
(their outcomes are independent: each board is fetched and merged on its own); day 3 clean;
day 4 with the other seven faults; day 5 clean. Each case then checks its board: the scrape job
failed with a message that says why (or the fault was absorbed by a retry), nothing of the board
was touched (or it equals a clean history), every other board equals the clean history, the
history phases ran, and the next clean day heals the board.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from jobboard_assets.sources.records import BoardConfig
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobBoard, PipelineJob
from jobboard_assets_tests.conftest import POSTGRES_URL_ENV
from jobboard_assets_tests.platform import Platform, platform
from jobboard_assets_tests.reliability.matrix import (
    ABSORBED,
    CASES,
    FAILED,
    HEALED,
    MATRIX_PROPERTY,
    Breakage,
    FaultCase,
    MatrixRow,
    render,
)
from jobboard_assets_tests.reliability.state import (
    BoardState,
    CleanReference,
    board_states,
    day,
    trace_of_day,
)
from jobboard_assets_tests.reliability.support import scratch_warehouse_url

pytestmark = pytest.mark.slow
DOCS = Path(__file__).resolve().parents[2] / "docs" / "failure-modes.md"
FAULT_DAYS = (2, 4)
HISTORY_JOBS = {"lifespan", "repost", "score"}


@dataclass
class FaultDay:
    """One broken day and the clean day after it, as the warehouse recorded them."""

    boards: dict[str, BoardConfig]
    """Case id -> the broken board (as configured that day)."""
    run: dict[str, Any]
    jobs: dict[str, dict[str, Any]]
    """Slug -> its scrape job of the day, as stored in pipeline_jobs."""
    sim_requests: dict[str, int]
    before: dict[str, BoardState]
    after: dict[str, BoardState]
    next_run: dict[str, Any]
    next_day: dict[str, BoardState]

    def failing(self) -> set[str]:
        return {slug for slug, job in self.jobs.items() if job["status"] == "failed"}


@dataclass
class Scenario:
    backend: str
    days: dict[int, FaultDay]


# One worker per backend under pytest-xdist: every case of a backend shares its five days.
MATRIX_BACKENDS = [
    pytest.param("sqlite", marks=pytest.mark.xdist_group("fault-matrix-sqlite")),
    pytest.param(
        "postgres", marks=[pytest.mark.postgres, pytest.mark.xdist_group("fault-matrix-postgres")]
    ),
]


@pytest.fixture(scope="module", params=MATRIX_BACKENDS)
def scenario(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scenario]:
    """The five days on one backend (one platform for every case of the module)."""
    backend = request.param
    postgres_url = os.environ.get(POSTGRES_URL_ENV)
    if backend == "postgres" and not postgres_url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    directory = tmp_path_factory.mktemp(f"matrix-{backend}")
    with (
        scratch_warehouse_url(backend, directory, postgres_url) as url,
        platform(directory, backend, url, postgres_url) as built,
    ):
        first = built.run(day(1))
        assert first["status"] == "completed", first["errors"]
        yield Scenario(backend, {number: _play(built, number) for number in FAULT_DAYS})


def _play(platform: Platform, number: int) -> FaultDay:
    """Break the day's boards, run the day, heal them, run the next day."""
    registry = list(platform.registry)
    broken: dict[str, BoardConfig] = {}
    taken: set[str] = set()
    before = board_states(platform.engine)
    with ExitStack() as stack:
        breakage = Breakage(platform.server, stack)
        for case in (case for case in CASES if case.day == number):
            board = next(b for b in registry if b.kind == case.kind and b.slug not in taken)
            taken.add(board.slug)
            broken[case.id] = case.inject(breakage, board)
        platform.registry = [
            next((b for b in broken.values() if b.slug == board.slug), board) for board in registry
        ]
        try:
            run = platform.run(day(number))
            sim_requests = {fault["board"]: fault["requests"] for fault in platform.server.faults()}
        finally:
            platform.registry = registry
            platform.server.clear_faults()
    after = board_states(platform.engine)
    next_run = platform.run(day(number + 1))
    return FaultDay(
        boards=broken,
        run=run,
        jobs=_scrape_jobs(platform, run["run_id"]),
        sim_requests=sim_requests,
        before=before,
        after=after,
        next_run=next_run,
        next_day=board_states(platform.engine),
    )


def _scrape_jobs(platform: Platform, execution_id: str) -> dict[str, dict[str, Any]]:
    """The execution's scrape jobs as pipeline_jobs stores them, by board slug."""
    with session_scope(platform.engine) as session:
        rows = session.execute(
            select(JobBoard.slug, PipelineJob.status, PipelineJob.error, PipelineJob.result)
            .join(JobBoard, JobBoard.id == PipelineJob.job_board_id)
            .where(PipelineJob.pipeline_run_id == execution_id, PipelineJob.job_type == "scrape")
        ).all()
    return {row.slug: row._asdict() for row in rows}


def _measure(scenario: Scenario, reference: CleanReference, case: FaultCase) -> MatrixRow:
    """The case's row as it happened."""
    fault_day = scenario.days[case.day]
    board = fault_day.boards[case.id]
    job = fault_day.jobs[board.slug]
    on, next_on = day(case.day), day(case.day + 1)
    after = fault_day.after[board.slug]
    closed = set(after.events_on(on, "disappeared"))
    if job["status"] == "completed":  # closures a clean scrape makes too are right
        closed ^= set(reference.after(on)[board.slug].events_on(on, "disappeared"))
    healed = fault_day.next_day[board.slug]
    next_ok = (
        fault_day.next_run["status"] == "completed"
        and healed.active_ids() == reference.served_ids(board.slug, next_on)
        and trace_of_day(healed, next_on) == "applied"
    )
    error = job["error"] or "-"
    return MatrixRow(
        fault=case.name,
        injection=case.injection,
        kind=board.kind,
        outcome={"failed": FAILED, "completed": ABSORBED}.get(job["status"], job["status"]),
        error=case.error if case.error and case.error in error else error,
        wrongly_closed=len(closed),
        next_day=HEALED if next_ok else f"{fault_day.next_run['status']}, board not healed",
    )


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_fault(
    scenario: Scenario, reference: CleanReference, case: FaultCase, request: pytest.FixtureRequest
) -> None:
    measured = _measure(scenario, reference, case)
    request.node.user_properties.append((MATRIX_PROPERTY, (scenario.backend, astuple(measured))))
    assert measured == case.expected_row()

    fault_day = scenario.days[case.day]
    slug = fault_day.boards[case.id].slug
    job, after = fault_day.jobs[slug], fault_day.after[slug]
    if case.error:
        # The message names the board and the cause, in pipeline_jobs and in pipeline_runs.
        assert f"board '{slug}'" in job["error"]
        assert [e for e in fault_day.run["errors"] if slug in e and case.error in e]
        # Nothing of the board changed: no closures, no events, no snapshot of the day.
        assert after == fault_day.before[slug]
        assert day(case.day) not in after.snapshots
    else:
        assert after == reference.after(day(case.day))[slug]
        assert job["result"]["fetch_seconds"] >= case.min_fetch_seconds
        if case.sim_requests is not None:
            assert fault_day.sim_requests[slug] == case.sim_requests


@pytest.mark.parametrize("number", FAULT_DAYS)
def test_fault_day_is_partial_and_spares_every_other_board(
    scenario: Scenario, reference: CleanReference, number: int
) -> None:
    fault_day = scenario.days[number]
    failing = {
        fault_day.boards[case.id].slug for case in CASES if case.day == number and case.error
    }
    assert fault_day.run["status"] == "partial"
    assert fault_day.failing() == failing
    assert len(fault_day.run["errors"]) >= len(failing)
    completed = {job["jobType"] for job in fault_day.run["jobs"] if job["status"] == "completed"}
    assert completed >= HISTORY_JOBS | {"scrape", "normalize"}
    # Boards that have not failed so far equal the clean history (the others missed a day).
    failed_before = set().union(*(scenario.days[n].failing() for n in FAULT_DAYS if n < number))
    spared = set(fault_day.after) - failing - failed_before
    assert spared
    clean = reference.after(day(number))
    assert {slug: fault_day.after[slug] for slug in spared} == {
        slug: clean[slug] for slug in spared
    }
    assert fault_day.next_run["status"] == "completed", fault_day.next_run["errors"]


def test_docs_show_the_matrix() -> None:
    """docs/failure-modes.md shows the table every case is asserted against."""
    assert render([case.expected_row() for case in CASES]) in DOCS.read_text()
