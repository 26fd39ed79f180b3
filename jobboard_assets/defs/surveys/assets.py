"""The surveys the scores phase reads: external assets, imported with `jobboard surveys import`."""

from dagster import AssetSpec

from jobboard_assets.lib.names import CANDIDATE_SURVEYS, EMPLOYER_SURVEYS

employer_surveys = AssetSpec(
    EMPLOYER_SURVEYS,
    description="Employer surveys, imported with `jobboard surveys import`.",
    group_name="surveys",
    kinds={"csv", "sql"},
)
candidate_surveys = AssetSpec(
    CANDIDATE_SURVEYS,
    description="Candidate surveys, imported with `jobboard surveys import`.",
    group_name="surveys",
    kinds={"csv", "sql"},
)
