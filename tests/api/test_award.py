"""The award: only once the evaluation is complete, to a ranked bid, justified where it
departs from the ranking or a flag stands, and followed by the standstill period."""

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col

from procurement.domain.dates import LONDON
from procurement.domain.evaluation import ConflictDecision, Declaration
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.standstill import standstill_end
from procurement.models import AuditEvent, Bid, Tender
from procurement.models.base import utc_now
from tests.api.conftest import World, error_of, field_errors
from tests.api.evaluated import (
    PRICE_AND_QUALITY,
    PRICE_ONLY,
    award_of,
    closed_tender,
    evaluation_of,
    evaluator,
    exclusion_of,
    reversal_tender,
    score,
    supplier,
)


def today() -> date:
    """Today in England and Wales."""
    return utc_now().astimezone(LONDON).date()


def award_body(bid: Bid | str, **changes: Any) -> dict[str, Any]:
    """A valid award of the bid (or bid id), decided today, with any fields replaced."""
    body = {
        "bid_id": str(bid.id) if isinstance(bid, Bid) else bid,
        "decision_date": today().isoformat(),
        "rationale": "Best value for money on the published criteria",
    }
    return {**body, **changes}


@pytest.fixture
async def two_bids(world: World) -> tuple[Tender, Bid, Bid]:
    """A closed tender (price 90%, localism 10%) the local supplier wins from the rival."""
    tender = await closed_tender(world)
    winner = await world.bid(tender, world.supplier, "95000.00")
    runner_up = await world.bid(tender, world.rival, "90000.00")
    return tender, winner, runner_up


def justification_error(response: Any) -> str:
    """Assert a 422 justification_required; return the message on the justification field."""
    body = error_of(response, 422, "justification_required")
    [error] = body["errors"]
    assert error["field"] == "justification"
    message: str = error["message"]
    return message


async def test_the_winner_is_awarded_and_the_standstill_period_starts(
    world: World, two_bids: tuple[Tender, Bid, Bid]
) -> None:
    tender, winner, _ = two_bids
    response = await world.post(award_of(tender), "procurement", award_body(winner))
    assert response.status_code == 201, response.text
    award = response.json()
    assert (award["bid_id"], award["supplier_name"], award["winner_rank"]) == (
        str(winner.id),
        "Acme Lighting Ltd",
        1,
    )
    assert award["standstill_ends"] == standstill_end(today()).isoformat()
    assert (award["evaluation_version"], award["justification"]) == (1, None)
    assert (await world.get(award_of(tender), "admin")).json() == award
    status = (await world.get(f"/tenders/{tender.id}", "procurement")).json()["status"]
    assert status == "awarded"
    async with world.sessions() as session:
        events = await session.execute(
            sa.select(col(AuditEvent.entity_type), col(AuditEvent.action)).where(
                col(AuditEvent.tender_id) == tender.id
            )
        )
        assert set(events.tuples()) == {("award", "create"), ("tender", "award")}


async def test_the_standstill_end_counts_working_days_from_the_decision_date(
    world: World, two_bids: tuple[Tender, Bid, Bid]
) -> None:
    tender, winner, _ = two_bids
    async with world.sessions() as session:
        row = await session.get_one(Tender, tender.id)
        row.closed_at = utc_now() - timedelta(days=400)
        await session.commit()
    # Tuesday 23 December 2025, across Christmas, Boxing Day and New Year's Day.
    body = award_body(winner, decision_date="2025-12-23")
    response = await world.post(award_of(tender), "procurement", body)
    assert response.status_code == 201, response.text
    # Wed 24, Mon 29, Tue 30, Wed 31 Dec; Fri 2, Mon 5, Tue 6, Wed 7 Jan 2026.
    assert response.json()["standstill_ends"] == "2026-01-07"


async def test_after_the_award_the_evaluation_is_read_only(
    world: World, two_bids: tuple[Tender, Bid, Bid]
) -> None:
    tender, winner, runner_up = two_bids
    await world.post(award_of(tender), "procurement", award_body(winner))
    again = await world.post(award_of(tender), "procurement", award_body(winner))
    error_of(again, 409, "tender_awarded")
    reason = {"reason": "Found later to be ineligible"}
    exclude = await world.post(exclusion_of(tender, runner_up), "procurement", reason)
    error_of(exclude, 409, "tender_awarded")
    assert (await world.get(evaluation_of(tender), "procurement")).status_code == 200


