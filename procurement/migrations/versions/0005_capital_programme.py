"""capital programme: schemes, spend, publications

New tables only: capital schemes with their funding, budget profile and linked tenders; spend
transactions and the imports that brought them; published summaries and their files.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 05:17:14.790041
"""

from collections.abc import Sequence

import advanced_alchemy.types.datetime
import sqlalchemy as sa
import sqlmodel
from alembic import op

import procurement.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "capital_project",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("service_area", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("ward", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "approved",
                "in_delivery",
                "complete",
                "cancelled",
                name="projectstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("approved_budget", procurement.db.ScaledDecimal(2), nullable=False),
        sa.Column("forecast_outturn", procurement.db.ScaledDecimal(2), nullable=False),
        sa.Column("variance_explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "code", name="uq_capital_project_code"),
    )
    with op.batch_alter_table("capital_project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capital_project_code"), ["code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_capital_project_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_capital_project_service_area"), ["service_area"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_capital_project_status"), ["status"], unique=False)

    op.create_table(
        "project_budget_profile",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("financial_year", sa.Integer(), nullable=False),
        sa.Column("amount", procurement.db.ScaledDecimal(2), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["capital_project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "financial_year"),
    )
    op.create_table(
        "project_funding",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "borrowing",
                "government_grants",
                "capital_receipts",
                "developer_contributions",
                "revenue_contributions",
                "other",
                name="fundingsource",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("amount", procurement.db.ScaledDecimal(2), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["capital_project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "source"),
    )
    op.create_table(
        "publication",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("supersedes_id", sa.Uuid(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("correction_note", sa.Text(), nullable=False),
        sa.Column(
            "published_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=False,
        ),
        sa.Column("published_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "published_by_name", sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False
        ),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["publication.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "period", "version", name="uq_publication_version"),
        sa.UniqueConstraint("supersedes_id"),
    )
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_publication_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "spend_import",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "running", "succeeded", "failed", name="importstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_added", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "finished_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("spend_import", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spend_import_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "project_tender",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("tender_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["capital_project.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
        ),
        sa.PrimaryKeyConstraint("project_id", "tender_id"),
    )
    with op.batch_alter_table("project_tender", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_tender_tender_id"), ["tender_id"], unique=False
        )

    op.create_table(
        "publication_file",
        sa.Column("publication_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publication.id"],
        ),
        sa.PrimaryKeyConstraint("publication_id", "kind"),
    )
    op.create_table(
        "spend_transaction",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column(
            "transaction_number", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("service_area", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("beneficiary", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("amount", procurement.db.ScaledDecimal(2), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["spend_import.id"],
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["capital_project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "organisation_id", "transaction_number", name="uq_spend_transaction_number"
        ),
    )
    with op.batch_alter_table("spend_transaction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spend_transaction_import_id"), ["import_id"], unique=False
        )
        batch_op.create_index(
            "ix_spend_transaction_project_paid", ["project_id", "paid_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("spend_transaction", schema=None) as batch_op:
        batch_op.drop_index("ix_spend_transaction_project_paid")
        batch_op.drop_index(batch_op.f("ix_spend_transaction_import_id"))

    op.drop_table("spend_transaction")
    op.drop_table("publication_file")
    with op.batch_alter_table("project_tender", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_tender_tender_id"))

    op.drop_table("project_tender")
    with op.batch_alter_table("spend_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spend_import_organisation_id"))

    op.drop_table("spend_import")
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publication_organisation_id"))

    op.drop_table("publication")
    op.drop_table("project_funding")
    op.drop_table("project_budget_profile")
    with op.batch_alter_table("capital_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capital_project_status"))
        batch_op.drop_index(batch_op.f("ix_capital_project_service_area"))
        batch_op.drop_index(batch_op.f("ix_capital_project_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_capital_project_code"))

    op.drop_table("capital_project")
