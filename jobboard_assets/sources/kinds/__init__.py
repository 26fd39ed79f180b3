"""The board kinds by name: `scrape_board` dispatches through `KINDS`, the registry validates with it."""

from __future__ import annotations

from jobboard_assets.sources.kinds import (
    ashby,
    greenhouse,
    html,
    lever,
    personio,
    rss,
    smartrecruiters,
    workable,
    workday,
)
from jobboard_assets.sources.kinds.base import Kind

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        greenhouse.KIND,
        lever.KIND,
        ashby.KIND,
        smartrecruiters.KIND,
        workable.KIND,
        workday.KIND,
        personio.KIND,
        rss.KIND,
        html.KIND,
    )
}
