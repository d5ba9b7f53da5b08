"""Assessment summaries downloaded in the browser: an officer saves every bidder's in a zip and
one bidder's on its own from the results page; a supplier saves its own from the tender page.

The tender is scored on price (90%, lowest price / this price) and being local (10%):
- Welland Works Ltd (local): £90,000, 90.00 + 10.00 = 100.00, ranked 1st and awarded.
- Nene Valley Builders Ltd (local): £95,000, 90,000 / 95,000 x 90 = 85.26 + 10.00 = 95.26,
  ranked 2nd.
- Ise Valley Roofing Ltd (not local): £110,000, 90,000 / 110,000 x 90 = 73.64, ranked 3rd.
"""

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.models import Tender
from tests.factories import make_bid, make_supplier, make_tender
from tests.integration.report_support import award_to, text_of
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

WINNER = "Welland Works Ltd"
OTHER_LOSER = "Ise Valley Roofing Ltd"


@dataclass(frozen=True)
class Awarded:
    """The awarded tender, and the names its summaries are saved under."""

    tender: Tender

    @property
    def reference(self) -> str:
        """The tender reference as a file name part, e.g. tst-0001."""
        return self.tender.reference.lower().replace("/", "-")

    @property
    def zip_name(self) -> str:
        """The name every summary's zip is saved under."""
        return f"assessment-summaries-{self.reference}.zip"

    def file_name(self, supplier_name: str) -> str:
        """The name a supplier's summary is saved under."""
        return f"assessment-summary-{self.reference}-{supplier_name.lower().replace(' ', '-')}.pdf"


@pytest.fixture
async def awarded(db: AsyncSession, council: Council) -> Awarded:
    """The tender at the top of this module, with the council's own supplier as Nene Valley."""
    organisation, officer = council.organisation, council.officer
    tender = await make_tender(db, organisation, officer, TenderStatus.CLOSED)
    welland = await make_supplier(db, organisation, WINNER, "NN8 1AA")
    ise = await make_supplier(db, organisation, OTHER_LOSER, "LE1 6ZG")
    winning = await make_bid(db, tender, welland, officer, "90000.00")
    await make_bid(db, tender, council.supplier, officer, "95000.00")
    await make_bid(db, tender, ise, officer, "110000.00")
    await award_to(db, officer, winning, "The highest score on the published criteria")
    return Awarded(tender)


async def download(visitor: Visitor, link: str, folder: Path) -> Path:
    """Click the link, wait for the download it starts and save it under its suggested name."""
    async with visitor.page.expect_download() as started:
        await visitor.page.get_by_role("link", name=link, exact=True).click()
    saved = await started.value
    path = folder / saved.suggested_filename
    await saved.save_as(path)
    return path


async def test_an_officer_downloads_every_summary_and_one_bidders(
    visitor: Visitor, council: Council, awarded: Awarded, tmp_path: Path
) -> None:
    bidders = [WINNER, council.supplier.name, OTHER_LOSER]
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{awarded.tender.id}/results")

    bundle = await download(
        visitor, "Download every bidder's assessment summary (zip of PDFs)", tmp_path
    )
    assert bundle.name == awarded.zip_name
    with zipfile.ZipFile(bundle) as archive:
        assert sorted(archive.namelist()) == sorted(awarded.file_name(b) for b in bidders)
        for name in bidders:
            pdf = archive.read(awarded.file_name(name))
            assert pdf.startswith(b"%PDF-")
            assert f"To {name} Tender" in text_of(pdf, tmp_path)

    await visitor.page.get_by_text("Each bidder's assessment summary", exact=True).click()
    single = await download(visitor, f"{OTHER_LOSER}'s assessment summary (PDF)", tmp_path)
    assert single.name == awarded.file_name(OTHER_LOSER)
    text = text_of(single.read_bytes(), tmp_path)
    assert f"To {OTHER_LOSER} Tender" in text
    assert "It scored 73.64 points out of 100 and was ranked 3rd." in text


async def test_a_supplier_downloads_its_own_summary_from_the_tender_page(
    visitor: Visitor, council: Council, awarded: Awarded, tmp_path: Path
) -> None:
    await visitor.sign_in(council.supplier_user.email)
    await visitor.open(f"/tenders/{awarded.tender.id}")
    path = await download(visitor, "Download your assessment summary (PDF)", tmp_path)
    own = council.supplier.name
    assert path.name == awarded.file_name(own)
    text = text_of(path.read_bytes(), tmp_path)
    assert f"To {own} Tender" in text
    assert "Your tender was not successful. It scored 95.26 points out of 100" in text
    assert f"awarded to {WINNER}, whose tender scored 100.00 points" in text
    for secret in (OTHER_LOSER, "£110,000.00", "73.64"):
        assert secret not in text, secret
