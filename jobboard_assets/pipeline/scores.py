"""Scores: each day's efficiency scores, and the ranking table the UI shows."""

from __future__ import annotations

import time
from datetime import date, timedelta

import polars as pl

from jobboard_assets.metrics import efficiency
from jobboard_assets.pipeline.phase_summary import DayFigures, PhaseSummary, median_of
from jobboard_assets.pipeline.posting_history import PostingHistory
from jobboard_assets.pipeline.timeline import as_of, in_window
from jobboard_assets.warehouse.queries import efficiency_scores as score_queries


def update_scores(history: PostingHistory, days: list[date]) -> PhaseSummary:
    """Scores: each day's efficiency scores (board, board x role family, board in industry),
    and each day's ranking as its partition shows it."""
    started = time.perf_counter()
    engine, settings = history.engine, history.settings
    boards = score_queries.boards_frame(engine)
    employer = score_queries.employer_surveys_frame(engine)
    candidate = score_queries.candidate_surveys_frame(engine)
    written = 0
    figures = {}
    for day in sorted(days):
        previous = score_queries.scores_of_day(engine, day - timedelta(days=1))
        scored = efficiency.efficiency_scores(
            in_window(as_of(history.window, day), day, settings),
            boards,
            employer,
            candidate,
            as_of=day,
            previous_scores=previous,
            links=history.links(day),
            settings=settings,
        )
        written += score_queries.replace_scores(engine, day, scored)
        figures[day] = day_figures(scored, boards)
    return PhaseSummary(
        counts={
            "days": len(days),
            "rows_written": written,
            "seconds": round(time.perf_counter() - started, 3),
        },
        days=figures,
    )


def day_figures(scored: pl.DataFrame, boards: pl.DataFrame) -> DayFigures:
    """A day's scores as its partition shows them: boards scored, graded and with too little
    data, their median score and postings, and the ranking."""
    ranking = ranking_table(scored, boards) if scored.height else None
    if ranking is None:
        return DayFigures(counts={"boards_scored": 0, "boards_graded": 0})
    insufficient = int((ranking["grade"] == "insufficient data").sum())
    board_rows = scored.filter(pl.col("role_family").is_null() & pl.col("industry").is_null())
    return DayFigures(
        counts={
            "boards_scored": ranking.height,
            "boards_graded": ranking.height - insufficient,
            "boards_insufficient_data": insufficient,
            "median_score": median_of(ranking["overall_score"]),
            "postings": int(board_rows["details"].struct.field("postings").sum()),
        },
        table=ranking,
    )


def ranking_table(scored: pl.DataFrame, boards: pl.DataFrame) -> pl.DataFrame:
    """The day's board ranking as the UI shows it: rank, board, scores, grade, median and its
    interval."""
    return (
        scored.filter(pl.col("role_family").is_null() & pl.col("industry").is_null())
        .join(boards.select(job_board_id="id", board="name"), on="job_board_id")
        .sort("rank", "board", nulls_last=True)
        .select(
            "rank",
            "board",
            "overall_score",
            pl.when(pl.col("grade") == efficiency.INSUFFICIENT_GRADE)
            .then(pl.lit("insufficient data"))
            .otherwise(pl.col("grade"))
            .alias("grade"),
            pl.col("details").struct.field("km_median_days").alias("median_days"),
            pl.format(
                "{}-{}",
                pl.col("details")
                .struct.field("km_median_ci_low_days")
                .cast(pl.Utf8)
                .fill_null("?"),
                pl.col("details")
                .struct.field("km_median_ci_high_days")
                .cast(pl.Utf8)
                .fill_null("?"),
            ).alias("median_ci"),
            "lifespan_score",
            "repost_score",
            "employer_survey_score",
            "candidate_survey_score",
            "data_completeness",
            "fake_fresh_share",
            "trend",
        )
    )
