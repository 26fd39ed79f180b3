"""No code of ours imports Dagster's private modules (`dagster._*`, or `_x` of any dagster_* package).

Ruff's banned-api matches whole module names, not a `dagster._` prefix, so this walks the syntax
tree of every Python file of the package, the tests and the benchmarks. The two deliberate uses of
internals (instance_storage.py, launch/located_run.py) look them up by name and each has its own
contract test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHECKED = ("jobboard_assets", "jobboard_assets_tests", "benchmarks")
PRIVATE = re.compile(r"^dagster(_\w+)?\.((.+\.)?_|core\b)")
"""`dagster._core...`, `dagster_postgres._x`, `dagster.foo._bar`, and `dagster.core` (an alias of
`dagster._core`): a private module path."""


def private_uses(source: str) -> list[str]:
    """Each import of, or attribute access into, a private Dagster module in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            names = [f"{node.value.id}.{node.attr}"]
        else:
            continue
        found += [f"line {node.lineno}: {name}" for name in names if PRIVATE.match(name)]
    return found


def python_files() -> list[Path]:
    return sorted(path for folder in CHECKED for path in (REPO / folder).rglob("*.py"))


def test_no_private_dagster_imports() -> None:
    offenders = {
        str(path.relative_to(REPO)): uses
        for path in python_files()
        if (uses := private_uses(path.read_text()))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("from dagster._core.instance.ref import InstanceRef", True),
        ("import dagster._utils", True),
        ("from dagster import _check", True),
        ("import dagster\ndagster._core.events", True),
        ("from dagster_postgres._x import y", True),
        ("from dagster.core.instance import InstanceRef", True),
        ("from dagster import DagsterInstance, EventLogEntry", False),
        ("import dagster_postgres", False),
        ("from dagster_celery import celery_executor", False),
    ],
)
def test_the_check_tells_private_from_public(source: str, flagged: bool) -> None:
    assert bool(private_uses(source)) is flagged
