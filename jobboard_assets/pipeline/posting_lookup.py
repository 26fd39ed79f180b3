"""Posting search pages and one posting's evidence, shared by /api/postings and `jobboard postings`.

A page is the warehouse's keyset read plus a cursor that carries the page's boundary, the day
ages are counted to and a digest of the filters and order, so the next page continues the same
search (docs/api.md, "GET /api/postings"). The evidence reads the posting's history tables and
judges it with `metrics.posting_evidence`: every figure it shows is one the tables hold.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from jobboard_assets.metrics.posting_evidence import (
    DEFAULT_RULE,
    EVIDENCE_COLUMNS,
    SIGNAL_DESCRIPTIONS,
    stale_signals,
)
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS
from jobboard_assets.warehouse.models import JobPosting
from jobboard_assets.warehouse.queries import posting_search, reference_tables
from jobboard_assets.warehouse.queries.posting_search import BoardDate, SearchFilters

SORTS = ("-firstSeen", "firstSeen", "age", "-age")
"""`firstSeen`: earliest first sighting first; `age`: youngest first (latest first sighting);
a leading `-` reverses. Both are (first_seen, id) orders, so both page by the same keyset."""


class CursorError(ValueError):
    """A cursor that is not one this search gave out."""


def _digest(filters: SearchFilters, sort: str) -> str:
    """What a cursor must continue: the same filters in the same order."""
    return hashlib.sha256(json.dumps([asdict(filters), sort]).encode()).hexdigest()[:16]


def encode_cursor(as_of: date, first_seen: date, posting_id: int, digest: str) -> str:
    raw = json.dumps([as_of.isoformat(), first_seen.isoformat(), posting_id, digest])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, digest: str) -> tuple[date, date, int]:
    """(as_of, first_seen, id) of a cursor given out for the same filters and order."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        as_of, first_seen, posting_id, given = json.loads(raw)
        decoded = (date.fromisoformat(as_of), date.fromisoformat(first_seen), int(posting_id))
    except (ValueError, TypeError, binascii.Error) as error:
        raise CursorError("cursor is not a cursor this search gave out") from error
    if given != digest:
        raise CursorError("cursor belongs to another search: keep the filters and sort unchanged")
    return decoded


def _listed(row: dict[str, Any], as_of: date) -> dict[str, Any]:
    return {
        "id": row["id"],
        "boardId": row["job_board_id"],
        "boardName": row["board_name"],
        "externalId": row["external_id"],
        "title": row["title"],
        "company": row["company"],
        "location": row["location"],
        "roleFamily": row["role_family"],
        "workplaceType": row["workplace_type"],
        "employmentType": row["employment_type"],
        "payStated": row["salary_min"] is not None,
        "salaryMin": row["salary_min"],
        "salaryMax": row["salary_max"],
        "salaryCurrency": row["salary_currency"],
        "salaryPeriod": row["salary_period"],
        "firstSeen": row["first_seen"],
        "lastSeen": row["last_seen"],
        "isActive": bool(row["is_active"]),
        "ageDays": (as_of - row["first_seen"]).days,
        "postedAt": row["posted_at"],
        "postedAtApproximate": bool(row["posted_at_approximate"]),
        "repostCount": row["repost_count"],
        "fakeFresh": bool(row["fake_fresh"]),
    }


