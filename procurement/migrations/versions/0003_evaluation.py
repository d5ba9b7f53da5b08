"""evaluation: evaluators and declarations, scores, moderation, awards, cached results and
the audit trail

Existing tenders get blind pricing (evaluators who score no price criterion do not see
prices) and evaluation input version 1; existing bids are not excluded and have no salt
for their audit digest (bids made from now on get a random one).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 01:43:08.511275
"""

from collections.abc import Sequence

import advanced_alchemy.types.datetime
import sqlalchemy as sa
import sqlmodel
from alembic import op

import procurement.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id"),
    )
    # Every organisation's chain starts from a head row, which appends lock.
    op.execute(
        sa.text(
            "INSERT INTO audit_chain_head (organisation_id, position, hash) "
            "SELECT id, 0, :genesis FROM organisation"
        ).bindparams(genesis="0" * 64)
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "occurred_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
        sa.Column("tender_id", sa.Uuid(), nullable=True),
        sa.Column("entity_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("previous_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "position", name="uq_audit_event_position"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_audit_event_tender_time", ["tender_id", "occurred_at"], unique=False
        )

    op.create_table(
        "evaluation_result",
        sa.Column("tender_id", sa.Uuid(), nullable=False),
        sa.Column("input_version", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("sensitivity", sa.JSON(), nullable=False),
        sa.Column(
            "computed_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
        ),
        sa.PrimaryKeyConstraint("tender_id"),
    )
    op.create_table(
        "evaluator_assignment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("assigned_by_id", sa.Uuid(), nullable=False),
        sa.Column("group_keys", sa.JSON(), nullable=False),
        sa.Column(
            "declaration",
            sa.Enum(
                "not_declared",
                "no_interest",
                "interest",
                name="declaration",
                native_enum=False,
                length=32,
            ),
            server_default="not_declared",
            nullable=False,
        ),
        sa.Column("interest_details", sa.Text(), nullable=True),
        sa.Column(
            "declared_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column(
            "decision",
            sa.Enum(
                "allow", "restrict", "remove", name="conflictdecision", native_enum=False, length=32
            ),
            nullable=True,
        ),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("allowed_bid_ids", sa.JSON(), nullable=False),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column(
            "scores_submitted_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tender_id", "user_id", name="uq_evaluator_assignment"),
    )
    with op.batch_alter_table("evaluator_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluator_assignment_tender_id"), ["tender_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evaluator_assignment_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "award",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Uuid(), nullable=False),
        sa.Column("bid_id", sa.Uuid(), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("standstill_ends", sa.Date(), nullable=False),
        sa.Column("awarded_by_id", sa.Uuid(), nullable=False),
        sa.Column("evaluation_version", sa.Integer(), nullable=False),
        sa.Column("winner_rank", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["awarded_by_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["bid_id"],
            ["bid.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tender_id"),
    )
    op.create_table(
        "moderated_score",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Uuid(), nullable=False),
        sa.Column("bid_id", sa.Uuid(), nullable=False),
        sa.Column("criterion_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", procurement.db.ScaledDecimal(2), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("moderated_by_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bid_id"],
            ["bid.id"],
        ),
        sa.ForeignKeyConstraint(
            ["moderated_by_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bid_id", "criterion_key", name="uq_moderated_score"),
    )
    with op.batch_alter_table("moderated_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderated_score_bid_id"), ["bid_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_moderated_score_tender_id"), ["tender_id"], unique=False
        )

    op.create_table(
        "score",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Uuid(), nullable=False),
        sa.Column("bid_id", sa.Uuid(), nullable=False),
        sa.Column("evaluator_id", sa.Uuid(), nullable=False),
        sa.Column("criterion_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", procurement.db.ScaledDecimal(2), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column(
            "submitted_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["bid_id"],
            ["bid.id"],
        ),
        sa.ForeignKeyConstraint(
            ["evaluator_id"],
            ["user_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bid_id", "criterion_key", "evaluator_id", name="uq_score"),
    )
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_bid_id"), ["bid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_evaluator_id"), ["evaluator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_tender_id"), ["tender_id"], unique=False)

    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "contents_salt",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                server_default="",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("excluded_reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "excluded_at",
                advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("excluded_by_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            "fk_bid_excluded_by_id", "user_account", ["excluded_by_id"], ["id"]
        )

    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("blind_pricing", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("evaluation_version", sa.Integer(), server_default="1", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.drop_column("evaluation_version")
        batch_op.drop_column("blind_pricing")

    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.drop_constraint("fk_bid_excluded_by_id", type_="foreignkey")
        batch_op.drop_column("excluded_by_id")
        batch_op.drop_column("excluded_at")
        batch_op.drop_column("excluded_reason")
        batch_op.drop_column("contents_salt")

    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_tender_id"))
        batch_op.drop_index(batch_op.f("ix_score_evaluator_id"))
        batch_op.drop_index(batch_op.f("ix_score_bid_id"))

    op.drop_table("score")
    with op.batch_alter_table("moderated_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderated_score_tender_id"))
        batch_op.drop_index(batch_op.f("ix_moderated_score_bid_id"))

    op.drop_table("moderated_score")
    op.drop_table("award")
    with op.batch_alter_table("evaluator_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluator_assignment_user_id"))
        batch_op.drop_index(batch_op.f("ix_evaluator_assignment_tender_id"))

    op.drop_table("evaluator_assignment")
    op.drop_table("evaluation_result")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_tender_time")
        batch_op.drop_index(batch_op.f("ix_audit_event_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_id"))

    op.drop_table("audit_event")
    op.drop_table("audit_chain_head")
