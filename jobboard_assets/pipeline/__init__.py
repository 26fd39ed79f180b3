"""The pipeline's phases as plain functions over the warehouse and the sources (no Dagster).

One module per step: `board_day` (scrape and snapshot), `lifespans`, `reposts`, `scores`,
`analytics`, `lifespan_report`, `survey_import`, `rebuild`; the postings a history run shares
(`posting_history`, with its parquet copy in `frame_cache`), which days it computes and what each
day sees (`timeline`), and what a phase reports (`phase_summary`).
"""
