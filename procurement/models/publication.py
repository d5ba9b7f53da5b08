"""Published capital-investment summaries: frozen snapshots for a period, each with its files
and their digests. Nothing here is ever updated; a correction is a new version."""

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from sqlmodel import Field, SQLModel

from procurement.models.base import utc_now


class Publication(SQLModel, table=True):
    """One version of the summary for a period; `supersedes_id` names the version it corrects."""

    __tablename__ = "publication"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "period", "version", name="uq_publication_version"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    period: str = Field(max_length=20)  # "2026/27 Q2" or "2026/27"
    period_start: date
    period_end: date
    version: int
    supersedes_id: uuid.UUID | None = Field(default=None, foreign_key="publication.id", unique=True)
    title: str = Field(max_length=300)
    correction_note: str = Field(default="", sa_type=sa.Text)
    published_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
    published_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    published_by_name: str = Field(max_length=600)
    # The figures as published: everything the files were made from.
    snapshot: dict[str, Any] = Field(sa_type=sa.JSON, nullable=False)


class PublicationFile(SQLModel, table=True):
    """One file of a publication (pdf, archive_pdf, html, csv, json), byte for byte."""

    __tablename__ = "publication_file"

    publication_id: uuid.UUID = Field(foreign_key="publication.id", primary_key=True)
    kind: str = Field(max_length=20, primary_key=True)
    media_type: str = Field(max_length=100)
    content: bytes = Field(sa_type=sa.LargeBinary, nullable=False)
    sha256: str = Field(max_length=64)
    size: int
