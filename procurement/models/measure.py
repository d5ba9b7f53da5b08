"""The measure catalogue: what a unit of social value is worth, with values versioned by date."""

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from sqlmodel import Field, SQLModel

from procurement.models.base import Entity, enum_column, money_column, utc_now
from procurement.schemas.measure import MeasureTheme


class Measure(Entity, table=True):
    """A kind of social value the organisation counts, such as a year of local employment."""

    __tablename__ = "measure"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "code", name="uq_measure_code"),)

    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    code: str = Field(max_length=20)
    theme: MeasureTheme = enum_column(MeasureTheme)
    description: str = Field(sa_type=sa.Text)
    unit: str = Field(max_length=40)


class MeasureValue(SQLModel, table=True):
    """A measure's value per unit from a date on; a later value takes over from its own date."""

    __tablename__ = "measure_value"
    __table_args__ = (
        sa.UniqueConstraint("measure_id", "effective_from", name="uq_measure_value_date"),
        sa.CheckConstraint("value_per_unit > 0", name="ck_measure_value_positive"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    measure_id: uuid.UUID = Field(foreign_key="measure.id", index=True)
    value_per_unit: Decimal = money_column()
    effective_from: date
    created_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTimeUTC(timezone=True), nullable=False
    )
