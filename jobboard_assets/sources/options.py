"""Board options (`options:` in `boards.yaml`): their types, rules and defaults.

Options common to every kind live here; each kind declares its own in its module, and the
registry validates a board against both, so a typo in an option name fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jobboard_assets.sources.css import InvalidSelector, compile_selector
from jobboard_assets.sources.records import BoardConfig

DEFAULT_MAX_PAGES = 50
DEFAULT_MAX_UNUSABLE_SHARE = 0.2

Check = Callable[[Any], str | None]

_ACCEPTED_TYPES: dict[type, tuple[type[str | int | float | bool], ...]] = {
    str: (str,),
    int: (int,),
    float: (int, float),
    bool: (bool,),
}
_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
}


@dataclass(frozen=True)
class OptionSpec:
    """One option: its type, whether every board of the kind must set it, and further rules."""

    type: type[str | int | float | bool]
    required: bool = False
    check: Check | None = None

    def validate(self, value: Any) -> tuple[Any, str | None]:
        """The value converted to the option's type, and why it is unacceptable (or None)."""
        # YAML's true/false are ints to Python: only a bool option takes them.
        if isinstance(value, bool) != (self.type is bool) or not isinstance(
            value, _ACCEPTED_TYPES[self.type]
        ):
            return value, f"expected {_TYPE_NAMES[self.type]}, got {type(value).__name__} {value!r}"
        converted = self.type(value)
        return converted, self.check(converted) if self.check else None


def at_least(minimum: float) -> Check:
    """A rule: the value is `minimum` or more."""
    return lambda value: None if value >= minimum else f"must be at least {minimum}, got {value}"


def greater_than(minimum: float) -> Check:
    """A rule: the value is strictly more than `minimum`."""
    return lambda value: None if value > minimum else f"must be more than {minimum}, got {value}"


def between(low: int, high: int) -> Check:
    """A rule: `low` <= value <= `high`."""
    return lambda value: None if low <= value <= high else f"must be {low} to {high}, got {value}"


def one_of(*allowed: str) -> Check:
    """A rule: the value is one of `allowed`."""
    return lambda value: (
        None if value in allowed else f"must be one of {', '.join(allowed)}, got {value!r}"
    )


def non_empty(value: str) -> str | None:
    """A rule: the string has more than whitespace."""
    return None if value.strip() else "must not be empty"


def css_selector(value: str) -> str | None:
    """A rule: the string is a CSS selector the html kind can run."""
    if not value.strip():
        return "must be a CSS selector, got an empty string"
    try:
        compile_selector(value)
    except InvalidSelector as error:
        return f"invalid CSS selector {value!r}: {error}"
    return None


COMMON_OPTIONS: Mapping[str, OptionSpec] = {
    "min_interval_seconds": OptionSpec(float, check=at_least(0)),
    "max_pages": OptionSpec(int, check=at_least(1)),
    "timeout_seconds": OptionSpec(float, check=greater_than(0)),
    "user_agent": OptionSpec(str, check=non_empty),
    "max_unusable_share": OptionSpec(float, check=between(0, 1)),
    "remote_only": OptionSpec(bool),
}


def max_pages(board: BoardConfig) -> int:
    """How many pages one scrape of the board may read."""
    return int(board.options.get("max_pages", DEFAULT_MAX_PAGES))


def default_workplace(board: BoardConfig) -> str | None:
    """ "remote" for a board that lists remote jobs only (`remote_only: true`: We Work Remotely,
    Remotive, Himalayas), whose postings need not say so; None for any other board."""
    return "remote" if board.options.get("remote_only") else None


def max_unusable_share(board: BoardConfig) -> float:
    """The share of a listing's records that may be unusable before the board-day fails."""
    return float(board.options.get("max_unusable_share", DEFAULT_MAX_UNUSABLE_SHARE))
