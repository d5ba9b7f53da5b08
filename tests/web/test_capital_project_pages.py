"""The capital programme in the browser: a finance officer adds a scheme, sees its figures,
explains its variance and edits it; procurement reads it. axe checks every page reached."""

import uuid
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.roles import Role
from procurement.models import Tender, User
from tests.capital_factories import awarded_tender, make_payments
from tests.factories import make_user
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
async def contract(db: AsyncSession, council: Council) -> Tender:
    """A tender the council has awarded to Nene Valley Builders Ltd (a local SME)."""
    return await awarded_tender(
        db, council.organisation, council.officer, council.supplier, reference="NBC/2026/031"
    )


@pytest.fixture
async def finance(db: AsyncSession, council: Council) -> User:
    """The council's finance officer, who keeps the capital programme."""
    return await make_user(db, council.organisation, Role.FINANCE)


async def row_of(visitor: Visitor, name: str) -> str:
    """The text of a scheme's row in the programme."""
    return await visitor.page.get_by_role("row", name=name).inner_text()


async def summary_value(visitor: Visitor, key: str) -> str:
    """The value beside a key in the scheme's summary lists."""
    row = visitor.page.locator(".govuk-summary-list__row", has_text=key).first
    return (await row.locator("dd").inner_text()).strip()


async def test_finance_adds_a_scheme_then_explains_its_variance(
    visitor: Visitor, council: Council, finance: User, contract: Tender, db: AsyncSession
) -> None:
    await visitor.sign_in(finance.email)
    await visitor.open("/capital-projects")
    assert "No schemes" in await visitor.page.locator("main").inner_text()
    await visitor.press("Add scheme")
    await visitor.fill("Code", "cap-014")
    await visitor.fill("Name", "Castle ward library refurbishment")
    await visitor.fill("Service area", "Libraries")
    await visitor.fill("Ward or locality", "Castle")
    await visitor.fill("Approved budget", "£100,000")
    await visitor.fill("Forecast outturn", "118000")
    await visitor.fill("Borrowing", "60000")
    await visitor.fill("Government grants", "30000")
    await visitor.page.get_by_label("Financial year in row 1").select_option(label="2026/27")
    await visitor.fill("Amount in row 1", "70000")
    await visitor.page.get_by_label("Financial year in row 2").select_option(label="2027/28")
    await visitor.fill("Amount in row 2", "thirty thousand")
    await visitor.page.get_by_label("NBC/2026/031: Library works").check()
    await visitor.press("Add scheme")

    assert await visitor.error_summary() == ["Amount in row 2 must be a number"]
    await visitor.fill("Amount in row 2", "30000")
    await visitor.press("Add scheme")

    assert await visitor.error_summary() == [
        "The funding sources add up to £90,000.00, £10,000.00 less than the approved budget "
        "of £100,000.00"
    ]
    assert await visitor.page.get_by_label("NBC/2026/031: Library works").is_checked()
    await visitor.screenshot("issue6-scheme-form-errors")
    await visitor.fill("Capital receipts", "10000")
    await visitor.press("Add scheme")

    assert await visitor.heading() == "Castle ward library refurbishment"
    assert "£18,000.00 (18.00% of the budget)" in await summary_value(visitor, "Variance")
    assert "Explanation needed" in await summary_value(visitor, "Variance")
    contracts = await visitor.page.get_by_role("row", name="NBC/2026/031").inner_text()
    assert "Nene Valley Builders Ltd" in contracts and "£95,000.00" in contracts
    assert "Local" in contracts and "SME" in contracts

    project_id = uuid.UUID(visitor.page.url.rsplit("/", 1)[1])
    await make_payments(
        db,
        council.organisation,
        project_id,
        [(date(2026, 5, 1), "Nene Valley Builders Ltd", "25000")],
    )
    await visitor.open("/capital-projects")
    row = await row_of(visitor, "Castle ward library refurbishment")
    assert "CAP-014" in row and "£100,000.00" in row and "£25,000.00" in row and "25.00%" in row
    assert "Adverse" in row and "Explanation needed" in row
    await visitor.screenshot("issue6-capital-programme")

    await visitor.follow("Castle ward library refurbishment")
    assert await summary_value(visitor, "Local spend") == "£25,000.00 (100.00% of spend)"
    await visitor.screenshot("issue6-scheme")
    await visitor.press("Explain the variance")
    await visitor.fill(
        "Why does the forecast differ from the budget?", "Asbestos found in the roof void"
    )
    await visitor.press("Save explanation")
    assert await summary_value(visitor, "Variance explanation") == "Asbestos found in the roof void"
    assert "Explanation needed" not in await summary_value(visitor, "Variance")

    await visitor.press("Edit scheme")
    assert await visitor.page.get_by_label("Capital receipts").input_value() == "10000.00"
    await visitor.fill("Forecast outturn", "100000")
    await visitor.press("Save scheme")
    assert "On budget" in await summary_value(visitor, "Variance")
    assert await summary_value(visitor, "Variance explanation") == "Asbestos found in the roof void"


async def test_procurement_reads_the_programme_but_cannot_change_it(
    visitor: Visitor, council: Council, finance: User
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.open("/capital-projects")
    assert await visitor.page.get_by_role("button", name="Add scheme").count() == 0
    response = await visitor.open("/capital-projects/new")
    assert response is not None and response.status == 403
