"""Run Alembic migrations from code (used by `jobboard db ...`, the pipeline and the tests)."""

from __future__ import annotations

import io
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from jobboard_assets.warehouse.models import TITLE_SEARCH_TABLE

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """What schema comparison looks at: everything but SQLite's title search table and its
    shadow tables, which no model declares (`models.TITLE_SEARCH_TABLE`)."""
    return not (type_ == "table" and name is not None and name.startswith(TITLE_SEARCH_TABLE))


def alembic_config(engine: Engine, output: io.StringIO | None = None) -> Config:
    """An Alembic config bound to this engine's URL, no alembic.ini needed."""
    config = Config(stdout=output or io.StringIO())
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the warehouse up to `revision`."""
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the warehouse down to `revision` ("base" removes everything)."""
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the warehouse is at, or None when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """The newest revision in the migration files."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def ensure_current(engine: Engine) -> bool:
    """Upgrade if the warehouse is behind; returns True when a migration ran."""
    if current_revision(engine) == head_revision(engine):
        return False
    upgrade(engine)
    return True
