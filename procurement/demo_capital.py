"""Demo data for the capital programme: two awarded tenders, eight capital schemes with their
funding, budget profile and forecasts, and a year and a half of spend against them.

Figures are fictional but shaped like a district council's programme: one scheme is
overspending with an explanation, and one has slipped and is forecast under budget without
one, so a finance officer trying to publish meets the variance rule straight away.
"""

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.capital import FundingSource, ProjectStatus, financial_year_of
from procurement.domain.dates import LONDON
from procurement.domain.evaluation import Declaration
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.standstill import standstill_end
from procurement.models import (
    Award,
    Bid,
    CapitalProject,
    EvaluatorAssignment,
    ImportStatus,
    ProjectBudgetProfile,
    ProjectFunding,
    ProjectTender,
    Score,
    SpendImport,
    SpendTransaction,
    Supplier,
    Tender,
    User,
    WeightingTemplate,
)
from procurement.schemas.bid import BidChannel, BidStatus

NOON = time(12, 0)
# Answers to the Works template's questions: (local spend %, tCO2e saved, commitments).
Answers = Callable[[str, str, dict[str, str]], dict[str, Any]]
# Spend payees that are not on the supplier register, as a real spend file has many.
_OTHER_PAYEES = (
    "Anglian Water Services Ltd",
    "Western Power Distribution plc",
    "Northamptonshire Highways Consultancy LLP",
    "County Surveyors Partnership",
)


@dataclass(frozen=True)
class DemoScheme:
    """A capital scheme as the demo seeds it; money in whole pounds for readability."""

    code: str
    name: str
    description: str
    service_area: str
    ward: str
    status: ProjectStatus
    start: date
    end: date
    budget: int
    forecast: int
    funding: dict[FundingSource, int]
    profile: dict[int, int]  # financial year start -> pounds
    spent_share: Decimal  # of the budget profiled to date, paid so far
    explanation: str = ""
    tender: str | None = None  # the reference of the awarded tender that delivers it


_SCHEMES = [
    DemoScheme(
        "CAP-HW-014",
        "Nene riverside footbridge replacement",
        "A new accessible footbridge over the Nene at Irthlingborough Road, replacing the "
        "1970s bridge closed after its last inspection.",
        "Highways and transport",
        "Irchester",
        ProjectStatus.IN_DELIVERY,
        date(2025, 6, 1),
        date(2027, 3, 31),
        2_400_000,
        2_760_000,
        {FundingSource.GOVERNMENT_GRANTS: 1_500_000, FundingSource.BORROWING: 900_000},
        {2025: 900_000, 2026: 1_500_000},
        Decimal("0.92"),
        "Piling met unrecorded rock at the south abutment; the redesign and extra piling "
        "add £360,000, approved by Cabinet in September 2026 and met from borrowing.",
        "WVBC/2025/044",
    ),
    DemoScheme(
        "CAP-LB-007",
        "Library roof and solar panels",
        "A new insulated roof for the central library, with 120 solar panels.",
        "Libraries and culture",
        "Swanspool",
        ProjectStatus.IN_DELIVERY,
        date(2025, 9, 1),
        date(2026, 12, 31),
        860_000,
        845_000,
        {FundingSource.CAPITAL_RECEIPTS: 360_000, FundingSource.GOVERNMENT_GRANTS: 500_000},
        {2025: 300_000, 2026: 560_000},
        Decimal("0.85"),
        tender="WVBC/2025/061",
    ),
    DemoScheme(
        "CAP-LS-021",
        "Castle Fields sports pavilion",
        "A new low-carbon pavilion with changing rooms and a community room (tender "
        "WVBC/2026/019 is being evaluated).",
        "Leisure",
        "Castle",
        ProjectStatus.APPROVED,
        date(2026, 10, 1),
        date(2028, 3, 31),
        1_500_000,
        1_500_000,
        {
            FundingSource.DEVELOPER_CONTRIBUTIONS: 650_000,
            FundingSource.BORROWING: 700_000,
            FundingSource.OTHER: 150_000,
        },
        {2026: 200_000, 2027: 1_300_000},
        Decimal("0.10"),
    ),
    DemoScheme(
        "CAP-HO-033",
        "Disabled facilities grants 2026/27",
        "Adaptations to homes so that disabled residents can live independently.",
        "Housing",
        "Borough-wide",
        ProjectStatus.IN_DELIVERY,
        date(2026, 4, 1),
        date(2027, 3, 31),
        1_100_000,
        1_100_000,
        {FundingSource.GOVERNMENT_GRANTS: 1_100_000},
        {2026: 1_100_000},
        Decimal("0.55"),
    ),
    DemoScheme(
        "CAP-RG-005",
        "Market Square public realm",
        "Repaving, lighting and seating for the Market Square, with space for events.",
        "Regeneration",
        "Victoria",
        ProjectStatus.IN_DELIVERY,
        date(2025, 4, 1),
        date(2027, 9, 30),
        3_200_000,
        2_700_000,
        {
            FundingSource.GOVERNMENT_GRANTS: 2_000_000,
            FundingSource.DEVELOPER_CONTRIBUTIONS: 700_000,
            FundingSource.REVENUE_CONTRIBUTIONS: 500_000,
        },
        {2025: 1_200_000, 2026: 1_400_000, 2027: 600_000},
        Decimal("0.50"),
    ),
    DemoScheme(
        "CAP-HW-019",
        "Resurfacing programme 2026/27",
        "Resurfacing of 14 km of estate roads and footways, prioritised by condition survey.",
        "Highways and transport",
        "Borough-wide",
        ProjectStatus.IN_DELIVERY,
        date(2026, 4, 1),
        date(2027, 3, 31),
        1_800_000,
        1_800_000,
        {FundingSource.GOVERNMENT_GRANTS: 1_200_000, FundingSource.BORROWING: 600_000},
        {2026: 1_800_000},
        Decimal("0.60"),
    ),
    DemoScheme(
        "CAP-ED-002",
        "Croyland children's centre extension",
        "Two new rooms and an outdoor learning space for the Croyland children's centre.",
        "Children and education",
        "Croyland",
        ProjectStatus.COMPLETE,
        date(2025, 4, 1),
        date(2026, 3, 31),
        640_000,
        628_000,
        {FundingSource.GOVERNMENT_GRANTS: 440_000, FundingSource.CAPITAL_RECEIPTS: 200_000},
        {2025: 640_000},
        Decimal("0.98"),
    ),
    DemoScheme(
        "CAP-IT-011",
        "Council data centre replacement",
        "Proposed move of the council's servers to a shared public-sector data centre.",
        "Corporate services",
        "Borough-wide",
        ProjectStatus.PROPOSED,
        date(2027, 4, 1),
        date(2028, 3, 31),
        450_000,
        450_000,
        {FundingSource.BORROWING: 450_000},
        {2027: 450_000},
        Decimal("0.0"),
    ),
]


