"""Starting runs from our own processes: `jobboard run/backfill/demo` execute the code location's
jobs here (`execute`) and reap the runs of a process that died (`orphans`). Above the
definitions: the only floor besides the CLI that imports `jobboard_assets.definitions`.
"""
