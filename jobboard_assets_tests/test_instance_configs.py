"""Both Dagster instance configurations load the code location: `dagster definitions validate`.

The embedded one is what `jobboard setup` writes; the production one is the repository's
`dagster.yaml`, connected through the DAGSTER_PG_* variables it documents, to a real PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dagster import DagsterInstance
from sqlalchemy.engine import make_url

from jobboard_assets.instance import EMBEDDED_DAGSTER_YAML
from jobboard_assets_tests.conftest import BACKENDS, postgres_base_url
from jobboard_assets_tests.platform import dagster_home

REPO = Path(__file__).resolve().parents[1]


def _production_instance(home: Path) -> dict[str, str]:
    """Put the repository's dagster.yaml in `home`, aimed at the database `home` was made for;
    the DAGSTER_PG_* variables it reads."""
    settings = yaml.safe_load((home / "dagster.yaml").read_text())
    url = make_url(settings["run_storage"]["config"]["postgres_url"])
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    return {
        "DAGSTER_PG_HOST": url.host or "127.0.0.1",
        "DAGSTER_PG_PORT": str(url.port or 5432),
        "DAGSTER_PG_USER": url.username or "",
        "DAGSTER_PG_PASSWORD": url.password or "",
        "DAGSTER_PG_DB": url.database or "",
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_code_location_validates_on_each_instance(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgres_url = postgres_base_url() if backend == "postgres" else None
    with dagster_home(tmp_path, backend, postgres_url) as home:
        if backend == "postgres":
            for name, value in _production_instance(home).items():
                monkeypatch.setenv(name, value)
        else:
            (home / "dagster.yaml").write_text(EMBEDDED_DAGSTER_YAML)
        monkeypatch.setenv("DAGSTER_HOME", str(home))

        validated = subprocess.run(
            [
                Path(sys.executable).parent / "dagster",
                "definitions",
                "validate",
                "-w",
                "workspace.yaml",
            ],
            cwd=REPO,
            env=os.environ,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert validated.returncode == 0, validated.stdout + validated.stderr
        assert "All code locations passed validation" in validated.stdout + validated.stderr

        with DagsterInstance.get() as instance:
            storage = type(instance.run_storage).__name__
            assert storage == (
                "PostgresRunStorage" if backend == "postgres" else "SqliteRunStorage"
            )
            assert type(instance.event_log_storage).__name__ == (
                "RetryingPostgresEventLogStorage"
                if backend == "postgres"
                else "PooledSqliteEventLogStorage"
            )
            assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
            assert instance.run_monitoring_enabled
