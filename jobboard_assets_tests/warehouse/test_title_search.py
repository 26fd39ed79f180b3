"""Title search on both backends: the trigram index's answers, whoever writes the titles.

On SQLite the FTS5 table (migration 0014) is kept by triggers: an insert, a title change and a
delete are seen by the next search. A text with few matches is read from the trigram table's
matches, a common one in page order; both ways give the same postings (FEW_TITLE_MATCHES
lowered to force the second).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, delete, update

from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobBoard, JobPosting
from jobboard_assets.warehouse.queries import posting_search
from jobboard_assets.warehouse.queries.posting_search import SearchFilters, search

TITLES = {
    "p1": "Senior Platform Engineer",
    "p2": "Ärztin (m/w/d)",
    "p3": "QA Engineer",
    "p4": "Account Executive",
    "p5": "STRASSENBAU Ingenieur",
}


def _found(engine: Engine, text: str) -> set[str]:
    with session_scope(engine) as session:
        rows = search(
            session,
            SearchFilters(text=text),
            as_of=date(2026, 3, 1),
            newest_first=True,
            after=None,
            limit=100,
        )
        return {row["external_id"] for row in rows}


@pytest.fixture
def titled(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        session.add(JobBoard(id=1, slug="b", name="B", kind="greenhouse", url="https://b.test"))
        session.flush()
        session.add_all(
            JobPosting(
                job_board_id=1,
                external_id=external_id,
                title=title,
                first_seen=date(2026, 2, 1),
                last_seen=date(2026, 2, 1),
            )
            for external_id, title in TITLES.items()
        )
    return engine


QUERIES = {
    "engineer": {"p1", "p3"},
    "ENGINEER": {"p1", "p3"},
    "ärztin": {"p2"},
    "ÄRZTIN (M/": {"p2"},
    "strassenbau": {"p5"},
    "no such title": set(),
    "%_%": set(),
}


@pytest.mark.parametrize("few", [posting_search.FEW_TITLE_MATCHES, 0])
def test_each_text_finds_the_titles_holding_it_in_any_case(
    titled: Engine, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    monkeypatch.setattr(posting_search, "FEW_TITLE_MATCHES", few)
    assert {text: _found(titled, text) for text in QUERIES} == QUERIES


def test_inserted_renamed_and_deleted_titles_are_seen(titled: Engine) -> None:
    with session_scope(titled) as session:
        session.execute(
            update(JobPosting).where(JobPosting.external_id == "p1").values(title="Data Analyst")
        )
        session.execute(delete(JobPosting).where(JobPosting.external_id == "p3"))
        session.add(
            JobPosting(
                job_board_id=1,
                external_id="p6",
                title="Field Engineer",
                first_seen=date(2026, 2, 2),
                last_seen=date(2026, 2, 2),
            )
        )
        # A write that leaves the title as it was keeps the posting findable.
        session.execute(
            update(JobPosting)
            .where(JobPosting.external_id == "p4")
            .values(title="Account Executive")
        )
    assert _found(titled, "engineer") == {"p6"}
    assert _found(titled, "analyst") == {"p1"}
    assert _found(titled, "account exec") == {"p4"}


def test_a_text_shorter_than_a_trigram_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 3 characters"):
        SearchFilters(text="QA")
