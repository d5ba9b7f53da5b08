"""The capital programme's tables: schemes, their funding, their budget by financial year and
the awarded tenders that deliver them."""

import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from procurement.domain.capital import FundingSource, ProjectStatus
from procurement.models.base import Entity, enum_column, enum_type, money_column


class CapitalProject(Entity, table=True):
    """A capital scheme: what it is, where, its approved budget and the forecast outturn."""

    __tablename__ = "capital_project"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "code", name="uq_capital_project_code"),
    )

    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    code: str = Field(max_length=30, index=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    service_area: str = Field(max_length=100, index=True)
    ward: str = Field(max_length=100)
    status: ProjectStatus = enum_column(ProjectStatus, index=True)
    start_date: date | None = None
    end_date: date | None = None
    approved_budget: Decimal = money_column()
    forecast_outturn: Decimal = money_column()
    # Why the forecast differs from the budget; publication needs one past a 10% variance.
    variance_explanation: str = Field(default="", sa_type=sa.Text)


class ProjectFunding(SQLModel, table=True):
    """How much of a scheme's budget one funding source provides."""

    __tablename__ = "project_funding"

    project_id: uuid.UUID = Field(
        foreign_key="capital_project.id", primary_key=True, ondelete="CASCADE"
    )
    source: FundingSource = Field(sa_type=enum_type(FundingSource), primary_key=True)
    amount: Decimal = money_column()


class ProjectBudgetProfile(SQLModel, table=True):
    """The part of a scheme's budget planned for one financial year (named by its first
    calendar year: 2026 is 2026/27)."""

    __tablename__ = "project_budget_profile"

    project_id: uuid.UUID = Field(
        foreign_key="capital_project.id", primary_key=True, ondelete="CASCADE"
    )
    financial_year: int = Field(primary_key=True)
    amount: Decimal = money_column()


class ProjectTender(SQLModel, table=True):
    """An awarded tender whose contract delivers (part of) a scheme."""

    __tablename__ = "project_tender"

    project_id: uuid.UUID = Field(
        foreign_key="capital_project.id", primary_key=True, ondelete="CASCADE"
    )
    tender_id: uuid.UUID = Field(foreign_key="tender.id", primary_key=True, index=True)
