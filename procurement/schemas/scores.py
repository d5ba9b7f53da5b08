"""Evaluators' scores and the lead's moderation (consensus) shapes."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field
from sqlmodel import SQLModel

from procurement.schemas.criteria import Key, ScalePoints
from procurement.schemas.fields import DecimalString, RequiredText, WholeNumber

MAX_SCORES_PER_SAVE = 100
CENTS = Decimal("0.01")

# A point on a scale, answered as it is stored: "3" comes back as "3.00", like a re-read.
ScoreValue = Annotated[
    ScalePoints,
    Field(description="From 0 to the scale's maximum; one of its levels when it has them"),
    AfterValidator(lambda value: value.quantize(CENTS)),
]


class ScoreInput(SQLModel):
    """One draft score: a value on the criterion's scale and the reason for it."""

    criterion_key: Key
    value: ScoreValue
    rationale: RequiredText = Field(description="Why the bid earns this score")
    version: WholeNumber | None = Field(
        default=None, ge=1, description="The version you read; null for a new score"
    )


class ScoresSave(SQLModel):
    """Draft scores for one bid, saved all together or not at all."""

    scores: list[ScoreInput] = Field(min_length=1, max_length=MAX_SCORES_PER_SAVE)


class ScoreRead(SQLModel):
    """One evaluator's score for one criterion of one bid."""

    id: uuid.UUID
    tender_id: uuid.UUID
    bid_id: uuid.UUID
    criterion_key: str
    evaluator_id: uuid.UUID
    evaluator_name: str
    value: DecimalString
    rationale: str
    submitted_at: datetime | None = Field(description="Null while the score is a draft")
    updated_at: datetime
    version: int


class BidScoresRead(SQLModel):
    """The scores of one bid that the caller may see."""

    bid_id: uuid.UUID
    own_set_submitted: bool = Field(
        description="Whether the caller (an evaluator) has submitted their set; others' "
        "submitted scores are shown to them only from then on"
    )
    scores: list[ScoreRead]


class MissingScore(SQLModel):
    """A score still needed before a set can be submitted."""

    bid_id: uuid.UUID
    supplier_name: str
    criterion_key: str


class ScoreSubmission(SQLModel):
    """An evaluator's submitted set."""

    tender_id: uuid.UUID
    evaluator_id: uuid.UUID
    scores_submitted_at: datetime
    submitted_count: int = Field(description="How many scores the set holds")


class ScoringProgress(SQLModel):
    """How far the evaluator has got with one bid."""

    bid_id: uuid.UUID
    supplier_name: str
    scored: int = Field(description="Criteria scored, with a rationale")
    required: int = Field(description="Criteria the evaluator must score")


class ModerationSave(SQLModel):
    """The consensus for one criterion of one bid; send the version you read (null if new)."""

    bid_id: uuid.UUID
    criterion_key: Key
    value: ScoreValue
    note: RequiredText = Field(description="Why this is the consensus: kept on the record")
    version: WholeNumber | None = Field(default=None, ge=1)


class ConsensusRead(SQLModel):
    """The consensus the lead recorded."""

    id: uuid.UUID
    bid_id: uuid.UUID
    criterion_key: str
    value: DecimalString
    note: str
    moderated_by_id: uuid.UUID
    moderated_by_name: str
    updated_at: datetime
    version: int


class ModerationScore(SQLModel):
    """One evaluator's submitted score, as the moderation shows it."""

    evaluator_id: uuid.UUID
    evaluator_name: str
    value: DecimalString
    rationale: str
    submitted_at: datetime


class ModerationItem(SQLModel):
    """One criterion of one bid: every submitted score, their mean, and any consensus."""

    bid_id: uuid.UUID
    supplier_name: str
    criterion_key: str
    criterion_name: str
    scale_maximum: DecimalString
    scores: list[ModerationScore]
    mean: DecimalString | None = Field(
        description="The mean of the scores, to 2 places; null if none"
    )
    spread_flagged: bool = Field(
        description="Whether the scoring engine flags the evaluators' scores as too far apart"
    )
    consensus: ConsensusRead | None


class ModerationRead(SQLModel):
    """Everything the lead moderates on a tender, bid by bid and criterion by criterion."""

    tender_id: uuid.UUID
    evaluation_version: int
    items: list[ModerationItem]
