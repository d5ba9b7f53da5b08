"""Creating and editing draft tenders through the pages, with GOV.UK error messages."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.models import Tender
from procurement.models.base import utc_now
from tests.factories import make_tender
from tests.web.conftest import Council, Visitor, stored

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def fill_deadline(visitor: Visitor, day: str, month: str, year: str, time: str) -> None:
    """Type a deadline into the date input and the time field."""
    for label, value in (("Day", day), ("Month", month), ("Year", year)):
        await visitor.fill(label, value)
    await visitor.fill("Time of the deadline", time)


async def test_officer_fixes_a_mistaken_tender_and_finds_it_in_the_list(
    visitor: Visitor, council: Council, db: AsyncSession
) -> None:
    year = utc_now().year + 1
    await visitor.sign_in(council.officer.email)
    await visitor.follow("Tenders")
    await visitor.press("Create tender")
    await visitor.fill("Reference", "nbc/2027/014")
    await visitor.fill("CPV codes (optional)", "45000000-7, 4500")
    await visitor.fill("Estimated value", "£250,000")
    await fill_deadline(visitor, "31", "3", str(year), "17:00")

    await visitor.press("Create tender")

    assert await visitor.error_summary() == [
        "Enter a title",
        "'4500' is not a CPV code: eight digits, a hyphen and a check digit",
    ]
    assert (await visitor.page.title()).startswith("Error: ")
    await visitor.screenshot("tender-form-errors")
    await visitor.page.get_by_role("link", name="Enter a title").click()
    assert await visitor.page.evaluate("document.activeElement.id") == "title"

    await visitor.fill("Title", "Library roof repairs")
    await visitor.fill("CPV codes (optional)", "45000000-7\n45261000-4")
    await visitor.press("Create tender")

    banner = visitor.page.locator(".govuk-notification-banner")
    assert "Tender created" in await banner.inner_text()
    assert await visitor.heading() == "Library roof repairs"
    details = await visitor.page.locator(".govuk-summary-list").first.inner_text()
    assert "£250,000.00" in details
    assert f"31 March {year} at 5pm" in details  # shown in UK time, as typed
    deadline = await stored(db, sa.select(col(Tender.submission_deadline)))
    assert deadline == datetime(year, 3, 31, 16, 0, tzinfo=UTC)  # stored in UTC (BST is UTC+1)
    await visitor.screenshot("tender-created")

    await visitor.follow("All tenders")
    row = visitor.page.get_by_role("row", name="NBC/2027/014")
    assert "Library roof repairs" in await row.inner_text()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"Day": "30", "Month": "2"}, "Submission deadline must be a real date"),
        ({"Year": ""}, "Submission deadline must include a year"),
        (
            {"Time of the deadline": "5pm"},
            "Enter the time using the 24-hour clock, like 09:30 or 17:00",
        ),
        ({"Estimated value": "lots"}, "Estimated value must be a number"),
        (
            {"Reference": "no spaces allowed"},
            "A reference is up to 50 letters, digits, slashes, dots, hyphens or underscores, "
            "starting with a letter or digit",
        ),
    ],
)
async def test_a_draft_with_a_bad_field_is_sent_back_with_its_message(
    visitor: Visitor, council: Council, db: AsyncSession, fields: dict[str, str], message: str
) -> None:
    tender = await make_tender(db, council.organisation, council.officer)
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{tender.id}/edit")

    for label, value in fields.items():
        await visitor.fill(label, value)
    await visitor.press("Save draft")

    assert await visitor.error_summary() == [message]


async def test_editing_a_draft_someone_else_changed_shows_the_stale_version_error(
    visitor: Visitor, council: Council, db: AsyncSession
) -> None:
    tender = await make_tender(db, council.organisation, council.officer)
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{tender.id}")
    await visitor.press("Edit draft")
    await db.execute(
        sa.update(Tender).where(col(Tender.id) == tender.id).values(title="Changed", version=2)
    )
    await db.commit()

    await visitor.fill("Title", "My edit")
    await visitor.press("Save draft")

    [error] = await visitor.error_summary()
    assert "was changed by someone else" in error
    await visitor.page.goto(f"/tenders/{tender.id}")
    await visitor.check_accessibility()
    assert await visitor.heading() == "Changed"
