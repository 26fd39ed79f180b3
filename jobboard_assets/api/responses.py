"""The one response helper: `{"success": true, "data": ...}` or `{"success": false, "error": ...}`.

Client errors carry their own message; anything else is logged with its traceback and answered
with "internal error", so no stack trace, SQL or database URL reaches the caller.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from typing import Any

from starlette.responses import JSONResponse

from jobboard_assets.api.params import ApiError

logger = logging.getLogger("jobboard_assets.api")


def _encode(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(content: Any, *, indent: int | None = None) -> str:
    """JSON with dates as ISO strings and no NaN (invalid JSON): the API's and the CLI's encoding."""
    return json.dumps(content, default=_encode, allow_nan=False, ensure_ascii=False, indent=indent)


class Encoded:
    """An answer's data already encoded, for answers kept and served many times: encoding the
    1,000 rows of a ranking took longer than finding them."""

    def __init__(self, data: Any) -> None:
        self.json = to_json(data)


class ApiJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        if isinstance(content, Encoded):  # the envelope around it, as `to_json` would write it
            return ('{"success": true, "data": ' + content.json + "}").encode("utf-8")
        return to_json(content).encode("utf-8")


def success(data: Any, status: int = 200) -> ApiJSONResponse:
    content = data if isinstance(data, Encoded) else {"success": True, "data": data}
    return ApiJSONResponse(content, status_code=status)


def failure(
    message: str, status: int, headers: Mapping[str, str] | None = None, data: Any = None
) -> ApiJSONResponse:
    body = {"success": False, "error": message}
    return ApiJSONResponse(
        body if data is None else {**body, "data": data}, status_code=status, headers=headers
    )


async def respond(compute: Callable[[], Awaitable[Any]], status: int = 200) -> ApiJSONResponse:
    """Run `compute` and wrap what it returns, or the error it raises, in the envelope."""
    try:
        return success(await compute(), status)
    except ApiError as error:
        return failure(error.message, error.status, error.headers, error.data)
    except Exception:
        logger.exception("request failed")
        return failure("internal error", 500)
