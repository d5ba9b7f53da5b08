"""audit row digests and checkpoints

Row-state digests on audit events and signed chain checkpoints.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 22:00:00.000000
"""

from collections.abc import Sequence

import advanced_alchemy.types.datetime
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add row digests to the trail and the table of signed checkpoints."""
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.add_column(sa.Column("row_digests", sa.JSON(), nullable=True))
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "taken_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_audit_checkpoint_organisation",
        "audit_checkpoint",
        ["organisation_id", "position"],
        unique=False,
    )


def downgrade() -> None:
    """Remove the checkpoints and the row digests."""
    op.drop_index("ix_audit_checkpoint_organisation", table_name="audit_checkpoint")
    op.drop_table("audit_checkpoint")
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_column("row_digests")
