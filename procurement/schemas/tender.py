"""Tender shapes."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field, field_validator
from sqlmodel import SQLModel

from procurement.domain.lifecycle import TenderStatus
from procurement.schemas.fields import (
    CpvCode,
    Currency,
    DecimalString,
    Flag,
    LongText,
    Name,
    PositiveMoney,
    TenderReference,
    UtcDateTime,
    Version,
)

BLIND_PRICING = "Whether evaluators who score no price group are kept from seeing bid prices"


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


class TenderBase(SQLModel):
    """Fields an officer sets while the tender is a draft."""

    reference: TenderReference = Field(
        description="Unique within the organisation, e.g. NBC/2026/014"
    )
    title: Name
    description: LongText = ""
    cpv_codes: list[CpvCode] = Field(default_factory=list, max_length=50)
    estimated_value: PositiveMoney
    currency: Currency = "GBP"
    submission_deadline: UtcDateTime
    blind_pricing: Flag = Field(default=True, description=BLIND_PRICING)

    @field_validator("cpv_codes")
    @classmethod
    def _deduplicate(cls, codes: list[str]) -> list[str]:
        return _unique(codes)


class TenderCreate(TenderBase):
    """A new draft tender."""


class TenderUpdate(SQLModel):
    """A partial change to a draft; send the version you read."""

    version: Version
    reference: TenderReference | None = None
    title: Name | None = None
    description: LongText | None = None
    cpv_codes: list[CpvCode] | None = Field(default=None, max_length=50)
    estimated_value: PositiveMoney | None = None
    currency: Currency | None = None
    submission_deadline: UtcDateTime | None = None
    blind_pricing: Flag | None = Field(default=None, description=BLIND_PRICING)

    @field_validator("cpv_codes")
    @classmethod
    def _deduplicate(cls, codes: list[str] | None) -> list[str] | None:
        return None if codes is None else _unique(codes)


class TenderRead(SQLModel):
    """A tender as the API returns it."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    reference: str
    title: str
    description: str
    cpv_codes: list[str]
    estimated_value: DecimalString
    currency: str
    submission_deadline: datetime
    status: TenderStatus
    published_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    close_reason: str | None
    cancel_reason: str | None
    measure_values_on: date | None = Field(
        description="The date whose catalogue values price social value: the publication date"
    )
    blind_pricing: bool = Field(description=BLIND_PRICING)
    bid_count: int = Field(description="How many live bids have arrived (never their contents)")
    created_at: datetime
    updated_at: datetime
    version: int


class TenderSort(StrEnum):
    """Orderings for the tender list; a leading '-' sorts descending."""

    REFERENCE = "reference"
    REFERENCE_DESC = "-reference"
    TITLE = "title"
    TITLE_DESC = "-title"
    DEADLINE = "submission_deadline"
    DEADLINE_DESC = "-submission_deadline"
    CREATED = "created_at"
    CREATED_DESC = "-created_at"


class TenderTransition(SQLModel):
    """The optional reason for closing early or cancelling."""

    reason: LongText | None = Field(
        default=None,
        description="Required to cancel, and to close before the submission deadline",
    )
