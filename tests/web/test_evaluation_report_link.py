"""The results page offers the evaluation report as a PDF download, from the keyboard too."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from tests.factories import make_bid, make_tender
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

LINK = "Download the evaluation report (PDF)"


async def test_the_results_page_downloads_the_evaluation_report(
    visitor: Visitor, council: Council, db: AsyncSession
) -> None:
    tender = await make_tender(db, council.organisation, council.officer, TenderStatus.CLOSED)
    await make_bid(db, tender, council.supplier, council.officer, "95000.00")
    await db.commit()
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{tender.id}/results")
    link = visitor.page.get_by_role("link", name=LINK)
    assert await link.get_attribute("href") == f"/tenders/{tender.id}/report.pdf"
    await visitor.check_accessibility()
    async with visitor.page.expect_download() as started:
        await link.focus()
        await visitor.page.keyboard.press("Enter")
    download = await started.value
    safe_reference = tender.reference.lower().replace("/", "-")
    assert download.suggested_filename == f"{safe_reference}-evaluation-report.pdf"
    path = await download.path()
    assert path.read_bytes().startswith(b"%PDF-")
