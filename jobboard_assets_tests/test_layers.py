"""The package's structure: imports point down its floors, no circles, one name per module.

The floors and the circle rule are written once, in pyproject.toml's `[tool.importlinter]`;
import-linter reads every import of the package (inside functions and under TYPE_CHECKING too).
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import jobboard_assets

PACKAGE = Path(jobboard_assets.__file__).parent
REPOSITORY = PACKAGE.parent
DEFS_CONVENTION = {"assets.py", "checks.py", "jobs.py", "schedules.py", "sensors.py", "shards.py"}
"""File names every domain folder of defs/ may use, as Dagster's `dg` projects do."""


def test_imports_point_down_and_nothing_imports_in_a_circle() -> None:
    result = subprocess.run(
        [Path(sys.executable).with_name("lint-imports"), "--config", REPOSITORY / "pyproject.toml"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_no_two_modules_share_a_name() -> None:
    """A module's name says what it holds, so two modules named alike hold one thing."""
    paths_by_name: dict[str, list[str]] = defaultdict(list)
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if path.name == "__init__.py" or "migrations" in relative.parts:
            continue
        if relative.parts[0] == "defs" and path.name in DEFS_CONVENTION:
            continue
        paths_by_name[path.stem].append(str(relative))
    shared = {name: paths for name, paths in paths_by_name.items() if len(paths) > 1}
    assert shared == {}


def test_every_package_folder_has_its_test_folder() -> None:
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    tests = {p.parent.name for p in Path(__file__).parent.glob("*/__init__.py")}
    assert packages - tests == set()
