"""`jobboard scores`: the score report in the terminal, or as the API's JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from jobboard_assets import config
from jobboard_assets.warehouse.db import make_engine, session_scope

RULE = "═" * 80
THIN = "─" * 80
BAR_WIDTH = 20
NAME_WIDTH = 30
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
MISSING = "\u2013"  # en dash: no value
INSUFFICIENT = "insufficient data"


def _text(value: Any, width: int | None = None) -> str:
    """Board text made safe for a terminal (no control characters), cut to `width`."""
    text = "".join(char if char.isprintable() else "?" for char in str(value))
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def _number(value: float | None, digits: int = 1) -> str:
    return MISSING if value is None else f"{value:.{digits}f}"


def _heading(title: str) -> list[str]:
    return ["", title, THIN]


def _percent(share: float | None) -> str:
    return MISSING if share is None else f"{100 * share:.0f}%"


def _verdict(board: dict[str, Any]) -> str:
    """The verdict where the evidence is there: a bounded grade, a ghost-heavy flag, or none."""
    parts = [board["boundedGrade"], "ghost-heavy" if board["ghostHeavy"] else None]
    return ", ".join(part for part in parts if part) or MISSING


def _board_line(board: dict[str, Any], *, medals: bool) -> str:
    medal = MEDALS.get(board["rank"], "  ") if medals else "  "
    return (
        f"{medal} {board['rank']:>2}. {_text(board['boardName'], NAME_WIDTH):<{NAME_WIDTH}} "
        f"{_number(board['overallScore']):>5}/100 [{board['grade'] or MISSING}]"
    )


def render(report: dict[str, Any]) -> str:
    """The report as the score report's text: statistics, ranking, extremes, histogram, role families."""
    statistics = report["statistics"]
    lines = [RULE, f"EFFICIENCY SCORES - {report['scoreDate'] or 'no scores yet'}", RULE]
    lines += _heading("📊 OVERALL STATISTICS")
    lines += [
        f"Total Boards Scored: {statistics['boardsScored']}",
        f"Average Score: {_number(statistics['averageScore'])}/100",
        f"Median Score: {_number(statistics['medianScore'])}/100",
        f"Insufficient Data: {statistics['boardsInsufficientData']} board(s) (no grade yet: "
        "their lifespan estimate needs more tracked days)",
    ]
    lines += _heading("🏅 RANKING")
    lines.append(
        f"{'Rank':>4}  {'Board':<{NAME_WIDTH}} {'Score':>6} {'Grade':<5} "
        f"{'Lifespan':>8} {'Reposts':>8} {'Employer':>8} {'Candidate':>9} {'Median (95% CI)':>17} "
        f"{'FakeFresh':>9}  Verdict"
    )
    for board in report["ranked"]:
        low, high = board["medianLifespanCi"]
        median = (
            f"{board['medianLifespanDays']}d ({low if low is not None else '?'}-"
            f"{high if high is not None else '?'})"
            if board["medianLifespanDays"] is not None
            else INSUFFICIENT
            if board["insufficientData"]
            else MISSING
        )
        lines.append(
            f"{board['rank'] or MISSING:>4}  {_text(board['boardName'], NAME_WIDTH):<{NAME_WIDTH}} "
            f"{_number(board['overallScore']):>6} {board['grade'] or MISSING:<5} "
            f"{_number(board['lifespanScore']):>8} {_number(board['repostScore']):>8} "
            f"{_number(board['employerSurveyScore']):>8} {_number(board['candidateSurveyScore']):>9} "
            f"{median:>17} {_percent(board['fakeFreshShare']):>9}  {_verdict(board)}"
        )
    if statistics["boardsInsufficientData"]:
        lines.append(
            f"Grade I: {INSUFFICIENT} (no score or rank until the estimate can be trusted)"
        )
    if any(board["boundedGrade"] or board["ghostHeavy"] for board in report["ranked"]):
        lines.append(
            "Verdict: a bounded grade where the median is not reached yet but its lower bound "
            "caps the score; ghost-heavy: most open postings are fake-fresh"
        )
    lines += _heading("🏆 TOP PERFORMERS (Highest Efficiency Scores)")
    lines += [_board_line(board, medals=True) for board in report["top"]]
    lines += _heading("⏱️  BOTTOM PERFORMERS (Lowest Efficiency Scores)")
    lines += [_board_line(board, medals=False) for board in report["bottom"]]
    lines += _heading("📈 SCORE DISTRIBUTION")
    for band in report["distribution"]:
        share = (band["percentage"] or 0.0) / 100.0
        filled = round(share * BAR_WIDTH)
        lines.append(
            f"{band['range']:<8} {'█' * filled}{'░' * (BAR_WIDTH - filled)} "
            f"{band['count']:>3} boards ({share * 100:>3.0f}%)"
        )
    lines += _heading("👔 SCORES BY ROLE FAMILY")
    for role in report["byRole"]:
        lines.append(
            f"{_text(role['roleFamily'], 28):<28} Avg: {_number(role['averageScore']):>5}/100 | "
            f"Median: {_number(role['medianScore']):>5} | Jobs: {role['postings'] or 0:>5} | "
            f"Best: {_text(role['bestBoard'], NAME_WIDTH)}"
        )
    if not report["byRole"]:
        lines.append("(no role family has enough postings to be scored)")
    lines.append(RULE)
    return "\n".join(lines)


@click.command("scores")
@click.option(
    "--json", "as_json", is_flag=True, help='Print {"success": true, "data": {...}} instead.'
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The scoring day (default: the newest day scored).",
)
def scores(as_json: bool, day: datetime | None) -> None:
    """Board efficiency scores: statistics, ranking, top/bottom 5, histogram, role families."""
    # Imported here so the other commands do not load polars.
    from jobboard_assets.api.responses import to_json
    from jobboard_assets.warehouse.queries import score_report

    engine = make_engine(config.database_url())
    with session_scope(engine) as session:
        report = score_report.report(session, day.date() if day else None)
    click.echo(to_json({"success": True, "data": report}, indent=2) if as_json else render(report))
