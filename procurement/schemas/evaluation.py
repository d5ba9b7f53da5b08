"""Evaluation results and their sensitivity, as the API shows them (decimals as strings)."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from procurement.schemas.fields import DecimalString, RequiredText, required_text
from scoring.criteria import GroupKind, Method
from scoring.results import FlagKind


class BidExclusion(BaseModel):
    """Why a bid is taken out of the evaluation."""

    reason: Annotated[RequiredText, required_text("Enter why the bid is excluded")] = Field(
        examples=["Submitted after the deadline"]
    )


class _FromEngine(BaseModel):
    # Built from the engine's frozen dataclasses, attribute by attribute.
    model_config = ConfigDict(from_attributes=True)


class FlagRead(_FromEngine):
    """Something about a bid an officer must look at, with the reason."""

    kind: FlagKind
    message: str
    criterion_key: str | None = None


class CriterionScoreRead(_FromEngine):
    """One bid's score on one criterion, with the arithmetic written out."""

    criterion_key: str
    criterion_name: str
    group_key: str
    method: Method
    raw: DecimalString | None = Field(description="The number the method starts from")
    normalised: DecimalString = Field(
        description="The share of the criterion's points earned, 0 to 1"
    )
    weighted: DecimalString = Field(description="The points earned, out of max_points")
    max_points: DecimalString
    explanation: str
    notes: list[str]


class GroupScoreRead(_FromEngine):
    """One bid's points in one group."""

    group_key: str
    name: str
    kind: GroupKind
    points: DecimalString
    max_points: DecimalString
    explanation: str


class BidResultRead(_FromEngine):
    """Everything the evaluation found about one bid; `rank` is null when it is not eligible."""

    bid_id: uuid.UUID
    supplier_name: str
    price: DecimalString
    total: DecimalString
    rank: int | None
    eligible: bool
    total_explanation: str
    flags: list[FlagRead]
    groups: list[GroupScoreRead]
    criteria: list[CriterionScoreRead]


class EvaluationRead(BaseModel):
    """A tender's evaluation: ranked bids first, then ineligible ones, with ties and winner."""

    tender_id: uuid.UUID
    input_version: int = Field(description="The tender's evaluation version this was computed at")
    computed_at: datetime
    winner_id: uuid.UUID | None
    ties: list[list[uuid.UUID]] = Field(description="Runs of ranked bids within the tolerance")
    bids: list[BidResultRead]


class WeightIntervalRead(_FromEngine):
    """The range of one group's weight (percent) within which the winner stays the winner."""

    group_key: str
    group_name: str
    current: DecimalString
    lower: DecimalString
    upper: DecimalString
    explanation: str
    lower_rival_id: uuid.UUID | None = None
    upper_rival_id: uuid.UUID | None = None


class RankReversalRead(_FromEngine):
    """Removing one losing bid would hand the award to a different bid."""

    removed_bid_id: uuid.UUID
    removed_supplier_name: str
    new_winner_id: uuid.UUID
    new_winner_name: str
    explanation: str


class SensitivityRead(BaseModel):
    """How robust the winner is to the weights and to the removal of any one losing bid."""

    tender_id: uuid.UUID
    input_version: int
    computed_at: datetime
    winner_id: uuid.UUID | None
    intervals: list[WeightIntervalRead]
    reversals: list[RankReversalRead]
    explanation: str
