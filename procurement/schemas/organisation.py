"""Organisation shapes: the council that owns everything else."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator
from sqlmodel import SQLModel

from procurement.schemas.fields import (
    AS_PLAIN_TEXT,
    AreaCode,
    DecimalText,
    Email,
    Name,
    Password,
    Version,
)
from scoring.validation import Severity


def _to_hundredths(value: Decimal) -> Decimal:
    # "10" and "10.00" are the same percentage; answer with the form a re-read returns.
    return value.quantize(Decimal("0.01"))


# Sent as a string, or as a whole number (which earlier clients send); answered as a string.
_PERCENT = DecimalText(2, 2, up_to=100, whole_numbers=(0, 100))
SocialValueMinimum = Annotated[
    Decimal,
    _PERCENT.documented(
        "10",
        "The least % of the award weight social value, localism and environment must take together",
    ),
    _PERCENT.check,
    AfterValidator(_to_hundredths),
    AS_PLAIN_TEXT,
    DecimalText,
]


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


class OrganisationBase(SQLModel):
    """Fields an administrator sets."""

    name: Name
    local_area: list[AreaCode] = Field(
        default_factory=list,
        max_length=500,
        description="Postcode areas (NE) or districts (NN8) that count as local",
    )
    social_value_minimum_percent: SocialValueMinimum = Decimal("10.00")
    social_value_policy: Severity = Field(
        default=Severity.ERROR,
        description="'error': a tree below the minimum cannot be published; 'warning': it can",
    )

    @field_validator("local_area")
    @classmethod
    def _deduplicate(cls, codes: list[str]) -> list[str]:
        return _unique(codes)


class FirstAdministrator(SQLModel):
    """The account that will run a newly onboarded organisation."""

    email: Email
    full_name: Name
    password: Password


class OrganisationCreate(OrganisationBase):
    """A new organisation on a shared deployment, with its first administrator."""

    administrator: FirstAdministrator


class OrganisationUpdate(SQLModel):
    """A partial change; send the version you read."""

    version: Version
    name: Name | None = None
    local_area: list[AreaCode] | None = Field(default=None, max_length=500)
    social_value_minimum_percent: SocialValueMinimum | None = None
    social_value_policy: Severity | None = None

    @field_validator("local_area")
    @classmethod
    def _deduplicate(cls, codes: list[str] | None) -> list[str] | None:
        return None if codes is None else _unique(codes)


class OrganisationRead(OrganisationBase):
    """An organisation as the API returns it."""

    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
