"""`jobboard postings`: search and evidence from the shell, over the seeded posting history."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import Engine

from jobboard_assets.cli import main
from jobboard_assets_tests.api import posting_seed
from jobboard_assets_tests.api.posting_seed import BY_ID, DAYS, SPECS
from jobboard_assets_tests.conftest import ON_SQLITE


def postings_cli(warehouse_url: str, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["postings", *args], env={"JOBBOARD_DATABASE_URL": warehouse_url}
    )
    assert result.exit_code == 0, result.output
    return result.output


@ON_SQLITE
def test_search_pages_and_filters_from_the_shell(warehouse_url: str, engine: Engine) -> None:
    posting_seed.build(engine)
    first = json.loads(postings_cli(warehouse_url, "--json", "--limit", "5", "--status", "closed"))
    found = [item["externalId"] for item in first["data"]["items"]]
    cursor = first["data"]["nextCursor"]
    second = json.loads(
        postings_cli(
            warehouse_url, "--json", "--limit", "5", "--status", "closed", "--cursor", cursor
        )
    )
    found += [item["externalId"] for item in second["data"]["items"]]
    while second["data"]["nextCursor"]:
        second = json.loads(
            postings_cli(
                warehouse_url,
                "--json",
                "--limit",
                "5",
                "--status",
                "closed",
                "--cursor",
                second["data"]["nextCursor"],
            )
        )
        found += [item["externalId"] for item in second["data"]["items"]]
    assert sorted(found) == sorted(spec.external_id for spec in SPECS if not spec.active)
    table = postings_cli(warehouse_url, "--fake-fresh")
    assert "Platform Engineer" in table and "fake-fresh" in table
    assert len(table.splitlines()) == 3  # as-of line, header, the one fake-fresh posting


@ON_SQLITE
def test_evidence_from_the_shell(warehouse_url: str, engine: Engine) -> None:
    posting_seed.build(engine)
    page = json.loads(
        postings_cli(warehouse_url, "--json", "--q", "QA Engineer", "--status", "active")
    )
    (item,) = page["data"]["items"]
    text = postings_cli(warehouse_url, str(item["id"]))
    assert "earlier postings of this job: 2" in text
    assert "[x] reposted" in text
    spec = BY_ID["a-restamp"]
    restamp_id = next(
        i["id"]
        for i in json.loads(postings_cli(warehouse_url, "--json", "--q", spec.title))["data"][
            "items"
        ]
        if i["externalId"] == "a-restamp"
    )
    moved = sum(spec.board_date(o) > spec.board_date(o - 1) for o in range(1, DAYS))
    assert f"re-stamps of the board date: {moved}" in postings_cli(warehouse_url, str(restamp_id))


@ON_SQLITE
def test_an_unknown_posting_is_an_error(warehouse_url: str, engine: Engine) -> None:
    result = CliRunner().invoke(
        main, ["postings", "424242"], env={"JOBBOARD_DATABASE_URL": warehouse_url}
    )
    assert result.exit_code == 1
    assert "not in the warehouse" in result.output


@ON_SQLITE
def test_a_title_text_shorter_than_a_trigram_is_an_error(warehouse_url: str) -> None:
    result = CliRunner().invoke(
        main, ["postings", "--q", "QA"], env={"JOBBOARD_DATABASE_URL": warehouse_url}
    )
    assert result.exit_code == 1
    assert "at least 3 characters" in result.output
