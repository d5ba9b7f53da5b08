"""Times publishing a capital programme summary of 10,000 schemes and 500,000 payments, on
SQLite or PostgreSQL, and prints a results table.

Run it with `.venv/bin/python bench/publications.py` for SQLite, and with
`--postgres postgresql://postgres@127.0.0.1:5432/postgres` for PostgreSQL: a throwaway
database is made on that server (beside the one named) and dropped afterwards. `--quick` is a
smoke run of 1,000 schemes and 50,000 payments, once. It needs poppler's `pdfinfo`.

The database is migrated, then given a council with a finance officer and, from a fixed seed:
- 10,000 schemes over ten service areas and twenty-four wards, in every status, each with an
  approved budget (skewed like a real programme: most under £2m, a few over £20m), funded by
  one to three sources whose amounts sum to it, profiled over four financial years, and a
  forecast outturn: most on budget or within 10%, about one in ten further out, each of those
  with an explanation (so publication is allowed);
- 300 registered suppliers (a third in the council's area; SMEs and VCSEs among them) that,
  with a few unregistered names (utilities, consultants), are the payments' beneficiaries,
  sometimes written in capitals or with stray spaces, as finance systems export them;
- 8 awarded tenders whose winning bids commit social value, each linked to two schemes;
- 500,000 payments over the last two and a half financial years up to today, against every
  scheme but the proposed ones (more to the larger), in one import per month.
Schemes, their funding and profiles and the payments are inserted in bulk with SQLAlchemy core
(executemany in chunks), the rest through the ORM. On PostgreSQL the tables are then
analysed, as autovacuum would do shortly after such a load. Seeding is not timed; its
seconds are printed.

The period published is the latest quarter that has ended (the summary a council publishes
next). What is timed, with `time.perf_counter`, each in a fresh session where it reads the
database, through the functions the publication service calls:

- figures: `programme_figures`, every scheme's figures as at the period's last day;
- snapshot: `build_snapshot`, the frozen JSON data;
- HTML file: `document_context` (charts included) and the page template rendered;
- CSV file and JSON file: `schemes_csv` and `snapshot_json`;
- HTML, CSV and JSON from the database: the five steps above, one after the other;
- accessible PDF (PDF/UA-1) and archive PDF (PDF/A-3b, the JSON attached): each rendered
  alone in the report worker pool, as `make_files` asks for it;
- all five files: `make_files`, the two PDFs rendered at once as a publication renders them;
- publish, end to end: `PublicationService.publish`, from the request's data to the committed
  publication and its files; the publication is deleted after each run, so the next one
  publishes the period afresh.

The report worker pool is started before the runs, each of its workers having rendered a
one-page specimen, as in a running service. Web process peak: this process's peak resident
memory (VmHWM) during a step, reset just before it; worker peak: the highest VmHWM of the
report workers during a PDF step, reset likewise. Time targets are judged on the fastest run,
as bench/scoring.py explains (other processes on a shared machine only ever add time); the
memory target on the highest peak of every run.
"""

import argparse
import asyncio
import functools
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import SQLModel, col

from bench.reports import (
    RENDER_LIMIT_S,
    SPECIMEN,
    fresh_pool,
    pdf_pages,
    peak_mb,
    render_workers,
    reset_peak,
)
from bench.spend_import import database_version, throwaway_postgres
from procurement.config import Settings
from procurement.db import create_engine, open_session
from procurement.domain.capital import (
    FINANCIAL_YEAR_START_MONTH,
    FundingSource,
    Period,
    ProjectStatus,
    financial_year_of,
)
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.migrate import upgrade_database
from procurement.models import (
    AuditChainHead,
    Award,
    Bid,
    CapitalProject,
    ImportStatus,
    Measure,
    MeasureValue,
    Organisation,
    ProjectBudgetProfile,
    ProjectFunding,
    ProjectTender,
    Publication,
    PublicationFile,
    SpendImport,
    SpendTransaction,
    Supplier,
    Tender,
    User,
)
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.bid import BidChannel, BidStatus
from procurement.schemas.measure import MeasureTheme
from procurement.schemas.publication import PublicationCreate, PublicationFileKind
from procurement.services.auth import hash_password, principal_for
from procurement.services.capital_figures import (
    ProgrammeFigures,
    needs_explanation,
    programme_figures,
)
from procurement.services.publication_files import (
    PAGE_TEMPLATE,
    PDF_TEMPLATE,
    document_context,
    document_title,
    file_name,
    make_files,
    schemes_csv,
    snapshot_json,
)
from procurement.services.publication_snapshot import SnapshotHeader, build_snapshot
from procurement.services.publications import PublicationService, default_title
from procurement.services.report_rendering import REPORT_POOL, render_in_pool
from reports.pdf import EmbeddedFile, render_archive_pdf, render_html