@dataclass(frozen=True)
class DemoAward:
    """An awarded demo tender: its bids (supplier index, price, quality scores) and winner."""

    reference: str
    title: str
    description: str
    decided: date
    bids: tuple[tuple[int, Decimal, int, int, dict[str, str]], ...]
    rationale: str


_AWARDS = [
    DemoAward(
        "WVBC/2025/044",
        "Nene riverside footbridge replacement",
        "Design and build of an accessible footbridge over the river Nene.",
        date(2025, 11, 14),
        (
            (0, Decimal("2310000.00"), 4, 4, {"JOB-LOCAL": "6", "APPRENTICE-WK": "208"}),
            (2, Decimal("2395000.00"), 3, 3, {"JOB-LOCAL": "1"}),
        ),
        "Nene Valley Builders offered the lowest price and the strongest method statement.",
    ),
    DemoAward(
        "WVBC/2025/061",
        "Library roof and solar panels",
        "Replacement of the central library roof with insulation and solar panels.",
        date(2026, 1, 23),
        (
            (1, Decimal("792000.00"), 4, 5, {"VOLUNTEER-HR": "400", "GRANT-VCSE": "8000"}),
            (3, Decimal("818000.00"), 3, 3, {"APPRENTICE-WK": "52"}),
        ),
        "Rushden Community Works ranked first on price, quality and social value.",
    ),
]


def _at_noon(day: date) -> datetime:
    return datetime.combine(day, NOON, tzinfo=LONDON)


async def _awarded_tender(
    session: AsyncSession,
    demo: DemoAward,
    works: WeightingTemplate,
    officer: User,
    evaluator: User,
    suppliers: list[Supplier],
    answers: Answers,
) -> Tender:
    """A tender on the Works template, scored by one evaluator and awarded to its first bid."""
    closed = _at_noon(demo.decided - timedelta(days=30))
    tender = Tender(
        organisation_id=officer.organisation_id,
        reference=demo.reference,
        title=demo.title,
        description=demo.description,
        cpv_codes=["45221111-3"],
        estimated_value=sum((price for _, price, *_ in demo.bids), Decimal(0)) / len(demo.bids),
        currency="GBP",
        submission_deadline=closed,
        status=TenderStatus.AWARDED,
        published_at=closed - timedelta(days=35),
        closed_at=closed,
        measure_values_on=(closed - timedelta(days=35)).date(),
        created_by_id=officer.id,
        criteria=dict(works.tree),
        evaluation_rules=dict(works.rules),
        criteria_template_id=works.id,
    )
    session.add(tender)
    await session.flush()  # rows here have no relationships to order their inserts by
    session.add(
        EvaluatorAssignment(
            tender_id=tender.id,
            user_id=evaluator.id,
            assigned_by_id=officer.id,
            declaration=Declaration.NO_INTEREST,
            declared_at=closed,
            scores_submitted_at=closed + timedelta(days=7),
        )
    )
    bids = []
    for index, price, _, _, commitments in demo.bids:
        bid = Bid(
            tender_id=tender.id,
            supplier_id=suppliers[index].id,
            price=price,
            status=BidStatus.SUBMITTED,
            channel=BidChannel.RECORDED,
            received_at=closed - timedelta(days=2),
            first_received_at=closed - timedelta(days=2),
            submitted_by_id=officer.id,
            **answers("60", "70", commitments),
        )
        bids.append(bid)
    session.add_all(bids)
    await session.flush()
    for bid, (_, _, method, programme, _) in zip(bids, demo.bids, strict=True):
        for key, value in (("method", method), ("programme", programme)):
            session.add(
                Score(
                    tender_id=tender.id,
                    bid_id=bid.id,
                    evaluator_id=evaluator.id,
                    criterion_key=key,
                    value=Decimal(value),
                    rationale="Scored against the published descriptors at the panel meeting.",
                    submitted_at=closed + timedelta(days=7),
                )
            )
    session.add(
        Award(
            tender_id=tender.id,
            bid_id=bids[0].id,
            decision_date=demo.decided,
            rationale=demo.rationale,
            standstill_ends=standstill_end(demo.decided),
            awarded_by_id=officer.id,
            evaluation_version=tender.evaluation_version,
            winner_rank=1,
        )
    )
    return tender


