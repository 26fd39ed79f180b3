"""Query parameters, declared once: the declaration validates requests and writes the OpenAPI.

Also the client errors (`ApiError`) that validation and the reports raise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

_INTEGER = re.compile(r"-?[0-9]{1,12}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INT32_MAX = 2**31 - 1


class ApiError(Exception):
    """A failure whose status and message are meant for the caller (4xx)."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers
        self.data = data  # what the caller needs to act on the refusal (409: the existing run)


def window_start(end: date, days: int) -> date:
    """First day of the `days`-day window ending on `end`; a window reaching before year 1
    starts on year 1 (a request for 0001-01-01 with days=2 is valid, not a server error)."""
    return end - timedelta(days=min(days - 1, (end - date.min).days))


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


@dataclass(frozen=True)
class IntegerParam:
    name: str
    description: str
    minimum: int
    maximum: int

    def parse(self, raw: str) -> int:
        if not _INTEGER.fullmatch(raw) or not self.minimum <= int(raw) <= self.maximum:
            raise bad_request(
                f"{self.name} must be an integer from {self.minimum} to {self.maximum}"
            )
        return int(raw)

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True)
class DateParam:
    name: str
    description: str

    def parse(self, raw: str) -> date:
        try:
            if _DAY.fullmatch(raw):
                return date.fromisoformat(raw)
        except ValueError:
            pass
        raise bad_request(f"{self.name} must be a date as YYYY-MM-DD")

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


@dataclass(frozen=True)
class ChoiceParam:
    name: str
    description: str
    choices: tuple[str, ...]

    def parse(self, raw: str) -> str:
        if raw not in self.choices:
            raise bad_request(f"{self.name} must be one of: {', '.join(self.choices)}")
        return raw

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


Param = IntegerParam | DateParam | ChoiceParam


def board_id_param(description: str) -> IntegerParam:
    return IntegerParam("boardId", description, 1, INT32_MAX)


def second_board_id_param(description: str) -> IntegerParam:
    return IntegerParam("boardId2", description, 1, INT32_MAX)


def days_param(description: str) -> IntegerParam:
    return IntegerParam("days", description, 1, 365)


def offset_param(description: str) -> IntegerParam:
    return IntegerParam("offset", description, 0, INT32_MAX)


def limit_param(description: str) -> IntegerParam:
    return IntegerParam("limit", description, 1, 100)


def known_board(board_id: int, names: Mapping[int, str]) -> str:
    """The board's name, or a 400 for an id that is no board."""
    if board_id not in names:
        raise bad_request(f"boardId {board_id} is not a known board")
    return names[board_id]
