"""The spend import pages: a finance officer uploads a spend file, watches its progress and
reads the outcome, in a real browser, with every page checked by axe."""

from dataclasses import dataclass

import pytest
import pytest_asyncio
import sqlalchemy as sa
from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Role
from procurement.models import ImportStatus, SpendImport, SpendTransaction, User
from procurement.models.base import utc_now
from tests.capital_factories import make_capital_project, spend_csv, spend_row
from tests.factories import make_user
from tests.web.conftest import Council, Visitor, stored
from tests.web.spend_upload import OUTCOME_WAIT_MS, outcome, upload

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

# Long enough for the import to end well within it, short of the test's own time limit.
ROWS = 3_000


@dataclass(frozen=True)
class Finance:
    """The council's finance officer, with two capital schemes to pay against."""

    council: Council
    officer: User


@pytest_asyncio.fixture(loop_scope="session")
async def finance(db: AsyncSession, council: Council) -> Finance:
    """A finance officer of the council, and its schemes CAP-001 and CAP-002."""
    for code in ("CAP-001", "CAP-002"):
        await make_capital_project(db, council.organisation, code)
    return Finance(council, await make_user(db, council.organisation, Role.FINANCE))


async def payments(db: AsyncSession) -> int:
    """How many payments are stored."""
    return await stored(db, sa.select(sa.func.count()).select_from(SpendTransaction)) or 0


async def test_finance_uploads_a_spend_file_and_sees_it_imported(
    visitor: Visitor, finance: Finance, db: AsyncSession
) -> None:
    content = spend_csv(*(spend_row(f"INV-{n:05d}", f"CAP-00{1 + n % 2}") for n in range(ROWS)))
    await visitor.sign_in(finance.officer.email)
    await visitor.open("/spend/imports")
    await visitor.press("Import a spend file")
    await visitor.screenshot("spend-upload")

    await upload(visitor, "april-spend.csv", content)

    assert "/spend/imports/" in visitor.page.url
    await outcome(visitor, "Spend file imported")
    assert "3,000 new payments added" in await visitor.page.inner_text(".govuk-panel")
    summary = await visitor.page.inner_text(".govuk-summary-list")
    assert "april-spend.csv" in summary and finance.officer.full_name in summary
    assert await visitor.page.title() == "Spend file imported \N{EN DASH} Procurement scoring"
    assert await payments(db) == ROWS
    await visitor.screenshot("spend-imported")
    await visitor.follow("Back to spend imports")
    row = await visitor.page.get_by_role("row", name="april-spend.csv").inner_text()
    assert "Imported" in row and "3,000 added, 0 unchanged" in row


async def test_a_file_with_bad_rows_shows_every_problem_by_row_number(
    visitor: Visitor, finance: Finance, db: AsyncSession
) -> None:
    content = spend_csv(
        spend_row("INV-1"),
        spend_row("INV-2", amount="-40.00"),
        spend_row("INV-3", "CAP-404"),
        spend_row("INV-1", paid_on="30/02/2026"),
    )
    await visitor.sign_in(finance.officer.email)
    await visitor.open("/spend/import")

    await upload(visitor, "may-spend.csv", content)

    await outcome(visitor, "The spend file was not imported")
    assert "3 rows have problems, listed below." in await visitor.page.inner_text("main")
    problems = visitor.page.get_by_role("table", name="Problems, by row")
    cells = [
        [cell.strip() for cell in await row.locator("td").all_inner_texts()]
        for row in await problems.locator("tbody tr").all()
    ]
    assert cells == [
        ["3", "Amount", 'Amount "-40.00" is negative; refunds and credit notes are not imported'],
        ["4", "Project code", 'No capital project has the code "CAP-404"'],
        ["5", "Date", 'Date "30/02/2026" is not a real date'],
        ["5", "Transaction number", 'Transaction number "INV-1" is also on row 2'],
    ]
    assert await payments(db) == 0
    await visitor.screenshot("spend-not-imported")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Select a CSV file to import"),
        (b"", "The file is empty (0 bytes)"),
        (
            spend_csv(header=["Date", "Supplier", "Amount"]),
            "The header row has no Service area, Purpose, Transaction number or Project code "
            "column. The first row must name the columns: Date, Service area, Beneficiary, "
            "Purpose, Amount, Transaction number, Project code.",
        ),
    ],
    ids=["no-file", "0-byte", "wrong-columns"],
)
async def test_a_file_that_cannot_be_read_is_refused_on_the_form(
    visitor: Visitor, finance: Finance, content: bytes | None, message: str
) -> None:
    await visitor.sign_in(finance.officer.email)
    await visitor.open("/spend/import")

    if content is None:
        await visitor.press("Import file")
    else:
        await upload(visitor, "spend.csv", content)

    assert await visitor.error_summary() == [message]
    assert (
        await visitor.page.title() == "Error: Import a spend file \N{EN DASH} Procurement scoring"
    )
    await visitor.page.get_by_role("link", name=message).click()
    assert await visitor.page.evaluate("document.activeElement.id") == "file"


