"""A finance officer's quarter in the browser, on SQLite and on PostgreSQL: the spend file is
uploaded and imported, a scheme's large variance stops the summary until it is explained on
the scheme's page, the quarter's summary is published, and then someone who has never signed
in reads it on the public pages and downloads its CSV. Every page is checked with axe.

The programme is the one in tests/publication_support.py (CAP-001 12% over budget, with no
explanation yet). The quarter published is the one today falls in, and the spend file's
payments are dated on its first day, so that the figures the scheme pages show today are the
figures as at the quarter's end that the summary freezes.
"""

import csv
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
import pytest_asyncio
from playwright.async_api import Browser

from procurement.config import Settings
from procurement.db import create_engine, session_factory
from procurement.domain.capital import FINANCIAL_YEAR_START_MONTH, Period, financial_year_of
from procurement.domain.dates import london_day
from procurement.domain.roles import Role
from procurement.models import User
from procurement.services.capital_projects import today
from tests.capital_factories import spend_csv, spend_row
from tests.factories import make_organisation, make_supplier, make_user
from tests.publication_support import make_programme
from tests.web.conftest import Visitor, visiting
from tests.web.spend_upload import outcome, upload

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

WINNER = "Nene Valley Builders Ltd"  # local (NN8) and an SME
LOSER = "Ise Valley Roofing Ltd"  # neither
EXPLANATION = "Asbestos was found in the roof void and had to be removed safely"
IMPORTED = Decimal("60000.50")  # what the spend file pays
# The totals the finance page shows, named as the public page names them.
TOTALS = (
    "Approved budget",
    "Spend to date",
    "Forecast outturn",
    "Variance (forecast less budget)",
    "Slippage into later years",
    "Local spend",
    "Social value committed",
)


