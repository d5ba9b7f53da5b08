"""Audit trail shapes: one event of an organisation's hash-chained trail."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditEventRead(BaseModel):
    """Who did what to which record, when, with the record before and after the change."""

    model_config = ConfigDict(from_attributes=True)

    position: int = Field(description="1, 2, 3 ... within the organisation's chain")
    occurred_at: datetime
    actor_id: uuid.UUID | None = Field(
        description="None when done from the command line, or withheld (see `withheld`)"
    )
    actor_name: str
    tender_id: uuid.UUID | None = Field(description="The tender the record belongs to, if any")
    entity_type: str = Field(examples=["tender"])
    entity_id: str
    action: str = Field(examples=["publish"])
    summary: str = Field(examples=["Published tender NB-2026-014"])
    before: dict[str, Any] | None = Field(
        description="The record before the change; bids hold receipt facts and a digest only"
    )
    after: dict[str, Any] | None
    previous_hash: str = Field(description="The hash of the event before in the chain")
    hash: str = Field(description="SHA-256 over every other field of this event, as stored")
    withheld: str | None = Field(
        default=None,
        description=(
            "Why part of the stored event is not shown (who bid, while the tender's bids are "
            "sealed; draft score values and rationales), or None when it is shown as stored"
        ),
        examples=["Who bid is not shown until the tender closes"],
    )