def search_page(
    session: Session,
    filters: SearchFilters,
    *,
    sort: str = "-firstSeen",
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """`{asOf, items, nextCursor}`: one page of matching postings; `nextCursor` is null on the
    last page. Ages are counted to the newest observed day, or to the cursor's day."""
    digest = _digest(filters, sort)
    after: tuple[date, int] | None = None
    if cursor is not None:
        as_of, first_seen, posting_id = decode_cursor(cursor, digest)
        after = (first_seen, posting_id)
    else:
        newest = posting_search.newest_observed_day(session)
        if newest is None:
            return {"asOf": None, "items": [], "nextCursor": None}
        as_of = newest
    rows = posting_search.search(
        session,
        filters,
        as_of=as_of,
        newest_first=sort in ("-firstSeen", "age"),
        after=after,
        limit=limit + 1,
    )
    page = rows[:limit]
    more = len(rows) > limit
    last = page[-1] if page else None
    return {
        "asOf": as_of,
        "items": [_listed(row, as_of) for row in page],
        "nextCursor": encode_cursor(as_of, last["first_seen"], last["id"], digest)
        if more and last
        else None,
    }


# --- one posting's evidence -----------------------------------------------------------------


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


PHRASE_PRECISION_DAYS = 1
"""A date read from a phrase ("Posted 3 Days Ago") is counted back from the day we scraped, and
the board's own day may differ from ours by one: a phrase date one day off is the same date."""


def _restamps(dated: list[BoardDate]) -> list[dict[str, Any]]:
    """Each observed day on which the board date moved forward: past the last date it moved to
    (the first one at the start), by more than `PHRASE_PRECISION_DAYS` where either date was
    read from a phrase. A phrase date one day off and back is not a re-stamp."""
    moves: list[dict[str, Any]] = []
    anchor: tuple[date, bool] | None = None
    for day, posted, approximate in dated:
        if posted is None:
            continue
        board_day = datetime.fromisoformat(posted).date()
        if anchor is None:
            anchor = (board_day, approximate)
            continue
        previous, previous_approximate = anchor
        slack = PHRASE_PRECISION_DAYS if approximate or previous_approximate else 0
        if (board_day - previous).days > slack:
            moves.append({"day": day, "boardDate": board_day, "previousBoardDate": previous})
            anchor = (board_day, approximate)
        elif board_day < previous:
            anchor = (board_day, approximate)  # moved back: later moves count from here
    return moves


def _reference(session: Session, posting: dict[str, Any]) -> dict[str, Any]:
    """The board's Kaplan-Meier median and p90 for the posting's role family, as the last
    history run estimated them (`pipeline.lifespan_references`): one indexed row."""
    row = reference_tables.lifespan_reference(
        session, posting["job_board_id"], posting["role_family"]
    )
    if row is None:  # a role family new to the board since the last history run
        return {
            "scope": "board",
            "estimatePostings": None,
            "medianDays": None,
            "medianFloorDays": None,
            "p90Days": None,
        }
    return {
        "scope": row["scope"],
        "estimatePostings": row["estimate_postings"],
        "medianDays": row["median_days"],
        "medianFloorDays": row["median_floor_days"],
        "p90Days": row["p90_days"],
    }


def _signal_values(posting: dict[str, Any], as_of: date, earlier: int) -> dict[str, Any]:
    """What each signal measured (null where the posting or its board gives nothing)."""
    board_date = _day(posting["posted_at"])
    expires = _day(posting["expires_at"])
    age = (as_of - posting["first_seen"]).days
    return {
        "restamped": None if board_date is None else (board_date - posting["first_seen"]).days,
        "fake_fresh": None if board_date is None else (as_of - board_date).days,
        "listed_after_expiry": None if expires is None else (as_of - expires).days,
        "age_beyond_board_p90": age,
        "age_beyond_twice_board_p90": age,
        "age_beyond_board_median": age,
        "reposted": earlier,
        "chronic_reposting": earlier,
        "no_pay_stated": posting["salary_min"],
    }


def _thresholds(reference: dict[str, Any]) -> dict[str, Any]:
    """What each signal's value is compared with, as `stale_signals` compares it."""
    settings = DEFAULT_SETTINGS
    p90 = reference["p90Days"]
    return {
        "restamped": settings.restamp_margin_days,
        "fake_fresh": settings.fresh_posted_within_days,
        "listed_after_expiry": 0,
        "age_beyond_board_p90": p90,
        "age_beyond_twice_board_p90": None if p90 is None else 2 * p90,
        "age_beyond_board_median": reference["medianDays"],
        "reposted": 1,
        "chronic_reposting": settings.chronic_repost_count,
        "no_pay_stated": None,
    }


def _history_item(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "boardId": row["job_board_id"],
        "boardName": row["board_name"],
        "title": row["title"],
        "location": row["location"],
        "firstSeen": row["first_seen"],
        "lastSeen": row["last_seen"],
        "isActive": bool(row["is_active"]),
        "disappearedAt": row["disappeared_at"],
    }


def evidence(session: Session, posting_id: int) -> dict[str, Any] | None:
    """Everything the history holds about one posting, its signals and its stale likelihood;
    None for an unknown id."""
    posting = posting_search.posting(session, posting_id)
    if posting is None:
        return None
    as_of = posting_search.newest_observed_day(session) or posting["last_seen"]
    spans = posting_search.spans(session, posting_id)
    dated = posting_search.board_dates(
        session, posting["job_board_id"], posting["external_id"], spans
    )
    chain = (
        posting_search.related(
            session, JobPosting.repost_cluster_id == posting["repost_cluster_id"]
        )
        if posting["repost_cluster_id"] is not None
        else []
    )
    earlier = [row for row in chain if row["first_seen"] < posting["first_seen"]]
    group = posting_search.cross_board_group(session, posting_id)
    elsewhere = (
        [
            row
            for row in posting_search.related(
                session, posting_search.cross_board_members(session, group)
            )
            if row["id"] != posting_id
        ]
        if group is not None
        else []
    )
    reference = _reference(session, posting)
    judged = _judge(posting, as_of, len(earlier), reference)
    values, thresholds = _signal_values(posting, as_of, len(earlier)), _thresholds(reference)
    expires = posting["expires_at"]
    return {
        "asOf": as_of,
        "posting": {
            **_history_item(posting),
            "externalId": posting["external_id"],
            "url": posting["url"],
            "company": posting["company"],
            "roleFamily": posting["role_family"],
            "workplaceType": posting["workplace_type"],
            "employmentType": posting["employment_type"],
            "postedAt": posting["posted_at"],
            "postedAtApproximate": bool(posting["posted_at_approximate"]),
            "expiresAt": expires,
            "ageDays": (as_of - posting["first_seen"]).days,
            "lifespanDays": posting["lifespan_days"],
            "repostCount": posting["repost_count"],
            "payStated": posting["salary_min"] is not None,
            "salaryMin": posting["salary_min"],
            "salaryMax": posting["salary_max"],
            "salaryCurrency": posting["salary_currency"],
            "salaryPeriod": posting["salary_period"],
        },
        "history": {
            "spans": [{"firstDay": first, "lastDay": last} for first, last in spans],
            "gaps": [
                {"afterDay": before[1], "beforeDay": after[0]}
                for before, after in itertools.pairwise(spans)
            ],
            "events": [
                {"type": kind, "day": day}
                for kind, day in posting_search.events(session, posting_id)
            ],
            "boardDates": [
                {"day": day, "boardDate": posted, "approximate": approximate}
                for day, posted, approximate in dated
            ],
            "restamps": _restamps(dated),
        },
        "boardLifespan": reference,
        "repostChain": [_history_item(row) for row in earlier],
        "listedAfterExpiry": bool(
            posting["is_active"] and expires is not None and expires.date() < as_of
        ),
        "otherBoards": [_history_item(row) for row in elsewhere],
        "signals": [
            {
                "name": name,
                "fired": bool(judged[name]),
                "weight": weight,
                "value": values[name],
                "threshold": thresholds[name],
                "description": SIGNAL_DESCRIPTIONS[name],
            }
            for name, weight in DEFAULT_RULE.weights.items()
        ],
        "staleLikelihood": judged["stale_likelihood"],
        "staleDrivers": judged["stale_drivers"],
        "stale": judged["stale"],
        "staleThreshold": DEFAULT_RULE.threshold,
    }


def _judge(
    posting: dict[str, Any], as_of: date, earlier: int, reference: dict[str, Any]
) -> dict[str, Any]:
    """The posting's row of `stale_signals`."""
    frame = pl.DataFrame(
        [
            {
                **{name: posting.get(name) for name in EVIDENCE_COLUMNS},
                "is_active": bool(posting["is_active"]),
                "earlier_postings": earlier,
                "board_median_days": reference["medianDays"],
                "board_p90_days": reference["p90Days"],
            }
        ],
        schema={
            "id": pl.Int64(),
            "first_seen": pl.Date(),
            "is_active": pl.Boolean(),
            "posted_at": pl.Datetime("us", "UTC"),
            "expires_at": pl.Datetime("us", "UTC"),
            "salary_min": pl.Float64(),
            "earlier_postings": pl.Int64(),
            "board_median_days": pl.Int64(),
            "board_p90_days": pl.Int64(),
        },
    )
    return stale_signals(frame, as_of=as_of).row(0, named=True)
