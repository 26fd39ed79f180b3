"""The read endpoints over real HTTP, on SQLite and PostgreSQL: shapes, numbers and errors.

The expected figures are worked out by hand in `seed.py`.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, text

from jobboard_assets_tests.api.conftest import live_server
from jobboard_assets_tests.api.seed import (
    ALPHA,
    AS_OF,
    BETA,
    FAILED_RUN_ERRORS,
    SCORE_DAY,
    XSS,
    XSS_NAME,
)

approx = pytest.approx


def get(base_url: str, path: str, status: int = 200) -> Any:
    response = requests.get(base_url + path, timeout=30)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    if status == 200:
        assert body["success"] is True
        return body["data"]
    assert body == {"success": False, "error": body["error"]}
    assert isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in response.text
    return body["error"]


def test_pipeline_pending_history_and_stats(base_url: str) -> None:
    pending = get(base_url, "/api/pipeline?action=pending")
    assert [(job["jobType"], job["boardId"], job["status"]) for job in pending] == [
        ("scrape", ALPHA, "pending"),
        ("normalize", BETA, "pending"),
    ]

    history = get(base_url, "/api/pipeline?action=history")
    assert [run["runId"] for run in history] == [
        "run-live",
        "run-ok",
        "run-partial",
        "run-failed",
        "run-old",
    ]
    failed = history[3]
    assert failed["status"] == "failed"
    assert failed["errors"] == FAILED_RUN_ERRORS
    assert (failed["totalJobs"], failed["completedJobs"], failed["failedJobs"]) == (2, 0, 2)
    assert failed["durationSeconds"] == approx(60.0)
    assert history[0]["endTime"] is None and history[0]["durationSeconds"] is None
    assert [run["runId"] for run in get(base_url, "/api/pipeline?action=history&limit=2")] == [
        "run-live",
        "run-ok",
    ]

    stats = get(base_url, "/api/pipeline?action=stats")
    assert stats["period"] == "last 7 days"
    assert (
        stats["totalRuns"],
        stats["successfulRuns"],
        stats["partialRuns"],
        stats["failedRuns"],
    ) == (3, 1, 1, 1)
    assert stats["successRate"] == approx(33.3)
    assert (stats["totalJobs"], stats["completedJobs"], stats["failedJobs"]) == (12, 9, 3)
    assert stats["jobSuccessRate"] == approx(75.0)
    assert stats["avgDurationSeconds"] == approx(120.0)
    assert stats["allTime"]["totalRuns"] == 4
    assert stats["allTime"]["totalJobs"] == 17
    assert stats["allTime"]["avgDurationSeconds"] == approx(102.5)
    # A wider window reaches the 10-day-old run.
    assert get(base_url, "/api/pipeline?action=stats&days=30")["totalRuns"] == 4


def test_scores_ranked_breakdown_groups_and_trends(base_url: str) -> None:
    ranked = get(base_url, "/api/scores?action=ranked")
    assert [(row["rank"], row["boardId"], row["grade"]) for row in ranked] == [
        (1, ALPHA, "B+"),
        (2, BETA, "D"),
        (3, XSS, "F"),
    ]
    assert ranked[0]["scoreDate"] == SCORE_DAY.isoformat()
    assert ranked[0]["overallScore"] == approx(82.22)
    assert (
        ranked[0]["lifespanScore"],
        ranked[0]["repostScore"],
        ranked[0]["candidateSurveyScore"],
    ) == (approx(90.0), approx(80.0), None)
    assert ranked[2]["boardName"] == XSS_NAME
    # An earlier day gives that day's scores.
    earlier = get(base_url, "/api/scores?action=ranked&date=2026-03-09")
    assert [(row["boardId"], row["overallScore"]) for row in earlier] == [
        (ALPHA, approx(80.0)),
        (BETA, approx(57.0)),
    ]

    breakdown = get(base_url, f"/api/scores?action=breakdown&boardId={ALPHA}")
    components = breakdown["components"]
    assert components["lifespan"] == {
        "weight": 0.4,
        "effectiveWeight": approx(0.4444),
        "score": approx(90.0),
        "contribution": approx(40.0),
    }
    assert components["reposts"]["contribution"] == approx(26.67)
    assert components["employerSurvey"]["contribution"] == approx(15.56)
    assert components["candidateSurvey"] == {
        "weight": 0.1,
        "effectiveWeight": 0.0,
        "score": None,
        "contribution": None,
    }
    assert breakdown["baseScore"] == approx(82.22)
    assert breakdown["baseScore"] * breakdown["qualityAdjustment"] == approx(
        breakdown["overallScore"], abs=0.01
    )
    assert breakdown["dataCompleteness"] == approx(0.75)
    beta = get(base_url, f"/api/scores?action=breakdown&boardId={BETA}")
    assert beta["baseScore"] * beta["qualityAdjustment"] == approx(beta["overallScore"], abs=0.01)
    compared = get(base_url, f"/api/scores?action=compare&boardId={ALPHA}&boardId2={BETA}")
    assert compared == {"board1": breakdown, "board2": beta}
    on_earlier_day = get(
        base_url, f"/api/scores?action=compare&boardId={BETA}&boardId2={ALPHA}&date=2026-03-09"
    )
    assert (on_earlier_day["board1"]["overallScore"], on_earlier_day["board2"]["overallScore"]) == (
        approx(57.0),
        approx(80.0),
    )

    by_role = get(base_url, "/api/scores?action=by-role")
    assert by_role == [
        {
            "roleFamily": "engineering",
            "averageScore": approx(72.5),
            "medianScore": approx(72.5),
            "boards": 2,
            "postings": 32,
            "bestBoardId": ALPHA,
            "bestBoard": "Alpha Jobs",
            "bestScore": approx(85.0),
        },
        {
            "roleFamily": "sales",
            "averageScore": approx(70.0),
            "medianScore": approx(70.0),
            "boards": 1,
            "postings": 15,
            "bestBoardId": ALPHA,
            "bestBoard": "Alpha Jobs",
            "bestScore": approx(70.0),
        },
    ]
    by_industry = get(base_url, "/api/scores?action=by-industry")
    assert [(row["industry"], row["boards"], row["bestBoardId"]) for row in by_industry] == [
        ("tech", 2, ALPHA)
    ]
    assert by_industry[0]["averageScore"] == approx(66.9)

    trends = get(base_url, f"/api/scores?action=trends&boardId={ALPHA}")
    assert [(row["date"], row["overallScore"]) for row in trends] == [
        ("2026-03-09", approx(80.0)),
        ("2026-03-10", approx(82.22)),
    ]
    assert len(get(base_url, f"/api/scores?action=trends&boardId={ALPHA}&days=1")) == 1
    assert get(base_url, f"/api/scores?action=trends&boardId={XSS}") == [
        {"date": "2026-03-10", "overallScore": approx(15.0), "grade": "F", "rank": 3, "trend": None}
    ]

    distribution = get(base_url, "/api/scores?action=distribution")
    assert [(band["range"], band["count"]) for band in distribution] == [
        ("0-20", 1),
        ("20-40", 0),
        ("40-60", 1),
        ("60-80", 0),
        ("80-100", 1),
    ]
    summary = get(base_url, "/api/scores?action=summary")
    assert summary["statistics"] == {
        "boardsScored": 3,
        "boardsInsufficientData": 0,
        "averageScore": approx(49.6),
        "medianScore": approx(51.57),
    }
    assert [row["boardId"] for row in summary["bottom"]] == [XSS, BETA, ALPHA]


def test_lifespan_cut_by_workplace_type(base_url: str) -> None:
    remote = get(base_url, "/api/lifespan?action=all&workplaceType=remote")
    assert [(row["boardId"], row["totalPostings"], row["avgLifespan"]) for row in remote] == [
        (ALPHA, 2, approx(7.5))
    ]
    hybrid = get(base_url, "/api/lifespan?action=distribution&workplaceType=hybrid")
    assert [bucket["count"] for bucket in hybrid] == [0, 0, 0, 1, 0, 0]
    assert get(base_url, "/api/lifespan?action=all&workplaceType=onsite") == []


def test_ranked_scores_say_what_share_of_postings_state_pay(base_url: str) -> None:
    ranked = get(base_url, "/api/scores?action=ranked")
    assert [(row["boardId"], row["payStatedPct"]) for row in ranked] == [
        (ALPHA, 25.0),
        (BETA, 0.0),
        (XSS, None),  # scored before pay was measured
    ]


def test_lifespan_actions(base_url: str) -> None:
    boards = {row["boardId"]: row for row in get(base_url, "/api/lifespan?action=all")}
    alpha = boards[ALPHA]
    assert (
        alpha["totalPostings"],
        alpha["activePostings"],
        alpha["closedPostings"],
        alpha["leftCensoredPostings"],
    ) == (5, 1, 4, 1)
    # The left-censored posting (50 days) stays out: closed lifespans 5, 10, 20.
    assert (
        alpha["avgLifespan"],
        alpha["medianLifespan"],
        alpha["minLifespan"],
        alpha["maxLifespan"],
    ) == (approx(11.67), approx(10.0), 5, 20)
    assert boards[XSS]["boardName"] == XSS_NAME

    ranked = get(base_url, "/api/lifespan?action=ranked")
    assert [(row["rank"], row["boardId"], row["kmMedianDays"]) for row in ranked] == [
        (1, XSS, 3),
        (2, ALPHA, 10),  # the standing stock (posting 1) is left out of the estimate
        (3, BETA, 70),
    ]
    assert [row["percentile"] for row in ranked] == [approx(100.0), approx(50.0), approx(0.0)]

    distribution = get(base_url, "/api/lifespan?action=distribution")
    assert [(bucket["range"], bucket["count"]) for bucket in distribution] == [
        ("0-7", 2),
        ("8-14", 1),
        ("15-30", 1),
        ("31-60", 1),
        ("61-90", 1),
        ("90+", 1),
    ]
    assert distribution[0]["percentage"] == approx(28.57)
    assert distribution[-1]["max"] is None
    of_beta = get(base_url, f"/api/lifespan?action=distribution&boardId={BETA}")
    assert [bucket["count"] for bucket in of_beta] == [0, 0, 0, 1, 1, 1]

    by_role = get(base_url, "/api/lifespan?action=by-role")
    assert by_role == [
        {
            "roleFamily": "engineering",
            "avgLifespan": approx(31.25),
            "medianLifespan": approx(25.0),
            "totalPostings": 5,
            "distinctBoards": 2,
            "mostCommonBoard": "Alpha Jobs",
        },
        {
            "roleFamily": "sales",
            "avgLifespan": approx(20.0),
            "medianLifespan": approx(20.0),
            "totalPostings": 1,
            "distinctBoards": 1,
            "mostCommonBoard": "Alpha Jobs",
        },
    ]
    assert len(get(base_url, "/api/lifespan?action=by-role&limit=1")) == 1

    trends = get(base_url, "/api/lifespan?action=trends&days=1")
    assert [(row["date"], row["boardId"], row["activePostings"]) for row in trends] == [
        (AS_OF.isoformat(), ALPHA, 1),
        (AS_OF.isoformat(), BETA, 0),
        (AS_OF.isoformat(), XSS, 1),
    ]
    # Beta's 40-day posting (first seen day 1, last seen day 41) disappears on day 42.
    beta_trend = get(base_url, f"/api/lifespan?action=trends&boardId={BETA}&days=120")
    day_42 = next(row for row in beta_trend if row["date"] == "2026-02-12")
    assert (day_42["disappearedPostings"], day_42["activePostings"]) == (1, 2)

    compared = get(base_url, f"/api/lifespan?action=compare&boardId={ALPHA}&boardId2={XSS}")
    assert compared == {"board1": ranked[1], "board2": ranked[0]}
    assert (compared["board1"]["kmMedianDays"], compared["board2"]["kmMedianDays"]) == (10, 3)

    assert get(base_url, f"/api/lifespan?action=percentile&boardId={ALPHA}") == {
        "boardId": ALPHA,
        "boardName": "Alpha Jobs",
        "rank": 2,
        "percentile": approx(50.0),
        "boardsRanked": 3,
        "kmMedianDays": 10,
        "kmMedianReached": True,
        "avgLifespan": approx(11.67),
    }


BAD_REQUESTS = [
    ("/api/pipeline", "action is required"),
    ("/api/pipeline?action=explode", "action must be one of: pending, history, stats"),
    ("/api/pipeline?action=history&limit=0", "limit must be an integer from 1 to 100"),
    ("/api/pipeline?action=history&limit=101", "limit must be an integer from 1 to 100"),
    ("/api/pipeline?action=history&limit=ten", "limit must be an integer"),
    ("/api/pipeline?action=stats&days=366", "days must be an integer from 1 to 365"),
    (
        "/api/pipeline?action=pending&limit=-1",
        "limit must be an integer",
    ),  # validated even if unused
    ("/api/scores?action=breakdown", "boardId is required for action=breakdown"),
    ("/api/scores?action=breakdown&boardId=abc", "boardId must be an integer"),
    ("/api/scores?action=breakdown&boardId=1.5", "boardId must be an integer"),
    ("/api/scores?action=breakdown&boardId=99999999999", "boardId must be an integer"),
    ("/api/scores?action=breakdown&boardId=404", "boardId 404 is not a known board"),
    ("/api/scores?action=trends", "boardId is required for action=trends"),
    ("/api/scores?action=ranked&date=2026-02-30", "date must be a date as YYYY-MM-DD"),
    ("/api/scores?action=ranked&date=20260310", "date must be a date as YYYY-MM-DD"),
    ("/api/lifespan?action=percentile", "boardId is required for action=percentile"),
    ("/api/lifespan?action=distribution&boardId=404", "boardId 404 is not a known board"),
    ("/api/lifespan?action=compare&boardId=1", "boardId2 is required for action=compare"),
    ("/api/lifespan?action=compare", "boardId, boardId2 is required for action=compare"),
    (
        f"/api/lifespan?action=compare&boardId={ALPHA}&boardId2=404",
        "boardId 404 is not a known board",
    ),
    (
        f"/api/scores?action=compare&boardId=404&boardId2={ALPHA}",
        "boardId 404 is not a known board",
    ),
    ("/api/scores?action=compare&boardId=1&boardId2=x", "boardId2 must be an integer"),
    ("/api/lifespan?action=explode", "action must be one of"),
    ("/api/lifespan?action=all&workplaceType=office", "workplaceType must be one of"),
]


def test_bad_input_is_a_400_with_a_clear_message(base_url: str) -> None:
    for path, message in BAD_REQUESTS:
        assert message in get(base_url, path, status=400), path


def test_missing_data_is_a_404_and_unknown_routes_are_json(base_url: str) -> None:
    assert "has no score for 2026-01-01" in get(
        base_url, f"/api/scores?action=breakdown&boardId={ALPHA}&date=2026-01-01", status=404
    )
    assert get(base_url, "/api/nothing-here", status=404) == "Not Found"
    response = requests.put(base_url + "/api/pipeline", timeout=10)
    assert response.status_code == 405
    assert response.json() == {"success": False, "error": "Method Not Allowed"}
    assert "GET" in response.headers["allow"]


def test_an_unexpected_error_is_a_bare_500_with_the_traceback_only_in_the_log(
    seeded: Engine, base_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with seeded.begin() as connection:  # break the warehouse under the running server
        connection.execute(text("ALTER TABLE efficiency_scores RENAME TO efficiency_scores_gone"))
    with caplog.at_level(logging.ERROR, logger="jobboard_assets.api"):
        response = requests.get(base_url + "/api/scores?action=ranked", timeout=30)
    assert response.status_code == 500
    assert response.json() == {"success": False, "error": "internal error"}
    for leak in ("efficiency_scores", "Traceback", "sqlite", "postgres", str(seeded.url.database)):
        assert leak not in response.text
    logged = [record for record in caplog.records if record.name == "jobboard_assets.api"]
    assert logged and logged[0].exc_info is not None
    assert "efficiency_scores" in caplog.text


def test_the_openapi_document_lists_every_action_and_parameter(base_url: str) -> None:
    document = requests.get(base_url + "/api/openapi.json", timeout=10).json()
    assert document["openapi"].startswith("3.")
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert {
        ("/api/pipeline", "get"),
        ("/api/pipeline", "post"),
        ("/api/scores", "get"),
        ("/api/lifespan", "get"),
    } <= operations
    scores = document["paths"]["/api/scores"]["get"]
    parameters = {param["name"]: param for param in scores["parameters"]}
    assert parameters["action"]["schema"]["enum"] == [
        "ranked",
        "breakdown",
        "compare",
        "by-role",
        "by-industry",
        "trends",
        "distribution",
        "summary",
    ]
    assert parameters["boardId"]["schema"]["minimum"] == 1
    assert parameters["boardId2"]["schema"]["minimum"] == 1
    assert document["paths"]["/api/pipeline"]["post"]["security"] == [{"bearerAuth": []}]


def test_an_empty_warehouse_answers_every_action(engine: Engine) -> None:
    with live_server(engine, api_token=None) as base_url:
        assert get(base_url, "/api/pipeline?action=pending") == []
        assert get(base_url, "/api/pipeline?action=history") == []
        stats = get(base_url, "/api/pipeline?action=stats")
        assert (stats["totalRuns"], stats["successRate"], stats["avgDurationSeconds"]) == (
            0,
            None,
            None,
        )
        for action in ("ranked", "by-role", "by-industry"):
            assert get(base_url, f"/api/scores?action={action}") == []
        assert [band["count"] for band in get(base_url, "/api/scores?action=distribution")] == [
            0
        ] * 5
        summary = get(base_url, "/api/scores?action=summary")
        assert (summary["scoreDate"], summary["statistics"]["boardsScored"]) == (None, 0)
        for action in ("all", "ranked", "by-role", "trends"):
            assert get(base_url, f"/api/lifespan?action={action}") == []
        buckets = get(base_url, "/api/lifespan?action=distribution")
        assert [(bucket["range"], bucket["count"], bucket["percentage"]) for bucket in buckets] == [
            (label, 0, None) for label in ("0-7", "8-14", "15-30", "31-60", "61-90", "90+")
        ]


def test_a_window_reaching_before_year_one_is_answered(base_url: str) -> None:
    """schemathesis found date=0001-01-01&days=2 answering 500 (OverflowError)."""
    assert get(base_url, f"/api/scores?action=trends&boardId={ALPHA}&date=0001-01-01&days=2") == []
