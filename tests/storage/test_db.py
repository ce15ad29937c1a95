"""Engines, sessions and automatic schema upgrades."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from storage.db import (
    SQLITE_BUSY_TIMEOUT_MS,
    current_revision,
    ensure_schema,
    head_revision,
    make_engine,
    make_session_factory,
    unit_of_work,
)
from storage.models import Source, utcnow


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("busy_timeout", SQLITE_BUSY_TIMEOUT_MS),
        ("foreign_keys", 1),
        ("synchronous", 1),  # NORMAL
    ],
)
def test_sqlite_connections_are_configured(sqlite_url: str, pragma: str, expected: object) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text(f"PRAGMA {pragma}")).scalar() == expected
    engine.dispose()


def test_sqlite_enforces_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    with engine.connect() as conn, pytest.raises(Exception, match="FOREIGN KEY"):
        conn.execute(
            text(
                "INSERT INTO seller (source_id, external_id, first_seen_at, last_seen_at) "
                "VALUES (999, 'x', '2026-01-01', '2026-01-01')"
            )
        )
    engine.dispose()


def test_ensure_schema_upgrades_a_new_database_once(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    assert ensure_schema(engine) is True
    assert current_revision(engine) == head_revision()
    assert ensure_schema(engine) is False
    engine.dispose()


def test_plain_postgresql_url_uses_psycopg_3(pg_url: str) -> None:
    assert pg_url.startswith("postgresql://")
    engine = make_engine(pg_url)
    assert engine.dialect.driver == "psycopg"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "postgresql+psycopg://u@h/db"])
def test_make_engine_driver_without_connecting(url: str) -> None:
    engine = make_engine(url)
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
    engine.dispose()


def test_unit_of_work_commits_or_rolls_back(migrated_engine) -> None:  # type: ignore[no-untyped-def]
    factory = make_session_factory(migrated_engine)
    with unit_of_work(factory) as session:
        session.add(Source(name="shopee", created_at=utcnow()))
    with pytest.raises(RuntimeError), unit_of_work(factory) as session:
        session.add(Source(name="tiki", created_at=utcnow()))
        session.flush()
        raise RuntimeError("boom")
    with factory() as session:
        assert list(session.scalars(select(Source.name))) == ["shopee"]
