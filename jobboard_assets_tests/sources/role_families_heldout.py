"""Role families measured on real titles the rules were never written against.

The development set (`role_titles.tsv`) shaped the rules, so its figure is a training figure; this
module scores the held-out set (`role_titles_heldout3.tsv`, docs/role-families.md) overall and per
industry, so a rule change shows what it does to titles nobody tuned on. Run it with
`python -m jobboard_assets_tests.sources.role_families_heldout`;
`test_role_families_on_heldout_titles` asserts on the same numbers. It lists no missed title on
purpose: rules are written from development titles, and a list of held-out misses would invite
tuning on them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from jobboard_assets.sources.normalize import classify_role_family

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
HELDOUT = REAL / "role_titles_heldout3.tsv"
DEVELOPMENT = REAL / "role_titles.tsv"


@dataclass(frozen=True)
class Score:
    """How the classifier did on some labelled titles."""

    titles: int
    correct: int
    # Classified `other` although labelled with a family: the miss that hides a title entirely.
    missed: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.titles

    @property
    def missed_share(self) -> float:
        return self.missed / self.titles


def load_titles(path: Path) -> list[dict[str, str]]:
    """The labelled rows of a title set (tab-separated, a header line)."""
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


def score(rows: list[dict[str, str]]) -> Score:
    """Correct and missed counts of the classifier on `rows` (title only, as parsers call it)."""
    correct = missed = 0
    for row in rows:
        guess = classify_role_family(row["title"])
        correct += guess == row["family"]
        missed += guess == "other" != row["family"]
    return Score(titles=len(rows), correct=correct, missed=missed)


def by_industry(rows: list[dict[str, str]]) -> dict[str, Score]:
    """One score per industry, because one industry's vocabulary can hide behind the total."""
    industries = sorted({row["industry"] for row in rows})
    return {name: score([row for row in rows if row["industry"] == name]) for name in industries}


def report(rows: list[dict[str, str]]) -> str:
    """The table the README and docs/role-families.md quote: aggregate figures only, no
    confusions or titles, so a run of it cannot point a rule at held-out titles."""
    total = score(rows)
    employers = len({row["company"] for row in rows})
    lines = [
        f"held-out role families: {total.titles} titles, {employers} employers, "
        f"{len({row['industry'] for row in rows})} industries",
        f"{'industry':<15}{'titles':>7}{'employers':>10}{'correct':>9}{'other, fits':>12}",
    ]
    for name, part in by_industry(rows).items():
        count = len({row["company"] for row in rows if row["industry"] == name})
        lines.append(
            f"{name:<15}{part.titles:>7}{count:>10}{part.accuracy:>9.1%}{part.missed_share:>12.1%}"
        )
    lines.append(
        f"{'all':<15}{total.titles:>7}{employers:>10}{total.accuracy:>9.1%}"
        f"{total.missed_share:>12.1%}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(load_titles(HELDOUT)))
