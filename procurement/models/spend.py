"""Spend actuals: payments against capital schemes, imported from the finance system's
"spend over £500" file, and a record of each import."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from sqlmodel import Field, SQLModel

from procurement.models.base import enum_column, money_column, optional_timestamp, utc_now


class SpendTransaction(SQLModel, table=True):
    """One payment, as the transparency file lists it, against one scheme."""

    __tablename__ = "spend_transaction"
    __table_args__ = (
        sa.UniqueConstraint(
            "organisation_id", "transaction_number", name="uq_spend_transaction_number"
        ),
        sa.Index("ix_spend_transaction_project_paid", "project_id", "paid_on"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    project_id: uuid.UUID = Field(foreign_key="capital_project.id")
    import_id: uuid.UUID = Field(foreign_key="spend_import.id", index=True)
    transaction_number: str = Field(max_length=64)
    paid_on: date
    service_area: str = Field(max_length=200)
    beneficiary: str = Field(max_length=300)
    purpose: str = Field(max_length=500)
    amount: Decimal = money_column()


class ImportStatus(StrEnum):
    """How far an import has got."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class SpendImport(SQLModel, table=True):
    """One upload of a spend file: who sent it, its digest, progress and outcome."""

    __tablename__ = "spend_import"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    status: ImportStatus = enum_column(ImportStatus)
    rows_total: int = 0
    rows_done: int = 0
    rows_added: int = 0
    rows_unchanged: int = 0
    # Every bad row: [{"row": 7, "field": "amount", "message": "..."}], when it failed.
    errors: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    created_by_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
    finished_at: datetime | None = optional_timestamp()
