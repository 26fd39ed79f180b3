"""`jobboard postings`: posting search and one posting's evidence from the shell, or as JSON."""

from __future__ import annotations

from typing import Any

import click

from jobboard_assets import config
from jobboard_assets.warehouse.db import make_engine, session_scope

MISSING = "\u2013"


def _text(value: Any, width: int) -> str:
    """Board text made safe for a terminal (no control characters), cut to `width`."""
    text = "".join(char if char.isprintable() else "?" for char in str(value or MISSING))
    return text if len(text) <= width else text[: width - 1] + "…"


def render_page(page: dict[str, Any]) -> str:
    """One page as a table: id, board, title, company, first seen, age, status and flags."""
    lines = [
        f"postings as of {page['asOf'] or 'no observed day yet'}",
        f"{'id':>8}  {'board':<18} {'title':<36} {'company':<18} {'first seen':<10} "
        f"{'age':>4}  {'status':<6} flags",
    ]
    for item in page["items"]:
        flags = [
            name
            for name, on in (
                ("fake-fresh", item["fakeFresh"]),
                (f"reposts:{item['repostCount']}", item["repostCount"]),
                ("pay", item["payStated"]),
            )
            if on
        ]
        lines.append(
            f"{item['id']:>8}  {_text(item['boardName'], 18):<18} {_text(item['title'], 36):<36} "
            f"{_text(item['company'], 18):<18} {item['firstSeen'].isoformat():<10} "
            f"{item['ageDays']:>4}  {'open' if item['isActive'] else 'closed':<6} {' '.join(flags)}"
        )
    if page["nextCursor"]:
        lines.append(f"more: --cursor {page['nextCursor']}")
    return "\n".join(lines)


def render_evidence(found: dict[str, Any]) -> str:
    """One posting's evidence: its history, its board's figures, signals and the likelihood."""
    posting, history, reference = found["posting"], found["history"], found["boardLifespan"]
    lines = [
        f"{_text(posting['title'], 70)} — {_text(posting['boardName'], 40)} (id {posting['id']})",
        f"first seen {posting['firstSeen']}, last seen {posting['lastSeen']}, "
        f"{'open' if posting['isActive'] else 'closed'}, age {posting['ageDays']} days "
        f"(as of {found['asOf']})",
        "spans: "
        + ", ".join(f"{span['firstDay']}..{span['lastDay']}" for span in history["spans"]),
        f"re-stamps of the board date: {len(history['restamps'])}"
        + "".join(
            f"\n  {r['day']}: {r['previousBoardDate']} -> {r['boardDate']}"
            for r in history["restamps"]
        ),
        f"board ({reference['scope']}): median {reference['medianDays'] or MISSING} days, "
        f"p90 {reference['p90Days'] or MISSING} days",
        f"earlier postings of this job: {len(found['repostChain'])}"
        + "".join(
            f"\n  {p['firstSeen']}..{p['lastSeen']} {_text(p['title'], 50)}"
            for p in found["repostChain"]
        ),
        f"on other boards: {len(found['otherBoards'])}"
        + "".join(
            f"\n  {_text(p['boardName'], 30)} {p['firstSeen']}..{p['lastSeen']}"
            for p in found["otherBoards"]
        ),
        "signals:",
        *(
            f"  [{'x' if s['fired'] else ' '}] {s['name']:<28} value {s['value'] if s['value'] is not None else MISSING}"
            f" (weight {s['weight']})"
            for s in found["signals"]
        ),
        f"stale likelihood {found['staleLikelihood']:.2f} (stale from {found['staleThreshold']}): "
        + (", ".join(found["staleDrivers"]) or "no signal fired"),
    ]
    return "\n".join(lines)


@click.command("postings")
@click.argument("posting_id", required=False, type=click.IntRange(1))
@click.option("--q", "text", help="Text in the title (3 characters or more).")
@click.option("--board-id", type=click.IntRange(1), help="Only this board.")
@click.option("--company", help="Only this employer.")
@click.option("--role-family", help="Only this role family.")
@click.option("--workplace-type", type=click.Choice(["remote", "hybrid", "onsite"]))
@click.option("--employment-type", help="Only this employment type (full_time, ...).")
@click.option(
    "--pay-stated/--no-pay-stated", default=None, help="Only postings that state pay (or not)."
)
@click.option("--min-pay", type=click.FloatRange(0), help="Stated minimum pay at least this.")
@click.option("--status", type=click.Choice(["active", "closed"]))
@click.option(
    "--min-age",
    "min_age_days",
    type=click.IntRange(0),
    help="First seen at least this many days ago.",
)
@click.option(
    "--max-age",
    "max_age_days",
    type=click.IntRange(0),
    help="First seen at most this many days ago.",
)
@click.option("--min-reposts", type=click.IntRange(0), help="At least this many reposts.")
@click.option(
    "--fake-fresh/--not-fake-fresh", default=None, help="Only fake-fresh postings (or not)."
)
@click.option(
    "--sort", type=click.Choice(["-firstSeen", "firstSeen", "age", "-age"]), default="-firstSeen"
)
@click.option("--limit", type=click.IntRange(1, 100), default=20)
@click.option("--cursor", help="The next page of a previous search (same filters).")
@click.option(
    "--json", "as_json", is_flag=True, help='Print {"success": true, "data": ...} instead.'
)
def postings(
    posting_id: int | None, sort: str, limit: int, cursor: str | None, as_json: bool, **filters: Any
) -> None:
    """Search postings, or show one posting's evidence (POSTING_ID): what GET /api/postings answers.

    Option names are SearchFilters' fields, so the filters pass through unchanged."""
    # Imported here so the other commands do not load polars.
    from jobboard_assets.api.responses import to_json
    from jobboard_assets.pipeline.posting_lookup import evidence, search_page
    from jobboard_assets.warehouse.queries.posting_search import SearchFilters

    engine = make_engine(config.database_url())
    with session_scope(engine) as session:
        if posting_id is not None:
            data = evidence(session, posting_id)
            if data is None:
                raise click.ClickException(f"posting {posting_id} is not in the warehouse")
            text = render_evidence(data)
        else:
            try:
                data = search_page(
                    session, SearchFilters(**filters), sort=sort, cursor=cursor, limit=limit
                )
            except ValueError as error:  # a cursor not given out (CursorError), too short a text
                raise click.ClickException(str(error)) from error
            text = render_page(data)
    click.echo(to_json({"success": True, "data": data}, indent=2) if as_json else text)
