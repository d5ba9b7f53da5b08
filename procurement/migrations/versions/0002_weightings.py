"""weightings: measure catalogue, weighting templates, tender criteria and bid answers

Rows from before this revision keep working: tenders get {} for their criteria and rules
(read as an empty tree and the default rules), bids get no answers, and organisations get
the standard social value minimum, 10% (stored in hundredths), enforced as an error.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:50:34.501274
"""

from collections.abc import Sequence

import advanced_alchemy.types.datetime
import sqlalchemy as sa
import sqlmodel
from alembic import op

import procurement.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "measure",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column(
            "theme",
            sa.Enum(
                "jobs",
                "growth",
                "social",
                "environment",
                "innovation",
                name="measuretheme",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "code", name="uq_measure_code"),
    )
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "weighting_template",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tree", sa.JSON(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "name", name="uq_weighting_template_name"),
    )
    with op.batch_alter_table("weighting_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_weighting_template_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "measure_value",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("measure_id", sa.Uuid(), nullable=False),
        sa.Column("value_per_unit", procurement.db.ScaledDecimal(2), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint("value_per_unit > 0", name="ck_measure_value_positive"),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measure.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("measure_id", "effective_from", name="uq_measure_value_date"),
    )
    with op.batch_alter_table("measure_value", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measure_value_measure_id"), ["measure_id"], unique=False
        )

    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("metric_answers", sa.JSON(), server_default="{}", nullable=False)
        )
        batch_op.add_column(
            sa.Column("pass_fail_answers", sa.JSON(), server_default="{}", nullable=False)
        )
        batch_op.add_column(
            sa.Column("quality_responses", sa.JSON(), server_default="{}", nullable=False)
        )
        batch_op.add_column(
            sa.Column("commitments", sa.JSON(), server_default="[]", nullable=False)
        )

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "social_value_minimum_percent",
                procurement.db.ScaledDecimal(2),
                server_default=sa.text("1000"),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "social_value_policy",
                sa.Enum("error", "warning", name="severity", native_enum=False, length=32),
                server_default="error",
                nullable=False,
            )
        )

    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.add_column(sa.Column("criteria", sa.JSON(), server_default="{}", nullable=False))
        batch_op.add_column(
            sa.Column("evaluation_rules", sa.JSON(), server_default="{}", nullable=False)
        )
        batch_op.add_column(sa.Column("criteria_template_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("measure_values_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            "fk_tender_criteria_template_id",
            "weighting_template",
            ["criteria_template_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.drop_constraint("fk_tender_criteria_template_id", type_="foreignkey")
        batch_op.drop_column("measure_values_on")
        batch_op.drop_column("criteria_template_id")
        batch_op.drop_column("evaluation_rules")
        batch_op.drop_column("criteria")

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("social_value_policy")
        batch_op.drop_column("social_value_minimum_percent")

    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.drop_column("commitments")
        batch_op.drop_column("quality_responses")
        batch_op.drop_column("pass_fail_answers")
        batch_op.drop_column("metric_answers")

    with op.batch_alter_table("measure_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_value_measure_id"))

    op.drop_table("measure_value")
    with op.batch_alter_table("weighting_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weighting_template_organisation_id"))

    op.drop_table("weighting_template")
    with op.batch_alter_table("measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_organisation_id"))

    op.drop_table("measure")
