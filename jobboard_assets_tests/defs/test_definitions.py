"""The code location `load_from_defs_folder` assembles from `defs/`: exactly the definitions the
UI, the tests and `jobboard run` name, each collected from one module only.

The loader collects whatever a module under `defs/` holds at its top level, so a module that is
no longer found, or a definition imported into a second module, changes the location silently:
these tests name everything.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict
from pathlib import Path

from dagster import (
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    Definitions,
    in_process_executor,
    load_definitions_from_module,
)

import jobboard_assets.defs
from jobboard_assets import definitions
from jobboard_assets.lib.asset_catalog import OWNERS
from jobboard_assets.lib.deadlines import DAILY_DEADLINE
from jobboard_assets.lib.resources import BoardSourcesResource, WarehouseResource
from jobboard_assets.warehouse.models import Base

SCRAPE_ASSETS = {"board_postings", "raw_data_snapshots"}
DAILY_ASSETS = {
    "posting_lifespans",
    "posting_reposts",
    "efficiency_scores",
    "lifespan_metrics",
    "repost_frequency",
    "cross_board_jobs",
}
SURVEYS = {"employer_surveys", "candidate_surveys"}
CHECKS = {
    "posting_lifespans:no_duplicate_postings",
    "posting_lifespans:no_negative_lifespans",
    "posting_lifespans:snapshots_match_postings",
    "posting_lifespans:no_suspiciously_small_scrapes",
}


def test_the_location_holds_every_asset_check_job_schedule_and_sensor_by_name() -> None:
    defs = definitions.defs()
    graph = defs.resolve_asset_graph()
    assert {key.to_user_string() for key in graph.get_all_asset_keys()} == (
        SCRAPE_ASSETS | DAILY_ASSETS | SURVEYS
    )
    assert {key.to_user_string() for key in graph.materializable_asset_keys} == (
        SCRAPE_ASSETS | DAILY_ASSETS
    )
    assert {key.to_user_string() for key in graph.asset_check_keys} == CHECKS
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups == {
        "board_postings": "scrape",
        "raw_data_snapshots": "scrape",
        "posting_lifespans": "history",
        "posting_reposts": "history",
        "efficiency_scores": "scores",
        "lifespan_metrics": "analytics",
        "repost_frequency": "analytics",
        "cross_board_jobs": "history",
        "employer_surveys": "surveys",
        "candidate_surveys": "surveys",
    }

    repository = defs.get_repository_def()
    assert {job.name for job in repository.get_all_jobs()} == {
        "scrape_boards",
        "daily_history",
        "scrape_boards_sharded",
        "__ASSET_JOB",  # Dagster's implicit job of all assets (the UI's materialize button)
    }
    assert {(s.name, s.job_name) for s in repository.schedule_defs} == {
        ("daily_pipeline_schedule", "scrape_boards")
    }
    assert {
        (sensor.name, tuple(target.job_name for target in sensor.targets))
        for sensor in repository.sensor_defs
    } == {
        ("board_registry_sensor", ()),
        ("history_after_scrape_sensor", ("daily_history",)),
        ("pipeline_runs_mirror_sensor", ()),
        ("api_run_requests_sensor", ("scrape_boards",)),
    }
    # What each does is on its page in the UI.
    undescribed = [s.name for s in repository.schedule_defs if not s.description] + [
        s.name for s in repository.sensor_defs if not s.description
    ]
    assert undescribed == []


def test_resources_and_the_in_process_executor_are_set_once_for_the_location() -> None:
    defs = definitions.defs()
    assert defs.executor is in_process_executor
    assert {key: type(value) for key, value in (defs.resources or {}).items()} == {
        "warehouse": WarehouseResource,
        "sources": BoardSourcesResource,
    }


def test_the_reconstructable_job_functions_resolve_the_jobs_of_the_location() -> None:
    scrape, history, sharded = (
        definitions.scrape_job(),
        definitions.history_job(),
        definitions.sharded_scrape_job(),
    )
    assert (scrape.name, history.name, sharded.name) == (
        "scrape_boards",
        "daily_history",
        "scrape_boards_sharded",
    )
    assert {key.to_user_string() for key in scrape.asset_layer.selected_asset_keys} == (
        SCRAPE_ASSETS
    )
    assert {key.to_user_string() for key in history.asset_layer.selected_asset_keys} == (
        DAILY_ASSETS
    )
    # The warehouse checks (one op, attached to posting_lifespans) run in the history job.
    assert {node.name for node in history.nodes} == DAILY_ASSETS | {"warehouse_consistency"}
    assert scrape.executor_def is in_process_executor
    assert sharded.executor_def.name == "celery"


def _label(definition: object) -> str:
    """What a person calls a definition: its asset key, else its op's or its own name."""
    if isinstance(definition, AssetSpec):
        return definition.key.to_user_string()
    if isinstance(definition, AssetsDefinition):
        return definition.node_def.name
    return str(getattr(definition, "name", definition))  # jobs, schedules, sensors


