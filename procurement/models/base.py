"""Columns every stored entity has: a UUID, UTC timestamps and an edit version."""

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from sqlmodel import Field, SQLModel

from procurement.db import ScaledDecimal

MONEY_PLACES = 2


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def optional_timestamp() -> Any:
    """A nullable, timezone-aware UTC timestamp column."""
    return Field(default=None, sa_type=DateTimeUTC(timezone=True), nullable=True)


def money_column(*, nullable: bool = False) -> Any:
    """An exact money column (pence stored as integers)."""
    return Field(sa_type=ScaledDecimal(MONEY_PLACES), nullable=nullable)


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """A string type holding one of an enum's values, portable across databases."""
    return sa.Enum(
        enum,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def enum_column(
    enum: type[StrEnum],
    *,
    index: bool = False,
    default: StrEnum | None = None,
    nullable: bool = False,
) -> Any:
    """A string column holding one of an enum's values, portable across databases.

    With a default, rows made before the column existed get it too; a nullable column
    defaults to None.
    """
    column_type = enum_type(enum)
    if default is None and not nullable:
        return Field(sa_type=column_type, nullable=False, index=index)
    server_default = {} if default is None else {"server_default": default.value}
    return Field(
        default=default,
        sa_type=column_type,
        sa_column_kwargs=server_default,
        nullable=nullable,
        index=index,
    )


def json_list_column() -> Any:
    """A JSON array column."""
    return Field(default_factory=list, sa_type=sa.JSON, nullable=False)


class Entity(SQLModel):
    """Identity, timestamps and optimistic version for a stored row."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
    updated_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
    version: int = Field(default=1, nullable=False)

    def touch(self) -> None:
        """Record an edit: bump the version and the update time."""
        self.version += 1
        self.updated_at = utc_now()
