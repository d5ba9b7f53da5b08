"""Evaluation through the pages: the lead assigns evaluators and decides on interests, an
evaluator declares and scores, and the lead moderates. Every page is checked with axe."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Bid, Tender, User
from tests.factories import (
    judged_on_two_scales,
    make_bid,
    make_evaluator,
    make_scores,
    make_supplier,
    make_tender,
    make_user,
)
from tests.web.conftest import Council, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
async def closed(db: AsyncSession, council: Council) -> tuple[Tender, list[Bid]]:
    """A closed tender with two judgement criteria and bids from two suppliers."""
    tender = await make_tender(
        db, council.organisation, council.officer, TenderStatus.CLOSED,
        criteria=judged_on_two_scales(),
    )  # fmt: skip
    rival = await make_supplier(db, council.organisation, name="Welland Works Ltd")
    bids = [
        await make_bid(db, tender, council.supplier, council.supplier_user, "95000.00"),
        await make_bid(db, tender, rival, council.officer, "88000.00"),
    ]
    return tender, bids


@pytest.fixture
async def evaluator(db: AsyncSession, council: Council) -> User:
    """An evaluator of the council."""
    return await make_user(db, council.organisation, Role.EVALUATOR)


async def banner(visitor: Visitor) -> str:
    """The text of the success banner."""
    return await visitor.page.locator(".govuk-notification-banner").inner_text()


async def test_the_lead_assigns_an_evaluator_and_decides_on_their_interest(
    visitor: Visitor, council: Council, closed: tuple[Tender, list[Bid]], evaluator: User
) -> None:
    tender, _ = closed
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{tender.id}")
    await visitor.follow("Evaluators")
    await visitor.press("Assign evaluator")
    assert await visitor.error_summary() == ["Choose the evaluator to assign"]
    await visitor.page.get_by_label("Evaluator", exact=True).select_option(str(evaluator.id))
    await visitor.page.get_by_label("Quality", exact=True).check()
    await visitor.press("Assign evaluator")
    assert "Evaluator assigned" in await banner(visitor)
    table = await visitor.page.locator("main table").inner_text()
    assert evaluator.full_name in table and "Not declared yet" in table
    await visitor.screenshot("evaluators-assigned")
    await visitor.sign_out()

    await visitor.sign_in(evaluator.email)
    assert "Your evaluations" in await visitor.page.inner_text("main")
    await visitor.follow(f"{tender.reference}: {tender.title}")
    await visitor.page.get_by_label("Yes, I have an interest to declare").check()
    await visitor.press("Save declaration")
    assert await visitor.error_summary() == [
        "Describe the interest: what it is, and with which bidder"
    ]
    await visitor.fill("Details of the interest", "I used to work for Welland Works Ltd")
    await visitor.press("Save declaration")
    assert "Interest declared" in await banner(visitor)
    assert "decision needed" in await visitor.page.inner_text("main")
    await visitor.sign_out()

    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{tender.id}/evaluators")
    await visitor.follow(f"Decide on {evaluator.full_name}'s interest")
    await visitor.page.get_by_label("Restrict", exact=True).check()
    await visitor.press("Record decision")
    assert await visitor.error_summary() == ["Give the reason for the decision"]
    await visitor.fill("Reason", "The interest concerns the other bidder only")
    await visitor.press("Record decision")
    assert await visitor.error_summary() == ["Choose the bids the evaluator may see and score"]
    await visitor.page.get_by_label(council.supplier.name, exact=True).check()
    await visitor.fill("Reason", "The interest concerns the other bidder only")
    await visitor.screenshot("evaluator-decision")
    await visitor.press("Record decision")
    assert "Decision recorded" in await banner(visitor)
    assert "Restricted to some bids" in await visitor.page.locator("main table").inner_text()


async def test_an_evaluator_scores_a_bid_and_submits_the_set(
    visitor: Visitor,
    db: AsyncSession,
    council: Council,
    closed: tuple[Tender, list[Bid]],
    evaluator: User,
) -> None:
    tender, bids = closed
    await make_evaluator(db, tender, evaluator, submitted=False)
    await visitor.sign_in(evaluator.email)
    await visitor.open(f"/tenders/{tender.id}/scoring")
    progress = await visitor.page.locator("main table").inner_text()
    assert "0 of 2 criteria scored" in progress
    await visitor.follow(f"Score the bid from {council.supplier.name}")
    assert "£95,000.00" in await visitor.page.inner_text("main")  # scores every group
    await visitor.page.get_by_label("4: Level 4", exact=True).check()
    await visitor.press("Save draft")
    assert await visitor.error_summary() == ["Give the reason for this score"]
    await visitor.fill("Reason for the score for Method", "A clear, staged plan")
    await visitor.fill("Score for Team", "11")
    await visitor.fill("Reason for the score for Team", "An experienced team")
    await visitor.press("Save draft")
    assert await visitor.error_summary() == ["Give a score from 0 to 10"]
    await visitor.fill("Score for Team", "7.5")
    await visitor.screenshot("scoring-bid")
    await visitor.press("Save draft")
    assert "Draft scores saved" in await banner(visitor)
    assert "Scored" in await visitor.page.locator("main table").inner_text()

    await visitor.press("Submit all scores")  # the link styled as a button
    await visitor.press("Submit all scores")
    [error] = await visitor.error_summary()
    assert "still to be given" in error
    await visitor.open(f"/tenders/{tender.id}/scoring/bids/{bids[1].id}")
    await visitor.page.get_by_label("2: Level 2", exact=True).check()
    await visitor.fill("Reason for the score for Method", "Vague")
    await visitor.fill("Score for Team", "3")
    await visitor.fill("Reason for the score for Team", "Thin")
    await visitor.press("Save draft")
    await visitor.press("Submit all scores")  # the link styled as a button
    await visitor.press("Submit all scores")
    assert "Scores submitted" in await banner(visitor)
    assert "They can no longer be changed" in await visitor.page.inner_text("main")


async def test_the_lead_moderates_scores_that_are_far_apart(
    visitor: Visitor,
    db: AsyncSession,
    council: Council,
    closed: tuple[Tender, list[Bid]],
    evaluator: User,
) -> None:
    tender, bids = closed
    second = await make_user(db, council.organisation, Role.EVALUATOR)
    for user, method in [(evaluator, "1"), (second, "5")]:
        await make_evaluator(db, tender, user)
        for bid in bids:
            await make_scores(db, bid, user, {"method": method, "team": "6"})
    await visitor.sign_in(council.officer.email)
    await visitor.open(f"/tenders/{tender.id}")
    await visitor.follow("moderation")
    main = await visitor.page.inner_text("main")
    assert "Scores far apart" in main and "Scored 5" in main
    await visitor.screenshot("moderation")
    await visitor.follow(f"Record a consensus for Method on the bid from {council.supplier.name}")
    await visitor.press("Record consensus")
    assert sorted(await visitor.error_summary()) == sorted(
        ["Enter the consensus score", "Give the reason for the consensus"]
    )
    await visitor.fill("Consensus score", "3")
    await visitor.fill("Moderation note", "Agreed at the moderation meeting")
    await visitor.press("Record consensus")
    assert "Consensus recorded" in await banner(visitor)
    assert "Agreed at the moderation meeting" in await visitor.page.inner_text("main")
