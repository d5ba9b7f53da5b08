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
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59-01:00 is past the last representable year
        raise ValueError("Give a time between the years 1 and 9999, in UTC") from None


# PostgreSQL cannot store the NUL character in text, so free text refuses it at the door:
# NO_NUL says so as a pattern (for query parameters), _without_nul in words (for bodies).
NO_NUL = r"^[^\x00]*$"


def _without_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Remove the NUL character (code 0); text cannot contain it")
    return value


def _in_pence(value: Decimal) -> Decimal:
    # "95000" and "95000.00" are the same amount; answer with the form a re-read returns.
    return value.quantize(Decimal("0.01"))


Postcode = Annotated[str, StringConstraints(max_length=10), AfterValidator(normalise_postcode)]
AreaCode = Annotated[str, StringConstraints(max_length=10), AfterValidator(normalise_area_code)]
CompanyNumber = Annotated[
    str, StringConstraints(max_length=10), AfterValidator(normalise_company_number)
]
CpvCode = Annotated[str, StringConstraints(max_length=10), AfterValidator(normalise_cpv_code)]
Currency = Annotated[str, StringConstraints(max_length=3), AfterValidator(normalise_currency)]
TenderReference = Annotated[
    str, StringConstraints(max_length=50), AfterValidator(normalise_tender_reference)
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_without_nul),
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=10_000), AfterValidator(_without_nul)
]
UtcDateTime = Annotated[datetime, AfterValidator(_require_timezone)]
PositiveMoney = Annotated[
    Decimal,
    Field(gt=0, max_digits=15, decimal_places=2, examples=["125000.00"]),
    AfterValidator(_in_pence),
]
Password = Annotated[str, StringConstraints(min_length=12, max_length=200)]
Version = Annotated[int, Field(ge=1, description="The version you read; a stale one is refused")]
