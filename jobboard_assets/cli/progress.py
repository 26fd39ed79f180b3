"""Progress of long work on the terminal: a live bar on a TTY, plain periodic lines otherwise.

A 90-day backfill of many boards takes minutes; without this the command is silent until the
end. On a terminal, rich draws the bar (done of total, failures so far, elapsed, ETA); in a log
file or CI, one line every `every_seconds` and one at the end, so the output stays readable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Update = Callable[[int, int, int], None]
"""(done, failed, total): `done` counts failed units too, so done == total at the end."""


def eta_seconds(done: int, total: int, elapsed: float) -> float | None:
    """Time left at the rate so far; None before the first unit is done."""
    if done <= 0 or elapsed <= 0:
        return None
    return max(total - done, 0) * elapsed / done


def plain_line(label: str, done: int, failed: int, total: int, elapsed: float) -> str:
    """One progress line for a log: `label 120/330 board-days, 2 failed, 41s elapsed, ETA 72s`."""
    eta = eta_seconds(done, total, elapsed)
    return (
        f"{label} {done}/{total} board-days, {failed} failed, {elapsed:.0f}s elapsed, "
        f"ETA {'?' if eta is None else f'{eta:.0f}s'}"
    )


@contextmanager
def progress_display(
    label: str,
    stream: TextIO | None = None,
    every_seconds: float = 10.0,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[Update]:
    """Yield an update function that draws the progress of `label` on `stream` (stdout)."""
    out = stream if stream is not None else sys.stdout
    if out.isatty():
        with _live_bar(label, out) as live:
            yield live
        return
    started = clock()
    last_printed = started
    unprinted: tuple[int, int, int] | None = None

    def show(counts: tuple[int, int, int], now: float) -> None:
        print(plain_line(label, *counts, now - started), file=out, flush=True)

    def update(done: int, failed: int, total: int) -> None:
        nonlocal last_printed, unprinted
        unprinted = (done, failed, total)
        now = clock()
        if now - last_printed >= every_seconds:
            last_printed, unprinted = now, None
            show((done, failed, total), now)

    yield update
    if unprinted is not None:
        show(unprinted, clock())


@contextmanager
def _live_bar(label: str, out: TextIO) -> Iterator[Update]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("board-days, [red]{task.fields[failed]} failed[/red]"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(file=out), transient=False) as bar:
        task = bar.add_task(label, total=None, failed=0)

        def update(done: int, failed: int, total: int) -> None:
            bar.update(task, completed=done, total=total, failed=failed)

        yield update
