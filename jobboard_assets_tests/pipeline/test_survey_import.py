"""`jobboard surveys import`: the parsing rules, and the command on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from dagster import AssetKey, DagsterInstance
from sqlalchemy import Engine, func, select

from jobboard_assets.cli import main
from jobboard_assets.pipeline import posting_history, scores
from jobboard_assets.pipeline.survey_import import SurveyFileError, parse_surveys
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import (
    CandidateSurvey,
    EfficiencyScore,
    EmployerSurvey,
    JobBoard,
    JobPosting,
)
from jobboard_assets_tests.platform import instance_yaml

BOARD_IDS = {"alpha-jobs": 1, "beta-board": 2}
UTC = UTC

EMPLOYER_FILE = """\
Board, Company_Name ,contact_email,hiring_effectiveness,fill_time_days,candidate_quality,comments,submitted_at
alpha-jobs,Acme,hr@acme.test,8,21,Good,"Quick, good hires",2026-03-01
beta-board,Globex,,3,,,,2026-03-02T09:30:00+02:00

alpha-jobs,Initech,,,,excellent,,2026-03-03T12:00:00
"""

CANDIDATE_FILE = """\
board,candidate_name,job_board_experience,posting_relevance,ease_of_application,likelihood_recommend,submitted_at
alpha-jobs,Ann,10,10,10,10,2026-03-01
alpha-jobs,,1,1,1,1,2026-03-02
"""


def test_a_good_employer_file_parses_every_column() -> None:
    parsed = parse_surveys(EMPLOYER_FILE, BOARD_IDS)
    assert (parsed.kind, parsed.errors) == ("employer", [])
    assert parsed.rows[0] == {
        "job_board_id": 1,
        "company_name": "Acme",
        "contact_email": "hr@acme.test",
        "hiring_effectiveness": 8,
        "fill_time_days": 21,
        "candidate_quality": "good",
        "comments": "Quick, good hires",
        "submitted_at": datetime(2026, 3, 1, tzinfo=UTC),
    }
    # An offset is converted to UTC, a date-time without one is UTC; blanks are missing values.
    assert parsed.rows[1]["submitted_at"] == datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    assert parsed.rows[1]["contact_email"] is None and parsed.rows[1]["fill_time_days"] is None
    assert parsed.rows[2]["submitted_at"] == datetime(2026, 3, 3, 12, tzinfo=UTC)
    assert parsed.rows[2]["hiring_effectiveness"] is None


def test_the_kind_is_told_by_the_header_or_must_be_given() -> None:
    assert parse_surveys(CANDIDATE_FILE, BOARD_IDS).kind == "candidate"
    with pytest.raises(SurveyFileError, match=r"line 1: cannot tell.*--kind"):
        parse_surveys("board,submitted_at,comments\n", BOARD_IDS)
    # Given, the kind decides which columns are allowed.
    with pytest.raises(SurveyFileError, match=r"unknown column.*job_board_experience"):
        parse_surveys(CANDIDATE_FILE, BOARD_IDS, "employer")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        (
            "board,company_name,hiring_efectiveness,submitted_at\n",
            "unknown column.*hiring_efectiveness",
        ),
        ("board,hiring_effectiveness,submitted_at\n", "missing column.*company_name"),
        ("board,board,company_name,hiring_effectiveness,submitted_at\n", "repeated column.*board"),
    ],
)
def test_an_unusable_header_is_refused(text: str, message: str) -> None:
    with pytest.raises(SurveyFileError, match=message):
        parse_surveys(text, BOARD_IDS)


BAD_FILE = """\
board,company_name,contact_email,hiring_effectiveness,candidate_quality,comments,submitted_at
alpha-jobs,Acme,,11,,,2026-03-01
gamma,Acme,,5,,,2026-03-01
alpha-jobs,,not-an-address,0,,,03/01/2026
alpha-jobs,Acme,,,,"a comment
over two lines",2026-03-01
alpha-jobs,Acme,,seven,superb,,2026-03-01
alpha-jobs,Acme,,5,,,2026-03-01
alpha-jobs,Acme,,5
"""


def test_every_bad_row_is_reported_with_its_line_and_reason() -> None:
    parsed = parse_surveys(BAD_FILE, BOARD_IDS)
    assert [(error.line, error.reason) for error in parsed.errors] == [
        (2, "hiring_effectiveness must be a whole number from 1 to 10, got '11'"),
        (3, "board is not a known board slug: 'gamma'"),
        (
            4,
            (
                "company_name is empty; contact_email is not an e-mail address: "
                "'not-an-address'; hiring_effectiveness must be a whole number from 1 to 10, "
                "got '0'; submitted_at must be an ISO date (2026-03-01) or date-time "
                "(2026-03-01T09:30:00+00:00), got '03/01/2026'"
            ),
        ),
        # A quoted value over two lines: the row is reported at the line it starts on.
        (5, "no rating given (one of hiring_effectiveness, candidate_quality)"),
        (
            7,
            (
                "hiring_effectiveness must be a whole number from 1 to 10, got 'seven'; "
                "candidate_quality must be one of excellent, good, fair, poor, got 'superb'"
            ),
        ),
        (9, "has 4 values for 7 columns"),
    ]
    assert len(parsed.rows) == 1  # line 8


# --- the command, on both backends ------------------------------------------------------


@pytest.fixture
def warehouse(engine: Engine) -> Engine:
    """Two boards, and one posting on Alpha so that it gets a score."""
    with session_scope(engine) as session:
        for board_id, slug in ((1, "alpha-jobs"), (2, "beta-board")):
            session.add(
                JobBoard(
                    id=board_id,
                    slug=slug,
                    name=slug.title(),
                    kind="greenhouse",
                    url=f"https://example.test/{slug}",
                    enabled=True,
                    options={},
                )
            )
        session.flush()
        session.add(
            JobPosting(
                job_board_id=1,
                external_id="p1",
                title="Data Engineer",
                normalized_title="data engineer",
                company="Acme",
                location="Berlin",
                role_family="data",
                first_seen=date(2026, 3, 1),
                last_seen=date(2026, 3, 5),
                is_active=True,
                repost_count=0,
            )
        )
    return engine


@pytest.fixture
def dagster_home(tmp_path: Path) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(instance_yaml())
    return home


def import_file(warehouse: Engine, dagster_home: Path, path: Path, *args: str) -> Result:
    env = {
        "JOBBOARD_DATABASE_URL": warehouse.url.render_as_string(hide_password=False),
        "DAGSTER_HOME": str(dagster_home),
    }
    return CliRunner().invoke(main, ["surveys", "import", str(path), *args], env=env)


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_good_file_imports_every_row_and_is_recorded_in_dagster(
    warehouse: Engine, dagster_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "employers.csv"
    path.write_text("\ufeff" + EMPLOYER_FILE, encoding="utf-8")  # as a spreadsheet saves it
    result = import_file(warehouse, dagster_home, path)
    assert result.exit_code == 0, result.output
    assert f"imported 3 employer surveys from {path}" in result.output
    with session_scope(warehouse) as session:
        stored = session.scalars(select(EmployerSurvey).order_by(EmployerSurvey.id)).all()
        assert [(s.job_board_id, s.company_name, s.hiring_effectiveness) for s in stored] == [
            (1, "Acme", 8),
            (2, "Globex", 3),
            (1, "Initech", None),
        ]
        assert stored[1].submitted_at == datetime(2026, 3, 2, 7, 30, tzinfo=UTC)

    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    with DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(AssetKey("employer_surveys"))
        assert event is not None and event.asset_materialization is not None
        metadata = event.asset_materialization.metadata
        assert (metadata["rows_imported"].value, metadata["boards"].value) == (3, 2)
        assert instance.get_latest_materialization_event(AssetKey("candidate_surveys")) is None


def test_importing_a_file_again_adds_only_what_is_new(
    warehouse: Engine, dagster_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "candidates.csv"
    path.write_text(CANDIDATE_FILE)
    assert import_file(warehouse, dagster_home, path).exit_code == 0
    stored = _count(warehouse, CandidateSurvey)

    again = import_file(warehouse, dagster_home, path)
    assert again.exit_code == 0, again.output
    assert f"imported 0 candidate surveys from {path} ({stored} already imported, skipped)" in (
        again.output
    )
    assert _count(warehouse, CandidateSurvey) == stored

    # A later file that repeats one survey and brings a new one (same person, another day).
    first_row = CANDIDATE_FILE.splitlines()[1]
    header = CANDIDATE_FILE.splitlines()[0]
    later = tmp_path / "later.csv"
    later.write_text(f"{header}\n{first_row}\n{first_row.replace('2026-03-0', '2026-04-0')}\n")
    result = import_file(warehouse, dagster_home, later)
    assert (
        "imported 1 candidate surveys" in result.output and "(1 already imported" in result.output
    )
    assert _count(warehouse, CandidateSurvey) == stored + 1

    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    with DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(AssetKey("candidate_surveys"))
        assert event is not None and event.asset_materialization is not None
        assert event.asset_materialization.metadata["rows_imported"].value == 1


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_line(
    warehouse: Engine, dagster_home: Path, tmp_path: Path
) -> None:
    lines = CANDIDATE_FILE.splitlines()
    lines.insert(2, "alpha-jobs,Bob,9,12,9,9,2026-03-02")  # line 3: a rating of 12
    path = tmp_path / "candidates.csv"
    path.write_text("\n".join(lines) + "\n")
    result = import_file(warehouse, dagster_home, path, "--kind", "candidate")
    assert result.exit_code == 1
    assert (
        f"{path}: line 3: posting_relevance must be a whole number from 1 to 10, got '12'"
        in result.output
    )
    assert "nothing imported: 1 of 3 rows are invalid" in result.output
    assert _count(warehouse, CandidateSurvey) == 0


def test_the_next_scores_use_the_imported_surveys(
    warehouse: Engine, dagster_home: Path, tmp_path: Path
) -> None:
    day = date(2026, 3, 5)
    scores.update_scores(posting_history.PostingHistory(warehouse), [day])
    assert _board_score(warehouse, day).candidate_survey_score is None

    path = tmp_path / "candidates.csv"
    path.write_text(CANDIDATE_FILE)
    assert import_file(warehouse, dagster_home, path).exit_code == 0
    scores.update_scores(posting_history.PostingHistory(warehouse), [day])
    # All four items at 10 (100 each) and all at 1 (0 each): a mean of 50.
    assert _board_score(warehouse, day).candidate_survey_score == pytest.approx(50.0)


def _board_score(engine: Engine, day: date) -> EfficiencyScore:
    with session_scope(engine) as session:
        return session.scalars(
            select(EfficiencyScore).where(
                EfficiencyScore.job_board_id == 1,
                EfficiencyScore.score_date == day,
                EfficiencyScore.role_family.is_(None),
                EfficiencyScore.industry.is_(None),
            )
        ).one()
