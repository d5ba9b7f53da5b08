"""report cache: rendered report PDFs, kept by the digest of their inputs

Nothing to carry over: the cache fills on the first download of each report.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 02:54:18.002433
"""

from collections.abc import Sequence

import advanced_alchemy.types.datetime
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_cache",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("tender_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("report_cache", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_cache_tender_id"), ["tender_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_cache_tender_id"))

    op.drop_table("report_cache")