async def test_no_award_is_found_before_one_is_made(
    world: World, two_bids: tuple[Tender, Bid, Bid]
) -> None:
    tender, _, _ = two_bids
    error_of(await world.get(award_of(tender), "procurement"), 404, "not_found")


class TestTheEvaluationMustBeComplete:
    """Every evaluator still taking part has submitted, and every interest is decided."""

    async def test_scores_not_yet_submitted_hold_up_the_award(
        self, world: World, two_bids: tuple[Tender, Bid, Bid]
    ) -> None:
        tender, winner, _ = two_bids
        await evaluator(world, tender, submitted=False)
        response = await world.post(award_of(tender), "procurement", award_body(winner))
        body = error_of(response, 409, "evaluation_incomplete")
        name = world.users["evaluator"].full_name
        assert body["extra"] == {"outstanding": [f"{name} has not submitted their scores."]}
        assert name in body["detail"]

    async def test_an_interest_awaiting_a_decision_holds_up_the_award(
        self, world: World, two_bids: tuple[Tender, Bid, Bid]
    ) -> None:
        tender, winner, _ = two_bids
        await evaluator(world, tender, declaration=Declaration.INTEREST)
        response = await world.post(award_of(tender), "procurement", award_body(winner))
        body = error_of(response, 409, "evaluation_incomplete")
        name = world.users["evaluator"].full_name
        assert body["extra"]["outstanding"] == [f"The interest {name} declared awaits a decision."]

    async def test_a_removed_evaluator_holds_up_nothing(
        self, world: World, two_bids: tuple[Tender, Bid, Bid]
    ) -> None:
        tender, winner, _ = two_bids
        await evaluator(
            world,
            tender,
            submitted=False,
            declaration=Declaration.INTEREST,
            decision=ConflictDecision.REMOVE,
        )
        response = await world.post(award_of(tender), "procurement", award_body(winner))
        assert response.status_code == 201, response.text

    async def test_judgement_criteria_need_an_evaluator(self, world: World) -> None:
        tender = await closed_tender(world, PRICE_AND_QUALITY)
        bid = await world.bid(tender, world.supplier)
        response = await world.post(award_of(tender), "procurement", award_body(bid))
        body = error_of(response, 409, "evaluation_incomplete")
        assert body["extra"]["outstanding"] == [
            "No evaluator is assigned to score the judgement criteria."
        ]


class TestTheChosenBid:
    """The award goes to a ranked bid of this tender."""

    async def test_an_excluded_bid_cannot_be_awarded(
        self, world: World, two_bids: tuple[Tender, Bid, Bid]
    ) -> None:
        tender, winner, _ = two_bids
        await world.post(exclusion_of(tender, winner), "procurement", {"reason": "Late"})
        response = await world.post(award_of(tender), "procurement", award_body(winner))
        assert field_errors(response) == {"bid_id": "Choose a ranked bid of this tender"}

    async def test_a_bid_of_another_tender_cannot_be_awarded(
        self, world: World, two_bids: tuple[Tender, Bid, Bid]
    ) -> None:
        tender, _, _ = two_bids
        elsewhere = await world.bid(await closed_tender(world), world.supplier)
        response = await world.post(award_of(tender), "procurement", award_body(elsewhere))
        assert set(field_errors(response)) == {"bid_id"}

    async def test_the_runner_up_needs_a_justification(
        self, world: World, two_bids: tuple[Tender, Bid, Bid]
    ) -> None:
        tender, _, runner_up = two_bids
        refused = await world.post(award_of(tender), "procurement", award_body(runner_up))
        assert "Borough Builders Ltd is ranked 2, not first." in justification_error(refused)
        justified = award_body(
            runner_up, justification="The winner has since gone into administration"
        )
        response = await world.post(award_of(tender), "procurement", justified)
        assert response.status_code == 201, response.text
        assert response.json()["winner_rank"] == 2


