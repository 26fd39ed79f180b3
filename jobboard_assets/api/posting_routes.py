"""GET /api/postings (search) and GET /api/postings/{id} (one posting's evidence).

Not `action` endpoints: a search is one question with many filters, and a posting is a
resource. Their parameters are declared once here, validated like the others (a malformed
value is a 400, never ignored), and listed in the OpenAPI document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from jobboard_assets.api.params import (
    ChoiceParam,
    IntegerParam,
    bad_request,
    board_id_param,
    limit_param,
    not_found,
)
from jobboard_assets.api.posting_schemas import posting_operations
from jobboard_assets.pipeline.posting_lookup import SORTS, CursorError, evidence, search_page
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries.posting_search import MIN_TEXT_LENGTH, SearchFilters

SEARCH_PATH = "/api/postings"
EVIDENCE_PATH = "/api/postings/{posting_id}"
DEFAULT_LIMIT = 50
_NUMBER = re.compile(r"[0-9]{1,12}(\.[0-9]{1,4})?")


@dataclass(frozen=True)
class TextParam:
    """Free text (a title word, a company): trimmed, bounded, never empty."""

    name: str
    description: str
    max_length: int = 200
    min_length: int = 1

    def parse(self, raw: str) -> str:
        text = raw.strip()
        if not self.min_length <= len(text) <= self.max_length:
            raise bad_request(
                f"{self.name} must be {self.min_length} to {self.max_length} characters"
            )
        # No database takes a NUL in a text value (a 500 otherwise); no title holds a control.
        if any(ord(char) < 32 for char in text):
            raise bad_request(f"{self.name} must not contain control characters")
        return text

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": self.min_length, "maxLength": self.max_length}


@dataclass(frozen=True)
class NumberParam:
    """A non-negative decimal (pay): digits only, so no NaN or exponent reaches SQL."""

    name: str
    description: str

    def parse(self, raw: str) -> float:
        if not _NUMBER.fullmatch(raw):
            raise bad_request(f"{self.name} must be a number of 0 or more")
        return float(raw)

    def schema(self) -> dict[str, Any]:
        return {"type": "number", "minimum": 0}


def _yes_no(name: str, description: str) -> ChoiceParam:
    return ChoiceParam(name, description, ("true", "false"))


def _days(name: str, description: str) -> IntegerParam:
    return IntegerParam(name, description, 0, 36500)


SearchParam = TextParam | NumberParam | IntegerParam | ChoiceParam

SEARCH_PARAMS: tuple[SearchParam, ...] = (
    TextParam(
        "q",
        f"Text in the title (case-insensitive), at least {MIN_TEXT_LENGTH} characters: the "
        "title index holds trigrams.",
        min_length=MIN_TEXT_LENGTH,
    ),
    board_id_param("Only this board's postings."),
    TextParam("company", "Only this employer (as the board names it)."),
    TextParam("roleFamily", "Only this role family (docs/role-families.md)."),
    ChoiceParam("workplaceType", "Only this workplace type.", ("remote", "hybrid", "onsite")),
    TextParam("employmentType", "Only this employment type (full_time, part_time, ...)."),
    _yes_no("payStated", "Only postings that state pay (true) or do not (false)."),
    NumberParam("minPay", "Only postings whose stated minimum pay is at least this."),
    ChoiceParam("status", "Only open (active) or closed postings.", ("active", "closed")),
    _days("minAge", "Only postings first seen at least this many days before `asOf`."),
    _days("maxAge", "Only postings first seen at most this many days before `asOf`."),
    IntegerParam("minReposts", "Only postings whose repost chain has this many reposts.", 0, 1000),
    _yes_no("fakeFresh", "Only postings that are fake-fresh at `asOf` (true) or not (false)."),
    ChoiceParam(
        "sort",
        "firstSeen: earliest first sighting first; age: youngest first; '-' reverses "
        "(default -firstSeen).",
        SORTS,
    ),
    TextParam("cursor", "The `nextCursor` of the previous page (same filters and sort).", 400),
    limit_param(f"Postings per page (default {DEFAULT_LIMIT})."),
)

_FILTER_FIELDS = {
    "q": "text",
    "boardId": "board_id",
    "company": "company",
    "roleFamily": "role_family",
    "workplaceType": "workplace_type",
    "employmentType": "employment_type",
    "payStated": "pay_stated",
    "minPay": "min_pay",
    "status": "status",
    "minAge": "min_age_days",
    "maxAge": "max_age_days",
    "minReposts": "min_reposts",
    "fakeFresh": "fake_fresh",
}


def openapi_paths() -> dict[str, dict[str, Any]]:
    """The two operations as the OpenAPI document lists them, parameters from SEARCH_PARAMS."""
    return posting_operations(
        [
            {
                "name": param.name,
                "in": "query",
                "required": False,
                "description": param.description,
                "schema": param.schema(),
            }
            for param in SEARCH_PARAMS
        ]
    )


def parse_search(query: Mapping[str, str]) -> dict[str, Any]:
    """Every declared parameter that is present, validated (ApiError 400 otherwise)."""
    params: dict[str, Any] = {
        param.name: param.parse(query[param.name]) for param in SEARCH_PARAMS if param.name in query
    }
    for name in ("payStated", "fakeFresh"):
        if name in params:
            params[name] = params[name] == "true"
    if params.get("minAge", 0) > params.get("maxAge", 36500):
        raise bad_request("minAge must not be above maxAge")
    return params


def search_postings(engine: Engine, query: Mapping[str, str]) -> Any:
    """GET /api/postings: one page of the search the query describes."""
    params = parse_search(query)
    filters = SearchFilters(
        **{field: params[name] for name, field in _FILTER_FIELDS.items() if name in params}
    )
    with session_scope(engine) as session:
        try:
            return search_page(
                session,
                filters,
                sort=params.get("sort", SORTS[0]),
                cursor=params.get("cursor"),
                limit=params.get("limit", DEFAULT_LIMIT),
            )
        except CursorError as error:
            raise bad_request(str(error)) from error


def posting_evidence(engine: Engine, posting_id: int) -> Any:
    """GET /api/postings/{id}: the posting's evidence, or 404."""
    with session_scope(engine) as session:
        found = evidence(session, posting_id)
    if found is None:
        raise not_found(f"posting {posting_id} is not in the warehouse")
    return found
