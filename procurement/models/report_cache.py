"""Rendered report PDFs, kept by the digest of everything they were rendered from, so that a
repeat download costs no render and every worker process serves the same bytes."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from sqlmodel import Field, SQLModel

from procurement.models.base import utc_now


class ReportCache(SQLModel, table=True):
    """One rendered document: its cache key, the tender it belongs to and its bytes."""

    __tablename__ = "report_cache"

    # sha256 hex of the report kind, its subject, the tender's state and the template version.
    key: str = Field(primary_key=True, max_length=64)
    tender_id: uuid.UUID = Field(foreign_key="tender.id", index=True)
    kind: str = Field(max_length=40)
    # The line "sha256:<hex digest of the document>\n", then the document: the digest that
    # proves the bytes travels with them (services.file_integrity).
    content: bytes = Field(sa_type=sa.LargeBinary, nullable=False)
    size: int  # of the document
    created_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
