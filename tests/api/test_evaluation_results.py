"""A closed tender's evaluation and sensitivity, as the API shows them."""

from decimal import Decimal

import pytest

from procurement.domain.lifecycle import TenderStatus
from tests.api.conftest import World, error_of
from tests.api.evaluated import (
    PRICE_AND_QUALITY,
    closed_tender,
    evaluation_of,
    evaluator,
    exclusion_of,
    reversal_tender,
    score,
    supplier,
)


async def test_the_evaluation_shows_every_number_with_its_arithmetic(world: World) -> None:
    # price_and_locality: price 90% (relative), localism 10% (local supplier).
    tender = await closed_tender(world)
    local = await world.bid(tender, world.supplier, "95000.00")  # NN8: local
    cheaper = await world.bid(tender, world.rival, "90000.00")  # SW1A: not local
    response = await world.get(evaluation_of(tender), "procurement")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["tender_id"], body["input_version"]) == (str(tender.id), 1)
    assert (body["winner_id"], body["ties"]) == (str(local.id), [])
    first, second = body["bids"]
    assert (first["bid_id"], first["rank"], second["bid_id"], second["rank"]) == (
        str(local.id),
        1,
        str(cheaper.id),
        2,
    )
    # 90,000 / 95,000 x 90 = 85.263...; + 10 for being local.
    assert Decimal(first["total"]).quantize(Decimal("0.01")) == Decimal("95.26")
    assert Decimal(second["total"]) == 90
    price = first["criteria"][0]
    assert price["explanation"] == (
        "Lowest price £90,000.00 / this bid £95,000.00 x 90.00 = 85.26 points."
    )
    assert isinstance(price["weighted"], str) and price["max_points"] == "90"
    assert [g["group_key"] for g in first["groups"]] == ["price", "localism"]
    assert first["total_explanation"].startswith("Total 95.26 out of 100")
    assert first["flags"] == []


async def test_exclusions_and_flags_appear_in_the_evaluation(world: World) -> None:
    tender = await closed_tender(world)
    excluded = await world.bid(tender, world.supplier, "95000.00")
    await world.bid(tender, world.rival, "90000.00")
    reason = {"reason": "Did not sign the form of tender"}
    assert (await world.post(exclusion_of(tender, excluded), "procurement", reason)).is_success
    body = (await world.get(evaluation_of(tender), "admin")).json()
    last = body["bids"][-1]
    assert (body["input_version"], last["bid_id"], last["rank"], last["eligible"]) == (
        2,
        str(excluded.id),
        None,
        False,
    )
    assert last["flags"] == [
        {
            "kind": "excluded",
            "message": "Excluded: Did not sign the form of tender",
            "criterion_key": None,
        }
    ]


async def test_unmoderated_scores_far_apart_are_flagged_for_moderation(world: World) -> None:
    tender = await closed_tender(world, PRICE_AND_QUALITY)
    bid = await world.bid(tender, world.supplier, "95000.00")
    second = await world.add_user("second_evaluator", world.users["evaluator"].role)
    await evaluator(world, tender)
    await evaluator(world, tender, "second_evaluator")
    await score(world, bid, {"method": "2"})
    await score(world, bid, {"method": "9"}, by=second)
    body = (await world.get(evaluation_of(tender), "procurement")).json()
    flags = body["bids"][0]["flags"]
    assert [(f["kind"], f["criterion_key"]) for f in flags] == [("evaluator_spread", "method")]
    method = body["bids"][0]["criteria"][1]
    assert method["explanation"].startswith("Mean of the 2 evaluators' scores 5.50")


async def test_the_sensitivity_gives_each_groups_interval_and_any_rank_reversal(
    world: World,
) -> None:
    tender, bids = await reversal_tender(world)
    response = await world.get(f"/tenders/{tender.id}/sensitivity", "procurement")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["winner_id"], body["input_version"]) == (str(bids["A"].id), 1)
    assert [i["group_key"] for i in body["intervals"]] == ["price", "quality"]
    price = body["intervals"][0]
    assert Decimal(price["lower"]) <= Decimal(price["current"]) == 50 <= Decimal(price["upper"])
    assert "Bidder A stays the winner for any weight of Price" in price["explanation"]
    [reversal] = body["reversals"]
    assert (reversal["removed_bid_id"], reversal["new_winner_id"]) == (
        str(bids["C"].id),
        str(bids["B"].id),
    )
    assert reversal["explanation"].startswith(
        "Without Bidder C's bid, Bidder B would win instead of Bidder A"
    )


async def test_a_second_read_answers_from_the_stored_result(world: World) -> None:
    tender = await closed_tender(world)
    await world.bid(tender, world.supplier)
    first = (await world.get(evaluation_of(tender), "procurement")).json()
    second = (await world.get(evaluation_of(tender), "admin")).json()
    sensitivity = (await world.get(f"/tenders/{tender.id}/sensitivity", "admin")).json()
    assert second == first
    assert (sensitivity["computed_at"], sensitivity["input_version"]) == (
        first["computed_at"],
        first["input_version"],
    )


@pytest.mark.parametrize("status", [TenderStatus.DRAFT, TenderStatus.OPEN])
@pytest.mark.parametrize("what", ["evaluation", "sensitivity"])
async def test_nothing_is_shown_while_the_bids_are_sealed(
    world: World, status: TenderStatus, what: str
) -> None:
    tender = await world.tender(status)
    response = await world.get(f"/tenders/{tender.id}/{what}", "procurement")
    body = error_of(response, 409, "tender_not_closed")
    assert body["extra"] == {"current_status": status.value}


async def test_a_tender_without_bids_has_no_winner(world: World) -> None:
    tender = await closed_tender(world)
    body = (await world.get(evaluation_of(tender), "procurement")).json()
    assert (body["bids"], body["winner_id"]) == ([], None)
    sensitivity = (await world.get(f"/tenders/{tender.id}/sensitivity", "procurement")).json()
    assert (sensitivity["intervals"], sensitivity["reversals"]) == ([], [])
    assert sensitivity["explanation"] == "No bid is eligible, so there is no winner to test."


async def test_an_awarded_tenders_evaluation_stays_readable(world: World) -> None:
    tender = await closed_tender(world, status=TenderStatus.AWARDED)
    await world.bid(tender, await supplier(world, "Late Ltd"))
    response = await world.get(evaluation_of(tender), "procurement")
    assert response.status_code == 200, response.text
