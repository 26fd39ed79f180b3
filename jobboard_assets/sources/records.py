"""The two shapes every layer agrees on: a board's configuration and a normalized posting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

DATE_PLACEHOLDER = "{date}"


@dataclass(frozen=True)
class BoardConfig:
    """One board of the registry (`boards.yaml`), validated.

    `url` is the full URL of the board's list endpoint as a person copies it; for paged APIs it
    is the first page. A `{date}` in it makes the board date-addressable (an archive or the
    simulator): it can be scraped for any past day and so backfilled.
    """

    slug: str
    name: str
    kind: str
    url: str
    enabled: bool = True
    category: str | None = None
    industry: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def date_addressable(self) -> bool:
        return DATE_PLACEHOLDER in self.url


@dataclass(frozen=True)
class PostingRecord:
    """One posting as a parser normalizes it, whatever the board kind."""

    external_id: str
    url: str | None
    title: str
    company: str | None
    location: str | None
    department: str | None
    remote: bool | None
    posted_at: datetime | None  # the board's own date: may be missing or untrustworthy
    description_text: str | None
    content_hash: str
    normalized_title: str
    role_family: str
    locations: tuple[str, ...] = ()
    """Every location the board gives, primary (`location`) first."""
    workplace_type: str | None = None  # remote | hybrid | onsite; `remote` is derived from it
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None  # ISO 4217
    salary_period: str | None = None  # year | month | week | day | hour
    employment_type: str | None = None  # full_time | part_time | contract | temporary | ...
    expires_at: datetime | None = None  # the board's own closing date, where it states one
    posted_at_approximate: bool = False
    """`posted_at` was read from a phrase ("Posted 3 Days Ago"): a day, on the board's clock."""


@dataclass(frozen=True)
class ScrapeResult:
    """What one board listed on one day."""

    board: BoardConfig
    day: date
    records: list[PostingRecord]
    pages: int = 1
    bytes_read: int = 0
    skipped: tuple[str, ...] = ()
    """The unusable records left out (no id, no title), each named by its position and why."""
