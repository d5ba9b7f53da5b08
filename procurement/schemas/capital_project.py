"""Capital scheme shapes: the scheme with its funding, budget profile and linked tenders, and
the figures derived from its spend."""

import re
import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field
from sqlmodel import SQLModel

from procurement.domain.capital import FundingSource, ProjectStatus
from procurement.schemas.fields import (
    DecimalString,
    IsoDate,
    LongText,
    Money,
    Name,
    PositiveMoney,
    ShortName,
    Version,
    WholeNumber,
    documented,
    identifier,
)

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9/_.-]{0,29}$")
PROJECT_CODE = r"^ ?[A-Za-z0-9][A-Za-z0-9/_.-]{0,29} ?$"
MAX_TENDERS = 100
MAX_PROFILE_YEARS = 50
FIRST_YEAR, LAST_YEAR = 1990, 2100


def _project_code(raw: str) -> str:
    code = raw.strip().upper()
    if not _CODE.match(code):
        raise ValueError(
            "A code is up to 30 letters, digits, slashes, dots, hyphens or underscores, "
            "starting with a letter or digit"
        )
    return code


ProjectCode = Annotated[
    str,
    documented(
        PROJECT_CODE,
        max_length=32,
        description="Unique within the organisation, e.g. CAP-2026-014",
        examples=["CAP-014"],
    ),
    identifier(PROJECT_CODE, _project_code),
]


def _unique(ids: list[uuid.UUID]) -> list[uuid.UUID]:
    return list(dict.fromkeys(ids))


# A service area or ward, as the spend file names them.
Place = ShortName
TenderIds = Annotated[
    list[uuid.UUID],
    Field(
        max_length=MAX_TENDERS,
        description="Awarded tenders of the organisation whose contracts deliver the scheme",
    ),
    AfterValidator(_unique),
]
_YEARS = Field(
    ge=FIRST_YEAR,
    le=LAST_YEAR,
    description="Named by the calendar year it starts in: 2026 is 2026/27 (April to March)",
    examples=[2026],
)
# As typed into a form; the API takes a JSON whole number only.
FinancialYear = Annotated[int, _YEARS]


class FundingLine(SQLModel):
    """How much of the approved budget one source provides."""

    source: FundingSource
    amount: PositiveMoney


class ProfileLine(SQLModel):
    """The part of the approved budget planned for one financial year."""

    financial_year: Annotated[WholeNumber, _YEARS]
    amount: PositiveMoney


class ProfileLineRead(ProfileLine):
    """A profiled year, with its label as councils write it."""

    label: str = Field(examples=["2026/27"])


class CapitalProjectBase(SQLModel):
    """What a finance officer records about a scheme."""

    code: ProjectCode
    name: Name
    description: LongText = ""
    service_area: Place = Field(examples=["Highways"])
    ward: Place = Field(description="Ward or locality", examples=["Castle"])
    status: ProjectStatus = ProjectStatus.PROPOSED
    start_date: IsoDate | None = None
    end_date: IsoDate | None = Field(default=None, description="On or after the start date")
    approved_budget: Money


class CapitalProjectCreate(CapitalProjectBase):
    """A new scheme. Funding and the yearly profile must each add up to the approved budget."""

    forecast_outturn: Money | None = Field(
        default=None, description="What the scheme is expected to cost; the budget if not given"
    )
    variance_explanation: LongText = ""
    funding: list[FundingLine] = Field(default_factory=list, max_length=len(FundingSource))
    profile: list[ProfileLine] = Field(default_factory=list, max_length=MAX_PROFILE_YEARS)
    tender_ids: TenderIds = Field(default_factory=list)


class CapitalProjectUpdate(SQLModel):
    """A partial change; send the version you read. Lists given replace the stored ones."""

    version: Version
    code: ProjectCode | None = None
    name: Name | None = None
    description: LongText | None = None
    service_area: Place | None = None
    ward: Place | None = None
    status: ProjectStatus | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    approved_budget: Money | None = None
    forecast_outturn: Money | None = None
    variance_explanation: LongText | None = None
    funding: list[FundingLine] | None = Field(default=None, max_length=len(FundingSource))
    profile: list[ProfileLine] | None = Field(default=None, max_length=MAX_PROFILE_YEARS)
    tender_ids: TenderIds | None = None


class CapitalProjectRead(CapitalProjectBase):
    """A scheme as the API returns it; its derived figures are at `/figures`."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    forecast_outturn: DecimalString
    variance_explanation: str
    funding: list[FundingLine]
    profile: list[ProfileLineRead]
    tender_ids: list[uuid.UUID]
    created_at: datetime
    updated_at: datetime
    version: int


class VarianceFlag(StrEnum):
    """Which way the forecast outturn departs from the approved budget."""

    ADVERSE = "adverse"  # forecast above budget: an overspend
    FAVOURABLE = "favourable"
    ON_BUDGET = "on budget"


class LinkedContractRead(SQLModel):
    """An awarded contract delivering a scheme: the winning bid and what it committed."""

    tender_id: uuid.UUID
    reference: str
    title: str
    supplier_name: str
    contract_value: DecimalString = Field(description="The winning bid's price")
    is_local: bool
    is_sme: bool
    is_vcse: bool
    social_value: DecimalString = Field(
        description="The winning bid's commitments at the catalogue's values per unit"
    )
    awarded_on: date


class YearFiguresRead(SQLModel):
    """One financial year of a scheme: budget profiled and spend paid."""

    financial_year: int
    label: str = Field(examples=["2026/27"])
    budget: DecimalString
    spend: DecimalString


class ProjectFiguresRead(SQLModel):
    """A scheme's figures on a date (see procurement/services/capital_figures.py)."""

    id: uuid.UUID
    code: str
    name: str
    service_area: str
    ward: str
    status: ProjectStatus
    approved_budget: DecimalString
    forecast_outturn: DecimalString
    funding: list[FundingLine]
    years: list[YearFiguresRead]
    spend_to_date: DecimalString
    percent_spent: DecimalString
    variance: DecimalString = Field(description="Forecast outturn less budget; above 0 is adverse")
    variance_percent: DecimalString
    variance_flag: VarianceFlag
    variance_explanation: str
    needs_explanation: bool = Field(
        description="The variance is over 10% of the budget and nothing explains it"
    )
    slippage: DecimalString = Field(
        description="Budget profiled up to this financial year but not yet spent"
    )
    local_spend: DecimalString
    sme_vcse_spend: DecimalString
    local_share: DecimalString
    social_value_committed: DecimalString
    linked: list[LinkedContractRead]


class ProgrammeTotalsRead(SQLModel):
    """The whole programme's figures on a date."""

    approved_budget: DecimalString
    forecast_outturn: DecimalString
    spend_to_date: DecimalString
    percent_spent: DecimalString
    variance: DecimalString
    variance_percent: DecimalString
    slippage: DecimalString
    local_spend: DecimalString
    sme_vcse_spend: DecimalString
    local_share: DecimalString
    social_value_committed: DecimalString = Field(
        description="Each contract counted once, however many schemes it delivers"
    )


class ProgrammeFiguresRead(SQLModel):
    """Every scheme's figures on a date, their totals, and the variances left unexplained."""

    as_at: date
    totals: ProgrammeTotalsRead
    unexplained: list[str] = Field(
        description="Codes of the schemes whose variance needs an explanation"
    )
    projects: list[ProjectFiguresRead]
