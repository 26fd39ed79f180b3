"""JSON schemas and the OpenAPI operations of posting search and a posting's evidence.

Exact like the others (`schemas.py`): every field required and typed, nullable where the
warehouse can leave it empty, so schemathesis checks these answers too.
"""

from __future__ import annotations

from typing import Any

from jobboard_assets.api.schemas import (
    BOOLEAN,
    DAY,
    INTEGER,
    MOMENT,
    NUMBER,
    STRING,
    Schema,
    _nullable,
    _object,
    envelope,
    ref,
)

_WHERE = {
    "id": INTEGER,
    "boardId": INTEGER,
    "boardName": STRING,
    "title": STRING,
    "location": _nullable(STRING),
    "firstSeen": DAY,
    "lastSeen": DAY,
    "isActive": BOOLEAN,
}
_POSTING = {
    **_WHERE,
    "externalId": STRING,
    "company": _nullable(STRING),
    "roleFamily": _nullable(STRING),
    "workplaceType": _nullable(STRING),
    "employmentType": _nullable(STRING),
    "payStated": BOOLEAN,
    "salaryMin": _nullable(NUMBER),
    "salaryMax": _nullable(NUMBER),
    "salaryCurrency": _nullable(STRING),
    "salaryPeriod": _nullable(STRING),
    "ageDays": INTEGER,
    "postedAt": _nullable(MOMENT),
    "postedAtApproximate": {
        **BOOLEAN,
        "description": "postedAt was read from a phrase such as Workday's Posted 3 Days Ago: "
        "a day on the board's clock, possibly one off; false for a stated date or none.",
    },
    "repostCount": INTEGER,
}

POSTING_SCHEMAS: dict[str, Schema] = {
    "PostingItem": _object({**_POSTING, "fakeFresh": BOOLEAN}),
    "PostingPage": _object(
        {
            "asOf": _nullable(DAY),
            "items": {"type": "array", "items": ref("PostingItem")},
            "nextCursor": _nullable(STRING),
        }
    ),
    "RelatedPosting": _object({**_WHERE, "disappearedAt": _nullable(DAY)}),
    "PostingSignal": _object(
        {
            "name": STRING,
            "fired": BOOLEAN,
            "weight": NUMBER,
            "value": _nullable(NUMBER),
            "threshold": _nullable(NUMBER),
            "description": STRING,
        }
    ),
    "PostingEvidence": _object(
        {
            "asOf": DAY,
            "posting": _object(
                {
                    **_POSTING,
                    "disappearedAt": _nullable(DAY),
                    "url": _nullable(STRING),
                    "expiresAt": _nullable(MOMENT),
                    "lifespanDays": _nullable(INTEGER),
                }
            ),
            "history": _object(
                {
                    "spans": {
                        "type": "array",
                        "items": _object({"firstDay": DAY, "lastDay": DAY}),
                    },
                    "gaps": {
                        "type": "array",
                        "items": _object({"afterDay": DAY, "beforeDay": DAY}),
                    },
                    "events": {"type": "array", "items": _object({"type": STRING, "day": DAY})},
                    "boardDates": {
                        "type": "array",
                        "items": _object(
                            {"day": DAY, "boardDate": _nullable(MOMENT), "approximate": BOOLEAN}
                        ),
                    },
                    "restamps": {
                        "type": "array",
                        "items": _object({"day": DAY, "boardDate": DAY, "previousBoardDate": DAY}),
                    },
                }
            ),
            "boardLifespan": {
                "type": "object",
                "required": ["scope", "medianDays", "medianFloorDays", "p90Days"],
                "properties": {
                    "scope": {"type": "string", "enum": ["role family", "board"]},
                    "estimatePostings": _nullable(INTEGER),
                    "medianDays": _nullable(INTEGER),
                    "medianFloorDays": _nullable(INTEGER),
                    "p90Days": _nullable(INTEGER),
                },
            },
            "repostChain": {"type": "array", "items": ref("RelatedPosting")},
            "listedAfterExpiry": BOOLEAN,
            "otherBoards": {"type": "array", "items": ref("RelatedPosting")},
            "signals": {"type": "array", "items": ref("PostingSignal")},
            "staleLikelihood": NUMBER,
            "staleDrivers": {"type": "array", "items": STRING},
            "stale": BOOLEAN,
            "staleThreshold": NUMBER,
        }
    ),
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def _ok(description: str, schema: Schema) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": envelope(schema)}},
    }


def posting_operations(parameters: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The OpenAPI path items of search (with its query `parameters`) and evidence."""
    return {
        "/api/postings": {
            "get": {
                "summary": "Posting search: filters, sort by age or first seen, keyset pages",
                "operationId": "searchPostings",
                "parameters": parameters,
                "responses": {
                    "200": _ok("One page of postings.", ref("PostingPage")),
                    "400": _error("A malformed parameter, or a cursor of another search."),
                    "500": _error("Unexpected server error."),
                },
            }
        },
        "/api/postings/{posting_id}": {
            "get": {
                "summary": "One posting's evidence, signals and stale likelihood",
                "operationId": "getPostingEvidence",
                "parameters": [
                    {
                        "name": "posting_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1},
                    }
                ],
                "responses": {
                    "200": _ok("The posting's evidence.", ref("PostingEvidence")),
                    "404": _error("No posting with this id."),
                    "500": _error("Unexpected server error."),
                },
            }
        },
    }