async def running_import(db: AsyncSession, finance: Finance) -> SpendImport:
    """An import a quarter of the way through checking its 4,000 rows."""
    row = SpendImport(
        organisation_id=finance.council.organisation.id,
        file_name="june-spend.csv",
        sha256="0" * 64,
        status=ImportStatus.RUNNING,
        rows_total=4000,
        rows_done=1000,
        created_by_id=finance.officer.id,
    )
    db.add(row)
    await db.commit()
    return row


async def move_on(db: AsyncSession, row: SpendImport, **values: object) -> None:
    """Change the import as its background job would."""
    await db.execute(sa.update(SpendImport).where(col(SpendImport.id) == row.id).values(**values))
    await db.commit()


async def test_the_progress_page_updates_itself_until_the_import_ends(
    visitor: Visitor, finance: Finance, db: AsyncSession
) -> None:
    running = await running_import(db, finance)
    await visitor.sign_in(finance.officer.email)

    await visitor.open(f"/spend/imports/{running.id}")

    progress = visitor.page.get_by_role("progressbar", name="1,000 of 4,000 rows checked")
    assert await progress.get_attribute("value") == "25"
    assert "25% checked" in await visitor.page.inner_text("main")
    await visitor.screenshot("spend-import-progress")
    await move_on(db, running, rows_done=3000)
    await expect(visitor.page.get_by_text("75% checked")).to_be_visible(timeout=OUTCOME_WAIT_MS)
    await visitor.check_accessibility()
    await move_on(
        db,
        running,
        status=ImportStatus.SUCCEEDED,
        rows_done=4000,
        rows_added=4000,
        finished_at=utc_now(),
    )
    await outcome(visitor, "Spend file imported")
    assert await visitor.page.title() == "Spend file imported \N{EN DASH} Procurement scoring"


async def test_without_javascript_the_page_is_refreshed_by_its_link(
    browser: Browser, live_server: str, visitor: Visitor, finance: Finance, db: AsyncSession
) -> None:
    running = await running_import(db, finance)
    await visitor.sign_in(finance.officer.email)  # for the session cookie
    context = await browser.new_context(
        base_url=live_server,
        java_script_enabled=False,
        storage_state=await visitor.page.context.storage_state(),
    )
    try:
        page = await context.new_page()
        await page.goto(f"/spend/imports/{running.id}")
        assert await page.locator("h1").inner_text() == "Importing the spend file"
        await move_on(db, running, status=ImportStatus.FAILED, finished_at=utc_now())
        await page.get_by_role("link", name="Check progress again").click()
        await expect(page.locator("h1")).to_have_text("The spend file was not imported")
    finally:
        await context.close()


async def test_only_finance_may_import_but_officers_may_follow_imports(
    visitor: Visitor, finance: Finance, db: AsyncSession
) -> None:
    running = await running_import(db, finance)
    await visitor.sign_in(finance.council.officer.email)

    refused = await visitor.open("/spend/import")
    assert refused is not None and refused.status == 403
    await visitor.open("/spend/imports")

    assert await visitor.page.get_by_role("button", name="Import a spend file").count() == 0
    row = await visitor.page.get_by_role("row", name="june-spend.csv").inner_text()
    assert "In progress" in row and "25% checked" in row
    assert await stored(db, sa.select(col(SpendImport.id))) == running.id
