"""The board registry: `boards.yaml` read and validated into `BoardConfig`s.

Every problem of the file is reported at once, each naming the board and the field, so a
person fixes the file in one go instead of one error per run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from jobboard_assets.sources.errors import RegistryError
from jobboard_assets.sources.kinds import KINDS
from jobboard_assets.sources.options import COMMON_OPTIONS, OptionSpec
from jobboard_assets.sources.records import BoardConfig

BOARD_FIELDS = ("slug", "name", "kind", "url", "enabled", "category", "industry", "options")
DEFAULTABLE_FIELDS = ("kind", "enabled", "category", "industry", "options")
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
# The widths of the job_boards columns: longer values would fail only on PostgreSQL.
MAX_LENGTHS = {"slug": 100, "name": 255, "kind": 50, "category": 50, "industry": 100}

# libyaml's loader where PyYAML was built with it: the pure-Python one spent 0.9 s of every
# `jobboard run` and registry sensor tick parsing a 1,000-board file (0.12 s with libyaml).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Report = Callable[[str, str], None]
"""Records a problem: (field, message)."""


def load_registry(path: str | Path) -> list[BoardConfig]:
    """The boards of a registry file, in file order; `RegistryError` lists every problem."""
    source = str(path)
    try:
        document = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except OSError as error:
        raise RegistryError(source, [f"cannot read the file: {error}"]) from error
    except yaml.YAMLError as error:
        raise RegistryError(source, [f"invalid YAML: {error}"]) from error
    problems: list[str] = []
    boards = _boards(document, problems)
    if problems:
        raise RegistryError(source, problems)
    return boards


def _boards(document: Any, problems: list[str]) -> list[BoardConfig]:
    if not isinstance(document, dict) or not isinstance(document.get("boards"), list):
        problems.append("the file must be a mapping with a 'boards' list")
        return []
    for key in sorted(set(document) - {"defaults", "boards"}, key=str):
        problems.append(f"unknown top-level key {key!r} (expected 'defaults' and 'boards')")
    defaults = _defaults(document.get("defaults"), problems)
    boards: list[BoardConfig] = []
    first_index_of: dict[str, int] = {}
    for index, entry in enumerate(document["boards"], start=1):
        board = _board(index, entry, defaults, first_index_of, problems)
        if board is not None:
            boards.append(board)
    return boards


def _defaults(defaults: Any, problems: list[str]) -> dict[str, Any]:
    """`defaults:`, whose options must suit every kind (only the common options do)."""
    if defaults is None:
        return {}

    def report(field: str, message: str) -> None:
        problems.append(f"defaults: field '{field}': {message}")

    if not isinstance(defaults, dict):
        report("defaults", f"must be a mapping, got {type(defaults).__name__}")
        return {}
    for key in sorted(set(defaults) - set(DEFAULTABLE_FIELDS), key=str):
        report(str(key), f"cannot have a default (allowed: {', '.join(DEFAULTABLE_FIELDS)})")
    options = _options(defaults.get("options", {}), COMMON_OPTIONS, report, check_required=False)
    return {**defaults, "options": options}


def _board(
    index: int,
    entry: Any,
    defaults: dict[str, Any],
    first_index_of: dict[str, int],
    problems: list[str],
) -> BoardConfig | None:
    """One board entry validated, or None after reporting its problems."""
    slug = entry.get("slug") if isinstance(entry, dict) else None
    label = f"board {slug!r} (#{index})" if isinstance(slug, str) and slug else f"board #{index}"
    found: list[str] = []

    def report(field: str, message: str) -> None:
        found.append(f"{label}: field '{field}': {message}")

    if not isinstance(entry, dict):
        problems.append(f"{label}: must be a mapping of board fields, got {type(entry).__name__}")
        return None
    for key in sorted(set(entry) - set(BOARD_FIELDS), key=str):
        report(str(key), f"unknown field (known: {', '.join(BOARD_FIELDS)})")
    merged = {**defaults, **entry}
    own_options = entry.get("options") or {}
    merged_options = (
        {**defaults.get("options", {}), **own_options}
        if isinstance(own_options, dict)
        else own_options
    )

    slug, name, kind, url = (
        _required_text(merged, field, report) for field in ("slug", "name", "kind", "url")
    )
    if slug is not None:
        if not SLUG_PATTERN.fullmatch(slug):
            report(
                "slug",
                f"{slug!r} must be lower-case letters, digits, '_' and '-', starting with a letter or digit",
            )
        elif slug in first_index_of:
            report("slug", f"duplicate: board #{first_index_of[slug]} already uses {slug!r}")
        else:
            first_index_of[slug] = index
    if kind is not None and kind not in KINDS:
        report("kind", f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
    if url is not None and not _is_http_url(url):
        report("url", f"must be an http:// or https:// URL with a host, got {url!r}")
    elif url is not None and (problem := _kind_url_problem(kind, url)) is not None:
        report("url", problem)
    enabled = merged.get("enabled", True)
    if not isinstance(enabled, bool):
        report("enabled", f"must be true or false, got {enabled!r}")
    category, industry = (
        _optional_text(merged, field, report) for field in ("category", "industry")
    )
    option_specs = {**COMMON_OPTIONS, **(KINDS[kind].options if kind in KINDS else {})}
    options = _options(merged_options, option_specs, report, check_required=kind in KINDS)

    problems.extend(found)
    if found or slug is None or name is None or kind is None or url is None:
        return None
    return BoardConfig(
        slug=slug,
        name=name,
        kind=kind,
        url=url,
        enabled=enabled,
        category=category,
        industry=industry,
        options=options,
    )


def _options(
    options: Any, specs: Mapping[str, OptionSpec], report: Report, *, check_required: bool
) -> dict[str, Any]:
    """The options converted to their types; unknown, mistyped and missing ones are reported."""
    if not isinstance(options, dict):
        report("options", f"must be a mapping, got {type(options).__name__}")
        return {}
    valid: dict[str, Any] = {}
    for name, value in options.items():
        spec = specs.get(name)
        if spec is None:
            report(f"options.{name}", f"unknown option (allowed here: {', '.join(sorted(specs))})")
            continue
        converted, problem = spec.validate(value)
        if problem:
            report(f"options.{name}", problem)
        else:
            valid[name] = converted
    if check_required:
        for name, spec in specs.items():
            if spec.required and name not in options:
                report(f"options.{name}", "required for this kind")
    return valid


def _required_text(entry: dict[str, Any], field: str, report: Report) -> str | None:
    value = entry.get(field)
    if not isinstance(value, str) or not value.strip():
        report(
            field,
            "required, must be a non-empty string" + ("" if value is None else f", got {value!r}"),
        )
        return None
    return _within_length(value.strip(), field, report)


def _optional_text(entry: dict[str, Any], field: str, report: Report) -> str | None:
    value = entry.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        report(field, f"must be a string, got {value!r}")
        return None
    return _within_length(value.strip(), field, report) or None


def _within_length(value: str, field: str, report: Report) -> str | None:
    limit = MAX_LENGTHS.get(field)
    if limit is not None and len(value) > limit:
        report(field, f"at most {limit} characters, got {len(value)}")
        return None
    return value


def _kind_url_problem(kind: str | None, url: str) -> str | None:
    """What the board's kind finds wrong with its URL (a Workday career page for the API)."""
    check = KINDS[kind].url_problem if kind in KINDS else None
    return check(url) if check is not None else None


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)
