"""The review migration: one head, both dialects upgrade to it without drift, and it downgrades cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from storage.db import alembic_config, current_revision, head_revision, make_engine, upgrade
from storage.models import Base

REVIEW_TABLES = {"app_user", "user_session", "review", "audit_log", "tip"}
PREVIOUS = "c20ea2c531e2"
REVIEW_UI = "3db05ab02168"


def test_one_head_and_the_review_migration_on_top_of_the_initial_schema() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(scripts.get_heads()) == 1
    assert scripts.get_revision(REVIEW_UI).down_revision == PREVIOUS  # type: ignore[union-attr]


def test_upgrade_to_head_without_drift_and_back(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    inspector = inspect(engine)
    assert REVIEW_TABLES <= set(inspector.get_table_names())
    assert "ix_listing_risk_score_id" in {i["name"] for i in inspector.get_indexes("listing")}
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []

    from alembic import command

    command.downgrade(alembic_config(engine), PREVIOUS)
    assert current_revision(engine) == PREVIOUS
    assert not REVIEW_TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


TIP_LISTING_INDEX = "77290b1772f3"
CONTACTS = "7d20845cc7b0"


def test_tip_listing_index_upgrades_and_downgrades(db_url: str) -> None:
    from alembic import command

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert scripts.get_revision(TIP_LISTING_INDEX).down_revision == CONTACTS  # type: ignore[union-attr]
    engine = make_engine(db_url)
    upgrade(engine)
    assert "ix_tip_listing_id" in {i["name"] for i in inspect(engine).get_indexes("tip")}
    command.downgrade(alembic_config(engine), CONTACTS)
    assert "ix_tip_listing_id" not in {i["name"] for i in inspect(engine).get_indexes("tip")}
    upgrade(engine)
    engine.dispose()
