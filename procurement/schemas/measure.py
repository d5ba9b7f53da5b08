"""Measure catalogue shapes: what a unit of social value is worth, by date."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field
from sqlmodel import SQLModel

from procurement.schemas.criteria import MeasureCode
from procurement.schemas.fields import (
    AS_PLAIN_TEXT,
    DecimalString,
    DecimalText,
    IsoDate,
    RequiredText,
    ShortRequiredText,
    Version,
)


class MeasureTheme(StrEnum):
    """The kind of social value a measure records."""

    JOBS = "jobs"
    GROWTH = "growth"
    SOCIAL = "social"
    ENVIRONMENT = "environment"
    INNOVATION = "innovation"


Description = Annotated[RequiredText, Field(max_length=2000)]
Unit = Annotated[
    ShortRequiredText, Field(description="What one unit is, e.g. 'hour' or 'tonne CO2e'")
]
VALUE_PER_UNIT = DecimalText(10, 2, positive=True)
ValuePerUnit = Annotated[
    Decimal,
    VALUE_PER_UNIT.documented("36.50", "Pounds of social value per unit"),
    VALUE_PER_UNIT.check,
    AS_PLAIN_TEXT,
    DecimalText,
]


class MeasureValueCreate(SQLModel):
    """A value per unit, in force from a date until a later value replaces it."""

    value_per_unit: ValuePerUnit
    effective_from: IsoDate


class MeasureValueRead(SQLModel):
    """One dated value of a measure."""

    value_per_unit: DecimalString
    effective_from: date
    created_at: datetime


class MeasureCreate(SQLModel):
    """A new catalogue measure and its first value."""

    code: MeasureCode
    theme: MeasureTheme
    description: Description
    unit: Unit
    value_per_unit: ValuePerUnit
    effective_from: IsoDate


class MeasureUpdate(SQLModel):
    """A partial change to a measure's wording; values are added, never edited."""

    version: Version
    theme: MeasureTheme | None = None
    description: Description | None = None
    unit: Unit | None = None


class MeasureRead(SQLModel):
    """A measure with the value in force today and its whole value history, newest first."""

    id: uuid.UUID
    code: str
    theme: MeasureTheme
    description: str
    unit: str
    current_value: DecimalString | None = Field(
        description="The value in force today; null while every value is still to come"
    )
    current_effective_from: date | None
    values: list[MeasureValueRead]
    created_at: datetime
    updated_at: datetime
    version: int
