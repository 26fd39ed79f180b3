"""Posting search and one posting's evidence: the reads behind /api/postings and `jobboard postings`.

Search pages in (first_seen, id) order with a keyset (`after`), so a page is an index range
(migration 0013) and a page boundary never moves when new days land: a new day's postings are
first seen after every existing one. Ages are counted to `as_of`, the newest observed day, which
a cursor keeps for its whole paging so an age filter means the same on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    and_,
    column,
    func,
    not_,
    select,
    table,
    text,
    true,
    tuple_,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Boolean

from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings
from jobboard_assets.warehouse.models import (
    TITLE_SEARCH_TABLE,
    CrossBoardJob,
    JobBoard,
    JobPosting,
    PostingEvent,
    PostingSpan,
    RawDataSnapshot,
)


class board_day_after(FunctionElement[bool]):  # noqa: N801 (a SQL expression, named like one)
    """`posted_at`'s UTC day is more than `margin` days after the day `first_seen`: a
    re-stamp (`metrics.freshness`), compared in SQL on either backend."""

    type = Boolean()
    inherit_cache = True


@compiles(board_day_after, "postgresql")
def _board_day_after_postgresql(element: board_day_after, compiler: Any, **kw: Any) -> str:
    posted, seen, margin = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST(({posted} AT TIME ZONE 'UTC') AS DATE) - {seen}) > {margin}"


@compiles(board_day_after)
def _board_day_after_sqlite(element: board_day_after, compiler: Any, **kw: Any) -> str:
    posted, seen, margin = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(julianday(date({posted})) - julianday({seen})) > {margin}"


def _fresh_since(as_of: date, settings: MetricsSettings = DEFAULT_SETTINGS) -> datetime:
    """The earliest board date that still reads as new at `as_of`."""
    return datetime.combine(as_of - timedelta(days=settings.fresh_posted_within_days), time(), UTC)


def fake_fresh(as_of: date, settings: MetricsSettings = DEFAULT_SETTINGS) -> ColumnElement[bool]:
    """`metrics.freshness.fake_freshness_flags` as a SQL condition on job_postings at `as_of`."""
    fresh_since = _fresh_since(as_of, settings)
    long_seen = as_of - timedelta(days=settings.fake_fresh_min_observed_days)
    return and_(
        JobPosting.is_active,
        JobPosting.posted_at >= fresh_since,
        (JobPosting.first_seen <= long_seen)
        | board_day_after(
            JobPosting.posted_at, JobPosting.first_seen, settings.restamp_margin_days
        ),
    )


MIN_TEXT_LENGTH = 3
"""The shortest title text a search takes: a trigram index (either backend's) cannot serve a
shorter one, which would read every posting."""

TITLE_SEARCH = table(TITLE_SEARCH_TABLE, column("rowid"), column(TITLE_SEARCH_TABLE))
"""SQLite's FTS5 trigram table of the titles (migration 0014); the table-named column is
what MATCH is applied to."""


@dataclass(frozen=True)
class SearchFilters:
    """Every filter of posting search; None leaves a filter out."""

    text: str | None = None
    board_id: int | None = None
    company: str | None = None
    role_family: str | None = None
    workplace_type: str | None = None
    employment_type: str | None = None
    pay_stated: bool | None = None
    min_pay: float | None = None
    status: str | None = None  # "active" | "closed"
    min_age_days: int | None = None
    max_age_days: int | None = None
    min_reposts: int | None = None
    fake_fresh: bool | None = None

    def __post_init__(self) -> None:
        if self.text is not None and len(self.text) < MIN_TEXT_LENGTH:
            raise ValueError(f"title text must be at least {MIN_TEXT_LENGTH} characters")


FEW_TITLE_MATCHES = 5_000
"""SQLite: a title text matching at most this many postings is searched from the trigram
table's matches (each a row to read and sort: ~20 ms at the limit); a more common one by
reading postings in page order until the page is full (one in 200 or more match: ~20k rows
for a page of 100 at 1M). Either way every answer is an index read, never a whole scan."""


def _case_blind_glob(text: str) -> str:
    """A GLOB pattern (case-sensitive, so no wildcard and any case of each letter spelled out)
    for titles holding `text`, whatever the case of each character."""

    def one(char: str) -> str:
        cases = sorted({char, *(case for case in (char.lower(), char.upper()) if len(case) == 1)})
        if len(cases) == 1 and char not in "*?[]":
            return char
        return "[" + "".join(cases) + "]"

    return "*" + "".join(one(char) for char in text) + "*"


def title_contains(session: Session, text: str) -> ColumnElement[bool]:
    """The title holds `text` (at least MIN_TEXT_LENGTH characters), ignoring case, served by a
    trigram index on either backend. PostgreSQL: lower(title) LIKE, what its pg_trgm index on
    lower(title) answers (migration 0013). SQLite (whose lower() and LIKE fold ASCII only): the
    title GLOBs `text` with each character in either case, and the FTS5 trigram table
    (migration 0014, case-folded) gives the candidates when they are few (FEW_TITLE_MATCHES)."""
    if session.get_bind().dialect.name != "sqlite":
        # lower(title) LIKE, not ILIKE: the form the trigram index serves.
        return func.lower(JobPosting.title).contains(text.lower(), autoescape=True)
    holds = JobPosting.title.op("GLOB")(_case_blind_glob(text))
    phrase = '"' + text.replace('"', '""') + '"'
    matches = select(TITLE_SEARCH.c.rowid).where(TITLE_SEARCH.c[TITLE_SEARCH.name].match(phrase))
    found = session.scalars(matches.limit(FEW_TITLE_MATCHES + 1)).all()
    if len(found) > FEW_TITLE_MATCHES:
        return holds  # common: the page fills after a few hundred rows in page order
    return and_(JobPosting.id.in_(found), holds)


def _conditions(session: Session, filters: SearchFilters, as_of: date) -> list[ColumnElement[bool]]:
    """The WHERE terms of `filters`, ages counted to `as_of`."""
    equal = {
        JobPosting.job_board_id: filters.board_id,
        JobPosting.company: filters.company,
        JobPosting.role_family: filters.role_family,
        JobPosting.workplace_type: filters.workplace_type,
        JobPosting.employment_type: filters.employment_type,
    }
    conditions = [column == value for column, value in equal.items() if value is not None]
    if filters.text:
        conditions.append(title_contains(session, filters.text))
    if filters.pay_stated is not None:
        stated = JobPosting.salary_min.is_not(None)
        conditions.append(stated if filters.pay_stated else not_(stated))
    if filters.min_pay is not None:
        # Stated explicitly, so the planner sees the pay-stated partial index applies.
        conditions += [JobPosting.salary_min.is_not(None), JobPosting.salary_min >= filters.min_pay]
    if filters.status is not None:
        conditions.append(JobPosting.is_active == (filters.status == "active"))
    if filters.min_age_days is not None:
        conditions.append(JobPosting.first_seen <= as_of - timedelta(days=filters.min_age_days))
    if filters.max_age_days is not None:
        conditions.append(JobPosting.first_seen >= as_of - timedelta(days=filters.max_age_days))
    if filters.min_reposts:
        conditions += [JobPosting.repost_count > 0, JobPosting.repost_count >= filters.min_reposts]
    if filters.fake_fresh is not None:
        flagged = fake_fresh(as_of)
        conditions.append(flagged if filters.fake_fresh else not_(flagged))
    return conditions


def newest_observed_day(session: Session) -> date | None:
    """The newest day any board was observed: the day ages are counted to."""
    return session.scalar(select(func.max(RawDataSnapshot.snapshot_date)))


_LISTED = (
    JobPosting.id,
    JobPosting.job_board_id,
    JobBoard.name.label("board_name"),
    JobPosting.external_id,
    JobPosting.title,
    JobPosting.company,
    JobPosting.location,
    JobPosting.role_family,
    JobPosting.workplace_type,
    JobPosting.employment_type,
    JobPosting.salary_min,
    JobPosting.salary_max,
    JobPosting.salary_currency,
    JobPosting.salary_period,
    JobPosting.first_seen,
    JobPosting.last_seen,
    JobPosting.is_active,
    JobPosting.posted_at,
    JobPosting.posted_at_approximate,
    JobPosting.repost_count,
)


def search(
    session: Session,
    filters: SearchFilters,
    *,
    as_of: date,
    newest_first: bool,
    after: tuple[date, int] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Up to `limit` postings matching `filters`, in (first_seen, id) order (descending when
    `newest_first`), strictly after the keyset `after`; each with `fake_fresh` at `as_of`."""
    key = tuple_(JobPosting.first_seen, JobPosting.id)
    query: Select[*tuple[Any, ...]] = (
        select(*_LISTED, fake_fresh(as_of).label("fake_fresh"))
        .join(JobBoard, JobBoard.id == JobPosting.job_board_id)
        .where(true(), *_conditions(session, filters, as_of))
        .limit(limit)
    )
    if after is not None:
        query = query.where(key < tuple_(*after) if newest_first else key > tuple_(*after))
    order = (JobPosting.first_seen, JobPosting.id)
    query = query.order_by(*(column.desc() for column in order) if newest_first else order)
    return [dict(row._mapping) for row in session.execute(query)]


# --- one posting's evidence -----------------------------------------------------------------


def posting(session: Session, posting_id: int) -> dict[str, Any] | None:
    """Every column of one posting and its board's name, or None."""
    row = session.execute(
        select(JobPosting, JobBoard.name)
        .join(JobBoard, JobBoard.id == JobPosting.job_board_id)
        .where(JobPosting.id == posting_id)
    ).one_or_none()
    if row is None:
        return None
    stored, board_name = row
    columns = {column.key: getattr(stored, column.key) for column in JobPosting.__table__.c}
    return {**columns, "board_name": board_name}


def spans(session: Session, posting_id: int) -> list[tuple[date, date]]:
    """The posting's spans (runs of observed days that listed it), in order."""
    query = (
        select(PostingSpan.first_day, PostingSpan.last_day)
        .where(PostingSpan.job_posting_id == posting_id)
        .order_by(PostingSpan.first_day)
    )
    return [(first, last) for first, last in session.execute(query)]


def events(session: Session, posting_id: int) -> list[tuple[str, date]]:
    """The posting's appeared / disappeared / reappeared events, in date order."""
    query = (
        select(PostingEvent.event_type, PostingEvent.event_date)
        .where(PostingEvent.job_posting_id == posting_id)
        .order_by(PostingEvent.event_date, PostingEvent.id)
    )
    return [(kind, day) for kind, day in session.execute(query)]


_BOARD_DATES = {
    # The listing's element for the posting, unpacked by the database: only the dates cross.
    "postgresql": """
        SELECT s.snapshot_date, p.value ->> 'posted_at',
               (p.value ->> 'posted_at_approximate')::boolean
        FROM raw_data_snapshots AS s, jsonb_array_elements(s.data -> 'postings') AS p(value)
        WHERE s.job_board_id = :board AND s.snapshot_date BETWEEN :first AND :last
          AND p.value ->> 'external_id' = :external_id
        ORDER BY s.snapshot_date""",
    "sqlite": """
        SELECT s.snapshot_date, json_extract(p.value, '$.posted_at'),
               json_extract(p.value, '$.posted_at_approximate')
        FROM raw_data_snapshots AS s, json_each(s.data, '$.postings') AS p
        WHERE s.job_board_id = :board AND s.snapshot_date BETWEEN :first AND :last
          AND json_extract(p.value, '$.external_id') = :external_id
        ORDER BY s.snapshot_date""",
}


BoardDate = tuple[date, str | None, bool]
"""An observed day, the board date the posting carried that day, and whether that date was
read from a phrase ("Posted 3 Days Ago": approximate)."""


def board_dates(
    session: Session, job_board_id: int, external_id: str, days: list[tuple[date, date]]
) -> list[BoardDate]:
    """The board date the posting carried on each observed day of its spans, from the day's
    stored listing (`raw_data_snapshots.data`): what shows every re-stamp. The listings are
    searched inside the database (a year of a 300-posting board is ~100 MB of JSON). A listing
    stored before migration 0016 has no approximate mark: its dates count as exact."""
    query = text(_BOARD_DATES[session.get_bind().dialect.name]).columns(
        column("snapshot_date", Date()),
        column("posted_at", String()),
        column("approximate", Boolean()),
    )
    dated: list[BoardDate] = []
    for first, last in days:
        parameters = {
            "board": job_board_id,
            "first": first,
            "last": last,
            "external_id": external_id,
        }
        dated += [
            (day, posted, bool(approximate))
            for day, posted, approximate in session.execute(query, parameters)
        ]
    return dated


def related(session: Session, condition: ColumnElement[bool]) -> list[dict[str, Any]]:
    """Postings matching `condition` with their board, by first_seen then id."""
    query = (
        select(
            JobPosting.id,
            JobPosting.job_board_id,
            JobBoard.name.label("board_name"),
            JobPosting.title,
            JobPosting.location,
            JobPosting.first_seen,
            JobPosting.last_seen,
            JobPosting.is_active,
            JobPosting.disappeared_at,
        )
        .join(JobBoard, JobBoard.id == JobPosting.job_board_id)
        .where(condition)
        .order_by(JobPosting.first_seen, JobPosting.id)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def cross_board_group(session: Session, posting_id: int) -> int | None:
    """The posting's cross-board job group, if the same job is listed on another board."""
    return session.scalar(
        select(CrossBoardJob.job_group_id).where(CrossBoardJob.job_posting_id == posting_id)
    )


def cross_board_members(session: Session, group_id: int) -> ColumnElement[bool]:
    """The condition selecting a cross-board group's postings."""
    members = select(CrossBoardJob.job_posting_id).where(CrossBoardJob.job_group_id == group_id)
    return JobPosting.id.in_(members)
