"""flag queue columns: the listing's risk score, source, seller and provinces copied onto its flags

The review queue then walks one partial index of open flags (riskiest first) instead of joining a
million listings, and the reports group flags without joining them.

Revision ID: 9d2e7f3a4b02
Revises: 5b1c0ca5e001
Create Date: 2026-11-29 05:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d2e7f3a4b02"
down_revision: str | Sequence[str] | None = "5b1c0ca5e001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COPIED = ("risk_score", "source_id", "seller_id", "province", "province_legacy")
OPEN = sa.text("status IN ('new', 'in_review')")


def upgrade() -> None:
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk_score", sa.Float(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("seller_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
        batch_op.add_column(sa.Column("province", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("province_legacy", sa.String(length=64), nullable=True))

    # Backfill existing flags from their listings (before the indexes: one pass, no index upkeep).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE flag SET risk_score = listing.risk_score, source_id = listing.source_id,"
            " seller_id = listing.seller_id, province = listing.province,"
            " province_legacy = listing.province_legacy"
            " FROM listing WHERE listing.id = flag.listing_id"
        )
    else:  # row values: SQLite before 3.33 has no UPDATE ... FROM
        op.execute(
            "UPDATE flag SET (risk_score, source_id, seller_id, province, province_legacy) ="
            " (SELECT listing.risk_score, listing.source_id, listing.seller_id, listing.province,"
            " listing.province_legacy FROM listing WHERE listing.id = flag.listing_id)"
        )

    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_flag_open_queue",
            ["risk_score", "listing_id", "id"],
            unique=False,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )
        batch_op.create_index(
            "ix_flag_open_category_severity",
            ["category", "severity", "risk_score", "listing_id", "id"],
            unique=False,
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )
        batch_op.create_index(
            batch_op.f("ix_flag_rule_id_status_category"), ["rule_id", "status", "category"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_flag_status_risk_score_listing_id_id"),
            ["status", "risk_score", "listing_id", "id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_flag_seller_id_status"), ["seller_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flag_seller_id_status"))
        batch_op.drop_index(batch_op.f("ix_flag_status_risk_score_listing_id_id"))
        batch_op.drop_index(batch_op.f("ix_flag_rule_id_status_category"))
        batch_op.drop_index("ix_flag_open_category_severity", postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.drop_index("ix_flag_open_queue", postgresql_where=OPEN, sqlite_where=OPEN)
        for name in reversed(COPIED):
            batch_op.drop_column(name)
