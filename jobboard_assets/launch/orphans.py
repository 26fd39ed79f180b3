"""Runs of a `jobboard run` process that died: marked failed, their pool slots freed.

`jobboard run` executes its runs inside its own process: no run worker, no code server. If that
process is killed (SIGKILL, out of memory, a reboot) its runs stay STARTED forever, because
Dagster's run monitoring can only check workers its run launcher started, and a STARTED run keeps
its `board_writes` pool slot: every later scrape on the instance would wait for it forever.
So each such run carries `jobboard/process` (host:pid), and the next execution on the same host
marks the runs of dead processes failed and frees their slots.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, RunsFilter

from jobboard_assets.lib.tags import PROCESS_TAG

_UNFINISHED = [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]


def process_tag() -> dict[str, str]:
    """The tag naming this process, for the runs it executes itself."""
    return {PROCESS_TAG: f"{socket.gethostname()}:{os.getpid()}"}


def reap_orphaned_runs(instance: DagsterInstance) -> list[DagsterRun]:
    """Mark failed the unfinished runs of dead processes of this host; free their pool slots."""
    host = socket.gethostname()
    reaped = []
    for run in instance.get_runs(RunsFilter(statuses=_UNFINISHED)):
        owner, _, pid = run.tags.get(PROCESS_TAG, "").rpartition(":")
        if owner != host or not pid.isdigit() or _alive(int(pid)):
            continue
        instance.report_run_failed(
            run,
            f"the jobboard process {pid} on {host} that executed this run is gone (killed or "
            "crashed); marked failed by the next jobboard run",
        )
        # No DagsterInstance method frees a run's slots; run monitoring calls this storage method
        # (part of every event log's interface) but only in a daemon, which `jobboard run` lacks.
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        reaped.append(run)
    return reaped


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    try:  # killed but not yet reaped by its parent (a zombie): dead all the same
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