TARGET_TEXT_S = 5.0
TARGET_PDF_S = 20.0
TARGET_PEAK_MB = 1024.0
SCHEMES = 10_000
PAYMENTS = 500_000
SUPPLIERS = 300
TENDERS = 8
SCHEMES_PER_TENDER = 2
PROFILE_YEARS = 4
SPEND_YEARS = 3  # payments from the start of the financial year two before this one
CHUNK = 5_000  # rows per executemany
SEED = 20261101
COUNCIL = "Wellingborough Vale Borough Council"
LOCAL_AREA = ["NN8", "NN9", "NN10", "NN29"]
LOCAL_POSTCODES = ("NN8 4EG", "NN8 1BP", "NN9 5AB", "NN10 0JE", "NN29 7QA")
OTHER_POSTCODES = ("LE1 6ZG", "MK40 1SJ", "PE1 1HQ", "CB2 1TN", "B3 2HJ", "NG1 5FS")
SERVICE_AREAS = (
    "Highways and transport",
    "Schools",
    "Housing",
    "Regeneration",
    "Leisure and culture",
    "Libraries",
    "Parks and open spaces",
    "Waste and recycling",
    "Adult social care",
    "Corporate property",
)
WARDS = (
    "Castle",
    "Croyland",
    "Finedon",
    "Harrowden",
    "Hemmingwell",
    "Irchester",
    "Isebrook",
    "Queensway",
    "Redwell",
    "Rixon",
    "Swanspool",
    "Victoria",
    "Brickhill",
    "Earls Barton",
    "Great Doddington",
    "Wollaston",
    "Bozeat",
    "Grendon",
    "Rushden Bates",
    "Rushden Hayden",
    "Rushden Pemberton",
    "Rushden Sartoris",
    "Higham Ferrers",
    "Raunds",
)
WORKS = (
    "Resurfacing",
    "Refurbishment",
    "Roof replacement",
    "Extension",
    "Energy efficiency upgrade",
    "Drainage improvements",
    "Accessibility works",
    "New build",
    "Heating replacement",
    "Solar panels",
    "Footway renewal",
    "Play area renewal",
)
PLACES = (
    "Library",
    "Primary School",
    "Leisure Centre",
    "Town Centre",
    "Depot",
    "Community Centre",
    "Sheltered Housing",
    "Recreation Ground",
    "Market Square",
    "Civic Offices",
)
STATUSES = {  # a programme's mix, by weight: most schemes under way
    ProjectStatus.PROPOSED: 5,
    ProjectStatus.APPROVED: 15,
    ProjectStatus.IN_DELIVERY: 55,
    ProjectStatus.COMPLETE: 20,
    ProjectStatus.CANCELLED: 5,
}
SOURCES = {  # how often each source funds a scheme, by weight
    FundingSource.BORROWING: 40,
    FundingSource.GOVERNMENT_GRANTS: 25,
    FundingSource.CAPITAL_RECEIPTS: 12,
    FundingSource.DEVELOPER_CONTRIBUTIONS: 10,
    FundingSource.REVENUE_CONTRIBUTIONS: 8,
    FundingSource.OTHER: 5,
}
EXPLANATIONS = (
    "Tender prices came in above the estimate after a rise in material costs",
    "Asbestos was found during the survey and had to be removed before work could start",
    "The scope was reduced after the consultation; the saving returns to the programme",
    "Ground conditions needed deeper foundations than the site investigation showed",
    "A government grant covered part of the works, reducing the council's own spend",
    "The contractor went into administration and the remaining works were re-let",
)
TOWNS = ("Nene", "Rushden", "Ise", "Castle", "Welland", "Harrowden", "Irchester", "Finedon")
TRADES = (
    "Builders",
    "Construction",
    "Contractors",
    "Surveyors",
    "Engineering",
    "Joinery",
    "Roofing",
    "Landscapes",
    "Electrical",
    "Civils",
)
SUFFIXES = ("Ltd", "Ltd", "Ltd", "plc", "CIC", "LLP", "and Sons Ltd")
UNREGISTERED = (
    "Anglian Water Services Ltd",
    "Western Power Distribution plc",
    "Openreach Ltd",
    "Cadent Gas Ltd",
    "County Surveyors Partnership",
    "Northamptonshire Highways Consultancy LLP",
    "HM Land Registry",
    "Planning Inspectorate",
)
PURPOSES = (
    "Construction works: stage payment",
    "Professional fees: design",
    "Site investigation",
    "Equipment and fit-out",
    "Utilities diversion",
    "Project management",
    "Materials",
    "Retention release",
)
MEASURES = (
    ("JOB-LOCAL", MeasureTheme.JOBS, "job-year (FTE)", "36480.00", (1, 6)),
    ("APPRENTICE-WK", MeasureTheme.JOBS, "apprentice-week", "472.50", (26, 208)),
    ("VOLUNTEER-HR", MeasureTheme.SOCIAL, "hour", "17.00", (40, 800)),
)


