"""Board sources: HTTP client, one parser per board kind, title normalization.

Free of Dagster and SQL: they take a board and a date and return records.
"""
