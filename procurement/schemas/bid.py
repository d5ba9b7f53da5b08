"""Bid shapes. Contents are sealed until the tender closes."""

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import ConfigDict, Field
from sqlmodel import SQLModel

from procurement.schemas.fields import PositiveMoney, Version


class BidStatus(StrEnum):
    """Whether the bid still stands."""

    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class BidChannel(StrEnum):
    """How the bid reached the council."""

    PORTAL = "portal"
    RECORDED = "recorded"


class BidSubmit(SQLModel):
    """A supplier's bid, or its replacement. Suppliers bid for themselves."""

    # Unknown fields are refused, so a supplier cannot slip in a supplier_id of another.
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    price: PositiveMoney


class BidRecord(BidSubmit):
    """A bid received by another route, recorded by a procurement officer."""

    supplier_id: uuid.UUID


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
    price: Decimal
    currency: str
    status: BidStatus
    channel: BidChannel
    received_at: datetime
    first_received_at: datetime
    withdrawn_at: datetime | None
    sealed: bool = Field(description="True while the tender is not yet closed")
    version: int
