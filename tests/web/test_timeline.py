"""A tender's timeline page: its audit events in order, what each changed, bids kept sealed
and bidders unnamed until the tender closes."""

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderAction
from procurement.schemas.bid import BidSubmit
from procurement.schemas.tender import TenderRead, TenderTransition, TenderUpdate
from procurement.schemas.tender_criteria import TenderCriteriaUpdate
from procurement.services.auth import principal_for
from procurement.services.bids import BidService
from procurement.services.criteria import CriteriaService
from procurement.services.tenders import TenderService
from tests.factories import price_and_locality
from tests.integration.support import tender_data
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
async def published(db: AsyncSession, council: Council) -> TenderRead:
    """A tender created, renamed, given criteria, published and bid for, through the services."""
    officer = principal_for(council.officer)
    tenders = TenderService(db, officer)
    tender = await tenders.create(tender_data("NB-2026-014", title="Street lighting"))
    await tenders.update(tender.id, TenderUpdate(version=1, title="Street lighting repairs"))
    criteria = TenderCriteriaUpdate.model_validate({"tree": price_and_locality(), "version": 2})
    await CriteriaService(db, officer).replace(tender.id, criteria)
    await tenders.transition(tender.id, TenderAction.PUBLISH, TenderTransition())
    bid = BidSubmit(price=Decimal("123456.78"))
    await BidService(db, principal_for(council.supplier_user)).submit(tender.id, bid)
    shown = await tenders.get(tender.id)
    await db.commit()  # end the read, which would otherwise hold SQLite's lock from the server
    return shown


async def test_officer_follows_the_tender_to_its_timeline_and_sees_what_changed(
    visitor: Visitor, council: Council, published: TenderRead
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{published.id}")
    await visitor.follow("Timeline")

    assert await visitor.heading() == "Timeline"
    rows = visitor.page.locator("main table tbody tr")
    summaries = [
        (await rows.nth(n).locator("td").nth(2).locator("p").inner_text()).strip()
        for n in range(await rows.count())
    ]
    assert summaries == [
        "Created draft tender NB-2026-014",
        "Edited draft tender NB-2026-014",
        "Changed the award criteria of tender NB-2026-014",
        "Published tender NB-2026-014",
        "Submitted a bid",
    ]
    assert council.officer.email in await rows.nth(0).inner_text()
    assert "Not shown until the tender closes" in await rows.nth(4).inner_text()

    edited = rows.nth(1)
    await edited.get_by_text("What changed").click()
    change = await edited.locator(".govuk-summary-list__row").inner_text()
    assert "Title" in change
    assert "Street lighting" in change
    assert "Street lighting repairs" in change
    await rows.nth(2).get_by_text("What changed").click()
    criteria = await rows.nth(2).locator(".govuk-summary-list").inner_text()
    assert "Criteria / groups 1 / weight" in criteria
    assert "{" not in criteria  # read as fields, not as raw JSON
    await rows.nth(4).get_by_text("What changed").click()
    await visitor.check_accessibility()  # with the details open
    await visitor.screenshot("tender-timeline")

    # The bid stays sealed: when it arrived is shown, never who sent it, its digest or price.
    page = await visitor.page.inner_text("main")
    assert "Received at" in page
    for secret in (
        "Nene Valley",
        str(council.supplier.id),
        council.supplier_user.email,
        council.supplier_user.full_name,
        "Contents sha256",
        "123,456.78",
        "123456.78",
    ):
        assert secret not in page, secret


async def test_once_the_tender_closes_its_timeline_names_the_bidder_but_not_the_price(
    visitor: Visitor, db: AsyncSession, council: Council, published: TenderRead
) -> None:
    closing = TenderTransition(reason="Every expected bid is in")
    await TenderService(db, principal_for(council.officer)).transition(
        published.id, TenderAction.CLOSE, closing
    )
    await db.commit()
    await visitor.sign_in(council.officer.email)

    await visitor.open(f"/tenders/{published.id}/timeline")

    rows = visitor.page.locator("main table tbody tr")
    bid = rows.nth(4)
    assert "Submitted a bid from Nene Valley Builders Ltd" in await bid.inner_text()
    assert council.supplier_user.email in await bid.inner_text()
    await bid.get_by_text("What changed").click()
    # The bid's receipt and digest are shown, never its price.
    page = await visitor.page.inner_text("main")
    assert "Contents sha256" in page
    assert "123,456.78" not in page
    assert "123456.78" not in page


async def test_a_supplier_neither_sees_the_link_nor_opens_the_timeline(
    visitor: Visitor, council: Council, published: TenderRead
) -> None:
    await visitor.sign_in(council.supplier_user.email)
    await visitor.open(f"/tenders/{published.id}")
    assert await visitor.page.get_by_role("link", name="Timeline").count() == 0

    response = await visitor.open(f"/tenders/{published.id}/timeline")

    assert response is not None
    assert response.status == 403