def this_quarter() -> Period:
    """The financial quarter today falls in."""
    now = today()
    months = (now.month - FINANCIAL_YEAR_START_MONTH) % 12
    return Period(financial_year_of(now), months // 3 + 1)


def pounds(text: str) -> Decimal:
    """An amount as the pages write it ("£1,234.56") as a Decimal."""
    return Decimal(text.strip().replace("£", "").replace(",", ""))


@pytest_asyncio.fixture(loop_scope="session")
async def finance(journey_settings: Settings) -> User:
    """The council's finance officer, and its programme with CAP-001's variance unexplained."""
    engine = create_engine(journey_settings.database_url)
    try:
        async with session_factory(engine)() as db:
            council = await make_organisation(db)
            officer = await make_user(db, council, Role.PROCUREMENT)
            winner = await make_supplier(db, council, WINNER)
            loser = await make_supplier(db, council, LOSER, "LE1 6ZG", is_sme=False)
            await make_programme(db, council, officer, winner, loser, explained=False)
            return await make_user(db, council, Role.FINANCE)
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class Scheme:
    """A row of the capital programme page."""

    code: str
    budget: Decimal
    spent: Decimal
    needs_explanation: bool


async def programme_page(visitor: Visitor) -> dict[str, Scheme]:
    """The schemes the capital programme page lists, by code."""
    await visitor.open("/capital-projects")
    schemes = {}
    for row in await visitor.page.locator("tbody tr").all():
        code, _, budget, spent, _, variance = await row.locator("td").all_inner_texts()
        scheme = Scheme(code, pounds(budget), pounds(spent), "Explanation needed" in variance)
        schemes[scheme.code] = scheme
    return schemes


async def definitions(visitor: Visitor) -> dict[str, str]:
    """The page's summary list, each value by its key."""
    rows = visitor.page.locator(".govuk-summary-list__row")
    return {
        (await row.locator("dt").inner_text()).strip(): (await row.locator("dd").inner_text())
        for row in await rows.all()
    }


async def table_rows(visitor: Visitor, caption: str) -> dict[str, str]:
    """The table's cells by the heading of their row, joined by spaces."""
    table = visitor.page.get_by_role("table", name=caption, exact=True)
    return {
        (await row.locator("th").inner_text()).strip(): " ".join(
            await row.locator("td").all_inner_texts()
        )
        for row in await table.locator("tbody tr").all()
    }


def spend_file(period: Period) -> bytes:
    """The quarter's spend file: three payments on its first day, one against a code typed in
    lower case."""
    day = f"{period.start:%d/%m/%Y}"
    return spend_csv(
        spend_row("JRN-0001", "CAP-002", paid_on=day, service_area="Parks", amount="£12,500.00"),
        spend_row("JRN-0002", "CAP-003", paid_on=day, beneficiary=LOSER, amount="£40,000.00"),
        spend_row(
            "JRN-0003",
            "cap-001",
            paid_on=day,
            service_area="Libraries",
            amount="£7,500.50",
        ),
    )


async def test_finance_imports_explains_and_publishes_and_the_public_reads_it(
    person: Visitor, finance: User, browser: Browser, journey_server: str, axe_source: str
) -> None:
    period = this_quarter()
    title = f"Capital programme summary {period.label}"
    await person.sign_in(finance.email)
    before = await programme_page(person)

    await person.open("/spend/import")
    await upload(person, "quarter-spend.csv", spend_file(period))
    await outcome(person, "Spend file imported")
    assert "3 new payments added" in await person.page.inner_text(".govuk-panel")

    schemes = await programme_page(person)
    assert sum(s.spent for s in schemes.values()) - sum(s.spent for s in before.values()) == (
        IMPORTED
    )
    assert [s.code for s in schemes.values() if s.needs_explanation] == ["CAP-001"]

    await person.open("/capital-summaries/new")
    await person.fill("Period", period.label)
    await person.press("Publish summary")
    (problem,) = await person.error_summary()
    assert "CAP-001 Castle library refurbishment (12.00%)" in problem

    await person.open("/capital-projects")
    await person.follow("Castle library refurbishment")
    await person.press("Explain the variance")
    await person.fill("Why does the forecast differ from the budget?", EXPLANATION)
    await person.press("Save explanation")
    assert "Variance explanation saved" in await person.page.inner_text("main")
    assert (await definitions(person))["Variance explanation"].strip() == EXPLANATION

    await person.open("/capital-summaries/new")
    await person.fill("Period", period.label)
    await person.press("Publish summary")
    assert await person.heading() == f"{title}, version 1"
    published = await definitions(person)
    assert pounds(published["Approved budget"]) == sum(s.budget for s in schemes.values())
    assert pounds(published["Spend to date"]) == sum(s.spent for s in schemes.values())
    files = await table_rows(person, "Files")
    csv_digest = files["Every scheme (CSV)"].split()[-1]
    await person.sign_out()

    async with visiting(browser, journey_server, axe_source) as visitor:
        await visitor.open("/public/publications")
        row = visitor.page.get_by_role("row").filter(has_text=title)
        assert "Latest version" in await row.inner_text()
        await visitor.follow(f"{title} (Test Borough Council, version 1)")
        assert await visitor.heading() == title
        as_at = london_day(period.end)
        shown = await table_rows(visitor, f"The programme's totals as at {as_at}")
        for name in TOTALS:  # "£50,000.00 (adverse)" there, "£50,000.00" here
            assert pounds(shown[name].split(" (")[0]) == pounds(published[name].split(", ")[0])
        local_share = published["Local spend"].split(", ")[1].removesuffix(" of spend")
        assert shown["Local share of spend"] == local_share
        spend, local = pounds(shown["Spend to date"]), pounds(shown["Local spend"])

        link = visitor.page.get_by_role("link", name="Every scheme (CSV)")
        item = visitor.page.locator("li").filter(has=link)
        assert csv_digest in await item.inner_text()
        async with visitor.page.expect_download() as downloading:
            await link.click()
        download = await downloading.value
        assert download.suggested_filename.endswith("-v1.csv")
        saved = await download.path()
        content = saved.read_bytes()

    assert hashlib.sha256(content).hexdigest() == csv_digest
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert [row["code"] for row in rows] == ["CAP-001", "CAP-002", "CAP-003"]
    assert sum(Decimal(row["spend_to_date"]) for row in rows) == spend
    assert sum(Decimal(row["local_spend"]) for row in rows) == local
    assert rows[0]["variance_explanation"] == EXPLANATION
