"""`load_registry`: a valid file becomes boards; every problem names the board and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobboard_assets.sources.errors import RegistryError
from jobboard_assets.sources.records import BoardConfig
from jobboard_assets.sources.registry import load_registry

REPO_ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "boards.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_registry_with_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
defaults:
  category: tech
  options: {min_interval_seconds: 2, max_pages: 10}
boards:
  - slug: acme
    name: Acme Corp
    kind: lever
    url: https://api.lever.co/v0/postings/acme?mode=json
    options: {page_size: 50, max_pages: 3}
  - slug: wwr_programming
    name: We Work Remotely
    kind: rss
    url: https://weworkremotely.com/categories/remote-programming-jobs.rss
    enabled: false
    category: remote
    industry: software
    options: {remote_only: true}
""",
    )

    acme, wwr = load_registry(path)

    assert acme == BoardConfig(
        slug="acme",
        name="Acme Corp",
        kind="lever",
        url="https://api.lever.co/v0/postings/acme?mode=json",
        enabled=True,
        category="tech",
        options={"min_interval_seconds": 2.0, "max_pages": 3, "page_size": 50},
    )
    assert isinstance(acme.options["min_interval_seconds"], float)
    assert (wwr.enabled, wwr.category, wwr.industry) == (False, "remote", "software")
    assert wwr.options == {"min_interval_seconds": 2.0, "max_pages": 10, "remote_only": True}


def test_the_example_registry_is_valid_and_disabled() -> None:
    boards = load_registry(REPO_ROOT / "boards.yaml")

    assert 5 <= len(boards) <= 10
    assert not any(board.enabled for board in boards)
    assert len({board.kind for board in boards}) >= 5


HTML_BOARD = """
  - slug: shop
    name: Shop
    kind: html
    url: https://shop.example/jobs
    options: {item_selector: li.job, title_selector: h2, link_selector: a}
"""


