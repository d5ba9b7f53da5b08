"""Builders for capital programme test data: schemes as the API takes them, schemes, awarded
contracts and payments written straight to the database, and spend files in the "spend over
£500" layout."""

import csv
import io
import itertools
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.capital import FundingSource, ProjectStatus
from procurement.domain.lifecycle import TenderStatus
from procurement.models import (
    Award,
    CapitalProject,
    ImportStatus,
    Organisation,
    ProjectBudgetProfile,
    ProjectFunding,
    SpendImport,
    SpendTransaction,
    Supplier,
    Tender,
    User,
)
from tests.factories import make_bid, make_tender

SPEND_HEADER = (
    "Date",
    "Service area",
    "Beneficiary",
    "Purpose",
    "Amount",
    "Transaction number",
    "Project code",
)

_payments = itertools.count(1)


def project_body(**changes: Any) -> dict[str, Any]:
    """A valid new scheme as the API takes it: £100,000 from two sources over two years."""
    body: dict[str, Any] = {
        "code": "cap-001",
        "name": "Castle ward library refurbishment",
        "description": "New roof, lift and heating",
        "service_area": "Libraries",
        "ward": "Castle",
        "status": "approved",
        "start_date": "2026-04-01",
        "end_date": "2028-03-31",
        "approved_budget": "100000.00",
        "funding": [
            {"source": "borrowing", "amount": "60000.00"},
            {"source": "government_grants", "amount": "40000.00"},
        ],
        "profile": [
            {"financial_year": 2026, "amount": "70000.00"},
            {"financial_year": 2027, "amount": "30000.00"},
        ],
    }
    return {**body, **changes}


async def make_capital_project(
    session: AsyncSession,
    organisation: Organisation,
    code: str = "CAP-001",
    *,
    name: str | None = None,
    service_area: str = "Libraries",
    ward: str = "Castle",
    budget: str = "100000.00",
    forecast: str | None = None,
    funding: dict[FundingSource, str] | None = None,
    profile: dict[int, str] | None = None,
    explanation: str = "",
) -> CapitalProject:
    """A scheme in delivery, funded by borrowing and profiled in 2026/27 unless told
    otherwise (an empty `funding` or `profile` gives it none), whose forecast is its budget
    unless given."""
    project = CapitalProject(
        organisation_id=organisation.id,
        code=code,
        name=name or f"Scheme {code}",
        service_area=service_area,
        ward=ward,
        status=ProjectStatus.IN_DELIVERY,
        approved_budget=Decimal(budget),
        forecast_outturn=Decimal(forecast or budget),
        variance_explanation=explanation,
    )
    session.add(project)
    await session.flush()
    if funding is None:
        funding = {FundingSource.BORROWING: budget}
    if profile is None:
        profile = {2026: budget}
    for source, value in funding.items():
        session.add(ProjectFunding(project_id=project.id, source=source, amount=Decimal(value)))
    for year, value in profile.items():
        session.add(
            ProjectBudgetProfile(project_id=project.id, financial_year=year, amount=Decimal(value))
        )
    await session.commit()
    return project


async def awarded_tender(
    session: AsyncSession,
    organisation: Organisation,
    officer: User,
    supplier: Supplier,
    *,
    price: str = "95000.00",
    commitments: Iterable[tuple[str, str]] = (),
    awarded_on: date = date(2026, 5, 1),
    valued_on: date | None = None,
    reference: str | None = None,
    title: str = "Library works",
    losing_bids: Iterable[tuple[Supplier, str]] = (),
) -> Tender:
    """A tender awarded to the supplier's bid at `price`, with its (measure, quantity)
    commitments valued on `valued_on` (the award date unless given), over the
    (supplier, price) bids that lost."""
    tender = await make_tender(
        session, organisation, officer, TenderStatus.AWARDED, reference, title
    )
    tender.measure_values_on = valued_on or awarded_on
    bid = await make_bid(session, tender, supplier, officer, price)
    bid.commitments = [{"measure_code": code, "quantity": q} for code, q in commitments]
    for loser, losing_price in losing_bids:
        await make_bid(session, tender, loser, officer, losing_price)
    session.add(
        Award(
            tender_id=tender.id,
            bid_id=bid.id,
            decision_date=awarded_on,
            rationale="Most economically advantageous tender",
            standstill_ends=awarded_on + timedelta(days=12),
            awarded_by_id=officer.id,
            evaluation_version=1,
            winner_rank=1,
        )
    )
    await session.commit()
    return tender


async def make_payments(
    session: AsyncSession,
    organisation: Organisation,
    project_id: uuid.UUID,
    payments: Iterable[tuple[date, str, str]],
) -> None:
    """Payments against a scheme, as (paid on, beneficiary, amount), in one finished import."""
    batch = SpendImport(
        organisation_id=organisation.id,
        file_name="spend.csv",
        sha256="0" * 64,
        status=ImportStatus.SUCCEEDED,
    )
    session.add(batch)
    await session.flush()
    session.add_all(
        SpendTransaction(
            organisation_id=organisation.id,
            project_id=project_id,
            import_id=batch.id,
            transaction_number=f"PAY{next(_payments):07d}",
            paid_on=paid_on,
            service_area="Libraries",
            beneficiary=beneficiary,
            purpose="Works",
            amount=Decimal(amount),
        )
        for paid_on, beneficiary, amount in payments
    )
    await session.commit()


def spend_row(
    number: str,
    code: str = "CAP-001",
    *,
    paid_on: str = "01/04/2026",
    service_area: str = "Highways",
    beneficiary: str = "Nene Valley Builders Ltd",
    purpose: str = "Carriageway resurfacing",
    amount: str = "£1,250.00",
) -> list[str]:
    """One payment as a spend file row, in SPEND_HEADER's order."""
    return [paid_on, service_area, beneficiary, purpose, amount, number, code]


def spend_csv(*rows: Sequence[str], header: Sequence[str] = SPEND_HEADER) -> bytes:
    """A spend file as a spreadsheet saves it: UTF-8, comma-separated, CRLF line ends."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode()