def _spend(
    scheme: DemoScheme,
    project: CapitalProject,
    payees: list[str],
    today: date,
    rng: random.Random,
    numbers: Iterator[str],
) -> list[SpendTransaction]:
    """Monthly payments from the scheme's start to today, adding up to its spent share of
    the budget profiled for the years so far."""
    profiled = sum(v for year, v in scheme.profile.items() if year <= financial_year_of(today))
    target = (profiled * scheme.spent_share).quantize(Decimal("1"))
    months = []
    month = scheme.start.replace(day=1)
    while month <= min(today, scheme.end):
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    if not months or target <= 0:
        return []
    # Money stays Decimal: each month weighs a whole number from 50 to 150.
    weights = [Decimal(rng.randint(50, 150)) for _ in months]
    paid = Decimal(0)
    rows = []
    for n, (month, weight) in enumerate(zip(months, weights, strict=True)):
        last = n == len(months) - 1
        share = (
            target - paid if last else (target * weight / sum(weights)).quantize(Decimal("0.01"))
        )
        paid += share
        day = min(month + timedelta(days=rng.randint(3, 25)), today)
        rows.append(
            SpendTransaction(
                organisation_id=project.organisation_id,
                project_id=project.id,
                import_id=uuid.UUID(int=0),  # set by the caller
                transaction_number=next(numbers),
                paid_on=day,
                service_area=scheme.service_area,
                beneficiary=payees[n % len(payees)],
                purpose=f"{scheme.name}: works and fees",
                amount=share,
            )
        )
    return rows


async def seed_capital_programme(
    session: AsyncSession,
    *,
    officer: User,
    finance: User,
    evaluator: User,
    works: WeightingTemplate,
    suppliers: list[Supplier],
    answers: Answers,
    today: date,
) -> None:
    """Add the awarded tenders, the schemes and their spend (the caller commits)."""
    tenders = {}
    for award in _AWARDS:
        tender = await _awarded_tender(
            session, award, works, officer, evaluator, suppliers, answers
        )
        tenders[award.reference] = tender
    await session.flush()
    spend_import = SpendImport(
        organisation_id=officer.organisation_id,
        file_name="demo-spend-over-500.csv",
        sha256="0" * 64,
        status=ImportStatus.SUCCEEDED,
        created_by_id=finance.id,
        finished_at=_at_noon(today),
    )
    session.add(spend_import)
    # Not for secrets: a fixed seed, so every demo has the same figures.
    rng = random.Random(20260401)  # noqa: S311
    numbers = (f"DEMO-{n:05d}" for n in range(1, 100_000))
    spend: list[SpendTransaction] = []
    for scheme in _SCHEMES:
        project = CapitalProject(
            organisation_id=officer.organisation_id,
            code=scheme.code,
            name=scheme.name,
            description=scheme.description,
            service_area=scheme.service_area,
            ward=scheme.ward,
            status=scheme.status,
            start_date=scheme.start,
            end_date=scheme.end,
            approved_budget=Decimal(scheme.budget),
            forecast_outturn=Decimal(scheme.forecast),
            variance_explanation=scheme.explanation,
        )
        session.add(project)
        session.add_all(
            ProjectFunding(project_id=project.id, source=source, amount=Decimal(amount))
            for source, amount in scheme.funding.items()
        )
        session.add_all(
            ProjectBudgetProfile(project_id=project.id, financial_year=year, amount=Decimal(v))
            for year, v in scheme.profile.items()
        )
        payees = list(_OTHER_PAYEES[:2])
        if scheme.tender is not None:
            session.add(ProjectTender(project_id=project.id, tender_id=tenders[scheme.tender].id))
            winner = next(d for d in _AWARDS if d.reference == scheme.tender).bids[0][0]
            payees = [suppliers[winner].name, suppliers[winner].name, _OTHER_PAYEES[2]]
        spend += _spend(scheme, project, payees, today, rng, numbers)
    await session.flush()
    for row in spend:
        row.import_id = spend_import.id
    spend_import.rows_total = spend_import.rows_done = spend_import.rows_added = len(spend)
    session.add_all(spend)
