"""The whole evaluation in the browser, on SQLite and on PostgreSQL: the lead publishes a
tender, two suppliers bid, the tender closes, two evaluators declare and score, the lead
moderates one score, reads the results and awards. Every page is checked with axe."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio

from procurement.config import Settings
from procurement.db import create_engine, session_factory
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Supplier, Tender, User
from tests.factories import (
    judged_on_two_scales,
    make_organisation,
    make_supplier,
    make_tender,
    make_user,
)
from tests.web.conftest import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


@dataclass(frozen=True)
class Cast:
    """Everyone in the journey, and the draft tender they work on."""

    lead: User
    evaluators: list[User]
    suppliers: list[Supplier]
    supplier_users: list[User]
    tender: Tender


@pytest_asyncio.fixture(loop_scope="session")
async def cast(journey_settings: Settings) -> AsyncIterator[Cast]:
    """A council's lead and two evaluators, two suppliers with logins, and a draft tender
    with price, two judgement criteria and localism."""
    engine = create_engine(journey_settings.database_url)
    try:
        async with session_factory(engine)() as db:
            council = await make_organisation(db)
            lead = await make_user(db, council, Role.PROCUREMENT)
            evaluators = [await make_user(db, council, Role.EVALUATOR) for _ in range(2)]
            suppliers = [
                await make_supplier(db, council, "Nene Valley Builders Ltd"),
                await make_supplier(db, council, "Welland Works Ltd", postcode="LE1 6ZG"),
            ]
            users = [await make_user(db, council, Role.SUPPLIER, supplier=s) for s in suppliers]
            tender = await make_tender(
                db, council, lead, TenderStatus.DRAFT, criteria=judged_on_two_scales()
            )
            yield Cast(lead, evaluators, suppliers, users, tender)
    finally:
        await engine.dispose()


async def banner(visitor: Visitor) -> str:
    """The text of the success banner."""
    return await visitor.page.locator(".govuk-notification-banner").inner_text()


async def bid(visitor: Visitor, supplier_user: User, tender: Tender, price: str) -> None:
    """A supplier answers the tender's questions and submits a bid."""
    await visitor.sign_in(supplier_user.email)
    await visitor.open(f"/tenders/{tender.id}")
    await visitor.press("Submit a bid")
    await visitor.fill("Price", price)
    await visitor.page.locator("#quality_responses-method").fill("In two phases.")
    await visitor.page.locator("#quality_responses-team").fill("Our own site team.")
    await visitor.press("Submit bid")
    assert "Bid submitted" in await banner(visitor)
    await visitor.sign_out()


async def score(
    visitor: Visitor, evaluator: User, tender: Tender, marks: dict[str, tuple[str, str]]
) -> None:
    """An evaluator declares no interest, scores every bid (supplier name: the level for
    Method, the score for Team) and submits the set."""
    await visitor.sign_in(evaluator.email)
    await visitor.follow(f"{tender.reference}: {tender.title}")
    await visitor.page.get_by_label("No, I have no interest to declare").check()
    await visitor.press("Save declaration")
    for supplier_name, (method, team) in marks.items():
        await visitor.follow(f"Score the bid from {supplier_name}")
        await visitor.page.get_by_label(method, exact=True).check()
        await visitor.fill("Reason for the score for Method", f"Method: {method}")
        await visitor.fill("Score for Team", team)
        await visitor.fill("Reason for the score for Team", f"Team scored {team}")
        await visitor.press("Save draft")
        assert "Draft scores saved" in await banner(visitor)
    await visitor.press("Submit all scores")  # the link styled as a button
    await visitor.press("Submit all scores")
    assert "Scores submitted" in await banner(visitor)
    await visitor.sign_out()


async def test_a_tender_goes_from_publication_to_award_with_two_evaluators(
    person: Visitor, cast: Cast
) -> None:
    tender, lead = cast.tender, cast.lead
    nene, welland = (s.name for s in cast.suppliers)
    await person.sign_in(lead.email)
    await person.open(f"/tenders/{tender.id}")
    await person.press("Publish tender")
    await person.press("Publish tender")
    assert "Tender published" in await banner(person)
    await person.follow("Evaluators")
    for evaluator in cast.evaluators:
        await person.page.get_by_label("Evaluator", exact=True).select_option(str(evaluator.id))
        await person.press("Assign evaluator")
        assert "Evaluator assigned" in await banner(person)
    await person.sign_out()

    await bid(person, cast.supplier_users[0], tender, "95,000")
    await bid(person, cast.supplier_users[1], tender, "90,000")

    await person.sign_in(lead.email)
    await person.open(f"/tenders/{tender.id}")
    await person.press("Close tender")
    await person.fill("Reason for closing early", "Both invited suppliers have bid")
    await person.press("Close tender")
    assert "Tender closed" in await banner(person)
    await person.sign_out()

    # The two evaluators disagree by three levels on Welland's method statement.
    await score(
        person,
        cast.evaluators[0],
        tender,
        {nene: ("4: Level 4", "8"), welland: ("1: Level 1", "6")},
    )
    await score(
        person,
        cast.evaluators[1],
        tender,
        {nene: ("4: Level 4", "7"), welland: ("4: Level 4", "6")},
    )

    await person.sign_in(lead.email)
    await person.open(f"/tenders/{tender.id}")
    await person.follow("moderation")
    assert "Scores far apart" in await person.page.inner_text("main")
    await person.follow(f"Record a consensus for Method on the bid from {welland}")
    await person.fill("Consensus score", "2")
    await person.fill("Moderation note", "Agreed at the moderation meeting on 20 November")
    await person.press("Record consensus")
    assert "Consensus recorded" in await banner(person)

    # Nene: price 90,000/95,000 x 50 = 47.37; method 4/5 x 24 = 19.20; team 7.5/10 x 16 =
    # 12.00; local 10: 88.57. Welland: price 50; method 2/5 x 24 = 9.60; team 6/10 x 16 =
    # 9.60; not local: 69.20.
    await person.open(f"/tenders/{tender.id}/results")
    main = await person.page.inner_text("main")
    assert f"{nene} is ranked first with 88.57 points" in main
    await person.page.get_by_text(f"{welland}: 69.20 points, ranked 2").click()
    assert "Moderated score 2.00 ('Level 2') / scale maximum 5.00 x 24.00 = 9.60 points." in (
        await person.page.inner_text("main")
    )
    await person.press("Award the tender")
    assert await person.page.get_by_label(f"1. {nene}").is_checked()
    await person.fill("Reasons for the award", "The highest score on the published criteria")
    await person.press("Award tender")
    assert f"Awarded to {nene}" in await person.page.inner_text("main")
    await person.screenshot("journey-awarded")

    await person.open(f"/tenders/{tender.id}/timeline")
    timeline = await person.page.inner_text("main")
    for happened in (
        f"Published tender {tender.reference}",
        f"Assigned {cast.evaluators[1].full_name} to evaluate",
        f"Closed tender {tender.reference}",
        f"Submitted 4 scores on {tender.reference}",
        "Recorded the consensus for Method",
        f"Awarded {tender.reference} to {nene}",
    ):
        assert happened in timeline, happened
