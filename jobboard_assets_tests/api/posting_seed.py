"""A posting history built through the pipeline's own write path, with every fact known up front.

Two boards (an employer's ATS `alpha`, a feed `beta`) are observed for 40 days; each posting is
declared below with the days it is listed, its board date and its fields, applied day by day
with `apply_board_day`, then the lifespans, reposts and cross-board phases run. The tests compute
what each search and each evidence field must say from these declarations, never from the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from jobboard_assets.metrics.belief import SuspectRule
from jobboard_assets.pipeline.analytics import update_lifespan_metrics
from jobboard_assets.pipeline.board_day import apply_board_day
from jobboard_assets.pipeline.cross_board_jobs import update_cross_board_jobs
from jobboard_assets.pipeline.lifespans import update_lifespans
from jobboard_assets.pipeline.posting_history import PostingHistory
from jobboard_assets.pipeline.reposts import update_reposts
from jobboard_assets.sources.records import BoardConfig, PostingRecord, ScrapeResult
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries.boards import board_ids_by_slug, sync_boards

START = date(2026, 2, 1)
DAYS = 40
AS_OF = START + timedelta(days=DAYS - 1)
BOARDS = ("alpha", "beta")
NEVER_SUSPECT = SuspectRule(min_ratio=0.0, min_active=10**6)


def day(offset: int) -> date:
    return START + timedelta(days=offset)


@dataclass(frozen=True)
class Spec:
    """One posting: where and when it is listed and what the board says about it."""

    external_id: str
    board: str
    title: str
    company: str
    location: str
    role_family: str
    listed: frozenset[int]  # day offsets
    published: int  # board date offset
    restamp_every: int | None = None  # the board moves its date forward this often
    approximate: bool = False  # the board date is read from a phrase ("Posted 3 Days Ago")
    day_ahead: frozenset[int] = frozenset()  # offsets whose phrase names the next day
    workplace_type: str | None = None
    employment_type: str | None = None
    salary: tuple[float, float] | None = None
    expires: int | None = None  # expires_at offset
    normalized_title: str = field(default="")

    def board_date(self, offset: int) -> date:
        ahead = 1 if offset in self.day_ahead else 0  # the board's day is ahead of ours
        if self.restamp_every is None:
            return day(self.published + ahead)
        age = offset - self.published
        return day(self.published + age - age % self.restamp_every + ahead)

    @property
    def first_seen(self) -> date:
        return day(min(self.listed))

    @property
    def active(self) -> bool:
        return DAYS - 1 in self.listed


def _days(first: int, last: int) -> frozenset[int]:
    return frozenset(range(first, last + 1))


SPECS = [
    Spec(
        "a-restamp",
        "alpha",
        "Platform Engineer",
        "Acme",
        "Berlin",
        "engineering",
        _days(0, DAYS - 1),
        published=0,
        restamp_every=5,
        workplace_type="remote",
        employment_type="full_time",
        salary=(60000.0, 80000.0),
    ),
    Spec(
        "a-gap",
        "alpha",
        "Data Analyst",
        "Acme",
        "Munich",
        "data",
        _days(0, 5) | _days(12, 20),
        published=0,
        workplace_type="onsite",
        employment_type="full_time",
    ),
    Spec(
        "a-expired",
        "alpha",
        "Sales Manager",
        "Acme",
        "Hamburg",
        "sales",
        _days(0, DAYS - 1),
        published=0,
        workplace_type="hybrid",
        employment_type="contract",
        expires=20,
    ),
    *(
        Spec(
            f"a-eng-{i}",
            "alpha",
            f"Backend Engineer {name}",
            "Acme",
            "Berlin",
            "engineering",
            _days(i + 1, i + 1 + lifespan),
            published=i + 1,
            employment_type="full_time",
        )
        for i, (name, lifespan) in enumerate(
            zip(
                (
                    "Go",
                    "Rust",
                    "Java",
                    "Kotlin",
                    "Scala",
                    "Ruby",
                    "Elixir",
                    "Haskell",
                    "Perl",
                    "Lua",
                ),
                (2, 3, 3, 4, 4, 5, 6, 6, 8, 12),
                strict=True,
            )
        )
    ),
    *(
        Spec(
            f"a-repost-{n}",
            "alpha",
            "QA Engineer",
            "Acme",
            "Berlin",
            "engineering",
            listed,
            published=min(listed),
            employment_type="full_time",
        )
        for n, listed in ((1, _days(1, 6)), (2, _days(10, 16)), (3, _days(20, DAYS - 1)))
    ),
    Spec(
        "b-copy",
        "beta",
        "Platform Engineer",
        "Acme",
        "Berlin",
        "engineering",
        _days(1, DAYS - 1),
        published=1,
        workplace_type="remote",
        employment_type="full_time",
        salary=(60000.0, 80000.0),
    ),
    Spec(
        "b-nurse",
        "beta",
        "Night Nurse",
        "Clinic",
        "Leipzig",
        "healthcare",
        _days(3, DAYS - 1),
        published=3,
        workplace_type="onsite",
        employment_type="full_time",
    ),
    Spec(
        "b-teacher",
        "beta",
        "Music Teacher",
        "School",
        "Cologne",
        "education",
        _days(5, 10),
        published=5,
        workplace_type="onsite",
        employment_type="part_time",
        salary=(30000.0, 40000.0),
    ),
    # Title search folds case beyond ASCII and takes quotes literally, on both backends.
    Spec(
        "b-phrase",
        "beta",
        "Warehouse Associate",
        "Depot",
        "Dresden",
        "logistics",
        _days(3, 30),
        published=3,
        restamp_every=15,  # re-posted as "Posted Today" on day 18
        approximate=True,
        day_ahead=frozenset({10, 11, 20}),  # a phrase one day off, and back
        employment_type="full_time",
    ),
    Spec(
        "b-doctor",
        "beta",
        'Ärztin "m/w/d"',
        "Clinic",
        "Leipzig",
        "healthcare",
        _days(2, 25),
        published=2,
        workplace_type="onsite",
        employment_type="full_time",
    ),
]
BY_ID = {spec.external_id: spec for spec in SPECS}


def _at(when: date) -> datetime:
    return datetime(when.year, when.month, when.day, tzinfo=UTC)


def record(spec: Spec, offset: int) -> PostingRecord:
    return PostingRecord(
        external_id=spec.external_id,
        url=f"https://{spec.board}.example/{spec.external_id}",
        title=spec.title,
        company=spec.company,
        location=spec.location,
        department=None,
        remote=spec.workplace_type == "remote",
        posted_at=_at(spec.board_date(offset)),
        posted_at_approximate=spec.approximate,
        description_text=None,
        content_hash=f"hash-{spec.external_id}",
        normalized_title=spec.title.lower(),
        role_family=spec.role_family,
        locations=(spec.location,),
        workplace_type=spec.workplace_type,
        salary_min=spec.salary[0] if spec.salary else None,
        salary_max=spec.salary[1] if spec.salary else None,
        salary_currency="EUR" if spec.salary else None,
        salary_period="year" if spec.salary else None,
        employment_type=spec.employment_type,
        expires_at=_at(day(spec.expires)) if spec.expires is not None else None,
    )


def board_config(slug: str) -> BoardConfig:
    return BoardConfig(slug=slug, name=slug.title(), kind="json", url=f"https://{slug}.example")


def apply_day(
    engine: Engine, ids: dict[str, int], offset: int, extra: tuple[Spec, ...] = ()
) -> None:
    """Apply day `offset` of both boards: what SPECS and `extra` list that day; after the
    declared days, the postings open at their end stay listed."""
    for slug in BOARDS:
        listed = [
            record(spec, offset)
            for spec in [*SPECS, *extra]
            if spec.board == slug and (offset in spec.listed or (offset >= DAYS and spec.active))
        ]
        apply_board_day(
            engine, ids[slug], ScrapeResult(board_config(slug), day(offset), listed), NEVER_SUSPECT
        )


def run_history(engine: Engine, days: list[date]) -> None:
    history = PostingHistory(engine)
    update_lifespans(history, days)
    update_reposts(history, days)
    update_lifespan_metrics(history, days)
    update_cross_board_jobs(history, days)


def build(engine: Engine) -> dict[str, int]:
    """The 40 observed days of both boards and their history; returns the boards' ids."""
    with session_scope(engine) as session:
        sync_boards(session, [board_config(slug) for slug in BOARDS])
        ids = board_ids_by_slug(session)
    for offset in range(DAYS):
        apply_day(engine, ids, offset)
    run_history(engine, [day(offset) for offset in range(DAYS)])
    return ids