def _table(model: type[SQLModel]) -> sa.Table:
    table = sa.inspect(model, raiseerr=True).local_table
    assert isinstance(table, sa.Table)
    return table


def latest_ended_quarter(today: date) -> Period:
    """The latest financial quarter that ended before `today`."""
    year = financial_year_of(today)
    quarter = (today.month - FINANCIAL_YEAR_START_MONTH) % 12 // 3 + 1  # today's quarter
    return Period(year, quarter - 1) if quarter > 1 else Period(year - 1, 4)


def split(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """`total` (whole pounds) in `parts` whole-pound amounts of random size that sum to it."""
    weights = [rng.uniform(0.5, 2.0) for _ in range(parts)]
    amounts = [Decimal(int(total * Decimal(w / sum(weights)))) for w in weights[:-1]]
    return [*amounts, total - sum(amounts, Decimal(0))]


@dataclass(frozen=True)
class Scheme:
    """What the payments need to know of a seeded scheme."""

    id: uuid.UUID
    code: str
    service_area: str
    status: ProjectStatus
    budget: Decimal


@dataclass
class SchemeRows:
    """The rows to insert for the schemes."""

    schemes: list[Scheme] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    funding: list[dict[str, Any]] = field(default_factory=list)
    profiles: list[dict[str, Any]] = field(default_factory=list)


def scheme_rows(
    organisation_id: uuid.UUID, count: int, this_year: int, rng: random.Random
) -> SchemeRows:
    """Every scheme's row, funding and four-year profile."""
    rows = SchemeRows()
    now = utc_now()
    statuses, sources = list(STATUSES), list(SOURCES)
    for n in range(1, count + 1):
        project_id = uuid.uuid4()
        status = rng.choices(statuses, list(STATUSES.values()))[0]
        area, ward = rng.choice(SERVICE_AREAS), rng.choice(WARDS)
        budget = Decimal(max(25, round(rng.lognormvariate(13.8, 1.1) / 1000)) * 1000)
        first_year = this_year - 2 + rng.randrange(4)
        forecast, explanation = forecast_of(budget, status, rng)
        start = date(first_year, FINANCIAL_YEAR_START_MONTH, 1) + timedelta(rng.randrange(180))
        rows.schemes.append(Scheme(project_id, f"CAP-{n:05d}", area, status, budget))
        rows.projects.append(
            {
                "id": project_id,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "organisation_id": organisation_id,
                "code": f"CAP-{n:05d}",
                "name": f"{ward} {rng.choice(PLACES)}: {rng.choice(WORKS).lower()}",
                "description": f"Capital scheme {n} of the programme",
                "service_area": area,
                "ward": ward,
                "status": status,
                "start_date": start,
                "end_date": start + timedelta(365 * (1 + rng.randrange(4))),
                "approved_budget": budget,
                "forecast_outturn": forecast,
                "variance_explanation": explanation,
            }
        )
        chosen: list[FundingSource] = []
        while not chosen or (len(chosen) < 3 and rng.random() < 0.4):
            source = rng.choices(sources, list(SOURCES.values()))[0]
            if source not in chosen:
                chosen.append(source)
        rows.funding += [
            {"project_id": project_id, "source": source, "amount": amount}
            for source, amount in zip(chosen, split(budget, len(chosen), rng), strict=True)
        ]
        rows.profiles += [
            {"project_id": project_id, "financial_year": first_year + offset, "amount": amount}
            for offset, amount in enumerate(split(budget, PROFILE_YEARS, rng))
        ]
    return rows


def forecast_of(budget: Decimal, status: ProjectStatus, rng: random.Random) -> tuple[Decimal, str]:
    """A scheme's forecast outturn and, where its variance needs one, an explanation."""
    roll = rng.random()
    if status is ProjectStatus.CANCELLED:
        forecast = (budget * Decimal(rng.uniform(0.05, 0.3))).quantize(Decimal(1))
    elif roll < 0.6:
        forecast = budget
    elif roll < 0.9:
        forecast = (budget * Decimal(1 + rng.uniform(-0.08, 0.08))).quantize(Decimal(1))
    else:
        over = rng.uniform(0.11, 0.45) * rng.choice((-1, 1))
        forecast = (budget * Decimal(1 + over)).quantize(Decimal(1))
    explanation = ""
    if status is ProjectStatus.CANCELLED:
        explanation = "Cancelled by the cabinet; the forecast is the spend already committed"
    elif needs_explanation(budget, forecast - budget, ""):
        explanation = rng.choice(EXPLANATIONS)
    return forecast, explanation


def beneficiaries(rng: random.Random) -> list[tuple[str, str, bool, bool]]:
    """The registered suppliers: (name, postcode, is SME, is VCSE)."""
    found = []
    for n in range(1, SUPPLIERS + 1):
        suffix = rng.choice(SUFFIXES)
        local = rng.random() < 1 / 3
        postcode = rng.choice(LOCAL_POSTCODES if local else OTHER_POSTCODES)
        name = f"{rng.choice(TOWNS)} {rng.choice(TRADES)} {n:03d} {suffix}"
        found.append((name, postcode, rng.random() < 0.55, suffix == "CIC"))
    return found


def spelled(name: str, rng: random.Random) -> str:
    """A beneficiary's name as a finance system may export it."""
    roll = rng.random()
    if roll < 0.04:
        return name.upper()
    if roll < 0.06:
        return name.replace(" ", "  ", 1) + " "
    return name


def payment_chunks(
    organisation_id: uuid.UUID,
    schemes: Sequence[Scheme],
    names: Sequence[str],
    imports: dict[tuple[int, int], uuid.UUID],
    count: int,
    first_day: date,
    last_day: date,
    rng: random.Random,
) -> Iterator[list[dict[str, Any]]]:
    """The payments, CHUNK at a time, against schemes under way (weighted by budget)."""
    paid = [s for s in schemes if s.status is not ProjectStatus.PROPOSED]
    weights = [float(s.budget) for s in paid]
    days = (last_day - first_day).days + 1
    chunk: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        scheme = rng.choices(paid, weights)[0]
        paid_on = first_day + timedelta(rng.randrange(days))
        registered = rng.random() < 0.85
        beneficiary = spelled(rng.choice(names), rng) if registered else rng.choice(UNREGISTERED)
        pence = int(rng.lognormvariate(11, 1.4)) + 50_000  # over £500, skewed like real spend
        chunk.append(
            {
                "id": uuid.uuid4(),
                "organisation_id": organisation_id,
                "project_id": scheme.id,
                "import_id": imports[paid_on.year, paid_on.month],
                "transaction_number": f"SP-{n:07d}",
                "paid_on": paid_on,
                "service_area": scheme.service_area,
                "beneficiary": beneficiary,
                "purpose": rng.choice(PURPOSES),
                "amount": Decimal(pence) / 100,
            }
        )
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def insert(
    engine: AsyncEngine, model: type[SQLModel], rows: Sequence[dict[str, Any]]
) -> None:
    """Insert rows with core executemany, CHUNK at a time, in one transaction."""
    async with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            await connection.execute(sa.insert(_table(model)), rows[start : start + CHUNK])


@dataclass(frozen=True)
class Seeded:
    """The council and its finance officer, and how much was seeded."""

    organisation: Organisation
    finance: Principal
    schemes: int
    payments: int


@dataclass(frozen=True)
class People:
    """The council, its finance officer and procurement lead, and its suppliers."""

    council: Organisation
    finance: User
    lead: User
    suppliers: list[Supplier]


async def seed_people(session: AsyncSession, rng: random.Random) -> People:
    """The council with its finance and procurement officers, suppliers and catalogue."""
    council = Organisation(name=COUNCIL, local_area=LOCAL_AREA)
    session.add_all([council, AuditChainHead(organisation_id=council.id)])
    await session.flush()
    people = [
        User(
            organisation_id=council.id,
            email=f"{role.value}@example.test",
            full_name=name,
            role=role,
            password_hash=hash_password(uuid.uuid4().hex),
        )
        for role, name in ((Role.FINANCE, "Farah Finance"), (Role.PROCUREMENT, "Priya Lead"))
    ]
    suppliers = [
        Supplier(organisation_id=council.id, name=name, postcode=postcode, is_sme=sme, is_vcse=vcse)
        for name, postcode, sme, vcse in beneficiaries(rng)
    ]
    session.add_all([*people, *suppliers])
    for code, theme, unit, value, _ in MEASURES:
        measure = Measure(
            organisation_id=council.id, code=code, theme=theme, description=code, unit=unit
        )
        session.add(measure)
        await session.flush()
        session.add(
            MeasureValue(
                measure_id=measure.id,
                value_per_unit=Decimal(value),
                effective_from=date(2020, 4, 1),
            )
        )
    await session.commit()
    return People(council, people[0], people[1], suppliers)


async def seed_tenders(
    session: AsyncSession,
    lead: User,
    suppliers: list[Supplier],
    schemes: list[Scheme],
    awarded_on: date,
    rng: random.Random,
) -> None:
    """Awarded tenders, each won by a supplier that commits social value, each delivering
    a couple of schemes under way."""
    under_way = [s for s in schemes if s.status is ProjectStatus.IN_DELIVERY]
    for n in range(1, TENDERS + 1):
        opened = datetime.combine(awarded_on - timedelta(60), datetime.min.time(), UTC)
        tender = Tender(
            organisation_id=lead.organisation_id,
            reference=f"WVBC/{awarded_on.year}/{n:03d}",
            title=f"Capital works lot {n}",
            cpv_codes=["45000000-7"],
            estimated_value=Decimal(1_000_000 * n),
            submission_deadline=opened + timedelta(30),
            status=TenderStatus.AWARDED,
            published_at=opened,
            closed_at=opened + timedelta(30),
            measure_values_on=opened.date(),
            created_by_id=lead.id,
        )
        session.add(tender)
        await session.flush()
        bid = Bid(
            tender_id=tender.id,
            supplier_id=rng.choice(suppliers).id,
            price=Decimal(900_000 * n),
            status=BidStatus.SUBMITTED,
            channel=BidChannel.PORTAL,
            received_at=opened + timedelta(20),
            first_received_at=opened + timedelta(20),
            submitted_by_id=lead.id,
            commitments=[
                {"measure_code": code, "quantity": str(rng.randint(*quantities))}
                for code, _, _, _, quantities in MEASURES
            ],
        )
        session.add(bid)
        await session.flush()
        session.add(
            Award(
                tender_id=tender.id,
                bid_id=bid.id,
                decision_date=awarded_on,
                rationale="The most advantageous tender on the published criteria",
                standstill_ends=awarded_on + timedelta(12),
                awarded_by_id=lead.id,
                evaluation_version=1,
                winner_rank=1,
            )
        )
        session.add_all(
            ProjectTender(project_id=scheme.id, tender_id=tender.id)
            for scheme in rng.sample(under_way, SCHEMES_PER_TENDER)
        )
    await session.commit()


async def seed(
    engine: AsyncEngine, schemes: int, payments: int, period: Period, today: date
) -> Seeded:
    """The council, its programme and its spend (see the module's docstring)."""
    rng = random.Random(SEED)
    async with open_session(engine) as session:
        people = await seed_people(session, rng)
        council = people.council
        this_year = financial_year_of(today)
        rows = scheme_rows(council.id, schemes, this_year, rng)
        await insert(engine, CapitalProject, rows.projects)
        await insert(engine, ProjectFunding, rows.funding)
        await insert(engine, ProjectBudgetProfile, rows.profiles)
        await seed_tenders(session, people.lead, people.suppliers, rows.schemes, period.start, rng)
        first_day = date(this_year - SPEND_YEARS + 1, FINANCIAL_YEAR_START_MONTH, 1)
        imports = await seed_imports(session, people.finance, first_day, today)
        names = [s.name for s in people.suppliers]
        async with engine.begin() as connection:
            for chunk in payment_chunks(
                council.id, rows.schemes, names, imports, payments, first_day, today, rng
            ):
                await connection.execute(sa.insert(_table(SpendTransaction)), chunk)
        if engine.dialect.name == "postgresql":
            async with engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(sa.text("ANALYZE"))
        return Seeded(council, principal_for(people.finance), schemes, payments)


async def seed_imports(
    session: AsyncSession, finance: User, first_day: date, last_day: date
) -> dict[tuple[int, int], uuid.UUID]:
    """One finished import per month of payments, by (year, month)."""
    imports: dict[tuple[int, int], uuid.UUID] = {}
    day = first_day
    while day <= last_day:
        row = SpendImport(
            organisation_id=finance.organisation_id,
            file_name=f"spend-over-500-{day:%Y-%m}.csv",
            sha256="0" * 64,
            status=ImportStatus.SUCCEEDED,
            created_by_id=finance.id,
        )
        session.add(row)
        imports[day.year, day.month] = row.id
        day = (day.replace(day=1) + timedelta(32)).replace(day=1)
    await session.commit()
    return imports


@dataclass
class Step:
    """One step's runs: seconds, and the peaks of this process and of the workers."""

    target_s: float | None
    seconds: list[float] = field(default_factory=list)
    web_mb: float = 0.0
    worker_mb: float | None = None


async def warm_pool(settings: Settings) -> float:
    """Start the report workers afresh, every one of them with a one-page render done, as in
    a service that has been running; returns the seconds that took."""
    started = time.perf_counter()
    await fresh_pool(settings)
    # Renders at once, so that the pool starts its every worker, not only the first.
    context = {"reference": "WARM/0002", "paragraphs": ["Warm-up"], "rows": [], "draft": False}
    await asyncio.gather(
        *(
            render_in_pool(settings, SPECIMEN, context, "Warm-up")
            for _ in range(settings.report_workers)
        )
    )
    assert len(render_workers()) == settings.report_workers
    return time.perf_counter() - started


def reset_worker_peaks() -> None:
    """Start every report worker's peak afresh."""
    for pid in render_workers():
        reset_peak(pid)


def worker_peak() -> float:
    """The highest peak among the report workers."""
    return max(peak_mb(pid) for pid in render_workers())


@dataclass
class Publishing:
    """What a publication is made from, kept between steps."""

    figures: ProgrammeFigures | None = None
    snapshot: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    files: dict[PublicationFileKind, bytes] = field(default_factory=dict)


class Bench:
    """Times each step of publishing a period, and keeps the last files made."""

    def __init__(self, engine: AsyncEngine, settings: Settings, seeded: Seeded, period: Period):
        self.engine = engine
        self.settings = settings
        self.seeded = seeded
        self.period = period
        self.made = Publishing()
        self.steps: dict[str, Step] = {}

    async def timed(
        self,
        name: str,
        work: Callable[[], Awaitable[None]],
        target_s: float | None = None,
        *,
        pool: bool = False,
    ) -> float:
        """Run one step, keeping its seconds and memory peaks; returns the seconds."""
        step = self.steps.setdefault(name, Step(target_s))
        reset_peak(os.getpid())
        if pool:
            reset_worker_peaks()
        started = time.perf_counter()
        await work()
        seconds = time.perf_counter() - started
        step.seconds.append(seconds)
        step.web_mb = max(step.web_mb, peak_mb(os.getpid()))
        if pool:
            step.worker_mb = max(step.worker_mb or 0.0, worker_peak())
        return seconds

    def header(self) -> SnapshotHeader:
        """Who publishes what, as the publication service writes it."""
        return SnapshotHeader(
            organisation=COUNCIL,
            title=default_title(self.period),
            period=self.period,
            version=1,
            supersedes_version=None,
            correction_note="",
            published_at=utc_now(),
            published_by=self.seeded.finance.full_name,
        )

    async def figures(self) -> None:
        """Every scheme's figures as at the period's end."""
        async with open_session(self.engine) as session:
            organisation_id = self.seeded.organisation.id
            self.made.figures = await programme_figures(session, organisation_id, self.period.end)

    async def snapshot(self) -> None:
        """The frozen data."""
        assert self.made.figures is not None
        self.made.snapshot = build_snapshot(self.made.figures, self.header())

    async def html(self) -> None:
        """The document context and the HTML file."""
        snapshot = self.made.snapshot
        self.made.context = document_context(snapshot)
        page = render_html(PAGE_TEMPLATE, self.made.context, title=document_title(snapshot))
        self.made.files[PublicationFileKind.HTML] = page.encode()

    async def csv(self) -> None:
        """The CSV file."""
        self.made.files[PublicationFileKind.CSV] = schemes_csv(self.made.snapshot)

    async def json(self) -> None:
        """The JSON file."""
        self.made.files[PublicationFileKind.JSON] = snapshot_json(self.made.snapshot)

    async def pdf(self) -> None:
        """The accessible PDF, rendered in the worker pool."""
        snapshot, context = self.made.snapshot, self.made.context
        title = document_title(snapshot)
        pdf = await render_in_pool(self.settings, PDF_TEMPLATE, context, title)
        self.made.files[PublicationFileKind.PDF] = pdf

    async def archive_pdf(self) -> None:
        """The archival PDF with the JSON attached, rendered in the worker pool."""
        snapshot = self.made.snapshot
        attached = EmbeddedFile(
            name=file_name(snapshot["title"], snapshot["version"], PublicationFileKind.JSON),
            content=self.made.files[PublicationFileKind.JSON],
            description="The figures this document shows, as published (the JSON file)",
            made_at=datetime.fromisoformat(snapshot["published_at"]),
        )
        archive = functools.partial(render_archive_pdf, attachments=(attached,))
        title = document_title(snapshot)
        pdf = await render_in_pool(self.settings, PDF_TEMPLATE, self.made.context, title, archive)
        self.made.files[PublicationFileKind.ARCHIVE_PDF] = pdf

    async def all_files(self) -> None:
        """Every file, as the publication service makes them."""
        made = await make_files(self.made.snapshot, self.settings)
        assert [f.kind for f in made] == list(PublicationFileKind)

    async def publish(self) -> None:
        """The whole publication, committed."""
        async with open_session(self.engine) as session:
            service = PublicationService(session, self.seeded.finance)
            await service.publish(PublicationCreate(period=self.period.label), self.settings)

    async def unpublish(self) -> None:
        """Remove the publication, so that the period can be published again."""
        async with self.engine.begin() as connection:
            published = sa.select(col(Publication.id))
            await connection.execute(
                sa.delete(PublicationFile).where(col(PublicationFile.publication_id).in_(published))
            )
            await connection.execute(sa.delete(Publication))

    async def run(self) -> None:
        """Every step once, in the order a publication takes them."""
        self.made = Publishing()
        text = (
            ("figures (from the database)", self.figures),
            ("snapshot", self.snapshot),
            ("HTML file (charts included)", self.html),
            ("CSV file", self.csv),
            ("JSON file", self.json),
        )
        seconds = [await self.timed(name, work) for name, work in text]
        step = self.steps.setdefault("HTML, CSV and JSON from the database", Step(TARGET_TEXT_S))
        step.seconds.append(sum(seconds))
        step.web_mb = max(self.steps[name].web_mb for name, _ in text)
        await self.timed("accessible PDF (PDF/UA-1)", self.pdf, TARGET_PDF_S, pool=True)
        await self.timed("archive PDF (PDF/A-3b)", self.archive_pdf, TARGET_PDF_S, pool=True)
        await self.timed("all five files (make_files)", self.all_files, pool=True)
        await self.timed("publish, end to end", self.publish, pool=True)
        await self.unpublish()


def _verdict(step: Step) -> str:
    memory = max(step.web_mb, step.worker_mb or 0.0) < TARGET_PEAK_MB
    if step.target_s is None:
        return "PASS (memory)" if memory else "FAIL (memory)"
    return "PASS" if min(step.seconds) < step.target_s and memory else "FAIL"


def _row(database: str, name: str, step: Step) -> str:
    target = "-" if step.target_s is None else f"< {step.target_s:.0f} s"
    worker = "-" if step.worker_mb is None else f"{step.worker_mb:.0f}"
    return (
        f"| {database} | {name} | {statistics.median(step.seconds):.2f} "
        f"| {min(step.seconds):.2f} | {step.web_mb:.0f} | {worker} | {target} "
        f"| {_verdict(step)} |"
    )


def file_lines(files: dict[PublicationFileKind, bytes], directory: Path) -> list[str]:
    """The files' sizes, and the PDFs' page counts."""
    lines = ["| file | size KiB | pages |", "|---|---:|---:|"]
    for kind, content in files.items():
        pages = (
            str(pdf_pages(content, directory))
            if kind in {PublicationFileKind.PDF, PublicationFileKind.ARCHIVE_PDF}
            else "-"
        )
        lines.append(f"| {kind.value} | {len(content) / 1024:,.0f} | {pages} |")
    return lines


async def payments_counted(engine: AsyncEngine, period: Period) -> int:
    """How many payments fall on or before the period's last day."""
    async with engine.connect() as connection:
        found = await connection.scalar(
            sa.select(sa.func.count())
            .select_from(_table(SpendTransaction))
            .where(col(SpendTransaction.paid_on) <= period.end)
        )
    return int(found or 0)


async def run(
    database_url: str, schemes: int, payments: int, repeats: int, directory: Path
) -> None:
    """Seed, measure and print the tables."""
    await asyncio.to_thread(upgrade_database, database_url)
    settings = Settings(
        database_url=database_url,
        data_dir=directory,
        secret_key="b" * 32,
        report_timeout_seconds=RENDER_LIMIT_S,
    )
    engine = create_engine(database_url)
    today = datetime.now(UTC).date()
    period = latest_ended_quarter(today)
    try:
        started = time.perf_counter()
        seeded = await seed(engine, schemes, payments, period, today)
        seeding = time.perf_counter() - started
        database = await database_version(engine)
        counted = await payments_counted(engine, period)
        start_up = await warm_pool(settings)
        bench = Bench(engine, settings, seeded, period)
        for _ in range(repeats):
            await bench.run()
    finally:
        REPORT_POOL.shutdown()
        await engine.dispose()
    print(
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores, {settings.report_workers} report workers, load average "
        f"{os.getloadavg()[0]:.2f}; {database}; {schemes:,} schemes, {payments:,} payments "
        f"({counted:,} up to {period.end:%d %B %Y}); period {period.label}; seeded in "
        f"{seeding:.0f} s; report pool start-up {start_up:.2f} s; {repeats} "
        f"run{'' if repeats == 1 else 's'} of each step; targets: HTML, CSV and JSON under "
        f"{TARGET_TEXT_S:.0f} s, each PDF under {TARGET_PDF_S:.0f} s (fastest run), peak "
        f"memory under {TARGET_PEAK_MB:.0f} MB"
    )
    print(
        "| database | step | median s | fastest s | web process peak MB | worker peak MB "
        "| target | verdict |"
    )
    print("|---|---|---:|---:|---:|---:|---|---|")
    for name, step in bench.steps.items():
        print(_row(database.split()[0], name, step))
    print()
    print("\n".join(file_lines(bench.made.files, directory)))


async def main_async(args: argparse.Namespace) -> None:
    """Run on the database asked for."""
    schemes, payments, repeats = (
        (1_000, 50_000, 1) if args.quick else (args.schemes, args.payments, args.repeats)
    )
    with tempfile.TemporaryDirectory(prefix="bench-publications-") as folder:
        directory = Path(folder)
        if args.postgres:
            async with throwaway_postgres(args.postgres) as url:
                await run(url, schemes, payments, repeats, directory)
            return
        database_url = f"sqlite+aiosqlite:///{directory / 'bench.db'}"
        await run(database_url, schemes, payments, repeats, directory)


def main() -> None:
    """Print the results tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to bench on")
    parser.add_argument("--schemes", type=int, default=SCHEMES, help="capital schemes")
    parser.add_argument("--payments", type=int, default=PAYMENTS, help="spend rows")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each step")
    parser.add_argument(
        "--quick", action="store_true", help="1,000 schemes, 50,000 payments, one run"
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
