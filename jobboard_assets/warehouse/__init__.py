"""The warehouse: its schema (models, migrations), engines and sessions, and the queries.

Importing the package registers the writers of each run's job page (`job_pages`), so every ORM
write of `pipeline_runs.jobs` keeps its page, whoever imports the models.
"""

from jobboard_assets.warehouse.queries import job_pages as job_pages
