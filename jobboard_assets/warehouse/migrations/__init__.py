"""Alembic migrations for the warehouse; one set of files for SQLite and PostgreSQL."""
