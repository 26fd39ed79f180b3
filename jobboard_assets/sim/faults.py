"""Faults the simulated boards can be told to show: the ways real boards fail a scraper.

A fault belongs to one board, optionally only on some dates (`days`), and replaces the board's
previous fault. Parameters and their defaults are in `FAULT_PARAMETERS`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

FAULT_PARAMETERS: dict[str, dict[str, float]] = {
    "timeout": {"seconds": 30.0},  # wait this long before answering normally
    "http_500": {},
    "http_503_then_ok": {"count": 2},  # the first `count` requests get 503, later ones are normal
    "http_429": {"seconds": 1.0},  # 429 with Retry-After: seconds
    "malformed": {},  # 200 with the kind's content type and a body that does not parse
    "truncated": {},  # Content-Length of the full body, half of it sent, connection closed
    "html_instead_of_json": {},  # 200 text/html: a bot wall or error page
    "empty": {},  # a valid response listing nothing
    "shrink": {"keep": 0.1},  # a valid response listing only this share of the postings
    "redirect_loop": {},  # 302 to the same URL, forever
    "huge_body": {"megabytes": 25.0},  # a valid response padded to this size
}


@dataclass
class Fault:
    board: str
    name: str
    params: dict[str, float]
    days: frozenset[date] | None = None  # None: every day
    requests: int = 0  # requests answered under this fault so far
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def applies_on(self, day: date) -> bool:
        return self.days is None or day in self.days

    def count_request(self) -> int:
        """Count one more request under this fault; returns its 1-based number."""
        with self._lock:
            self.requests += 1
            return self.requests

    def to_json(self) -> dict[str, Any]:
        return {
            "board": self.board,
            "fault": self.name,
            **self.params,
            "days": None if self.days is None else sorted(day.isoformat() for day in self.days),
            "requests": self.requests,
        }


def make_fault(board: str, name: str, params: Mapping[str, Any]) -> Fault:
    """A validated fault: known name, known parameters, numbers where numbers are due."""
    if name not in FAULT_PARAMETERS:
        raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULT_PARAMETERS)}")
    given = dict(params)
    days = given.pop("days", None)
    unknown = set(given) - set(FAULT_PARAMETERS[name])
    if unknown:
        raise ValueError(f"fault {name!r} takes no parameter(s) {', '.join(sorted(unknown))}")
    values = dict(FAULT_PARAMETERS[name])
    for key, value in given.items():
        try:
            values[key] = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"fault parameter {key} must be a number, not {value!r}") from None
        if values[key] < 0:
            raise ValueError(f"fault parameter {key} must not be negative")
    return Fault(board, name, values, None if days is None else _dates(days))


def parse_fault_option(text: str) -> tuple[str, str, dict[str, Any]]:
    """`slug=name[,param=value...]` as the CLI takes it; `days` lists dates joined by `+`.

    Example: `acme=http_429,seconds=5` or `acme=empty,days=2025-06-03+2025-06-04`.
    """
    board, separator, rest = text.partition("=")
    if not separator or not board or not rest:
        raise ValueError(f"expected slug=fault[,param=value...], got {text!r}")
    name, *pairs = rest.split(",")
    params: dict[str, Any] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator:
            raise ValueError(f"expected param=value, got {pair!r}")
        params[key] = value.split("+") if key == "days" else value
    return board, name, params


def _dates(values: Iterable[date | str]) -> frozenset[date]:
    if isinstance(values, str):
        raise ValueError("days must be a list of dates")
    try:
        return frozenset(
            value if isinstance(value, date) else date.fromisoformat(value) for value in values
        )
    except (TypeError, ValueError):
        raise ValueError(f"days must be ISO dates, got {values!r}") from None
