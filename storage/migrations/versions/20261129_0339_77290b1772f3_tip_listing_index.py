"""tip listing index: the queue marks and filters flags whose listing came from a citizen's tip

Revision ID: 77290b1772f3
Revises: 7d20845cc7b0
Create Date: 2026-11-29 03:39:31.707972
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "77290b1772f3"
down_revision: str | Sequence[str] | None = "7d20845cc7b0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tip", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_listing_id"), ["listing_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tip", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_listing_id"))
