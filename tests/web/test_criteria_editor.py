"""A tender's award criteria in the browser: built from a template, checked while typed, refused
at publication while wrong, and frozen once the tender is published."""

from datetime import date

import pytest
from playwright.async_api import expect
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Tender
from procurement.models.base import utc_now
from tests.factories import make_measure, make_template, make_tender, make_user
from tests.web.conftest import Council, Visitor
from tests.web.trees import WORKS_OVER_1M

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
async def draft(db: AsyncSession, council: Council) -> Tender:
    """A draft tender with no criteria yet, and a template and measure to build them from."""
    await make_measure(db, council.organisation, "JOB01", [("36.50", date(2024, 4, 1))])
    await make_template(db, council.organisation, "Works over £1m", tree=WORKS_OVER_1M)
    return await make_tender(db, council.organisation, council.officer, criteria={"groups": []})


async def banner(visitor: Visitor) -> str:
    """The text of the success banner."""
    return await visitor.page.locator(".govuk-notification-banner").inner_text()


async def type_weight(visitor: Visitor, field_id: str, weight: str, sum_text: str) -> None:
    """Type a weight and wait for the running sum (swapped in by htmx) to say `sum_text`."""
    await visitor.page.locator(f"#{field_id}").fill(weight)
    await expect(visitor.page.locator("#running-sums")).to_contain_text(sum_text)


async def publish(visitor: Visitor, tender: Tender) -> None:
    """Try to publish the tender from its page."""
    await visitor.open(f"/tenders/{tender.id}")
    await visitor.press("Publish tender")
    await visitor.press("Publish tender")


async def test_officer_cannot_publish_criteria_that_do_not_add_up_then_fixes_them(
    visitor: Visitor, council: Council, draft: Tender
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{draft.id}")
    await visitor.follow("Award criteria")
    await visitor.page.get_by_label("Weighting template").select_option(label="Works over £1m")
    await visitor.press("Copy template")
    assert "Template copied" in await banner(visitor)
    groups_sum = visitor.page.locator("#sum-groups")
    await expect(groups_sum).to_have_class("app-sum-ok")

    await type_weight(visitor, "g0-weight", "50", "Groups add up to 90% (must be 100%)")
    await expect(groups_sum).to_have_class("app-sum-bad")
    await visitor.check_accessibility()
    await visitor.screenshot("issue3-criteria-sum-bad")
    await visitor.press("Save criteria")
    issues = await visitor.page.locator("#issues").inner_text()
    assert "This tree cannot be published until these are fixed" in issues
    assert "Group weights add up to 90%; they must add up to 100%" in issues
    await visitor.screenshot("issue3-criteria-issues")

    await publish(visitor, draft)
    assert await visitor.error_summary() == [
        "Group weights add up to 90%; they must add up to 100%"
    ]
    await visitor.screenshot("issue3-publish-refused")

    await visitor.open(f"/tenders/{draft.id}/criteria")
    await type_weight(visitor, "g0-weight", "60", "Groups add up to 100%")
    await expect(groups_sum).to_have_class("app-sum-ok")
    await visitor.press("Save criteria")
    assert "The criteria are ready to publish." in await banner(visitor)
    assert await visitor.page.locator("#issues").count() == 0

    await publish(visitor, draft)
    assert "Tender published" in await banner(visitor)
    await visitor.follow("Award criteria")
    main = await visitor.page.inner_text("main")
    assert "frozen when the tender was published" in main
    assert "Method statement" in main
    assert await visitor.page.get_by_role("button", name="Save criteria").count() == 0
    await visitor.screenshot("issue3-criteria-frozen")


@pytest.mark.parametrize(
    ("role", "status"), [(Role.EVALUATOR, TenderStatus.DRAFT), (Role.SUPPLIER, TenderStatus.OPEN)]
)
async def test_people_who_cannot_edit_criteria_read_them(
    visitor: Visitor, council: Council, db: AsyncSession, role: Role, status: TenderStatus
) -> None:
    tender = await make_tender(
        db, council.organisation, council.officer, status, criteria=WORKS_OVER_1M
    )
    reader = council.supplier_user if role is Role.SUPPLIER else None
    reader = reader or await make_user(db, council.organisation, role)
    await visitor.sign_in(reader.email)
    await visitor.open(f"/tenders/{tender.id}")
    await visitor.follow("Award criteria")

    names = await visitor.page.locator("main tbody th").all_inner_texts()
    assert [name.split("\n")[0] for name in names] == ["Price", "Method statement", "Local jobs"]
    assert "Scored 0 to 10; minimum score 4" in await visitor.page.inner_text("main")
    assert await visitor.page.locator("main :is(input, textarea, select)").count() == 0


async def test_criteria_saved_after_the_tender_was_published_elsewhere_are_refused(
    visitor: Visitor, council: Council, db: AsyncSession
) -> None:
    tender = await make_tender(db, council.organisation, council.officer, criteria=WORKS_OVER_1M)
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{tender.id}/criteria")
    await visitor.page.locator("#g0-weight").fill("55")
    tender.status, tender.published_at = TenderStatus.OPEN, utc_now()  # in another tab, say
    await db.commit()
    await visitor.press("Save criteria")

    assert await visitor.error_summary() == [
        "The criteria were frozen when the tender was published; it is now open"
    ]
    assert "Price: 60%" in await visitor.page.inner_text("main")
