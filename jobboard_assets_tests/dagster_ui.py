"""The Dagster UI's own GraphQL calls against a real `dagster-webserver` on the test platform.

The mutations and queries are the ones the UI sends (launch, re-execute, terminate, backfill),
with only the tags the UI sets, so a test sees what a person clicking the buttons gets.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from jobboard_assets_tests.reliability.support import BIN, REPO, wait_for

LAUNCH = """
mutation Launch($executionParams: ExecutionParams!) {
  launchPipelineExecution(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
  }
}"""
REEXECUTE = """
mutation Reexecute($reexecutionParams: ReexecutionParams) {
  launchPipelineReexecution(reexecutionParams: $reexecutionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
  }
}"""
TERMINATE = """
mutation Terminate($runId: String!) {
  terminateRun(runId: $runId, terminatePolicy: SAFE_TERMINATE) {
    __typename
    ... on TerminateRunFailure { message }
    ... on PythonError { message }
  }
}"""
BACKFILL = """
mutation Backfill($backfillParams: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $backfillParams) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}"""
RUN_STATUS = """
query Status($runId: ID!) {
  runOrError(runId: $runId) { ... on Run { status tags { key value } } }
}"""
BACKFILL_STATUS = """
query BackfillStatus($backfillId: String!) {
  partitionBackfillOrError(backfillId: $backfillId) { ... on PartitionBackfill { status } }
}"""
REPOSITORIES = "{ repositoriesOrError { ... on RepositoryConnection { nodes { name } } } }"


class GraphQL:
    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = requests.post(
            self.url, json={"query": query, "variables": variables}, timeout=60
        )
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def launch(self, tags: Mapping[str, str]) -> str:
        params = {
            "selector": {
                "repositoryLocationName": "jobboard_assets",
                "repositoryName": "__repository__",
                "pipelineName": "scrape_boards",
            },
            "runConfigData": {},
            "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in tags.items()]},
        }
        result = self(LAUNCH, executionParams=params)["launchPipelineExecution"]
        assert result["__typename"] == "LaunchRunSuccess", result
        return result["run"]["runId"]

    def reexecute_from_failure(self, parent_run_id: str) -> str:
        return self.reexecute(parent_run_id, "FROM_FAILURE")

    def reexecute(self, parent_run_id: str, strategy: str) -> str:
        """The UI's "Re-execute": FROM_FAILURE, ALL_STEPS or FROM_ASSET_FAILURE."""
        params = {"parentRunId": parent_run_id, "strategy": strategy}
        result = self(REEXECUTE, reexecutionParams=params)["launchPipelineReexecution"]
        assert result["__typename"] == "LaunchRunSuccess", result
        return result["run"]["runId"]

    def backfill(self, assets: list[str], partitions: list[str]) -> str:
        params = {
            "assetSelection": [{"path": [name]} for name in assets],
            "partitionNames": partitions,
        }
        result = self(BACKFILL, backfillParams=params)["launchPartitionBackfill"]
        assert result["__typename"] == "LaunchBackfillSuccess", result
        return result["backfillId"]

    def terminate(self, run_id: str) -> None:
        result = self(TERMINATE, runId=run_id)["terminateRun"]
        assert result["__typename"] == "TerminateRunSuccess", result

    def backfill_status(self, backfill_id: str) -> str:
        """REQUESTED while the daemon submits and its runs work, then COMPLETED (or FAILED...)."""
        result = self(BACKFILL_STATUS, backfillId=backfill_id)["partitionBackfillOrError"]
        return str(result["status"])

    def status(self, run_id: str) -> str:
        return self(RUN_STATUS, runId=run_id)["runOrError"]["status"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dagster_webserver(env: Mapping[str, str], log: Path) -> Iterator[GraphQL]:
    """`dagster-webserver` on a free loopback port, once its code location has loaded."""
    port = _free_port()
    with log.open("wb") as output:
        server = subprocess.Popen(
            [BIN / "dagster-webserver", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        graphql = GraphQL(f"http://127.0.0.1:{port}/graphql")

        def loaded() -> bool:
            try:
                return bool(graphql(REPOSITORIES)["repositoriesOrError"].get("nodes"))
            except requests.RequestException:
                return False

        try:
            wait_for("the webserver to load the code location", loaded, timeout=120, interval=1)
            yield graphql
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
