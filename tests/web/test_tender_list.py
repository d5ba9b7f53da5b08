"""Finding tenders: search, status filter and paging."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.web.rendering import PAGE_SIZE
from tests.factories import make_tender
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def listed_titles(visitor: Visitor) -> list[str]:
    """The tender titles in the list, top to bottom."""
    return await visitor.page.locator("main tbody th").all_inner_texts()


async def test_officer_narrows_the_list_by_text_and_status_and_pages_through_it(
    visitor: Visitor, council: Council, db: AsyncSession
) -> None:
    for n in range(PAGE_SIZE + 2):
        await make_tender(
            db,
            council.organisation,
            council.officer,
            TenderStatus.OPEN,
            title=f"Gritting round {n}",
        )
    await make_tender(db, council.organisation, council.officer, title="Library roof repairs")
    await visitor.sign_in(council.officer.email)
    await visitor.open("/tenders")

    assert len(await listed_titles(visitor)) == PAGE_SIZE
    await visitor.follow("Next page")
    assert len(await listed_titles(visitor)) == 3
    assert (
        await visitor.page.locator("caption").inner_text()
    ).strip() == f"{PAGE_SIZE + 3} tenders"

    await visitor.fill("Search by reference or title", "roof")
    await visitor.press("Search")
    assert await listed_titles(visitor) == ["Library roof repairs"]

    await visitor.fill("Search by reference or title", "")
    await visitor.page.get_by_label("Status").select_option("draft")
    await visitor.press("Search")
    assert await listed_titles(visitor) == ["Library roof repairs"]
    assert "status=draft" in visitor.page.url


async def test_a_supplier_sees_open_tenders_but_not_drafts(
    visitor: Visitor, council: Council, db: AsyncSession
) -> None:
    await make_tender(
        db, council.organisation, council.officer, TenderStatus.OPEN, title="Open one"
    )
    await make_tender(db, council.organisation, council.officer, title="Draft one")
    await visitor.sign_in(council.supplier_user.email)

    await visitor.follow("Tenders")

    assert await listed_titles(visitor) == ["Open one"]
    assert not await visitor.page.get_by_role("button", name="Create tender").count()
