"""The bid table."""

import json
import secrets
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from sqlmodel import Field

from procurement.models.base import Entity, enum_column, money_column, optional_timestamp
from procurement.schemas.bid import BidChannel, BidStatus


def _json_column(empty: str) -> Any:
    # Bids made before answers existed hold the empty value.
    return Field(
        default_factory=lambda: json.loads(empty),
        sa_type=sa.JSON,
        nullable=False,
        sa_column_kwargs={"server_default": empty},
    )


class Bid(Entity, table=True):
    """One supplier's bid for one tender. Replacing it keeps the same row."""

    __tablename__ = "bid"
    __table_args__ = (sa.UniqueConstraint("tender_id", "supplier_id", name="uq_bid_supplier"),)

    tender_id: uuid.UUID = Field(foreign_key="tender.id", index=True)
    supplier_id: uuid.UUID = Field(foreign_key="supplier.id", index=True)
    price: Decimal = money_column()
    status: BidStatus = enum_column(BidStatus)
    channel: BidChannel = enum_column(BidChannel)
    received_at: datetime = Field(sa_type=DateTimeUTC(timezone=True), nullable=False)
    first_received_at: datetime = Field(sa_type=DateTimeUTC(timezone=True), nullable=False)
    withdrawn_at: datetime | None = optional_timestamp()
    submitted_by_id: uuid.UUID = Field(foreign_key="user_account.id")
    # Answers keyed by criterion key, and commitments as {measure_code, quantity}; numbers are
    # kept as strings so that the JSON holds the exact Decimals the supplier sent.
    metric_answers: dict[str, str] = _json_column("{}")
    pass_fail_answers: dict[str, bool] = _json_column("{}")
    quality_responses: dict[str, str] = _json_column("{}")
    commitments: list[dict[str, str]] = _json_column("[]")
    # Mixed into the digest of the sealed contents that the audit trail keeps (see
    # services.bids.bid_digest), so the digest cannot be reversed by trying every price.
    contents_salt: str = Field(
        default_factory=lambda: secrets.token_hex(16),
        max_length=32,
        sa_column_kwargs={"server_default": ""},
    )
    # Set when the lead excludes the bid from the evaluation (it is then not ranked).
    excluded_reason: str | None = Field(default=None, sa_type=sa.Text)
    excluded_at: datetime | None = optional_timestamp()
    excluded_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
