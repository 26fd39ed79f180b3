"""JSON schemas of everything the API returns (OpenAPI 3.0 components), one per shape.

Exact enough for schemathesis to check every response: every field is required and typed, and
nullable where the warehouse or the metrics can leave it empty.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(name: str) -> Schema:
    return {"type": "array", "items": ref(name)}


def _object(properties: dict[str, Schema], description: str = "") -> Schema:
    schema: Schema = {"type": "object", "required": list(properties), "properties": properties}
    return {"description": description, **schema} if description else schema


def _nullable(schema: Schema) -> Schema:
    return {**schema, "nullable": True}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
DAY: Schema = {"type": "string", "format": "date"}
MOMENT: Schema = {"type": "string", "format": "date-time"}
ANY_JSON: Schema = {"description": "Any JSON value"}
GRADE: Schema = {
    "type": "string",
    "enum": ["A+", "A", "B+", "B", "C+", "C", "D", "F", "I"],
    "description": "A+ to F; I: insufficient data (the lifespan estimate cannot be trusted yet, "
    "so the board has no overall score and no rank).",
}
RUN_STATUS: Schema = {"type": "string", "enum": ["running", "completed", "partial", "failed"]}

_SCORE_STATISTICS = {
    "boardsScored": INTEGER,
    "boardsInsufficientData": INTEGER,
    "averageScore": _nullable(NUMBER),
    "medianScore": _nullable(NUMBER),
}
_SCOPE_SCORE = {
    "averageScore": NUMBER,
    "medianScore": NUMBER,
    "boards": INTEGER,
    "postings": _nullable(INTEGER),
    "bestBoardId": INTEGER,
    "bestBoard": STRING,
    "bestScore": NUMBER,
}
_LIFESPAN_METRICS = {
    "boardId": INTEGER,
    "boardName": _nullable(STRING),
    "totalPostings": INTEGER,
    "activePostings": INTEGER,
    "closedPostings": INTEGER,
    "leftCensoredPostings": INTEGER,
    **{
        name: _nullable(NUMBER)
        for name in (
            "avgLifespan",
            "medianLifespan",
            "p25Lifespan",
            "p75Lifespan",
            "minLifespan",
            "maxLifespan",
            "activeDaysAvg",
        )
    },
}
_COMPONENT = _object(
    {
        "weight": NUMBER,
        "effectiveWeight": NUMBER,
        "score": _nullable(NUMBER),
        "contribution": _nullable(NUMBER),
    },
    "weight: the specified nominal weight; effectiveWeight: after a component without data gave its "
    "weight to the others; contribution = score x effectiveWeight.",
)

COMPONENTS: dict[str, Schema] = {
    "Error": _object({"success": {"type": "boolean", "enum": [False]}, "error": STRING}),
    "Conflict": _object(
        {
            "success": {"type": "boolean", "enum": [False]},
            "error": STRING,
            "data": ref("PipelineRunLog"),
        }
    ),
    "RunRequest": {
        "type": "object",
        "required": ["action"],
        "properties": {"action": {"type": "string", "enum": ["run"]}},
        "additionalProperties": False,
    },
    "PipelineJob": _object(
        {
            "id": STRING,
            "jobType": STRING,
            "boardId": _nullable(INTEGER),
            "boardName": _nullable(STRING),
            "status": {"type": "string", "enum": ["pending", "running", "completed", "failed"]},
            "startedAt": _nullable(MOMENT),
            "completedAt": _nullable(MOMENT),
            "error": _nullable(STRING),
            "result": ANY_JSON,
            "runId": _nullable(STRING),
        }
    ),
    "PipelineRunLog": _object(
        {
            "id": STRING,
            "runId": STRING,
            "status": RUN_STATUS,
            "startTime": MOMENT,
            "endTime": _nullable(MOMENT),
            "durationSeconds": _nullable(NUMBER),
            "totalJobs": INTEGER,
            "completedJobs": INTEGER,
            "failedJobs": INTEGER,
            "jobs": {"type": "array", "items": {"type": "object"}},
            "errors": {"type": "array", "items": STRING},
            "trigger": _nullable(STRING),
            "dagsterRunIds": {"type": "array", "items": STRING},
        }
    ),
    "PipelineRunHistory": {
        "allOf": [
            ref("PipelineRunLog"),
            _object(
                {"jobsOmitted": {"type": "integer", "minimum": 0}},
                "`jobs` holds at most 20 jobs, failed ones first, and only for the newest 3 runs; "
                "jobsOmitted counts the others.",
            ),
        ]
    },
    "PipelineStats": _object(
        {
            "period": STRING,
            "totalRuns": INTEGER,
            "successfulRuns": INTEGER,
            "partialRuns": INTEGER,
            "failedRuns": INTEGER,
            "successRate": _nullable(NUMBER),
            "totalJobs": INTEGER,
            "completedJobs": INTEGER,
            "failedJobs": INTEGER,
            "jobSuccessRate": _nullable(NUMBER),
            "avgDurationSeconds": _nullable(NUMBER),
            "allTime": _object(
                {
                    "period": STRING,
                    "totalRuns": INTEGER,
                    "successfulRuns": INTEGER,
                    "partialRuns": INTEGER,
                    "failedRuns": INTEGER,
                    "successRate": _nullable(NUMBER),
                    "totalJobs": _nullable(INTEGER),
                    "completedJobs": _nullable(INTEGER),
                    "failedJobs": _nullable(INTEGER),
                    "avgDurationSeconds": _nullable(NUMBER),
                },
                "The all-time pipeline_stats view.",
            ),
        },
        "Finished runs (end_time set) that started in the last `days` days.",
    ),
    "RankedScore": _object(
        {
            "rank": _nullable(INTEGER),
            "boardId": INTEGER,
            "boardName": STRING,
            "scoreDate": DAY,
            "overallScore": _nullable(NUMBER),
            "grade": _nullable(GRADE),
            "lifespanScore": _nullable(NUMBER),
            "repostScore": _nullable(NUMBER),
            "employerSurveyScore": _nullable(NUMBER),
            "candidateSurveyScore": _nullable(NUMBER),
            "qualityAdjustment": _nullable(NUMBER),
            "dataCompleteness": _nullable(NUMBER),
            "percentile": _nullable(NUMBER),
            "trend": _nullable(NUMBER),
            "postings": _nullable(INTEGER),
            "payStatedPct": _nullable(NUMBER),  # share of the board's postings that state pay
            "insufficientData": BOOLEAN,
            "fakeFreshShare": _nullable(NUMBER),
            "medianLifespanDays": _nullable(INTEGER),
            "medianLifespanCi": {
                "type": "array",
                "items": _nullable(INTEGER),
                "description": "95% interval of the median (Greenwood); null ends: not reached.",
            },
            "estimatePostings": _nullable(INTEGER),
            "boundedGrade": {
                **_nullable(STRING),
                "description": "Insufficient data, yet the median's lower bound caps the score: "
                "'D or worse' or 'F' (docs/metrics.md, 'A verdict where the evidence is there').",
            },
            "ghostHeavy": {
                **BOOLEAN,
                "description": "Most of the board's dated open postings are fake-fresh.",
            },
        }
    ),
    "ScoreBreakdown": _object(
        {
            "boardId": INTEGER,
            "boardName": STRING,
            "scoreDate": DAY,
            "overallScore": _nullable(NUMBER),
            "grade": _nullable(GRADE),
            "baseScore": NUMBER,
            "qualityAdjustment": _nullable(NUMBER),
            "dataCompleteness": _nullable(NUMBER),
            "components": _object(
                dict.fromkeys(
                    ("lifespan", "reposts", "employerSurvey", "candidateSurvey"), _COMPONENT
                )
            ),
        },
        "overallScore = baseScore x qualityAdjustment (to rounding); baseScore = sum of contributions.",
    ),
    "ScoreComparison": _object({"board1": ref("ScoreBreakdown"), "board2": ref("ScoreBreakdown")}),
    "RoleScore": _object({"roleFamily": STRING, **_SCOPE_SCORE}),
    "IndustryScore": _object({"industry": STRING, **_SCOPE_SCORE}),
    "ScoreTrend": _object(
        {
            "date": DAY,
            "overallScore": _nullable(NUMBER),
            "grade": _nullable(GRADE),
            "rank": _nullable(INTEGER),
            "trend": _nullable(NUMBER),
        }
    ),
    "ScoreBand": _object(
        {
            "range": STRING,
            "min": NUMBER,
            "max": NUMBER,
            "count": INTEGER,
            "percentage": _nullable(NUMBER),
        },
        "Boards whose score is in [min, max) (the last band includes 100).",
    ),
    "ScoreReport": _object(
        {
            "scoreDate": _nullable(DAY),
            "statistics": _object(_SCORE_STATISTICS),
            "ranked": array_of("RankedScore"),
            "top": array_of("RankedScore"),
            "bottom": array_of("RankedScore"),
            "distribution": array_of("ScoreBand"),
            "byRole": array_of("RoleScore"),
        }
    ),
    "LifespanMetrics": _object(
        _LIFESPAN_METRICS, "Lifespans in days, of closed postings seen from their first day."
    ),
    "RankedLifespan": _object(
        {
            "rank": INTEGER,
            "percentile": NUMBER,
            "kmMedianDays": _nullable(INTEGER),
            "kmMedianReached": BOOLEAN,
            "kmMedianFloorDays": INTEGER,
            "kmP75Days": _nullable(INTEGER),
            **_LIFESPAN_METRICS,
        },
        "rank 1 = shortest Kaplan-Meier median lifespan (open postings counted as censored).",
    ),
    "LifespanComparison": _object(
        {"board1": ref("RankedLifespan"), "board2": ref("RankedLifespan")}
    ),
    "LifespanBucket": _object(
        {
            "range": STRING,
            "min": INTEGER,
            "max": _nullable(INTEGER),
            "count": INTEGER,
            "percentage": _nullable(NUMBER),
        },
        "Closed postings whose lifespan is min..max days (max null: open-ended).",
    ),
    "RoleLifespan": _object(
        {
            "roleFamily": STRING,
            "avgLifespan": _nullable(NUMBER),
            "medianLifespan": _nullable(NUMBER),
            "totalPostings": INTEGER,
            "distinctBoards": INTEGER,
            "mostCommonBoard": _nullable(STRING),
        }
    ),
    "LifespanTrend": _object(
        {
            "date": DAY,
            "boardId": INTEGER,
            "boardName": _nullable(STRING),
            "activePostings": INTEGER,
            "newPostings": INTEGER,
            "disappearedPostings": INTEGER,
            "activeAgeMeanDays": _nullable(NUMBER),
        }
    ),
    "LifespanPercentile": _object(
        {
            "boardId": INTEGER,
            "boardName": _nullable(STRING),
            "rank": INTEGER,
            "percentile": NUMBER,
            "boardsRanked": INTEGER,
            "kmMedianDays": _nullable(INTEGER),
            "kmMedianReached": BOOLEAN,
            "avgLifespan": _nullable(NUMBER),
        }
    ),
}


def envelope(data: Schema) -> Schema:
    """The success envelope around `data`."""
    return _object({"success": {"type": "boolean", "enum": [True]}, "data": data})