def test_each_definition_is_collected_from_one_module_of_defs() -> None:
    """A definition imported into a second module would be collected there too: refer to it by
    its key or its name (`job_name=`), never by the object, outside its own module."""
    modules: dict[str, list[str]] = defaultdict(list)
    package = jobboard_assets.defs
    names = [package.__name__] + [
        info.name for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
    ]
    for name in names:
        module = importlib.import_module(name)
        loaded = load_definitions_from_module(module)
        for definition in [
            *(loaded.assets or []),
            *(loaded.asset_checks or []),
            *(loaded.jobs or []),
            *(loaded.schedules or []),
            *(loaded.sensors or []),
        ]:
            where = name.removeprefix(f"{package.__name__}.")
            if where not in modules[_label(definition)]:  # the loader lists each AssetSpec twice
                modules[_label(definition)].append(where)
        # The only Definitions object under defs/: the deployment's resources and executor.
        has_definitions = any(isinstance(value, Definitions) for value in vars(module).values())
        assert has_definitions == (name == f"{package.__name__}.deployment"), name

    assert modules == {
        "scrape_and_snapshot": ["scrape.assets"],
        "scrape_boards": ["scrape.jobs"],
        "scrape_boards_sharded": ["scrape.shards"],
        "posting_lifespans": ["history.assets"],
        "posting_reposts": ["history.assets"],
        "warehouse_consistency": ["history.checks"],
        "daily_history": ["history.jobs"],
        "efficiency_scores": ["scores.assets"],
        "lifespan_metrics": ["analytics.assets"],
        "repost_frequency": ["analytics.assets"],
        "cross_board_jobs": ["history.cross_board"],
        "employer_surveys": ["surveys.assets"],
        "candidate_surveys": ["surveys.assets"],
        "daily_pipeline_schedule": ["scrape.schedules"],
        "board_registry_sensor": ["scrape.sensors"],
        "history_after_scrape_sensor": ["history.sensors"],
        "pipeline_runs_mirror_sensor": ["run_records.sensors"],
        "api_run_requests_sensor": ["run_records.sensors"],
    }


def test_the_catalog_names_owner_table_columns_code_and_deadline_of_each_daily_asset() -> None:
    """Scrape, snapshot and the daily assets: an owner, the table they write with its columns
    as the warehouse has them, the function that does the work, and the 06:00 UTC deadline."""
    graph = definitions.defs().resolve_asset_graph()
    tables = {table.name: table for table in Base.metadata.sorted_tables}
    for key in sorted(SCRAPE_ASSETS | DAILY_ASSETS):
        node = graph.get(AssetKey(key))
        assert node.owners == OWNERS, key
        assert node.freshness_policy == DAILY_DEADLINE, key
        table = tables[node.metadata["dagster/table_name"]]
        columns = node.metadata["dagster/column_schema"].schema.columns
        assert columns and {c.name for c in columns} <= set(table.columns.keys()), key
        (reference,) = node.metadata["dagster/code_references"].code_references
        source = Path(reference.file_path).read_text().splitlines()
        assert source[reference.line_number - 1].startswith("def "), key
