"""Evaluators assigned to a tender, with their conflict-of-interest declarations."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from procurement.domain.evaluation import ConflictDecision, Declaration
from procurement.models.base import Entity, enum_column, json_list_column, optional_timestamp


class EvaluatorAssignment(Entity, table=True):
    """One evaluator on one tender: what they evaluate, what they declared, and the lead's
    decision on any interest. Rows are never deleted, so the record of who took part stays."""

    __tablename__ = "evaluator_assignment"
    __table_args__ = (sa.UniqueConstraint("tender_id", "user_id", name="uq_evaluator_assignment"),)

    tender_id: uuid.UUID = Field(foreign_key="tender.id", index=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    assigned_by_id: uuid.UUID = Field(foreign_key="user_account.id")
    # Keys of the criteria groups this evaluator scores; empty means every group.
    group_keys: list[str] = json_list_column()
    declaration: Declaration = enum_column(Declaration, default=Declaration.NOT_DECLARED)
    interest_details: str | None = Field(default=None, sa_type=sa.Text)
    declared_at: datetime | None = optional_timestamp()
    decision: ConflictDecision | None = enum_column(ConflictDecision, nullable=True)
    decision_note: str | None = Field(default=None, sa_type=sa.Text)
    # For a `restrict` decision: the ids (as strings) of the bids the evaluator may see.
    allowed_bid_ids: list[str] = json_list_column()
    decided_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = optional_timestamp()
    # When the evaluator submitted their set of scores; they are fixed from then on.
    scores_submitted_at: datetime | None = optional_timestamp()
