"""The measure catalogue in the browser: measures, their dated values and who may change them."""

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.roles import Role
from procurement.models import User
from tests.factories import make_measure, make_user
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
async def administrator(db: AsyncSession, council: Council) -> User:
    """The council's administrator, who keeps the catalogue; and one measure already in it."""
    await make_measure(
        db, council.organisation, "JOB01", [("512.00", date(2024, 4, 1))], unit="week"
    )
    return await make_user(db, council.organisation, Role.ADMIN)


async def fill_date(visitor: Visitor, day: date) -> None:
    """Type a date into the GOV.UK date input."""
    for part in ("day", "month", "year"):
        await visitor.fill(part.capitalize(), str(getattr(day, part)))


async def history(visitor: Visitor) -> list[str]:
    """The rows of the value history, newest first."""
    return await visitor.page.locator("main table tbody tr").all_inner_texts()


async def test_administrator_adds_a_measure_then_a_later_value(
    visitor: Visitor, administrator: User
) -> None:
    await visitor.sign_in(administrator.email)
    await visitor.follow("Measures")
    row = await visitor.page.get_by_role("row", name="JOB01").inner_text()
    assert "Jobs" in row and "£512.00" in row and "1 April 2024" in row
    await visitor.press("Add measure")
    await visitor.press("Add measure")
    assert await visitor.error_summary() == [
        "Enter a code",
        "Select the theme",
        "Enter a description",
        "Enter the unit, for example hour",
        "Enter the value per unit",
    ]
    await visitor.fill("Code", "env-02")
    await visitor.page.get_by_label("Theme").select_option(label="Environment")
    await visitor.fill("Description", "Carbon emissions saved on the contract")
    await visitor.fill("Unit", "tonne CO2e")
    await visitor.fill("Value per unit", "£248.50")
    await fill_date(visitor, date(2025, 1, 1))
    await visitor.press("Add measure")
    assert await visitor.heading() == "ENV-02"

    await visitor.press("Add a value")
    await visitor.fill("Value per unit", "260")
    await fill_date(visitor, date(2025, 1, 1))
    await visitor.press("Add value")
    assert await visitor.error_summary() == [
        "This measure already has a value from 01 January 2025"
    ]
    await fill_date(visitor, date(2099, 4, 1))
    await visitor.press("Add value")

    newest, first = await history(visitor)
    assert "1 April 2099" in newest and "£260.00" in newest and "In force" not in newest
    assert "1 January 2025" in first and "£248.50" in first and "In force" in first
    await visitor.screenshot("issue3-measure-history")
    await visitor.follow("All measures")
    assert await visitor.page.locator("main tbody tr").count() == 2
    await visitor.screenshot("issue3-measures")


async def test_officer_reads_the_catalogue_but_cannot_change_it(
    visitor: Visitor, council: Council, administrator: User
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.follow("Measures")
    assert await visitor.page.get_by_role("button", name="Add measure").count() == 0
    await visitor.follow("JOB01")
    assert await visitor.page.get_by_role("button", name="Add a value").count() == 0
    response = await visitor.open("/measures/new")
    assert response is not None and response.status == 403
