"""The pipeline's phases as plain functions over the warehouse and the sources (no Dagster)."""
