"""Dagster resources: thin handles on the warehouse and the board sources.

The definitions bind them (defs/deployment.py); the daily asset factory and the assets take them
as parameters.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

from dagster import ConfigurableResource, InitResourceContext
from pydantic import Field, PrivateAttr
from sqlalchemy import Engine

from jobboard_assets import config
from jobboard_assets.pipeline.frame_cache import FrameCache
from jobboard_assets.pipeline.posting_history import PostingHistory
from jobboard_assets.sources.http import HttpSettings, PoliteHttpClient
from jobboard_assets.sources.records import BoardConfig
from jobboard_assets.sources.registry import load_registry
from jobboard_assets.warehouse.db import make_engine

RETRY_BACKOFF_ENV = "JOBBOARD_HTTP_RETRY_BACKOFF_SECONDS"


class WarehouseResource(ConfigurableResource):
    """The warehouse database (a SQLAlchemy URL; SQLite by default, PostgreSQL in production).

    Left unset, the URL is read from JOBBOARD_DATABASE_URL when a run starts (not when the code
    location loads, as an EnvVar would be), so the secret never enters the resource config and
    one process (the CLI, the tests) can point runs at different warehouses.
    """

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; unset: JOBBOARD_DATABASE_URL at run time, else the embedded SQLite file.",
    )

    _engine: Engine | None = PrivateAttr(default=None)
    _history: PostingHistory | None = PrivateAttr(default=None)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        self._history = None

    def posting_history(self, days: list[date]) -> PostingHistory:
        """The postings shared by the history steps of one run (read once, kept current), for
        its refresh days (`timeline.days_to_refresh`)."""
        since = min(days, default=None)
        if self._history is None or self._history.since != since:
            cache = FrameCache(
                config.data_dir() / "cache", timedelta(seconds=config.frame_cache_recheck())
            )
            self._history = PostingHistory(self.engine, cache=cache, since=since)
        return self._history

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.database_url or config.database_url())
        return self._engine


class BoardSourcesResource(ConfigurableResource):
    """The board registry and the polite HTTP client that scrapes it."""

    boards_file: str | None = Field(
        default=None,
        description="Registry path; unset: JOBBOARD_BOARDS_FILE at run time, else ./boards.yaml.",
    )
    user_agent: str = HttpSettings.user_agent
    connect_timeout_seconds: float = HttpSettings.connect_timeout
    read_timeout_seconds: float = HttpSettings.read_timeout
    retries: int = HttpSettings.retries
    retry_backoff_seconds: float | None = Field(
        default=None,
        description="Backoff factor and jitter between retries; unset: "
        f"{RETRY_BACKOFF_ENV} at run time, else {HttpSettings.backoff_factor:g} s (tests shorten "
        "it so that fault runs take seconds, not minutes).",
    )
    max_response_bytes: int = HttpSettings.max_bytes

    def registry(self) -> list[BoardConfig]:
        """The boards of the registry file, validated."""
        return load_registry(self.boards_file or config.boards_file())

    def client(self) -> PoliteHttpClient:
        """A fresh client (one requests.Session) for one run."""
        backoff = self.retry_backoff_seconds
        if backoff is None:
            backoff = float(os.environ.get(RETRY_BACKOFF_ENV) or HttpSettings.backoff_factor)
        return PoliteHttpClient(
            HttpSettings(
                user_agent=self.user_agent,
                connect_timeout=self.connect_timeout_seconds,
                read_timeout=self.read_timeout_seconds,
                retries=self.retries,
                backoff_factor=backoff,
                backoff_jitter=backoff,  # production: 1 s and 1 s, so one knob scales both
                max_bytes=self.max_response_bytes,
            )
        )
