"""The Starlette app: the JSON endpoints, Run Now, the OpenAPI document and the monitor page."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobboard_assets import config
from jobboard_assets.api.endpoints import Endpoint
from jobboard_assets.api.lifespan_routes import LIFESPAN
from jobboard_assets.api.openapi import openapi_document
from jobboard_assets.api.params import INT32_MAX, ApiError, bad_request
from jobboard_assets.api.posting_routes import (
    EVIDENCE_PATH,
    SEARCH_PATH,
    openapi_paths,
    posting_evidence,
    search_postings,
)
from jobboard_assets.api.posting_schemas import POSTING_SCHEMAS
from jobboard_assets.api.responses import ApiJSONResponse, failure, respond
from jobboard_assets.api.run_routes import PIPELINE, request_run
from jobboard_assets.api.score_routes import SCORES
from jobboard_assets.warehouse.db import make_engine

STATIC_DIR = Path(__file__).parent / "static"
ENDPOINTS = (PIPELINE, SCORES, LIFESPAN)
OPENAPI_PATH = "/api/openapi.json"
MAX_BODY_BYTES = 4096

# The page loads only its own script and stylesheet: even a slip that let board text become markup
# could not run an inline handler.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response (ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def authorize(authorization: str | None, api_token: str | None) -> None:
    """Refuse unless the request carries the configured bearer token.

    No token configured: 403 for everyone (Run Now is never open). Missing or wrong token: 401.
    The token is compared in constant time and never logged or echoed.
    """
    if not api_token:
        raise ApiError(403, "Run Now is disabled: the server has no JOBBOARD_API_TOKEN")
    scheme, _, provided = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        provided.strip().encode("utf-8"), api_token.encode("utf-8")
    ):
        raise ApiError(
            401,
            "a valid 'Authorization: Bearer <token>' header is required",
            {"WWW-Authenticate": 'Bearer realm="jobboard"'},
        )


RUN_BODY = 'the body must be the JSON object {"action": "run"}'


async def read_body(request: Request) -> bytes:
    """The request body, refused as soon as it grows past MAX_BODY_BYTES (never buffered whole)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise bad_request(f"{RUN_BODY} (at most {MAX_BODY_BYTES} bytes)")
    return body


def parse_run_request(body: bytes) -> None:
    """Accept exactly the JSON object {"action": "run"}."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise bad_request(f"{RUN_BODY}: it is not valid JSON") from error
    if payload != {"action": "run"}:
        raise bad_request(RUN_BODY)


# A GET answer may be kept by the browser but must be revalidated: the monitor page's poll is
# then a 304 without a body whenever nothing changed.
REVALIDATE = "no-cache"


def entity_tag(body: bytes) -> str:
    """A strong ETag: a digest of the body, so equal answers share it across processes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """Whether the client's If-None-Match names `etag` (or is `*`)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags or "*" in tags


def conditional(request: Request, response: Response) -> Response:
    """A 200 answer with its ETag and Cache-Control, or 304 if the client has it already."""
    if response.status_code != 200:
        return response
    etag = entity_tag(bytes(response.body))
    headers = {"etag": etag, "cache-control": REVALIDATE}
    if not_modified(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response


def _get_route(endpoint: Endpoint, engine: Engine) -> Route:
    async def handle(request: Request) -> Response:
        async def compute() -> Any:
            action, params = endpoint.parse(request.query_params)
            return await run_in_threadpool(action.handler, engine, params)

        return conditional(request, await respond(compute))

    return Route(endpoint.path, handle, methods=["GET"])


def _posting_routes(engine: Engine) -> list[Route]:
    """Posting search and one posting's evidence: GETs with ETags like the others."""

    async def search(request: Request) -> Response:
        async def compute() -> Any:
            return await run_in_threadpool(search_postings, engine, request.query_params)

        return conditional(request, await respond(compute))

    async def one(request: Request) -> Response:
        async def compute() -> Any:
            raw = request.path_params["posting_id"]
            if not raw.isdigit() or not 1 <= int(raw) <= INT32_MAX:
                raise ApiError(404, f"posting {raw} is not in the warehouse")
            return await run_in_threadpool(posting_evidence, engine, int(raw))

        return conditional(request, await respond(compute))

    return [
        Route(SEARCH_PATH, search, methods=["GET"]),
        Route(EVIDENCE_PATH, one, methods=["GET"]),
    ]


def create_app(engine: Engine, api_token: str | None) -> Starlette:
    """The API and the monitor page over the warehouse `engine`; Run Now needs `api_token`."""
    document = openapi_document(ENDPOINTS, run_now_path=PIPELINE.path, path=OPENAPI_PATH)
    document["paths"].update(openapi_paths())
    document["components"]["schemas"] = {**document["components"]["schemas"], **POSTING_SCHEMAS}
    per_minute = config.run_now_per_minute()

    async def run_now(request: Request) -> Response:
        async def compute() -> Any:
            authorization = request.headers.get("authorization")
            authorize(authorization, api_token)
            parse_run_request(await read_body(request))
            return await run_in_threadpool(request_run, engine, per_minute)

        return await respond(compute, status=202)

    async def openapi(_: Request) -> Response:
        return ApiJSONResponse(document)

    async def monitor(_: Request) -> Response:
        return FileResponse(STATIC_DIR / "index.html")

    async def http_error(_: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        return failure(error.detail, error.status_code, error.headers)

    async def server_error(_: Request, __: Exception) -> Response:
        return failure("internal error", 500)

    return Starlette(
        routes=[
            *(_get_route(endpoint, engine) for endpoint in ENDPOINTS),
            *_posting_routes(engine),
            Route(PIPELINE.path, run_now, methods=["POST"]),
            Route(OPENAPI_PATH, openapi, methods=["GET"]),
            Route("/", monitor, methods=["GET"]),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        middleware=[Middleware(SecurityHeaders)],
    )


def app_from_environment() -> Starlette:
    """The app of one `jobboard api` worker process, configured from the environment: uvicorn
    calls it in each worker, so every process opens its own warehouse engine."""
    return create_app(make_engine(config.database_url()), config.api_token())
