"""The Dagster layer: assets, partitions, checks, schedules, sensors and resources."""
