"""The lead excludes a bid from the evaluation, with the reason, or reinstates it."""

import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import col

from procurement.domain.lifecycle import TenderStatus
from procurement.models import AuditEvent, Bid, Tender
from procurement.schemas.bid import BidStatus
from tests.api.conftest import World, error_of, field_errors
from tests.api.evaluated import closed_tender, evaluation_of, exclusion_of

REASON = {"reason": "Did not sign the form of tender"}


@pytest.fixture
async def tender(world: World) -> Tender:
    """A closed tender."""
    return await closed_tender(world)


@pytest.fixture
async def bid(world: World, tender: Tender) -> Bid:
    """The supplier's bid on the closed tender."""
    return await world.bid(tender, world.supplier)


async def audit_actions(world: World, bid: Bid) -> list[str]:
    """The audit trail's actions on the bid, oldest first."""
    async with world.sessions() as session:
        rows = await session.scalars(
            sa.select(col(AuditEvent.action))
            .where(col(AuditEvent.entity_id) == str(bid.id))
            .order_by(col(AuditEvent.position))
        )
        return list(rows)


async def test_an_excluded_bid_shows_why_and_is_audited(
    world: World, tender: Tender, bid: Bid
) -> None:
    response = await world.post(exclusion_of(tender, bid), "procurement", REASON)
    assert response.status_code == 200, response.text
    assert (response.json()["excluded_reason"], response.json()["version"]) == (REASON["reason"], 2)
    read = (await world.get(f"/tenders/{tender.id}/bids/{bid.id}", "admin")).json()
    assert read["excluded_reason"] == REASON["reason"]
    assert await audit_actions(world, bid) == ["exclude"]


async def test_a_reinstated_bid_is_ranked_again(world: World, tender: Tender, bid: Bid) -> None:
    await world.post(exclusion_of(tender, bid), "procurement", REASON)
    response = await world.post(exclusion_of(tender, bid, "reinstate"), "procurement")
    assert response.status_code == 200, response.text
    assert response.json()["excluded_reason"] is None
    evaluation = (await world.get(evaluation_of(tender), "procurement")).json()
    assert (evaluation["input_version"], evaluation["bids"][0]["rank"]) == (3, 1)
    assert await audit_actions(world, bid) == ["exclude", "reinstate"]


@pytest.mark.parametrize("reason", [None, "", "   ", "\x00"])
async def test_an_exclusion_needs_a_reason(
    world: World, tender: Tender, bid: Bid, reason: str | None
) -> None:
    body = {} if reason is None else {"reason": reason}
    response = await world.post(exclusion_of(tender, bid), "procurement", body)
    assert set(field_errors(response)) == {"reason"}


async def test_a_bid_is_excluded_once(world: World, tender: Tender, bid: Bid) -> None:
    await world.post(exclusion_of(tender, bid), "procurement", REASON)
    again = await world.post(exclusion_of(tender, bid), "procurement", REASON)
    error_of(again, 409, "bid_excluded")


async def test_only_an_excluded_bid_is_reinstated(world: World, tender: Tender, bid: Bid) -> None:
    response = await world.post(exclusion_of(tender, bid, "reinstate"), "procurement")
    error_of(response, 409, "bid_not_excluded")


async def test_a_withdrawn_bid_is_not_part_of_the_evaluation(
    world: World, tender: Tender, bid: Bid
) -> None:
    async with world.sessions() as session:
        row = await session.get_one(Bid, bid.id)
        row.status = BidStatus.WITHDRAWN
        await session.commit()
    response = await world.post(exclusion_of(tender, bid), "procurement", REASON)
    error_of(response, 409, "bid_withdrawn")


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (TenderStatus.OPEN, "tender_not_closed"),
        (TenderStatus.AWARDED, "tender_awarded"),
        (TenderStatus.CANCELLED, "tender_cancelled"),
    ],
)
@pytest.mark.parametrize("action", ["exclude", "reinstate"])
async def test_exclusions_change_only_while_the_tender_is_being_evaluated(
    world: World, status: TenderStatus, code: str, action: str
) -> None:
    tender = await world.tender(status)
    bid = await world.bid(tender, world.supplier)
    response = await world.post(exclusion_of(tender, bid, action), "procurement", REASON)
    error_of(response, 409, code)


async def test_a_bid_of_another_tender_is_not_found(world: World, tender: Tender) -> None:
    elsewhere = await world.bid(await closed_tender(world), world.rival)
    response = await world.post(exclusion_of(tender, elsewhere), "procurement", REASON)
    error_of(response, 404, "not_found")
    unknown = f"/tenders/{tender.id}/bids/{uuid.uuid4()}/exclude"
    error_of(await world.post(unknown, "procurement", REASON), 404, "not_found")


@pytest.mark.parametrize("actor", ["admin", "evaluator", "finance", "supplier"])
async def test_only_procurement_excludes(
    world: World, tender: Tender, bid: Bid, actor: str
) -> None:
    response = await world.post(exclusion_of(tender, bid), actor, REASON)
    error_of(response, 403, "role_forbidden")
