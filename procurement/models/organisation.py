"""The organisation table."""

from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field

from procurement.db import ScaledDecimal
from procurement.models.base import Entity, json_list_column
from procurement.schemas.organisation import OrganisationBase
from scoring.validation import Severity


class Organisation(OrganisationBase, Entity, table=True):
    """A council: the tenant that owns users, suppliers and tenders."""

    __tablename__ = "organisation"

    name: str = Field(max_length=200)
    local_area: list[str] = json_list_column()
    # Server defaults give organisations made before the policy existed the standard one:
    # 10% (stored in hundredths, like every ScaledDecimal(2)), enforced as an error.
    social_value_minimum_percent: Decimal = Field(
        default=Decimal("10.00"),
        sa_type=ScaledDecimal(2),
        nullable=False,
        sa_column_kwargs={"server_default": sa.text("1000")},
    )
    social_value_policy: Severity = Field(
        default=Severity.ERROR,
        sa_type=sa.Enum(
            Severity,
            native_enum=False,
            length=32,
            values_callable=lambda members: [m.value for m in members],
            validate_strings=True,
        ),
        nullable=False,
        sa_column_kwargs={"server_default": Severity.ERROR.value},
    )
