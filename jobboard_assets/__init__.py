"""jobboard-assets: a Dagster platform that tracks job-board postings and scores the boards."""
