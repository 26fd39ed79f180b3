"""Shared code beneath the definitions: what defs/ and the launcher both need.

Names (asset keys, jobs, ops, pools: `names`, a leaf), partitions, run tags and ranges, the board
partitions' sync, the run mirror into pipeline_runs and the queue timeout, the metadata a phase
shows in the UI, redaction, the resources and the daily asset factory. Nothing here imports
`defs/` or `definitions`: definitions are built from this floor, never the other way round.
"""