@pytest.mark.parametrize(
    ("boards", "expected"),
    [
        (
            "  - {slug: a, name: A, kind: myspace, url: 'https://x.example'}",
            "board 'a' (#1): field 'kind': unknown kind 'myspace'",
        ),
        ("  - {slug: a, name: A, kind: lever}", "board 'a' (#1): field 'url': required"),
        ("  - {slug: a, name: A, kind: lever, url: ''}", "board 'a' (#1): field 'url': required"),
        (
            "  - {slug: a, name: ' ', kind: lever, url: 'https://x.example'}",
            "board 'a' (#1): field 'name': required",
        ),
        (
            "  - {name: A, kind: lever, url: 'https://x.example'}",
            "board #1: field 'slug': required",
        ),
        (
            "  - {slug: a, name: A, kind: lever, url: 'ftp://x.example/jobs'}",
            "board 'a' (#1): field 'url': must be an http:// or https:// URL",
        ),
        (
            "  - {slug: Acme Corp, name: A, kind: lever, url: 'https://x.example'}",
            "board 'Acme Corp' (#1): field 'slug': 'Acme Corp' must be lower-case",
        ),
        (
            "  - {slug: -a, name: A, kind: lever, url: 'https://x.example'}",
            "field 'slug': '-a' must be lower-case",
        ),
        (
            "  - {slug: a, name: A, kind: lever, url: 'https://x.example'}\n  - {slug: a, name: B, kind: ashby, url: 'https://y.example'}",
            "board 'a' (#2): field 'slug': duplicate: board #1 already uses 'a'",
        ),
        (
            "  - {slug: a, name: A, kind: greenhouse, url: 'https://x.example', options: {page_size: 5}}",
            "board 'a' (#1): field 'options.page_size': unknown option",
        ),
        (
            "  - {slug: a, name: A, kind: lever, url: 'https://x.example', options: {page_size: ten}}",
            "board 'a' (#1): field 'options.page_size': expected an integer, got str 'ten'",
        ),
        (
            "  - {slug: a, name: A, kind: lever, url: 'https://x.example', options: {max_pages: 2.5}}",
            "field 'options.max_pages': expected an integer, got float",
        ),
        (
            "  - {slug: a, name: A, kind: lever, url: 'https://x.example', options: {min_interval_seconds: true}}",
            "field 'options.min_interval_seconds': expected a number, got bool",
        ),
        (
            "  - {slug: a, name: A, kind: workday, url: 'https://acme.wd5.myworkdayjobs.com/en-US/External'}",
            "field 'url': must be the Workday CXS jobs endpoint",
        ),
        (
            "  - {slug: a, name: A, kind: workday, url: 'https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External/jobs', options: {page_size: 50}}",
            "field 'options.page_size': must be 1 to 20, got 50",
        ),
        (
            "  - {slug: a, name: A, kind: workday, url: 'https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External/jobs', options: {details: sometimes}}",
            "field 'options.details': must be one of needed, always, never, got 'sometimes'",
        ),
        (
            "  - {slug: a, name: A, kind: personio, url: 'https://acme.jobs.personio.de/'}",
            "field 'url': must be the Personio XML feed",
        ),
        (
            "  - {slug: a, name: A, kind: rss, url: 'https://x.example', options: {remote_only: 'yes'}}",
            "field 'options.remote_only': expected true or false, got str 'yes'",
        ),
        (
            "  - {slug: a, name: A, kind: rss, url: 'https://x.example', options: {remote_only: 1}}",
            "field 'options.remote_only': expected true or false, got int 1",
        ),
        (
            "  - {slug: a, name: A, kind: smartrecruiters, url: 'https://x.example', options: {page_size: 500}}",
            "field 'options.page_size': must be 1 to 100, got 500",
        ),
        (
            "  - {slug: a, name: A, kind: lever, url: 'https://x.example', enabled: 'no'}",
            "board 'a' (#1): field 'enabled': must be true or false",
        ),
        (
            "  - {slug: a, name: A, kind: lever, url: 'https://x.example', enable: false}",
            "board 'a' (#1): field 'enable': unknown field",
        ),
        (
            "  - {slug: a, name: A, kind: html, url: 'https://x.example', options: {item_selector: li, title_selector: h2}}",
            "board 'a' (#1): field 'options.link_selector': required for this kind",
        ),
        (
            HTML_BOARD.replace("title_selector: h2", "title_selector: 'h2[class='"),
            "board 'shop' (#1): field 'options.title_selector': invalid CSS selector 'h2[class='",
        ),
        (
            HTML_BOARD.replace("link_selector: a", "link_selector: 'a,,b', next_selector: '>>'"),
            "field 'options.next_selector': invalid CSS selector",
        ),
        ("  - just-a-string", "board #1: must be a mapping of board fields"),
    ],
)
def test_each_problem_names_file_board_and_field(
    tmp_path: Path, boards: str, expected: str
) -> None:
    path = write(tmp_path, f"boards:\n{boards}\n")

    with pytest.raises(RegistryError) as caught:
        load_registry(path)

    assert str(caught.value).startswith(f"{path}: ")
    assert expected in str(caught.value)


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
boards:
  - {slug: good, name: Good, kind: lever, url: 'https://x.example'}
  - {slug: a, name: A, kind: myspace, url: 'https://x.example'}
  - {slug: b, name: B, kind: lever, url: 'gopher://x.example'}
""",
    )

    with pytest.raises(RegistryError) as caught:
        load_registry(path)

    assert [problem.split(":")[0] for problem in caught.value.problems] == [
        "board 'a' (#2)",
        "board 'b' (#3)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("boards: [", "invalid YAML"),
        ("- slug: a", "must be a mapping with a 'boards' list"),
        ("bords: []", "must be a mapping with a 'boards' list"),
        ("boards: []\nextra: 1", "unknown top-level key 'extra'"),
        ("defaults: {slug: x}\nboards: []", "defaults: field 'slug': cannot have a default"),
        (
            "defaults: {options: {page_size: 5}}\nboards: []",
            "defaults: field 'options.page_size': unknown option",
        ),
    ],
)
def test_file_level_problems(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(RegistryError, match=r"boards\.yaml") as caught:
        load_registry(write(tmp_path, text))

    assert expected in str(caught.value)


def test_a_missing_file_is_a_registry_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read the file"):
        load_registry(tmp_path / "nope.yaml")
