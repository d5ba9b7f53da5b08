"""The supplier register through the pages."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_supplier
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def supplier_row(visitor: Visitor, name: str) -> str:
    """The text of a supplier's row in the register."""
    return await visitor.page.get_by_role("row", name=name).inner_text()


async def test_officer_adds_a_local_sme_after_correcting_its_postcode(
    visitor: Visitor, council: Council
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.follow("Suppliers")
    await visitor.press("Add supplier")
    await visitor.fill("Name", "Ise Valley Joinery Ltd")
    await visitor.fill("Companies House number (optional)", "1234567")
    await visitor.fill("Postcode", "NN8")
    await visitor.page.get_by_label("Small or medium-sized enterprise (SME)").check()
    await visitor.press("Add supplier")

    assert await visitor.error_summary() == [
        "'NN8' is not a valid UK postcode, for example NE29 6QF"
    ]
    assert await visitor.page.get_by_label("Small or medium-sized enterprise (SME)").is_checked()
    await visitor.screenshot("supplier-form-errors")
    await visitor.fill("Postcode", "nn8 4eg")
    await visitor.press("Add supplier")

    row = await supplier_row(visitor, "Ise Valley Joinery Ltd")
    assert "01234567" in row  # padded, as Companies House shows it
    assert "NN8 4EG" in row
    assert "Local" in row and "SME" in row and "VCSE" not in row
    await visitor.screenshot("suppliers")


async def test_officer_corrects_a_supplier_and_searches_the_register(
    visitor: Visitor, council: Council, db: AsyncSession
) -> None:
    await make_supplier(db, council.organisation, name="Midshires Construction plc")
    await visitor.sign_in(council.officer.email)
    await visitor.open("/suppliers")

    await visitor.follow("Midshires Construction plc (edit)")
    await visitor.fill("Postcode", "LE1 6ZG")
    await visitor.page.get_by_label("Small or medium-sized enterprise (SME)").uncheck()
    await visitor.press("Save supplier")

    row = await supplier_row(visitor, "Midshires Construction plc")
    assert "LE1 6ZG" in row and "Local" not in row and "SME" not in row
    await visitor.fill("Search by name or Companies House number", "midshires")
    await visitor.press("Search")
    assert await visitor.page.locator("main tbody tr").count() == 1
    assert council.supplier.name not in await visitor.page.inner_text("main")
