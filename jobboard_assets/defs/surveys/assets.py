"""The surveys phase 5 reads: external assets, imported with `jobboard surveys import`."""

from dagster import AssetKey, AssetSpec

EMPLOYER_SURVEYS = AssetKey("employer_surveys")
CANDIDATE_SURVEYS = AssetKey("candidate_surveys")

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
