"""Evaluator assignment and conflict-of-interest declaration shapes."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from sqlmodel import SQLModel

from procurement.domain.evaluation import ConflictDecision, Declaration
from procurement.schemas.criteria import Key
from procurement.schemas.fields import LongText, RequiredText, Version

MAX_GROUPS = 20
GroupKeys = Annotated[
    list[Key],
    Field(
        max_length=MAX_GROUPS,
        description="Keys of the criteria groups the evaluator scores; empty means every group",
    ),
    AfterValidator(lambda keys: list(dict.fromkeys(keys))),
]


class Clearance(StrEnum):
    """Where an evaluator stands: whether they may see the bids yet, and which."""

    AWAITING_DECLARATION = "awaiting_declaration"
    AWAITING_DECISION = "awaiting_decision"
    CLEARED = "cleared"
    RESTRICTED = "restricted"
    REMOVED = "removed"


class EvaluatorAssign(SQLModel):
    """Assign an evaluator of the organisation to a tender."""

    user_id: uuid.UUID
    group_keys: GroupKeys = Field(default_factory=list)


class EvaluatorUpdate(SQLModel):
    """Change the groups an evaluator scores; send the version you read."""

    version: Version
    group_keys: GroupKeys


class EvaluatorRead(SQLModel):
    """An evaluator on a tender: their groups, declaration, the lead's decision, and progress."""

    id: uuid.UUID
    tender_id: uuid.UUID
    user_id: uuid.UUID
    evaluator_name: str
    evaluator_email: str
    group_keys: list[str] = Field(description="Empty means every group")
    declaration: Declaration
    interest_details: str | None
    declared_at: datetime | None
    decision: ConflictDecision | None = Field(
        description="The lead's decision on a declared interest; null while none is due or made"
    )
    decision_note: str | None
    allowed_bid_ids: list[uuid.UUID] = Field(
        description="For a `restrict` decision, the bids the evaluator may see and score"
    )
    decided_at: datetime | None
    scores_submitted_at: datetime | None
    clearance: Clearance = Field(description="Whether the evaluator may see the bids yet")
    created_at: datetime
    updated_at: datetime
    version: int


class DeclarationSave(SQLModel):
    """The evaluator's declaration about conflicts of interest; send the version you read."""

    declaration: Literal[Declaration.NO_INTEREST, Declaration.INTEREST]
    interest_details: LongText | None = Field(
        default=None, description="Required with an interest: what it is, and with whom"
    )
    version: Version


class ConflictDecisionSave(SQLModel):
    """The lead's decision on a declared interest; send the assignment version you read."""

    decision: ConflictDecision
    note: RequiredText = Field(description="Why: kept on the record")
    allowed_bid_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=500,
        description="With `restrict` only: the bids of this tender the evaluator may see",
    )
    version: Version
