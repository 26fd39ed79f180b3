"""The warehouse: SQLAlchemy models, Alembic migrations and the queries; all SQL lives here."""
