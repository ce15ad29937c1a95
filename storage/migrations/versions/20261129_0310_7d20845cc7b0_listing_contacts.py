"""listing contacts: phones, Zalo ids and links found in listings (for seller linking)

Revision ID: 7d20845cc7b0
Revises: 3db05ab02168
Create Date: 2026-11-29 03:10:29.799521
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7d20845cc7b0"
down_revision: str | Sequence[str] | None = "3db05ab02168"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "contacts",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=False,
                server_default=sa.text("'{}'"),  # existing listings: no contacts found yet
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.drop_column("contacts")
