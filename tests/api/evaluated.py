"""Closed tenders with bids and evaluators' scores, for the evaluation and award API tests."""

from typing import Any

from procurement.domain.evaluation import ConflictDecision, Declaration
from procurement.domain.lifecycle import TenderStatus
from procurement.models import Bid, EvaluatorAssignment, Supplier, Tender, User
from tests.api.conftest import World
from tests.factories import (
    criterion,
    group,
    make_evaluator,
    make_scores,
    make_supplier,
    tree,
)

PRICE_ONLY = tree(group("price", "price", "100", criterion("price", "100")))
TEN_POINT = {"maximum": "10", "levels": []}
# The rank-reversal example of docs/scoring.md: price 50% (relative), quality 50% (0-10).
PRICE_AND_QUALITY = tree(
    group("price", "price", "50", criterion("price", "100")),
    group("quality", "quality", "50", criterion("method", "100", "judgement", scale=TEN_POINT)),
)


def evaluation_of(tender: Tender) -> str:
    """The evaluation path of a tender."""
    return f"/tenders/{tender.id}/evaluation"


def award_of(tender: Tender) -> str:
    """The award path of a tender."""
    return f"/tenders/{tender.id}/award"


def exclusion_of(tender: Tender, bid: Bid, action: str = "exclude") -> str:
    """The path that excludes (or reinstates) a bid."""
    return f"/tenders/{tender.id}/bids/{bid.id}/{action}"


async def closed_tender(
    world: World, criteria: dict[str, Any] | None = None, status: TenderStatus | None = None
) -> Tender:
    """A tender of the home organisation whose bids are unsealed (closed unless told)."""
    return await world.tender(status or TenderStatus.CLOSED, criteria=criteria)


async def supplier(world: World, name: str, postcode: str = "NN8 1AA") -> Supplier:
    """Another supplier of the home organisation."""
    async with world.sessions() as session:
        return await make_supplier(session, world.organisation, name, postcode)


async def evaluator(
    world: World,
    tender: Tender,
    actor: str = "evaluator",
    *,
    submitted: bool = True,
    declaration: Declaration = Declaration.NO_INTEREST,
    decision: ConflictDecision | None = None,
) -> EvaluatorAssignment:
    """Assign a staff user to evaluate the tender, as they stand now."""
    async with world.sessions() as session:
        return await make_evaluator(
            session,
            tender,
            world.users[actor],
            submitted=submitted,
            declaration=declaration,
            decision=decision,
        )


async def score(world: World, bid: Bid, values: dict[str, str], by: User | None = None) -> None:
    """Submitted scores for a bid, by the evaluator (the `evaluator` actor unless given)."""
    async with world.sessions() as session:
        await make_scores(session, bid, by or world.users["evaluator"], values)


async def reversal_tender(world: World) -> tuple[Tender, dict[str, Bid]]:
    """docs/scoring.md's rank reversal: A wins, but without C's low price B would.

    A £100,000 quality 9 (70.00); B £80,000 quality 7.5 (68.75); C £50,000 quality 2 (60.00).
    """
    tender = await closed_tender(world, PRICE_AND_QUALITY)
    await evaluator(world, tender)
    bids = {}
    for name, price, quality in (("A", "100000", "9"), ("B", "80000", "7.5"), ("C", "50000", "2")):
        bids[name] = await world.bid(tender, await supplier(world, f"Bidder {name}"), price)
        await score(world, bids[name], {"method": quality})
    return tender, bids
