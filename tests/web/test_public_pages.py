"""The public pages, read in a browser by someone who is not signed in: the published
summaries, a summary with its charts, tables and files, the contracts awarded, and the feed.

The council's programme is the one in tests/publication_support.py, with the council's own
supplier (Nene Valley Builders Ltd, local) as the winner. After the summary is published, a
scheme is added, a budget is raised and three tenders take bids without being awarded: none
of that may reach the public.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from playwright.async_api import Browser
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.config import Settings
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import CapitalProject, User
from procurement.schemas.publication import (
    PublicationCorrection,
    PublicationCreate,
    PublicationFileKind,
    PublicationRead,
)
from procurement.services.auth import principal_for
from procurement.services.publications import PUBLIC_PATH, PublicationService, file_url
from tests.capital_factories import make_capital_project
from tests.factories import make_bid, make_supplier, make_tender, make_user
from tests.publication_support import PERIOD, Programme, make_programme, sha256_of
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

TITLE = f"Capital programme summary {PERIOD}"
LOSER = "Ise Valley Roofing Ltd"
HIDDEN = "Hidden Bidder Ltd"
ATOM = "{http://www.w3.org/2005/Atom}"
# What happened after publication, and what was never awarded: never on a public page.
UNPUBLISHED = ["Secret depot", "CAP-999", "£333,333.00", "£271,828.00"]
UNAWARDED = [HIDDEN, LOSER, "£520,000.00", "77,777", "Unawarded works"]


@dataclass(frozen=True)
class Published:
    """The published summary, the programme behind it and the officer who published it."""

    publication: PublicationRead
    programme: Programme
    finance: User


@pytest.fixture
async def published(db: AsyncSession, council: Council, web_settings: Settings) -> Published:
    """The summary for 2026/27 Q2, then changes that were never published."""
    organisation, officer = council.organisation, council.officer
    finance = await make_user(db, organisation, Role.FINANCE)
    loser = await make_supplier(db, organisation, LOSER, "LE1 6ZG", is_sme=False)
    programme = await make_programme(db, organisation, officer, council.supplier, loser)
    publication = await PublicationService(db, principal_for(finance)).publish(
        PublicationCreate(period=PERIOD), web_settings
    )
    await db.commit()  # SQLite: end the read, or the server could not write
    await make_capital_project(db, organisation, "CAP-999", name="Secret depot", budget="333333.00")
    play = await db.get(CapitalProject, programme.projects["CAP-002"].id)
    assert play is not None
    play.approved_budget = play.forecast_outturn = Decimal("271828.00")
    await db.commit()
    hidden = await make_supplier(db, organisation, HIDDEN, "NN8 2BB")
    for status in (TenderStatus.OPEN, TenderStatus.CLOSED, TenderStatus.EVALUATING):
        tender = await make_tender(db, organisation, officer, status, title="Unawarded works")
        await make_bid(db, tender, hidden, officer, "77777.00")
    return Published(publication, programme, finance)


async def page_text(visitor: Visitor) -> str:
    """The text of the page's main content."""
    return await visitor.page.locator("main").inner_text()


def shows_nothing_of(text: str, secrets: list[str]) -> None:
    """Assert none of the secrets is in the text."""
    for secret in secrets:
        assert secret not in text, secret


async def test_a_visitor_reads_the_published_summary_and_its_files_without_signing_in(
    visitor: Visitor, published: Published
) -> None:
    await visitor.open("/public/publications")
    assert await visitor.heading() == "Capital programme summaries"
    row = visitor.page.get_by_role("row").filter(has_text=TITLE)
    assert "Latest version" in await row.inner_text()
    await visitor.follow(f"{TITLE} (Test Borough Council, version 1)")
    assert await visitor.heading() == TITLE

    text = await page_text(visitor)
    for shown in ("£1,700,000.00", "£660,000.00", "£1,750,000.00", "27.27%", "£2,000.00"):
        assert shown in text, shown
    assert "Asbestos was found in the roof void" in text  # the explained variance
    assert "Nene Valley Builders Ltd" in text  # the contract behind CAP-001
    shows_nothing_of(text, UNPUBLISHED)
    charts = visitor.page.locator("figure svg[role=img]")
    assert await charts.count() == 4
    for index in range(4):  # every chart is followed by its table
        figure = visitor.page.locator("figure").nth(index)
        assert await figure.locator("xpath=following-sibling::table[1]").count() == 1

    for file in published.publication.files:  # each link, with the digest shown beside it
        url = file_url(PUBLIC_PATH, published.publication.id, file.kind)
        item = visitor.page.locator("li").filter(has=visitor.page.locator(f'a[href="{url}"]'))
        assert file.sha256 in await item.inner_text()
        download = await visitor.page.request.get(url)
        assert download.ok
        assert sha256_of(await download.body()) == file.sha256
        if file.kind == PublicationFileKind.CSV:
            rows = csv.DictReader(io.StringIO((await download.body()).decode()))
            assert [row["code"] for row in rows] == ["CAP-001", "CAP-002", "CAP-003"]


