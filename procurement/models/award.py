"""The award decision on a tender."""

import uuid
from datetime import date

import sqlalchemy as sa
from sqlmodel import Field

from procurement.models.base import Entity


class Award(Entity, table=True):
    """Who won, when it was decided, why, and when the standstill period ends."""

    __tablename__ = "award"

    tender_id: uuid.UUID = Field(foreign_key="tender.id", unique=True)
    bid_id: uuid.UUID = Field(foreign_key="bid.id")
    decision_date: date
    rationale: str = Field(sa_type=sa.Text)
    # Why the award departs from the ranking or stands despite an unresolved flag.
    justification: str | None = Field(default=None, sa_type=sa.Text)
    standstill_ends: date
    awarded_by_id: uuid.UUID = Field(foreign_key="user_account.id")
    # The evaluation (by input version) the decision was taken on, and the winner's rank in it.
    evaluation_version: int
    winner_rank: int | None = None
