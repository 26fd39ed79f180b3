"""The daily assets' freshness policy, judged by a real `dagster-daemon`'s freshness daemon.

A day is materialized now; a daemon whose clock is two days ahead (libfaketime: the test sets
the time, nothing waits for it) finds the 06:00 UTC deadlines passed with no run since and marks
the daily assets late; a daemon on the real clock finds them fresh again.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from dagster import AssetKey

from jobboard_assets.lib.names import BOARD_POSTINGS, CANDIDATE_SURVEYS, EFFICIENCY_SCORES
from jobboard_assets_tests.platform import Platform
from jobboard_assets_tests.reliability.support import dagster_daemon, process_env, wait_for

DAY = date(2026, 2, 2)
pytestmark = pytest.mark.slow


def _states(platform: Platform, keys: list[AssetKey]) -> dict[str, str]:
    records = platform.instance.get_freshness_state_records(keys)
    return {key.to_user_string(): record.freshness_state.value for key, record in records.items()}


def test_no_run_since_the_deadline_turns_the_daily_assets_late(
    jobboard_platform: Platform, tmp_path: Path
) -> None:
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.skip("needs Debian's faketime (`.ci/run` installs it)")
    platform = jobboard_platform
    assert platform.run(DAY)["status"] == "completed"
    env = process_env(platform, tmp_path, FRESHNESS_DAEMON_INTERVAL_SECONDS="1")
    keys = [EFFICIENCY_SCORES, BOARD_POSTINGS, CANDIDATE_SURVEYS]

    def judged(expected: str) -> dict[str, str] | None:
        states = _states(platform, keys)
        return states if states.get(EFFICIENCY_SCORES.to_user_string()) == expected else None

    # Two days on, with no run since: two 06:00 deadlines passed.
    later = [faketime, "-f", "+2d"]
    # Without the monotonic fix off, libfaketime 0.9.10 makes Python's time.sleep fail (EINVAL).
    faked = {**env, "FAKETIME_FORCE_MONOTONIC_FIX": "0"}
    with dagster_daemon(faked, tmp_path / "late.log", later):
        late = wait_for(
            "the freshness daemon to judge the scores late", lambda: judged("FAIL"), 120
        )
    assert late[BOARD_POSTINGS.to_user_string()] == "FAIL"
    assert late.get(CANDIDATE_SURVEYS.to_user_string(), "NOT_APPLICABLE") == "NOT_APPLICABLE"

    with dagster_daemon(env, tmp_path / "now.log"):  # the real clock: the run is on time
        wait_for("the freshness daemon to judge the scores fresh", lambda: judged("PASS"), 120)
