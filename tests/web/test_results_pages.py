"""The results and award pages in the browser: the ranking, the arithmetic, the chart and its
table, the sensitivity findings, exclusions, and the award with its standstill period."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.dates import london_date
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.standstill import standstill_end
from procurement.models import Tender
from procurement.models.base import utc_now
from procurement.web.awards import long_date
from tests.factories import make_bid, make_supplier, make_tender
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

RIVAL = "Westminster Lighting Ltd"


@pytest.fixture
async def closed_tender(db: AsyncSession, council: Council) -> Tender:
    """A closed tender (price 90%, localism 10%): the local supplier's £95,000 bid beats the
    rival's £90,000 (95.26 points to 90.00)."""
    tender = await make_tender(db, council.organisation, council.officer, TenderStatus.CLOSED)
    await make_bid(db, tender, council.supplier, council.officer, "95000.00")
    rival = await make_supplier(db, council.organisation, RIVAL, "SW1A 1AA")
    await make_bid(db, tender, rival, council.officer, "90000.00")
    await db.commit()
    return tender


async def open_breakdown(visitor: Visitor, summary: str) -> None:
    """Open the details that show one bid's arithmetic."""
    await visitor.page.locator("summary", has_text=summary).click()


async def main_text(visitor: Visitor) -> str:
    """The text of the page's main content."""
    return await visitor.page.inner_text("main")


async def test_the_results_show_the_ranking_the_arithmetic_and_the_chart_with_its_data(
    visitor: Visitor, council: Council, closed_tender: Tender
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{closed_tender.id}")
    await visitor.follow("Evaluation results")
    assert await visitor.heading() == "Evaluation results"
    text = await main_text(visitor)
    assert f"{council.supplier.name} is ranked first with 95.26 points out of 100." in text
    ranking = await visitor.page.locator("main table").first.inner_text()
    assert "95.26" in ranking and "90.00" in ranking
    chart = visitor.page.locator("main svg[role=img]")
    assert await chart.get_attribute("aria-labelledby") == (
        "weighted-scores-chart-title weighted-scores-chart-desc"
    )
    description = await chart.locator("desc").text_content()
    assert f"{council.supplier.name}: 95.26 points (Price 85.26, Localism 10.00)." in (
        description or ""
    )
    data = visitor.page.locator("table", has_text="the chart's data")
    assert RIVAL in await data.inner_text()
    assert "stays the winner for any weight of Price" in text
    await open_breakdown(visitor, f"{council.supplier.name}: 95.26 points, ranked 1")
    explanation = "Lowest price £90,000.00 / this bid £95,000.00 x 90.00 = 85.26 points."
    assert await visitor.page.get_by_text(explanation).is_visible()
    await visitor.check_accessibility()  # with the details open
    await visitor.screenshot("evaluation-results")


async def test_the_lead_excludes_a_bid_with_a_reason_and_reinstates_it(
    visitor: Visitor, council: Council, closed_tender: Tender
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{closed_tender.id}/results")
    await open_breakdown(visitor, f"{council.supplier.name}: 95.26 points")
    await visitor.press(f"Exclude {council.supplier.name}'s bid")
    await visitor.press("Exclude bid")
    assert await visitor.error_summary() == ["Enter why the bid is excluded"]
    await visitor.fill("Reason for excluding the bid", "No signed form of tender")
    await visitor.press("Exclude bid")
    text = await main_text(visitor)
    assert "Bid excluded" in text
    assert f"{RIVAL} is ranked first with 90.00 points" in text
    await open_breakdown(visitor, f"{council.supplier.name}: 95.26 points, not ranked")
    assert "Excluded: No signed form of tender" in await main_text(visitor)
    await visitor.press(f"Reinstate {council.supplier.name}'s bid")
    assert f"{council.supplier.name} is ranked first" in await main_text(visitor)


async def test_the_award_needs_a_justification_for_the_runner_up_then_shows_the_standstill(
    visitor: Visitor, council: Council, closed_tender: Tender
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{closed_tender.id}/results")
    await visitor.press("Award the tender")
    assert await visitor.heading() == "Award the tender"
    winner = visitor.page.get_by_label(f"1. {council.supplier.name}")
    assert await winner.is_checked()
    # Choose the runner-up with the keyboard: from the selected radio, the arrow moves on.
    await winner.focus()
    await visitor.page.keyboard.press("ArrowDown")
    assert await visitor.page.get_by_label(f"2. {RIVAL}").is_checked()
    await visitor.fill("Reasons for the award", "Best value on the published criteria")
    await visitor.press("Award tender")
    [error] = await visitor.error_summary()
    assert error.startswith(f"Give a justification: {RIVAL} is ranked 2, not first.")
    await visitor.fill("Justification (if needed)", "The winner withdrew from the contract")
    await visitor.page.get_by_role("button", name="Award tender").focus()
    async with visitor.page.expect_navigation():
        await visitor.page.keyboard.press("Enter")
    await visitor.check_accessibility()
    text = await main_text(visitor)
    ends = long_date(standstill_end(london_date(utc_now())))
    assert f"Awarded to {RIVAL}" in text
    assert f"Standstill ends\n{ends}" in text
    await visitor.screenshot("award-confirmation")


async def test_the_award_form_points_out_each_mistake(
    visitor: Visitor, council: Council, closed_tender: Tender
) -> None:
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{closed_tender.id}/award")
    await visitor.fill("Year", "2999")
    await visitor.press("Award tender")
    assert await visitor.error_summary() == ["Enter the reasons for the award"]
    await visitor.fill("Reasons for the award", "Best value")
    await visitor.press("Award tender")
    assert await visitor.error_summary() == ["The decision date cannot be in the future"]
    await visitor.page.get_by_role("link", name="The decision date cannot be in the future").click()
    assert await visitor.page.evaluate("document.activeElement.id") == "decision_date-day"
