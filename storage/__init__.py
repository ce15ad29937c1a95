"""Persistence: SQLAlchemy models, Alembic migrations and repositories."""
