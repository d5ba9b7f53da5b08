"""Reusable validated field types for request and response shapes."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from procurement.domain.identifiers import (
    normalise_company_number,
    normalise_cpv_code,
    normalise_currency,
    normalise_tender_reference,
)
from procurement.domain.postcodes import normalise_area_code, normalise_postcode


def _require_timezone(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("Give the time with a timezone, for example 2027-01-31T12:00:00Z")
    return value.astimezone(UTC)


Postcode = Annotated[str, StringConstraints(max_length=10), AfterValidator(normalise_postcode)]
AreaCode = Annotated[str, StringConstraints(max_length=4), AfterValidator(normalise_area_code)]
CompanyNumber = Annotated[
    str, StringConstraints(max_length=10), AfterValidator(normalise_company_number)
]
CpvCode = Annotated[str, StringConstraints(max_length=10), AfterValidator(normalise_cpv_code)]
Currency = Annotated[str, StringConstraints(max_length=3), AfterValidator(normalise_currency)]
TenderReference = Annotated[
    str, StringConstraints(max_length=50), AfterValidator(normalise_tender_reference)
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
UtcDateTime = Annotated[datetime, AfterValidator(_require_timezone)]
PositiveMoney = Annotated[
    Decimal, Field(gt=0, max_digits=15, decimal_places=2, examples=["125000.00"])
]
Password = Annotated[str, StringConstraints(min_length=12, max_length=200)]
Version = Annotated[int, Field(ge=1, description="The version you read; a stale one is refused")]
