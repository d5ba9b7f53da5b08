"""Publication pages for finance, in a browser: publishing a quarter's summary (refused until
a large variance is explained), the publication with its files and digests, and a correction
that supersedes it. Procurement officers may read summaries but not publish them.

The programme is the one in tests/publication_support.py, its CAP-001 12% over budget.
"""

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Role
from procurement.models import CapitalProject, PublicationFile, User
from procurement.schemas.publication import PublicationFileKind
from tests.factories import make_supplier, make_user
from tests.publication_support import EXPLANATION, PERIOD, Programme, make_programme
from tests.web.conftest import Council, Visitor, stored

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

TITLE = f"Capital programme summary {PERIOD}"


@pytest.fixture
async def finance(db: AsyncSession, council: Council) -> User:
    """The council's finance officer."""
    return await make_user(db, council.organisation, Role.FINANCE)


@pytest.fixture
async def programme(db: AsyncSession, council: Council) -> Programme:
    """The programme, with CAP-001's variance not yet explained."""
    loser = await make_supplier(db, council.organisation, "Ise Valley Roofing Ltd", "LE1 6ZG")
    return await make_programme(
        db, council.organisation, council.officer, council.supplier, loser, explained=False
    )


async def file_rows(visitor: Visitor) -> dict[str, str]:
    """The files table: each file's text, by its link text."""
    rows = visitor.page.locator("table").filter(has_text="SHA-256 digest").locator("tbody tr")
    texts = {}
    for index in range(await rows.count()):
        row = rows.nth(index)
        texts[await row.locator("a").inner_text()] = await row.inner_text()
    return texts


async def test_a_finance_officer_publishes_a_quarter_and_then_corrects_it(
    visitor: Visitor, db: AsyncSession, finance: User, programme: Programme
) -> None:
    await visitor.sign_in(finance.email)
    await visitor.open("/capital-summaries")
    assert "No summary has been published yet." in await visitor.page.locator("main").inner_text()
    await visitor.press("Publish a summary")
    await visitor.fill("Period", PERIOD)
    await visitor.press("Publish summary")
    (problem,) = await visitor.error_summary()
    assert "CAP-001 Castle library refurbishment (12.00%)" in problem

    library = await db.get(CapitalProject, programme.projects["CAP-001"].id)
    assert library is not None
    library.variance_explanation = EXPLANATION  # as finance would on the scheme's page
    await db.commit()
    await visitor.press("Publish summary")
    assert await visitor.heading() == f"{TITLE}, version 1"
    banner = await visitor.page.locator(".govuk-notification-banner").inner_text()
    assert "Summary published" in banner
    summary = await visitor.page.locator(".govuk-summary-list").inner_text()
    assert "£1,700,000.00" in summary and "£180,000.00, 27.27% of spend" in summary
    files = await file_rows(visitor)
    assert len(files) == len(PublicationFileKind)
    publication_id = uuid.UUID(visitor.page.url.rsplit("/", 1)[1])
    digest = await stored(
        db,
        sa.select(col(PublicationFile.sha256)).where(
            col(PublicationFile.publication_id) == publication_id,
            col(PublicationFile.kind) == PublicationFileKind.CSV.value,
        ),
    )
    assert digest is not None and digest in files["Every scheme (CSV)"]

    await visitor.press("Publish a correction")
    await visitor.press("Publish correction")
    assert await visitor.error_summary() == ["Enter what was wrong and what has changed"]
    note = "The explanation of the Castle library variance was added"
    await visitor.fill("What was corrected", note)
    await visitor.press("Publish correction")
    assert await visitor.heading() == f"{TITLE}, version 2"
    main = await visitor.page.locator("main").inner_text()
    assert "Correction published" in main
    assert f"This version corrects version 1: {note}" in main
    versions = visitor.page.locator("table").filter(has_text="Every version for")
    assert "Version 2 (this one)" in await versions.inner_text()

    await visitor.follow("Version 1")
    main = await visitor.page.locator("main").inner_text()
    assert "This version has been superseded by version 2" in main
    assert await visitor.page.get_by_role("button", name="Publish a correction").count() == 0
    await visitor.follow("See the public page")
    assert await visitor.heading() == TITLE
    assert "superseded by version 2" in await visitor.page.locator("main").inner_text()
    await visitor.open("/capital-summaries")
    listed = " ".join((await visitor.page.locator("tbody").inner_text()).split())
    assert "Latest" in listed and "Superseded by version 2" in listed


async def test_a_procurement_officer_reads_summaries_but_may_not_publish(
    visitor: Visitor, council: Council, finance: User, programme: Programme
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.open("/capital-summaries")
    assert await visitor.heading() == "Published summaries"
    assert await visitor.page.get_by_role("button", name="Publish a summary").count() == 0
    response = await visitor.open("/capital-summaries/new")
    assert response is not None and response.status == 403
    assert await visitor.heading() == "You cannot do this"
