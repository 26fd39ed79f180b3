"""The one set of migration files builds exactly the models' schema on both backends."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine
from jobboard_assets.warehouse.models import Base

VIEWS = {"pipeline_stats", "pipeline_schedule", "pipeline_job_stats"}


@pytest.mark.empty_warehouse
def test_upgrade_downgrade_upgrade(warehouse_url: str) -> None:
    engine = make_engine(warehouse_url)
    assert migrate.current_revision(engine) is None

    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    inspector = inspect(engine)
    assert set(Base.metadata.tables) <= set(inspector.get_table_names())
    assert set(inspector.get_view_names()) >= VIEWS

    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    inspector = inspect(engine)
    assert not set(Base.metadata.tables) & set(inspector.get_table_names())
    assert not VIEWS & set(inspector.get_view_names())

    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    engine.dispose()


def test_autogenerate_finds_no_difference(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_name": migrate.include_name,
            },
        )
        assert compare_metadata(context, Base.metadata) == []


@pytest.mark.empty_warehouse
def test_ensure_current_migrates_only_when_behind(warehouse_url: str) -> None:
    engine = make_engine(warehouse_url)
    assert migrate.ensure_current(engine) is True
    assert migrate.ensure_current(engine) is False
    engine.dispose()
