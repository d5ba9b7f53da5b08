"""Award shapes: the decision on a tender and its standstill period."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from procurement.schemas.fields import IsoDate, LongText, RequiredText, required_text


def _blank_as_none(value: str | None) -> str | None:
    return value or None


class AwardCreate(BaseModel):
    """The award decision. A justification is needed when the chosen bid is not ranked first
    or the evaluation carries an unresolved flag (422 justification_required says why)."""

    bid_id: uuid.UUID = Field(description="A ranked bid of this tender")
    decision_date: IsoDate = Field(
        description="Not in the future, and not before the tender closed"
    )
    rationale: Annotated[RequiredText, required_text("Enter the reasons for the award")]
    justification: Annotated[LongText | None, AfterValidator(_blank_as_none)] = Field(
        default=None,
        description="Why the award departs from the ranking or stands despite a flag",
    )


class AwardRead(BaseModel):
    """A tender's award: who won, when, why, and when the standstill period ends."""

    id: uuid.UUID
    tender_id: uuid.UUID
    bid_id: uuid.UUID
    supplier_name: str
    decision_date: date
    rationale: str
    justification: str | None
    standstill_ends: date = Field(
        description="The 8th working day (England and Wales) after the decision date"
    )
    awarded_by_id: uuid.UUID
    evaluation_version: int = Field(description="The evaluation input version decided on")
    winner_rank: int | None = Field(description="The chosen bid's rank in that evaluation")
    created_at: datetime
    version: int
