"""Friendly GOV.UK-style pages when something cannot be shown or done."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from tests.factories import make_tender
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/no-such-page", 404, "Page not found"),
        ("/tenders/00000000-0000-0000-0000-000000000000", 404, "Page not found"),
        ("/tenders/new", 403, "You cannot do this"),
        ("/suppliers", 403, "You cannot do this"),
    ],
)
async def test_a_supplier_user_gets_an_error_page_with_the_right_status(
    visitor: Visitor, council: Council, path: str, status: int, heading: str
) -> None:
    await visitor.sign_in(council.supplier_user.email)

    response = await visitor.open(path)

    assert response is not None and response.status == status
    assert await visitor.heading() == heading
    assert (await visitor.page.title()) == f"{heading} \N{EN DASH} Procurement scoring"


async def test_a_draft_cannot_be_closed_and_the_form_says_why(
    visitor: Visitor, council: Council, db: AsyncSession
) -> None:
    tender = await make_tender(db, council.organisation, council.officer, TenderStatus.DRAFT)
    await visitor.sign_in(council.officer.email)

    await visitor.open(f"/tenders/{tender.id}/close")
    await visitor.press("Close tender")

    assert await visitor.error_summary() == ["Cannot close a tender that is draft; it must be open"]
