"""Bid forms ask exactly what the tender's criteria need, and point at any answer missing."""

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.models import Tender
from tests.factories import make_measure, make_tender
from tests.web.conftest import Council, Visitor
from tests.web.trees import ASKS_EVERYTHING

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

LOCAL_SPEND = "#metric_answers-local-spend"
METHOD_STATEMENT = "#quality_responses-method"


@pytest.fixture
async def asking_tender(db: AsyncSession, council: Council) -> Tender:
    """An open tender whose criteria ask one question of every kind and for two measures."""
    first_value = date(2024, 4, 1)
    await make_measure(db, council.organisation, "JOB01", [("512.00", first_value)], unit="week")
    await make_measure(db, council.organisation, "ENV02", [("36.50", first_value)], unit="tonne")
    return await make_tender(
        db, council.organisation, council.officer, TenderStatus.OPEN, criteria=ASKS_EVERYTHING
    )


async def answer_everything_but_local_spend(visitor: Visitor) -> None:
    """Fill in the bid form, leaving only the local spend question blank."""
    page = visitor.page
    await visitor.fill("Price", "95,000")
    await page.locator("#pass_fail_answers-insurance").check()
    await page.locator(METHOD_STATEMENT).fill("Work in two phases, one floor at a time.")
    await page.locator("#commitment-JOB01").fill("12")


async def test_supplier_answers_every_question_the_criteria_ask(
    visitor: Visitor, council: Council, asking_tender: Tender
) -> None:
    await visitor.sign_in(council.supplier_user.email)
    await visitor.open(f"/tenders/{asking_tender.id}")
    await visitor.press("Submit a bid")
    form = await visitor.page.inner_text("main form")
    for asked in (
        "Local spend",
        "What share of the contract's spend will go to firms in the borough?",
        "Do you hold public liability insurance of at least £5m?",
        "How will you keep the library open during the works?",
        "Evaluators score the response from 0 to 10.",
        "JOB01: Measure JOB01",
        "Each week counts as £512.00 of social value",
        "ENV02: Measure ENV02",
    ):
        assert asked in form
    await answer_everything_but_local_spend(visitor)
    await visitor.press("Submit bid")

    assert await visitor.error_summary() == ["Enter your answer for Local spend"]
    field_error = visitor.page.locator("#metric_answers-local-spend-error")
    assert "Enter your answer for Local spend" in await field_error.inner_text()
    assert await visitor.page.locator(METHOD_STATEMENT).input_value() != ""
    await visitor.screenshot("issue3-bid-missing-answer")
    await visitor.page.locator(LOCAL_SPEND).fill("62.5")
    await visitor.press("Submit bid")
    assert "Bid submitted" in await visitor.page.locator(".govuk-notification-banner").inner_text()

    await visitor.press("Replace bid")
    assert await visitor.page.locator(LOCAL_SPEND).input_value() == "62.5"
    assert await visitor.page.locator("#commitment-JOB01").input_value() == "12"
    assert await visitor.page.locator("#commitment-ENV02").input_value() == ""
    assert await visitor.page.locator("#pass_fail_answers-insurance").is_checked()


async def test_officer_records_a_bid_with_the_same_questions(
    visitor: Visitor, council: Council, asking_tender: Tender
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{asking_tender.id}")
    await visitor.press("Record a bid received another way")
    await visitor.page.get_by_label("Supplier").select_option(label=council.supplier.name)
    await answer_everything_but_local_spend(visitor)
    await visitor.page.locator(LOCAL_SPEND).fill("about half")
    await visitor.page.locator("#commitment-ENV02").fill("-3")
    await visitor.press("Record bid")

    assert await visitor.error_summary() == [
        "Local spend must be a number",
        "The quantity of ENV02 must be more than 0",
    ]
    await visitor.screenshot("issue3-record-bid-errors")
    await visitor.page.locator(LOCAL_SPEND).fill("40")
    await visitor.page.locator("#commitment-ENV02").fill("3")
    await visitor.press("Record bid")
    banner = await visitor.page.locator(".govuk-notification-banner").inner_text()
    assert f"The bid from {council.supplier.name} is sealed." in banner
