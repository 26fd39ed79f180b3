"""The simulated boards as a board registry file (the `boards.yaml` format the pipeline reads)."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from jobboard_assets.sources.records import BoardConfig


def registry_yaml(configs: Sequence[BoardConfig], header: str) -> str:
    """YAML with `header` as a leading comment; keys in the registry's documented order."""
    boards = [
        {
            "slug": config.slug,
            "name": config.name,
            "kind": config.kind,
            "url": config.url,
            "enabled": config.enabled,
            "category": config.category,
            "industry": config.industry,
            "options": dict(config.options),
        }
        for config in configs
    ]
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    body = yaml.safe_dump(
        {"boards": boards}, sort_keys=False, allow_unicode=True, default_flow_style=None, width=200
    )
    return comment + body
