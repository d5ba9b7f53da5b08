"""Publication test data: a small capital programme whose figures for 2026/27 Q2 (1 July to
30 September 2026) are known, a publication stored straight in the database, and checks of
the files a publication holds.

The programme (the winner is a local SME, the loser is not local):

| scheme  | area      | ward      | budget     | forecast   | paid by 30 Sep 2026          |
| ------- | --------- | --------- | ---------- | ---------- | ---------------------------- |
| CAP-001 | Libraries | Castle    | 500,000    | 560,000    | winner 120,000, loser 80,000 |
| CAP-002 | Parks     | Riverside | 200,000    | 190,000    | winner 60,000                |
| CAP-003 | Highways  | Castle    | 1,000,000  | 1,000,000  | loser 250,000 + 150,000      |

- CAP-001's forecast is 12% over budget: it needs an explanation, which it has unless the
  programme is made with `explained=False`. A payment of 50,000 on 20 October 2026 falls
  after the period.
- Totals: budget 1,700,000, forecast 1,750,000, spend 660,000, local spend 180,000 (27.27%),
  slippage 940,000 (budget profiled up to 2026/27 less spend, per scheme).
- CAP-001 is delivered by an awarded contract: the winner's bid of 480,000 commits 100 hours
  of JOB-LOCAL at £20, £2,000 of social value. The loser bid 520,000 for it.
"""

import hashlib
import re
import subprocess
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.capital import FundingSource, Period
from procurement.models import (
    CapitalProject,
    Organisation,
    ProjectTender,
    Publication,
    PublicationFile,
    Supplier,
    Tender,
    User,
)
from procurement.schemas.publication import MEDIA_TYPES, PublicationFileKind, PublicationTotals
from tests.capital_factories import awarded_tender, make_capital_project, make_payments
from tests.factories import make_measure
from tests.integration.report_support import poppler, text_of

PERIOD = "2026/27 Q2"
EXPLANATION = "Asbestos was found in the roof void and had to be removed"
BUDGET = Decimal("1700000.00")
FORECAST = Decimal("1750000.00")
SPEND = Decimal("660000.00")
LOCAL_SPEND = Decimal("180000.00")
SOCIAL_VALUE = Decimal("2000.00")
WINNING_PRICE = "480000.00"
LOSING_PRICE = "520000.00"


@dataclass(frozen=True)
class Programme:
    """The programme at the top of this module."""

    projects: dict[str, CapitalProject]
    tender: Tender
    winner: Supplier
    loser: Supplier


async def make_programme(
    session: AsyncSession,
    organisation: Organisation,
    officer: User,
    winner: Supplier,
    loser: Supplier,
    *,
    explained: bool = True,
) -> Programme:
    """The programme at the top of this module; `winner` must be local, `loser` not."""
    library = await make_capital_project(
        session,
        organisation,
        "CAP-001",
        name="Castle library refurbishment",
        budget="500000.00",
        forecast="560000.00",
        funding={
            FundingSource.BORROWING: "300000.00",
            FundingSource.GOVERNMENT_GRANTS: "200000.00",
        },
        profile={2026: "400000.00", 2027: "100000.00"},
        explanation=EXPLANATION if explained else "",
    )
    play = await make_capital_project(
        session,
        organisation,
        "CAP-002",
        name="Riverside play area",
        service_area="Parks",
        ward="Riverside",
        budget="200000.00",
        forecast="190000.00",
        funding={FundingSource.DEVELOPER_CONTRIBUTIONS: "200000.00"},
    )
    lighting = await make_capital_project(
        session,
        organisation,
        "CAP-003",
        name="Town centre lighting",
        service_area="Highways",
        budget="1000000.00",
        funding={
            FundingSource.BORROWING: "600000.00",
            FundingSource.CAPITAL_RECEIPTS: "400000.00",
        },
        profile={2025: "300000.00", 2026: "700000.00"},
    )
    await make_payments(
        session,
        organisation,
        library.id,
        [
            (date(2026, 5, 10), winner.name, "120000.00"),
            (date(2026, 8, 15), loser.name, "80000.00"),
            (date(2026, 10, 20), winner.name, "50000.00"),
        ],
    )
    await make_payments(
        session, organisation, play.id, [(date(2026, 7, 1), winner.name, "60000.00")]
    )
    await make_payments(
        session,
        organisation,
        lighting.id,
        [
            (date(2025, 11, 30), loser.name, "250000.00"),
            (date(2026, 6, 30), loser.name, "150000.00"),
        ],
    )
    await make_measure(session, organisation, "JOB-LOCAL", [("20.00", date(2026, 4, 1))])
    tender = await awarded_tender(
        session,
        organisation,
        officer,
        winner,
        price=WINNING_PRICE,
        commitments=[("JOB-LOCAL", "100")],
        awarded_on=date(2026, 5, 1),
        title="Library refurbishment works",
        losing_bids=[(loser, LOSING_PRICE)],
    )
    session.add(ProjectTender(project_id=library.id, tender_id=tender.id))
    await session.commit()
    return Programme({p.code: p for p in (library, play, lighting)}, tender, winner, loser)


def sha256_of(content: bytes) -> str:
    """The hex SHA-256 of some bytes."""
    return hashlib.sha256(content).hexdigest()


def checked_pdf_text(pdf: bytes, tmp_path: Path, title: str) -> str:
    """Assert the PDF is tagged and titled; return its text with whitespace runs made single
    spaces."""
    info = poppler("pdfinfo", pdf, tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), info
    assert re.search(rf"^Title:\s+{re.escape(title)}$", info, re.MULTILINE), info
    return text_of(pdf, tmp_path)


def archive_attachments(pdf: bytes, tmp_path: Path) -> dict[str, bytes]:
    """Assert the PDF declares PDF/A-3b; return the files attached to it, by name."""
    metadata = poppler("pdfinfo", pdf, tmp_path, "-meta")
    assert 'pdfaid:part="3"' in metadata and 'pdfaid:conformance="B"' in metadata, metadata
    folder = tmp_path / "attached"
    folder.mkdir(exist_ok=True)
    path = tmp_path / "archive.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdfdetach", "-saveall", "-o", str(folder), str(path)], check=True)
    return {found.name: found.read_bytes() for found in folder.iterdir()}


async def make_publication(
    session: AsyncSession, organisation: Organisation, period: str = "2026/27 Q1"
) -> Publication:
    """A first version stored straight in the database, with a small file of each kind: for
    tests of who may do what with a publication, which need none of its rendering."""
    parsed = Period.parse(period)
    totals = dict.fromkeys(PublicationTotals.model_fields, "0.00") | {"project_count": 0}
    publication = Publication(
        organisation_id=organisation.id,
        period=parsed.label,
        period_start=parsed.start,
        period_end=parsed.end,
        version=1,
        title=f"Capital programme summary {parsed.label}",
        published_by_name="Finance Officer",
        snapshot={"totals": totals},
    )
    session.add(publication)
    await session.flush()
    for kind in PublicationFileKind:
        content = f"The {kind.value} file of {parsed.label}".encode()
        session.add(
            PublicationFile(
                publication_id=publication.id,
                kind=kind.value,
                media_type=MEDIA_TYPES[kind],
                content=content,
                sha256=sha256_of(content),
                size=len(content),
            )
        )
    await session.commit()
    return publication
