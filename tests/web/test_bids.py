"""Bids through the pages: sealed until the tender closes, then open to officers."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.models import Tender
from tests.factories import make_bid, make_supplier, make_tender
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
async def open_tender(db: AsyncSession, council: Council) -> Tender:
    """A tender taking bids, with its deadline two weeks away."""
    return await make_tender(db, council.organisation, council.officer, TenderStatus.OPEN)


async def bids_table(visitor: Visitor) -> str:
    """The text of the bids table on a tender page."""
    return await visitor.page.locator("main table").inner_text()


async def banner(visitor: Visitor) -> str:
    """The text of the success banner."""
    return await visitor.page.locator(".govuk-notification-banner").inner_text()


async def test_officer_sees_only_the_receipt_until_closing_then_the_price(
    visitor: Visitor, council: Council, open_tender: Tender
) -> None:
    await visitor.sign_in(council.supplier_user.email)
    await visitor.open(f"/tenders/{open_tender.id}")
    await visitor.fill("Price", "123,456.78")
    await visitor.press("Submit bid")
    assert "Bid submitted" in await banner(visitor)
    assert "£123,456.78" in await visitor.page.inner_text("main")
    await visitor.sign_out()

    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{open_tender.id}")
    sealed = await bids_table(visitor)
    assert "Sealed until the tender closes" in await visitor.page.inner_text("main")
    assert "123,456.78" not in sealed
    assert council.supplier.name not in sealed
    assert await visitor.page.locator("main table tbody tr").count() == 1
    await visitor.screenshot("tender-sealed-bids")

    await visitor.press("Close tender")
    await visitor.press("Close tender")  # before the deadline, a reason is required
    [error] = await visitor.error_summary()
    assert "give a reason to close early" in error
    await visitor.fill("Reason for closing early", "Every invited supplier has bid")
    await visitor.press("Close tender")

    assert "Tender closed" in await banner(visitor)
    unsealed = await bids_table(visitor)
    assert council.supplier.name in unsealed
    assert "£123,456.78" in unsealed
    await visitor.screenshot("tender-closed-bids")


async def test_supplier_replaces_then_withdraws_its_bid(
    visitor: Visitor, council: Council, open_tender: Tender, db: AsyncSession
) -> None:
    await make_bid(db, open_tender, council.supplier, council.supplier_user, price="90000.00")
    await visitor.sign_in(council.supplier_user.email)
    await visitor.open(f"/tenders/{open_tender.id}")

    await visitor.press("Replace bid")
    await visitor.fill("Price", "0")
    await visitor.press("Replace bid")
    assert await visitor.error_summary() == ["Price must be more than 0"]
    await visitor.fill("Price", "87500")
    await visitor.press("Replace bid")
    assert "Bid replaced" in await banner(visitor)
    assert "£87,500.00" in await visitor.page.inner_text("main")
    await visitor.screenshot("supplier-own-bid")

    await visitor.press("Withdraw bid")
    await visitor.press("Withdraw bid")
    assert "Bid withdrawn" in await banner(visitor)
    assert "Withdrawn on" in await visitor.page.inner_text("main")
    assert await visitor.page.get_by_role("button", name="Submit bid").is_visible()


async def test_officer_records_a_bid_that_came_by_post(
    visitor: Visitor, council: Council, open_tender: Tender, db: AsyncSession
) -> None:
    posted = await make_supplier(db, council.organisation, name="Rushden Community Works CIC")
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{open_tender.id}")

    await visitor.press("Record a bid received another way")
    await visitor.press("Record bid")
    assert await visitor.error_summary() == ["Select the supplier", "Enter the price"]
    await visitor.page.get_by_label("Supplier").select_option(label=posted.name)
    await visitor.fill("Price", "99000")
    await visitor.press("Record bid")

    assert f"The bid from {posted.name} is sealed." in await banner(visitor)
    assert "99,000" not in await bids_table(visitor)
    assert await visitor.page.locator("main table tbody tr").count() == 1
