"""The audit trail: an append-only, hash-chained record of every material change."""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from sqlmodel import Field, SQLModel

from procurement.models.base import utc_now

GENESIS_HASH = "0" * 64  # the "previous hash" of the first event in a chain


class AuditEvent(SQLModel, table=True):
    """Who did what to which record, when, with the record before and after.

    Each organisation has one chain: `hash` covers every other field, including the
    previous event's hash, so editing or deleting an event breaks the chain from there on.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "position", name="uq_audit_event_position"),
        sa.Index("ix_audit_event_tender_time", "tender_id", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # No foreign keys: the trail outlives the records it describes, a closed organisation's
    # included.
    organisation_id: uuid.UUID = Field(index=True)
    position: int  # 1, 2, 3 ... within the organisation's chain
    occurred_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
    actor_id: uuid.UUID | None = Field(default=None, index=True)  # None: the command line
    actor_name: str = Field(max_length=600)
    tender_id: uuid.UUID | None = Field(default=None)
    entity_type: str = Field(max_length=40)
    entity_id: str = Field(max_length=64)
    action: str = Field(max_length=60)
    summary: str = Field(sa_type=sa.Text)
    before: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    previous_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # The state, as stored, of every audited row the event's transaction wrote:
    # {"<table>:<id>": SHA-256 of the row's canonical form, or None once deleted}. Covered by
    # `hash` when present; None on events recorded before row states were kept.
    row_digests: dict[str, str | None] | None = Field(
        default=None, sa_type=sa.JSON(none_as_null=True)
    )


class AuditChainHead(SQLModel, table=True):
    """The last event of an organisation's chain. Appending locks this row, so two writers
    can never both extend the chain from the same event."""

    __tablename__ = "audit_chain_head"

    organisation_id: uuid.UUID = Field(primary_key=True)
    position: int = 0
    hash: str = Field(default=GENESIS_HASH, max_length=64)


class AuditCheckpoint(SQLModel, table=True):
    """An organisation's chain head at a moment, signed by the service, for the public to keep.

    Anyone who saved a checkpoint can later show that the chain still passes through it: a
    re-hashed or truncated chain cannot.
    """

    __tablename__ = "audit_checkpoint"
    __table_args__ = (sa.Index("ix_audit_checkpoint_organisation", "organisation_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: uuid.UUID  # no foreign key, like the trail it vouches for
    position: int
    hash: str = Field(max_length=64)
    taken_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
    signature: str = Field(max_length=128)  # Ed25519, hex
