"""Bid shapes. Contents are sealed until the tender closes."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import ConfigDict, Field
from sqlmodel import SQLModel

from procurement.schemas.common import Page
from procurement.schemas.criteria import (
    KEY,
    QUANTITY,
    Key,
    MeasureCode,
    PositiveQuantity,
    Quantity,
)
from procurement.schemas.fields import (
    DECIMAL,
    MULTI_LINE,
    DecimalString,
    Flag,
    LongText,
    PositiveMoney,
    Version,
)

MAX_ANSWERS = 100


def answers(description: str, value: dict[str, Any]) -> Any:
    """An object of answers keyed by criterion key, documented as one (not as a list)."""
    return Field(
        default_factory=dict,
        max_length=MAX_ANSWERS,
        description=description,
        json_schema_extra={
            "type": "object",
            "items": None,
            "maxLength": None,
            "maxProperties": MAX_ANSWERS,
            "propertyNames": {"type": "string", "pattern": KEY},
            "additionalProperties": value,
        },
    )


class BidStatus(StrEnum):
    """Whether the bid still stands."""

    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class BidChannel(StrEnum):
    """How the bid reached the council."""

    PORTAL = "portal"
    RECORDED = "recorded"


class CommitmentSchema(SQLModel):
    """A social value promise: so many units of a catalogue measure."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    measure_code: MeasureCode
    quantity: PositiveQuantity


class BidAnswers(SQLModel):
    """A bid's answers to the tender's questions, each keyed by criterion key."""

    metric_answers: dict[Key, Quantity] = answers(
        "The number each `metric` criterion asks for, e.g. {'local-spend': '62.5'}",
        {"type": "string", "pattern": QUANTITY.pattern},
    )
    pass_fail_answers: dict[Key, Flag] = answers(
        "Yes or no to each `pass_fail` criterion", {"type": "boolean"}
    )
    quality_responses: dict[Key, LongText] = answers(
        "The written answer to each `judgement` criterion",
        {"type": "string", "maxLength": 10_000, "pattern": MULTI_LINE},
    )
    commitments: list[CommitmentSchema] = Field(
        default_factory=list,
        max_length=100,
        description="Social value commitments, by catalogue measure code",
    )


class BidSubmit(BidAnswers):
    """A supplier's bid, or its replacement. Suppliers bid for themselves."""

    # Unknown fields are refused, so a supplier cannot slip in a supplier_id of another.
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    price: PositiveMoney

    def answers(self) -> BidAnswers:
        """The answers alone, without the price."""
        return BidAnswers.model_validate(self.model_dump(include=set(BidAnswers.model_fields)))


class BidRecord(BidSubmit):
    """A bid received by another route, recorded by a procurement officer."""

    supplier_id: uuid.UUID


class BidPost(BidSubmit):
    """A new bid as posted: a supplier sends only the price; an officer also names the supplier.

    One shape rather than a union of BidSubmit and BidRecord, because Litestar cannot decode
    a request body into a union of two models.
    """

    supplier_id: uuid.UUID | None = Field(
        default=None, description="Officers recording a bid name the supplier; suppliers omit it"
    )

    def command(self) -> BidSubmit | BidRecord:
        """The supplier's own bid, or an officer's record of one."""
        answers = self.answers().model_dump()
        if self.supplier_id is None:
            return BidSubmit(price=self.price, **answers)
        return BidRecord(price=self.price, supplier_id=self.supplier_id, **answers)


class BidReplace(BidSubmit):
    """A replacement bid; send the version you read."""

    version: Version


class BidReceipt(SQLModel):
    """What anyone allowed to see the list sees while bids are sealed."""

    id: uuid.UUID
    tender_id: uuid.UUID
    status: BidStatus
    received_at: datetime
    sealed: bool = True


class BidRead(SQLModel):
    """A bid's full contents, for its own supplier, or for officers once the tender closes."""

    id: uuid.UUID
    tender_id: uuid.UUID
    supplier_id: uuid.UUID
    supplier_name: str
    price: DecimalString | None = Field(
        description="Null only for an evaluator kept from prices by the tender's blind pricing"
    )
    currency: str
    status: BidStatus
    channel: BidChannel
    received_at: datetime
    first_received_at: datetime
    withdrawn_at: datetime | None
    metric_answers: dict[str, DecimalString] = Field(
        json_schema_extra={"additionalProperties": {"type": "string", "pattern": DECIMAL}}
    )
    pass_fail_answers: dict[str, bool]
    quality_responses: dict[str, str]
    commitments: list[CommitmentSchema]
    sealed: bool = Field(description="True while the tender is not yet closed")
    excluded_reason: str | None = Field(
        default=None, description="Why the lead excluded the bid from the evaluation, if so"
    )
    version: int


# The bid list answers with one of two pages. Every full bid would also pass for a receipt,
# and an empty page is both, so `receipts_only` says which one this is.
class BidPage(Page[BidRead]):
    """Full bids: the tender has closed, or a supplier is reading its own."""

    receipts_only: Literal[False] = Field(default=False, description="The items are full bids")


class ReceiptPage(Page[BidReceipt]):
    """Receipts only: the bids stay sealed to the reader until the tender closes."""

    receipts_only: Literal[True] = Field(
        default=True, description="The items are receipts; the bids are still sealed"
    )
