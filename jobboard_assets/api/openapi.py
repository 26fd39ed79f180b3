"""The OpenAPI 3.0 document, built from the same endpoint declarations that serve the requests.

Parameters, actions and their data schemas come from the dispatch tables, so the document can
not drift from what the server validates and returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jobboard_assets.api.endpoints import Endpoint
from jobboard_assets.api.params import Param
from jobboard_assets.api.run_routes import RATE_LIMIT_RULE
from jobboard_assets.api.schemas import COMPONENTS, envelope, ref

Document = dict[str, Any]


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def _parameter(
    param: Param, *, required: bool = False, description: str | None = None
) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": "query",
        "required": required,
        "description": description or param.description,
        "schema": param.schema(),
    }


def _get_operation(endpoint: Endpoint) -> dict[str, Any]:
    actions = "\n".join(
        f"- `{name}`: {action.summary}"
        + (f" Needs {', '.join(f'`{p}`' for p in action.required)}." if action.required else "")
        for name, action in endpoint.actions.items()
    )
    data_schemas = [action.data_schema for action in endpoint.actions.values()]
    return {
        "summary": endpoint.summary,
        "description": f"Actions:\n\n{actions}",
        "operationId": f"get{endpoint.path.rsplit('/', 1)[-1].capitalize()}",
        "parameters": [
            _parameter(
                endpoint.action_param, required=True, description=f"What to compute:\n\n{actions}"
            ),
            *(_parameter(param) for param in endpoint.params),
        ],
        "responses": {
            "200": {
                "description": "The action's data (its schema depends on `action`).",
                "content": {"application/json": {"schema": envelope({"anyOf": data_schemas})}},
            },
            "400": _error("Unknown action, a missing or malformed parameter, or an unknown board."),
            "404": _error(
                "The board has no data for the request (no score that day, no postings)."
            ),
            "500": _error(
                'Unexpected server error: {"success": false, "error": "internal error"}.'
            ),
        },
    }


def _static_operation(
    summary: str, operation_id: str, media_type: str, schema_type: str
) -> dict[str, Any]:
    return {
        "summary": summary,
        "operationId": operation_id,
        "responses": {
            "200": {
                "description": summary,
                "content": {media_type: {"schema": {"type": schema_type}}},
            }
        },
    }


_RUN_NOW: dict[str, Any] = {
    "summary": "Run Now: request an immediate pipeline execution",
    "description": (
        "Records a requested execution (a `pipeline_runs` row, status `running`, no jobs yet) and "
        "returns it; a Dagster sensor launches it through the run queue. Needs "
        "`Authorization: Bearer <JOBBOARD_API_TOKEN>`. With no token configured on the server "
        "every request is refused with 403; a missing or wrong token is 401. While today's "
        "Run Now execution is still running a new request is refused with 409 and that "
        f"execution; the rate limit is {RATE_LIMIT_RULE} (then 429 with Retry-After); a "
        "request not launched within "
        "`JOBBOARD_RUN_REQUEST_TIMEOUT_SECONDS` is marked failed with the reason."
    ),
    "operationId": "runPipeline",
    "security": [{"bearerAuth": []}],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": ref("RunRequest")}},
    },
    "responses": {
        "202": {
            "description": "The execution was recorded; the sensor launches it shortly.",
            "content": {"application/json": {"schema": envelope(ref("PipelineRunLog"))}},
        },
        "400": _error('The body is not the JSON object {"action": "run"}.'),
        "401": _error("Missing or wrong bearer token."),
        "403": _error("The server has no JOBBOARD_API_TOKEN: Run Now is disabled."),
        "409": {
            "description": "Today's Run Now execution is still running; `data` is that execution.",
            "content": {"application/json": {"schema": ref("Conflict")}},
        },
        "429": _error("Too many Run Now requests with this token in the last minute."),
        "500": _error("Unexpected server error."),
    },
}


def openapi_document(endpoints: Sequence[Endpoint], *, run_now_path: str, path: str) -> Document:
    """The whole document: the GET endpoints, Run Now (POST on `run_now_path`), the page and
    this document itself (at `path`)."""
    paths: dict[str, dict[str, Any]] = {
        endpoint.path: {"get": _get_operation(endpoint)} for endpoint in endpoints
    }
    paths[run_now_path]["post"] = _RUN_NOW
    paths[path] = {
        "get": _static_operation(
            "This OpenAPI document", "getOpenApi", "application/json", "object"
        )
    }
    paths["/"] = {
        "get": _static_operation("The pipeline monitor page", "getMonitor", "text/html", "string")
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "jobboard-assets API",
            "version": "1.0.0",
            "description": "Pipeline monitoring, board efficiency scores and posting lifespans. "
            'Every response is {"success": true, "data": ...} or {"success": false, "error": "..."}.',
        },
        "paths": paths,
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
