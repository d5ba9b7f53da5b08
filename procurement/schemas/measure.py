"""Measure catalogue shapes: what a unit of social value is worth, by date."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field
from sqlmodel import SQLModel

from procurement.schemas.criteria import MeasureCode
from procurement.schemas.fields import LongText, Version


class MeasureTheme(StrEnum):
    """The kind of social value a measure records."""

    JOBS = "jobs"
    GROWTH = "growth"
    SOCIAL = "social"
    ENVIRONMENT = "environment"
    INNOVATION = "innovation"


def _text(what: str, most: int) -> AfterValidator:
    def check(value: str) -> str:
        if not value:
            raise ValueError(f"Enter {what}")
        if len(value) > most:
            raise ValueError(f"Use {most} characters or fewer")
        return value

    return AfterValidator(check)


Description = Annotated[LongText, _text("a description", 2000)]
Unit = Annotated[
    LongText,
    _text("the unit", 40),
    Field(description="What one unit is, e.g. 'hour' or 'tonne CO2e'"),
]
ValuePerUnit = Annotated[
    Decimal,
    Field(
        gt=0,
        max_digits=12,
        decimal_places=2,
        description="Pounds of social value per unit",
        examples=["36.50"],
        json_schema_extra={"type": ["number", "string"]},
    ),
]


class MeasureValueCreate(SQLModel):
    """A value per unit, in force from a date until a later value replaces it."""

    value_per_unit: ValuePerUnit
    effective_from: date


class MeasureValueRead(SQLModel):
    """One dated value of a measure."""

    value_per_unit: Decimal
    effective_from: date
    created_at: datetime


class MeasureCreate(SQLModel):
    """A new catalogue measure and its first value."""

    code: MeasureCode
    theme: MeasureTheme
    description: Description
    unit: Unit
    value_per_unit: ValuePerUnit
    effective_from: date


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
    current_value: Decimal | None = Field(
        description="The value in force today; null while every value is still to come"
    )
    current_effective_from: date | None
    values: list[MeasureValueRead]
    created_at: datetime
    updated_at: datetime
    version: int
