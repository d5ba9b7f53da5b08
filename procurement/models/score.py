"""Evaluators' scores and the lead's moderated (consensus) scores."""

import uuid
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from procurement.db import ScaledDecimal
from procurement.models.base import Entity, optional_timestamp

SCORE_PLACES = 2  # scale points are stored to two decimal places, like the scales themselves


class Score(Entity, table=True):
    """One evaluator's score for one criterion of one bid. A draft until the evaluator submits
    their set; after that it never changes."""

    __tablename__ = "score"
    __table_args__ = (
        sa.UniqueConstraint("bid_id", "criterion_key", "evaluator_id", name="uq_score"),
    )

    tender_id: uuid.UUID = Field(foreign_key="tender.id", index=True)
    bid_id: uuid.UUID = Field(foreign_key="bid.id", index=True)
    evaluator_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    criterion_key: str = Field(max_length=40)
    value: Decimal = Field(sa_type=ScaledDecimal(SCORE_PLACES), nullable=False)
    rationale: str = Field(sa_type=sa.Text)
    submitted_at: datetime | None = optional_timestamp()


class ModeratedScore(Entity, table=True):
    """The consensus the lead recorded for one criterion of one bid, with the reason. The
    evaluators' own scores stay as they were."""

    __tablename__ = "moderated_score"
    __table_args__ = (sa.UniqueConstraint("bid_id", "criterion_key", name="uq_moderated_score"),)

    tender_id: uuid.UUID = Field(foreign_key="tender.id", index=True)
    bid_id: uuid.UUID = Field(foreign_key="bid.id", index=True)
    criterion_key: str = Field(max_length=40)
    value: Decimal = Field(sa_type=ScaledDecimal(SCORE_PLACES), nullable=False)
    note: str = Field(sa_type=sa.Text)
    moderated_by_id: uuid.UUID = Field(foreign_key="user_account.id")