async def test_a_correction_is_the_latest_version_and_the_old_one_says_so(
    visitor: Visitor, db: AsyncSession, published: Published, web_settings: Settings
) -> None:
    note = "The Riverside play area budget was raised to £271,828"
    first = published.publication
    second = await PublicationService(db, principal_for(published.finance)).correct(
        first.id, PublicationCorrection(correction_note=note), web_settings
    )
    await db.commit()
    await visitor.open("/public/publications")
    rows = visitor.page.get_by_role("row").filter(has_text=TITLE)
    assert await rows.count() == 2
    assert "Version 2 Latest version" in " ".join((await rows.nth(0).inner_text()).split())
    assert "Version 1 Superseded by version 2" in " ".join((await rows.nth(1).inner_text()).split())

    await visitor.follow(f"{TITLE} (Test Borough Council, version 1)")
    text = await page_text(visitor)
    assert "This version has been superseded by version 2" in text
    shows_nothing_of(text, UNPUBLISHED)
    await visitor.follow("version 2")
    assert visitor.page.url.endswith(f"/public/publications/{second.id}")
    text = await page_text(visitor)
    assert f"This version corrects version 1. What was corrected: {note}" in text
    assert "£271,828.00" in text and "Latest version" in text


async def test_the_awards_page_shows_awarded_contracts_and_nothing_else(
    visitor: Visitor, published: Published
) -> None:
    await visitor.open("/public/awards")
    assert await visitor.heading() == "Contracts awarded"
    rows = visitor.page.locator("tbody tr")
    assert await rows.count() == 1
    row = " ".join((await rows.first.inner_text()).split())
    reference = published.programme.tender.reference
    assert f"{reference} Library refurbishment works" in row
    for shown in (
        "Nene Valley Builders Ltd",
        "£480,000.00",
        "Local",
        "SME",
        "£2,000.00",
        "1 May 2026",
    ):
        assert shown in row, shown
    shows_nothing_of(await page_text(visitor), UNAWARDED)


async def test_the_feed_announces_each_publication(
    visitor: Visitor, published: Published, live_server: str
) -> None:
    response = await visitor.page.request.get("/public/publications.atom")
    assert response.ok
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(await response.body())  # noqa: S314  (the service's own feed)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == f"Test Borough Council: {TITLE}, version 1"
    assert entry.findtext(f"{ATOM}id") == published.publication.id.urn
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == f"{live_server}/public/publications/{published.publication.id}"


async def test_the_public_pages_work_without_javascript(
    browser: Browser, live_server: str, published: Published
) -> None:
    context = await browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = await context.new_page()
        await page.goto(f"/public/publications/{published.publication.id}")
        assert await page.locator("h1").inner_text() == TITLE
        assert await page.locator("figure svg[role=img]").count() == 4
        await page.goto("/public/awards")
        assert await page.locator("tbody tr").count() == 1
    finally:
        await context.close()


async def test_the_published_html_file_stands_alone_and_is_accessible(
    browser: Browser, live_server: str, axe_source: str, published: Published
) -> None:
    # Its policy forbids scripts; the browser is told to let axe in all the same.
    context = await browser.new_context(base_url=live_server, bypass_csp=True)
    try:
        reader = Visitor(await context.new_page(), axe_source)
        requested: list[str] = []
        reader.page.on("request", lambda request: requested.append(request.url))
        path = f"/public/publications/{published.publication.id}.html"
        response = await reader.open(path)
        assert response is not None and response.ok
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert requested == [f"{live_server}{path}"]  # nothing else to load
        assert await reader.heading() == TITLE
        assert await reader.page.locator("figure svg[role=img]").count() == 4
        assert "£1,700,000.00" in await reader.page.locator("main").inner_text()
    finally:
        await context.close()
