"""The simulator's bulk history says what scraping every day would have observed."""

from __future__ import annotations

from datetime import timedelta

from jobboard_assets.sim.bulk import board_day_counts, board_postings
from jobboard_assets.sim.market import DEFAULT_EPOCH, SimulatedMarket


def test_bulk_history_matches_what_each_day_serves() -> None:
    market = SimulatedMarket(seed=7, n_boards=3)
    start, end = DEFAULT_EPOCH + timedelta(days=20), DEFAULT_EPOCH + timedelta(days=45)
    for board in market.boards:
        postings = board_postings(market, board.slug, start, end)
        counts = board_day_counts(postings, start, end)
        served = {
            start + timedelta(days=n): {
                p.external_id for p in market.postings_on(board.slug, start + timedelta(days=n))
            }
            for n in range((end - start).days + 1)
        }
        assert counts["listed"].to_list() == [len(ids) for ids in served.values()]
        for row in postings.iter_rows(named=True):
            days = [day for day, ids in served.items() if row["external_id"] in ids]
            assert (row["first_seen"], row["last_seen"]) == (days[0], days[-1])
            assert row["is_active"] == (days[-1] == end)
            assert row["disappeared_at"] == (
                None if days[-1] == end else days[-1] + timedelta(days=1)
            )
        new = [len(ids - served.get(day - timedelta(days=1), set())) for day, ids in served.items()]
        assert counts["new"].to_list() == new
