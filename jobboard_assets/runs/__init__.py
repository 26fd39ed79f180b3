"""Dagster runs outside the code location: executing them in this process (`jobboard run`),
mirroring them into pipeline_runs, reaping those of dead processes, and the tags and metadata
that tie them to a pipeline execution. Imports the definitions from `defs/`; `defs/` holds
nothing else.
"""
