"""Dagster resources: thin handles on the warehouse and the board sources."""

from __future__ import annotations

import os

from dagster import ConfigurableResource, EnvVar, InitResourceContext
from pydantic import PrivateAttr
from sqlalchemy import Engine

from jobboard_assets import config
from jobboard_assets.warehouse.db import make_engine


class WarehouseResource(ConfigurableResource):
    """The warehouse database (a SQLAlchemy URL; SQLite by default, PostgreSQL in production)."""

    database_url: str

    _engine: Engine | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._engine = make_engine(self.database_url)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._engine is not None:
            self._engine.dispose()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.database_url)
        return self._engine


def warehouse_from_env() -> WarehouseResource:
    """The warehouse from JOBBOARD_DATABASE_URL (kept secret as an EnvVar) or the SQLite default."""
    if os.environ.get(config.DATABASE_URL_ENV):
        return WarehouseResource(database_url=EnvVar(config.DATABASE_URL_ENV))
    return WarehouseResource(database_url=config.default_database_url())
