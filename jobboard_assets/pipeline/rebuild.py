"""A full recompute of everything the pipeline maintains incrementally, from the raw observations.

Board-days are applied one at a time (`board_day.apply_board_day` changes only the postings
around a day) and the daily phases refresh only the days a run can change. This module is the
reference they must agree with: it forgets every derived row and recomputes it from what the
warehouse keeps of each fetched board-day, its listing in `board_day_listings`:

- which days are believed (`metrics.belief`, from the whole record), their snapshots;
- each posting's spans (runs of consecutive observed days of its board that listed it), its
  history columns and events (`merge.derive_state`), postings no observed day lists deleted;
- each observed day's counts (new, disappeared, active) from those events and spans;
- the daily phases (lifespans, reposts, scores, lifespan and repost analytics) for the given
  days, in date order.

`jobboard_assets_tests/pipeline/test_incremental_equals_rebuild.py` checks that any sequence of
daily runs and backfills leaves what this recompute writes. It reads every listing and every
posting of the warehouse: a check and a repair, not a daily path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine

from jobboard_assets.metrics.belief import DEFAULT_RULE, SuspectRule, believed_days
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings
from jobboard_assets.metrics.spans import Neighbours, Span, derive_state
from jobboard_assets.pipeline import analytics, lifespans, posting_history, reposts, scores
from jobboard_assets.pipeline.board_day import snapshot_row
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import listings, postings, snapshots
from jobboard_assets.warehouse.queries.boards import board_ids_by_slug


def spans_of_listings(listings: dict[date, set[str]]) -> dict[str, list[Span]]:
    """Every listed id's spans: the runs of consecutive observed days (the keys) that list it."""
    spans: dict[str, list[Span]] = {}
    observed = sorted(listings)
    previous: date | None = None
    for day in observed:
        for external_id in listings[day]:
            runs = spans.setdefault(external_id, [])
            if runs and runs[-1][1] == previous:
                runs[-1] = (runs[-1][0], day)
            else:
                runs.append((day, day))
        previous = day
    return spans


def rebuild_board(engine: Engine, job_board_id: int, rule: SuspectRule = DEFAULT_RULE) -> int:
    """Decide every fetched day of one board from its whole record (`belief.believed_days`),
    then recompute its snapshots, postings, spans, history columns, events and day counts from
    the believed listings; rows written."""
    with session_scope(engine) as session:
        postings.lock_board(session, job_board_id)
        verdicts = believed_days(listings.listed_ids(session, job_board_id), rule)
        listings.set_verdicts(session, job_board_id, verdicts)
        believed = {
            day: listings.scrape_result(session, job_board_id, day)
            for day, verdict in sorted(verdicts.items())
            if verdict.believed
        }
        for day in set(snapshots.observed_days(session, job_board_id)) - set(believed):
            snapshots.delete_snapshot(session, job_board_id, day)
        observed = sorted(believed)
        spans = spans_of_listings(
            {day: {r.external_id for r in result.records} for day, result in believed.items()}
        )
        latest = {
            record.external_id: record for result in believed.values() for record in result.records
        }
        stored = postings.posting_ids(session, job_board_id)
        unseen = [record for i, record in latest.items() if i not in stored]
        if unseen:
            placeholder = derive_state([(observed[0], observed[0])], observed)  # rewritten below
            stored |= postings.insert_postings(session, job_board_id, unseen, placeholder)
        postings.update_record_columns(session, {stored[i]: record for i, record in latest.items()})
        changes = [
            postings.HistoryChange(
                posting_id,
                job_board_id,
                tuple(spans.get(external_id, ())),
                derive_state(spans[external_id], observed) if external_id in spans else None,
            )
            for external_id, posting_id in stored.items()
        ]
        postings.write_histories(session, changes)
        kept = set(snapshots.observed_days(session, job_board_id))
        for day, result in believed.items():
            previous = Neighbours.of(observed, day).before
            counts = postings.day_counts(session, job_board_id, day, previous)
            if day not in kept:
                snapshots.upsert_snapshot(session, snapshot_row(job_board_id, result, counts))
            snapshots.set_day_counts(
                session,
                job_board_id,
                day,
                {
                    "new_postings": counts.new,
                    "disappeared_postings": counts.disappeared,
                    "active_postings": counts.active,
                },
            )
    return len(changes)


def rebuild(
    engine: Engine,
    days: Sequence[date],
    settings: MetricsSettings = DEFAULT_SETTINGS,
    rule: SuspectRule = DEFAULT_RULE,
) -> None:
    """Recompute the whole history from the kept listings, then the daily phases of `days`
    over every posting."""
    with session_scope(engine) as session:
        board_ids = sorted(board_ids_by_slug(session).values())
    for job_board_id in board_ids:
        rebuild_board(engine, job_board_id, rule)
    daily_phases(engine, days, settings, every_posting=True)


def daily_phases(
    engine: Engine,
    days: Sequence[date],
    settings: MetricsSettings = DEFAULT_SETTINGS,
    *,
    every_posting: bool = False,
) -> None:
    """Lifespans, reposts and scores and the analytics for `days`, as one history run does them (in its order,
    sharing one `PostingHistory`, which maintains the postings `days` can change unless
    `every_posting`); the Dagster assets call the same functions."""
    if not days:
        return
    days = sorted(set(days))
    shared = posting_history.PostingHistory(
        engine, settings, since=None if every_posting else days[0]
    )
    lifespans.update_lifespans(shared, days)
    reposts.update_reposts(shared, days)
    scores.update_scores(shared, days)
    analytics.update_lifespan_metrics(shared, days)
    analytics.update_repost_frequency(shared, days)
