"""The latest computed evaluation of each tender, kept with the input version it was computed
from, so that every worker process serves the same result and none recomputes it needlessly."""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from sqlmodel import Field, SQLModel

from procurement.models.base import utc_now


class EvaluationResultCache(SQLModel, table=True):
    """The engine's result and sensitivity analysis for one tender at one input version."""

    __tablename__ = "evaluation_result"

    tender_id: uuid.UUID = Field(foreign_key="tender.id", primary_key=True)
    input_version: int
    result: dict[str, Any] = Field(sa_type=sa.JSON, nullable=False)
    sensitivity: dict[str, Any] = Field(sa_type=sa.JSON, nullable=False)
    computed_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
