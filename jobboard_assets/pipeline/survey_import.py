"""Survey CSV files (`jobboard surveys import`): every row is checked before anything is written.

The columns are those of `employer_surveys` / `candidate_surveys`, with the board given by its
slug. A file is imported whole or not at all, so every bad row is reported (with its line and
what is wrong) instead of stopping at the first, and a person can fix the file in one pass.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jobboard_assets.metrics.settings import DEFAULT_SETTINGS
from jobboard_assets.warehouse.queries.survey_tables import SurveyKind

RATING_MIN = DEFAULT_SETTINGS.survey_rating_min
RATING_MAX = DEFAULT_SETTINGS.survey_rating_max
CANDIDATE_QUALITIES = tuple(word for word, _ in DEFAULT_SETTINGS.candidate_quality_scores)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class SurveyFileError(ValueError):
    """The file cannot be read as surveys at all (no header, unknown kind or columns)."""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ParsedSurveys:
    """The rows to insert (table columns, board as `job_board_id`) and the rows that are bad."""

    kind: SurveyKind
    rows: list[dict[str, Any]]
    errors: list[RowError]


# --- one parser per kind of value: the value, or ValueError saying what is wrong -------------


def _text(max_length: int | None = None) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise ValueError(f"is longer than {max_length} characters")
        return value

    return parse


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value) or len(value) > 255:
        raise ValueError(f"is not an e-mail address: {value!r}")
    return value


def _whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    expected = f"a whole number from {low} to {high}" if high else f"a whole number >= {low}"

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"must be {expected}, got {value!r}") from None
        if number < low or (high is not None and number > high):
            raise ValueError(f"must be {expected}, got {value!r}")
        return number

    return parse


def _quality(value: str) -> str:
    word = value.lower()
    if word not in CANDIDATE_QUALITIES:
        raise ValueError(f"must be one of {', '.join(CANDIDATE_QUALITIES)}, got {value!r}")
    return word


def _moment(value: str) -> datetime:
    """An ISO date (midnight UTC) or date-time; a date-time without an offset is UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"must be an ISO date (2026-03-01) or date-time (2026-03-01T09:30:00+00:00), "
            f"got {value!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_RATING = _whole_number(RATING_MIN, RATING_MAX)
_COMMON: dict[str, Callable[[str], Any]] = {
    "board": _text(),  # replaced by the slug -> id lookup of the file's warehouse
    "contact_email": _email,
    "comments": _text(),
    "submitted_at": _moment,
}
FIELDS: dict[SurveyKind, dict[str, Callable[[str], Any]]] = {
    "employer": {
        **_COMMON,
        "company_name": _text(255),
        "hiring_effectiveness": _RATING,
        "fill_time_days": _whole_number(0),
        "candidate_quality": _quality,
    },
    "candidate": {
        **_COMMON,
        "candidate_name": _text(255),
        "job_board_experience": _RATING,
        "posting_relevance": _RATING,
        "ease_of_application": _RATING,
        "likelihood_recommend": _RATING,
    },
}
"""The columns of each kind of file, each with its parser."""

REQUIRED: dict[SurveyKind, tuple[str, ...]] = {
    "employer": ("board", "company_name", "submitted_at"),
    "candidate": ("board", "submitted_at"),
}
"""Columns every row must fill: a survey counts for a board and a time (scores look back a
year from the day they score), and an employer survey names its employer."""

RATINGS: dict[SurveyKind, tuple[str, ...]] = {
    "employer": ("hiring_effectiveness", "candidate_quality"),
    "candidate": (
        "job_board_experience",
        "posting_relevance",
        "ease_of_application",
        "likelihood_recommend",
    ),
}
"""A row must rate something: a survey without any rating adds nothing to a score."""


def _kind_of(header: list[str], kind: SurveyKind | None) -> SurveyKind:
    """The kind asked for, or the one kind whose own columns the header has."""
    if kind is not None:
        return kind
    matching = [
        name for name, fields in FIELDS.items() if (set(fields) - set(_COMMON)) & set(header)
    ]
    if len(matching) != 1:
        raise SurveyFileError(
            "line 1: cannot tell employer from candidate surveys by the header; "
            "give --kind employer or --kind candidate"
        )
    return matching[0]


def _check_header(header: list[str], kind: SurveyKind) -> None:
    problems = []
    duplicates = sorted({name for name in header if header.count(name) > 1})
    unknown = [name for name in header if name not in FIELDS[kind]]
    missing = [name for name in REQUIRED[kind] if name not in header]
    if duplicates:
        problems.append(f"repeated column(s) {', '.join(duplicates)}")
    if unknown:
        problems.append(
            f"unknown column(s) {', '.join(unknown)} for {kind} surveys "
            f"(known: {', '.join(FIELDS[kind])})"
        )
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if problems:
        raise SurveyFileError("line 1: " + "; ".join(problems))


def _board(board_ids: Mapping[str, int]) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if value not in board_ids:
            raise ValueError(f"is not a known board slug: {value!r}")
        return board_ids[value]

    return parse


def _parse_row(
    values: dict[str, str], kind: SurveyKind, board_ids: Mapping[str, int]
) -> tuple[dict[str, Any], list[str]]:
    """The row's table columns, and what is wrong with it in column order (empty if nothing)."""
    parsers = {**FIELDS[kind], "board": _board(board_ids)}
    row: dict[str, Any] = dict.fromkeys(parsers)
    problems = []
    for name, raw in values.items():
        value = raw.strip()
        if not value:
            if name in REQUIRED[kind]:
                problems.append(f"{name} is empty")
            continue
        try:
            row[name] = parsers[name](value)
        except ValueError as error:
            problems.append(f"{name} {error}")
    if not any(values.get(name, "").strip() for name in RATINGS[kind]):
        problems.append(f"no rating given (one of {', '.join(RATINGS[kind])})")
    row["job_board_id"] = row.pop("board")
    return row, problems


def parse_surveys(
    text: str, board_ids: Mapping[str, int], kind: SurveyKind | None = None
) -> ParsedSurveys:
    """Parse a survey CSV file; `board_ids` maps board slugs to job_boards ids.

    The first line is the header (column names, any order, case and spaces ignored). Blank
    lines are skipped. A row's line is the line it starts on, also when a quoted value spans
    several lines. Raises SurveyFileError when the header itself is unusable.
    """
    reader = csv.reader(io.StringIO(text))
    header = [name.strip().lower() for name in next(reader, [])]
    if not any(header):
        raise SurveyFileError("line 1: the file is empty; expected a header line")
    the_kind = _kind_of(header, kind)
    _check_header(header, the_kind)
    rows, errors = [], []
    line = reader.line_num + 1
    for values in reader:
        if any(value.strip() for value in values):
            if len(values) != len(header):
                errors.append(RowError(line, f"has {len(values)} values for {len(header)} columns"))
            else:
                row, problems = _parse_row(
                    dict(zip(header, values, strict=True)), the_kind, board_ids
                )
                if problems:
                    errors.append(RowError(line, "; ".join(problems)))
                else:
                    rows.append(row)
        line = reader.line_num + 1
    return ParsedSurveys(kind=the_kind, rows=rows, errors=errors)