class TestUnresolvedFlagsNeedAJustification:
    """A tie, an abnormally low price, a wide spread of scores, or a rank reversal."""

    async def test_a_tie(self, world: World) -> None:
        tender = await closed_tender(world, PRICE_ONLY)
        await world.bid(tender, world.supplier, "90000.00")
        await world.bid(tender, world.rival, "90000.00")
        evaluation = (await world.get(evaluation_of(tender), "procurement")).json()
        assert len(evaluation["ties"]) == 1
        body = award_body(evaluation["winner_id"])
        response = await world.post(award_of(tender), "procurement", body)
        assert "within the 0.01-point tie tolerance" in justification_error(response)

    async def test_an_abnormally_low_price(self, world: World) -> None:
        tender = await closed_tender(world, PRICE_ONLY)
        cheap = await world.bid(tender, world.supplier, "50000.00")
        await world.bid(tender, world.rival, "100000.00")
        await world.bid(tender, await supplier(world, "Third Ltd"), "100000.00")
        response = await world.post(award_of(tender), "procurement", award_body(cheap))
        assert "Acme Lighting Ltd: Price £50,000.00 is 50.00% below" in justification_error(
            response
        )

    async def test_evaluators_scores_far_apart(self, world: World) -> None:
        tender = await closed_tender(world, PRICE_AND_QUALITY)
        bid = await world.bid(tender, world.supplier)
        second = await world.add_user("second_evaluator", world.users["evaluator"].role)
        await evaluator(world, tender)
        await evaluator(world, tender, "second_evaluator")
        await score(world, bid, {"method": "2"})
        await score(world, bid, {"method": "9"}, by=second)
        response = await world.post(award_of(tender), "procurement", award_body(bid))
        assert "Evaluators' scores for 'Method' range from 2.00 to 9.00" in justification_error(
            response
        )

    async def test_a_rank_reversal(self, world: World) -> None:
        tender, bids = await reversal_tender(world)
        response = await world.post(award_of(tender), "procurement", award_body(bids["A"]))
        message = justification_error(response)
        assert "Without Bidder C's bid, Bidder B would win instead of Bidder A" in message
        body = award_body(bids["A"], justification="Bidder C's price was verified as sustainable")
        response = await world.post(award_of(tender), "procurement", body)
        assert (response.status_code, response.json()["winner_rank"]) == (201, 1)


class TestTheDecisionDate:
    """Not in the future, and not before the tender closed."""

    async def test_a_future_date_is_refused(
        self, world: World, two_bids: tuple[Tender, Bid, Bid]
    ) -> None:
        tender, winner, _ = two_bids
        tomorrow = (today() + timedelta(days=1)).isoformat()
        response = await world.post(
            award_of(tender), "procurement", award_body(winner, decision_date=tomorrow)
        )
        assert field_errors(response) == {
            "decision_date": "The decision date cannot be in the future"
        }

    async def test_a_date_before_the_tender_closed_is_refused(
        self, world: World, two_bids: tuple[Tender, Bid, Bid]
    ) -> None:
        tender, winner, _ = two_bids
        yesterday = (today() - timedelta(days=1)).isoformat()
        response = await world.post(
            award_of(tender), "procurement", award_body(winner, decision_date=yesterday)
        )
        message = field_errors(response)["decision_date"]
        assert message.startswith("The decision date cannot be before the tender closed on")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rationale": "  "}, "rationale"),
        ({"rationale": None}, "rationale"),
        ({"decision_date": "31/12/2026"}, "decision_date"),
        ({"bid_id": "not-a-bid"}, "bid_id"),
    ],
)
async def test_a_malformed_award_is_refused_field_by_field(
    world: World, two_bids: tuple[Tender, Bid, Bid], change: dict[str, Any], field: str
) -> None:
    tender, winner, _ = two_bids
    body = {k: v for k, v in award_body(winner, **change).items() if v is not None}
    response = await world.post(award_of(tender), "procurement", body)
    assert set(field_errors(response)) == {field}


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (TenderStatus.DRAFT, "tender_not_closed"),
        (TenderStatus.OPEN, "tender_not_closed"),
        (TenderStatus.CANCELLED, "tender_cancelled"),
        (TenderStatus.AWARDED, "tender_awarded"),
    ],
)
async def test_only_a_closed_or_evaluating_tender_is_awarded(
    world: World, status: TenderStatus, code: str
) -> None:
    tender = await world.tender(status)
    bid = await world.bid(tender, world.supplier)
    response = await world.post(award_of(tender), "procurement", award_body(bid))
    error_of(response, 409, code)


async def test_a_tender_under_evaluation_is_awarded(world: World) -> None:
    tender = await closed_tender(world, status=TenderStatus.EVALUATING)
    bid = await world.bid(tender, world.supplier)
    response = await world.post(award_of(tender), "procurement", award_body(bid))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("actor", ["admin", "evaluator", "finance", "supplier"])
async def test_only_procurement_awards(
    world: World, two_bids: tuple[Tender, Bid, Bid], actor: str
) -> None:
    tender, winner, _ = two_bids
    response = await world.post(award_of(tender), actor, award_body(winner))
    error_of(response, 403, "role_forbidden")
