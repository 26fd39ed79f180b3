"""Local Celery workers for the sharded scrape: start, wait until they answer, stop.

In production the workers are `dagster-celery worker start` processes (or celery-k8s pods) that
an operator runs; this module starts the same command on this machine for the tests and
`benchmarks/bench_scale_out.py`. The executor and the workers read one YAML file (the
`execution: config:` block of the celery executor), so they agree on broker, backend and queue.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_BROKER = "pyamqp://guest:guest@127.0.0.1:5672//"
BROKER_ENV = "JOBBOARD_CELERY_BROKER"

# Long tasks: a worker takes the next shard only when it has finished the one it holds
# (acks_late + prefetch 1), so two idle workers share two shards instead of one hoarding both.
_WORKER_SETTINGS = {"task_acks_late": True, "worker_prefetch_multiplier": 1}
_OPEN_INSTANCE = "from dagster import DagsterInstance; DagsterInstance.get().dispose()"


def executor_config(queue: str, broker: str | None = None) -> dict[str, Any]:
    """The celery executor's config for a queue: `execution: config:` of a run, or of celery.yaml."""
    return {
        "broker": broker or os.environ.get(BROKER_ENV) or DEFAULT_BROKER,
        "backend": "rpc://",
        "config_source": {**_WORKER_SETTINGS, "task_default_queue": queue},
    }


def read_config(path: str | Path) -> dict[str, Any]:
    """The `execution: config:` block of a celery.yaml."""
    document = yaml.safe_load(Path(path).read_text()) or {}
    return dict(document.get("execution", {}).get("config", {}))


def write_config(path: Path, config: Mapping[str, Any]) -> Path:
    """The YAML file `dagster-celery worker start -y` reads."""
    path.write_text(yaml.safe_dump({"execution": {"config": dict(config)}}))
    return path


@dataclass(frozen=True)
class Workers:
    nodes: list[str]
    """Celery node names (`name@host`), as the steps' engine events report them."""
    process_groups: list[int]
    """One process group per worker (the `dagster-celery` wrapper and its `celery` process)."""


@contextmanager
def celery_workers(
    config: Mapping[str, Any],
    names: Sequence[str],
    directory: Path,
    env: Mapping[str, str],
    timeout: float = 60.0,
    concurrency: int = 1,
) -> Iterator[Workers]:
    """Run one `dagster-celery worker start` per name on the config's queue (`concurrency` tasks
    at a time: one process with the solo pool, else that many prefork children); yield them once
    all answer a ping; stop them after.

    `env` is what the steps see (DAGSTER_HOME for the worker's config module,
    JOBBOARD_DATABASE_URL for the warehouse the steps write).
    """
    queue = config["config_source"]["task_default_queue"]
    config_path = write_config(directory / f"celery-{queue}.yaml", config)
    bin_dir = Path(sys.executable).parent  # dagster-celery runs `celery` from the PATH
    command = [str(bin_dir / "dagster-celery"), "worker", "start"]
    env = {**env, "PATH": os.pathsep.join([str(bin_dir), env.get("PATH", os.defpath)])}
    # Each worker opens the instance at start; on a fresh SQLite home they would race to create
    # its storage (two alembic heads), so it is created once, first.
    subprocess.run([sys.executable, "-c", _OPEN_INSTANCE], env=env, check=True)
    processes = []
    try:
        for name in names:
            log = (directory / f"worker-{name}.log").open("w")
            processes.append(
                subprocess.Popen(
                    [
                        *command,
                        "-A",
                        "dagster_celery.app",
                        "-y",
                        str(config_path),
                        "-q",
                        queue,
                        "-n",
                        name,
                        "--loglevel",
                        "WARNING",
                        "--",
                        *(
                            ["--pool=solo"]
                            if concurrency == 1
                            else ["--pool=prefork", f"--concurrency={concurrency}"]
                        ),
                        "--without-gossip",
                        "--without-mingle",
                    ],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # the worker and its celery child: one group to stop
                )
            )
        nodes = _wait_until_ready(config, names, processes, timeout)
        yield Workers(nodes, [process.pid for process in processes])
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        _delete_queue(config, queue)


def _app(config: Mapping[str, Any]) -> Any:
    from dagster_celery.executor import CeleryExecutor
    from dagster_celery.make_app import make_app

    return make_app(CeleryExecutor.for_cli(**config).app_args())


def _wait_until_ready(
    config: Mapping[str, Any],
    names: Sequence[str],
    processes: Sequence[subprocess.Popen[bytes]],
    timeout: float,
) -> list[str]:
    app = _app(config)
    deadline = time.monotonic() + timeout
    answered: set[str] = set()
    while time.monotonic() < deadline:
        dead = [process.args for process in processes if process.poll() is not None]
        if dead:
            raise RuntimeError(f"a Celery worker exited at start: {dead}")
        for reply in app.control.ping(timeout=1.0) or []:
            answered.update(reply)
        ready = sorted(node for node in answered if node.split("@")[0] in names)
        if len(ready) == len(names):
            return ready
    raise RuntimeError(f"Celery workers {list(names)} did not answer within {timeout:.0f}s")


def _delete_queue(config: Mapping[str, Any], queue: str) -> None:
    """Drop the queue from the broker (it outlives the workers otherwise)."""
    with _app(config).connection_for_write() as connection:
        connection.default_channel.queue_delete(queue)
