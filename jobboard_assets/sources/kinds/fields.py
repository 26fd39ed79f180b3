"""Reading JSON listings: shape checks with readable errors, and tolerant field access.

A listing of the wrong shape (an HTML block page, an error object, a renamed key) must fail
the board loudly as `MalformedResponseError`, never look like "no postings today".
"""

from __future__ import annotations

import json
from typing import Any

from jobboard_assets.sources.http import Response

JsonObject = dict[str, Any]


def json_object_with_list(
    response: Response, key: str
) -> tuple[JsonObject, list[JsonObject | None]]:
    """The payload `{..., key: [posting, ...]}` and its postings (None for a non-object item)."""
    expected = f"a JSON object with a '{key}' list"
    payload = _json_payload(response, expected)
    if not isinstance(payload, dict):
        raise response.malformed(expected, _describe(payload))
    if not isinstance(payload.get(key), list):
        raise response.malformed(expected, f"{_describe(payload)} ('{key}' missing or not a list)")
    return payload, _postings(payload[key])


def json_object(response: Response, key: str) -> JsonObject:
    """The payload `{..., key: {...}}` (one posting's own endpoint); the key may still be odd."""
    expected = f"a JSON object with a '{key}' object"
    payload = _json_payload(response, expected)
    if not isinstance(payload, dict):
        raise response.malformed(expected, _describe(payload))
    return payload


def json_array(response: Response) -> list[JsonObject | None]:
    """The postings of a payload that is a bare JSON array."""
    expected = "a JSON array of postings"
    payload = _json_payload(response, expected)
    if not isinstance(payload, list):
        raise response.malformed(expected, _describe(payload))
    return _postings(payload)


def text(value: Any) -> str | None:
    """A scalar as stripped text (ids may be numbers); anything else, or blank, is None."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value).strip() or None


def flag(value: Any) -> bool | None:
    """A JSON boolean, or None when absent or of another type."""
    return value if isinstance(value, bool) else None


def texts(value: Any) -> list[str]:
    """The texts of a list field (`allLocations`...); a missing or odd field gives none."""
    return [t for item in value if (t := text(item))] if isinstance(value, list) else []


def objects(value: Any) -> list[JsonObject]:
    """The objects of a list field (`departments`...); a missing or odd field gives none."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def nested(value: Any, *path: str) -> Any:
    """`value[path[0]][path[1]]...`, or None where a level is missing or not an object."""
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _json_payload(response: Response, expected: str) -> Any:
    body = response.body.strip()
    if not body:
        raise response.malformed(f"JSON ({expected})", "an empty body")
    if body.startswith(b"<") or "html" in response.media_type:
        raise response.malformed(
            f"JSON ({expected})",
            f"an HTML page (Content-Type {response.media_type or 'missing'}) starting "
            f"{_snippet(body)!r}; the site may be blocking us, or the url is a web page, not the API",
        )
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:  # RecursionError: absurdly deep nesting
        raise response.malformed(
            f"JSON ({expected})", f"invalid JSON ({error}) starting {_snippet(body)!r}"
        ) from error


def _postings(items: list[Any]) -> list[JsonObject | None]:
    """The items, None where one is not an object: that posting is skipped, not the board."""
    return [item if isinstance(item, dict) else None for item in items]


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(sorted(map(str, value))[:8])
        return f"a JSON object with keys [{keys}]"
    if isinstance(value, list):
        return f"a JSON array of {len(value)} items"
    return f"a JSON {type(value).__name__} {_snippet(repr(value).encode())!r}"


def _snippet(body: bytes, length: int = 80) -> str:
    return " ".join(body[:length].decode("utf-8", "replace").split())
