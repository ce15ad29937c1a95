"""cases: inspectors' case files (listings gathered for one legal action) and their items

Revision ID: 5b1c0ca5e001
Revises: 77290b1772f3
Create Date: 2026-11-29 05:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "5b1c0ca5e001"
down_revision: str | Sequence[str] | None = "77290b1772f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("seller_id", _BigId, nullable=True),
        sa.Column("legal_basis", sa.String(length=500), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["app_user.id"], name=op.f("fk_case_created_by_app_user")),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["seller.id"], name=op.f("fk_case_seller_id_seller"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case")),
    )
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_status_updated_at"), ["status", "updated_at"], unique=False)

    op.create_table(
        "case_item",
        sa.Column("id", _BigId, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("listing_id", _BigId, nullable=False),
        sa.Column("flag_id", _BigId, nullable=True),
        sa.Column("added_by", sa.Integer(), nullable=False),
        sa.Column("added_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by"], ["app_user.id"], name=op.f("fk_case_item_added_by_app_user")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_item_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["flag_id"], ["flag.id"], name=op.f("fk_case_item_flag_id_flag"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listing.id"], name=op.f("fk_case_item_listing_id_listing"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_item")),
        sa.UniqueConstraint("case_id", "listing_id", name=op.f("uq_case_item_case_id_listing_id")),
    )
    with op.batch_alter_table("case_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_item_listing_id"), ["listing_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_item_listing_id"))
    op.drop_table("case_item")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_status_updated_at"))
    op.drop_table("case")
