"""The whole story through the API: a tender is drafted, given criteria, published, bid for,
closed and opened."""

from datetime import timedelta
from typing import Any

from procurement.models.base import utc_now
from tests.api.conftest import STAFF_ACTORS, World, error_of, tender_body
from tests.factories import price_and_locality


async def prices_seen(world: World, tender_id: str, actor: str) -> dict[str, str]:
    """The prices an actor can read in the bid list, by supplier name."""
    response = await world.get(f"/tenders/{tender_id}/bids", actor)
    assert response.status_code == 200, response.text
    return {b["supplier_name"]: b["price"] for b in response.json()["items"] if "price" in b}


async def test_a_tender_from_draft_to_opened_bids(world: World) -> None:
    deadline = (utc_now() + timedelta(days=30)).isoformat()
    tender = await world.create(
        "/tenders", "procurement", tender_body(submission_deadline=deadline)
    )
    path = f"/tenders/{tender['id']}"
    error_of(await world.get(path, "supplier"), 404, "not_found")  # drafts are private

    # A tender cannot be published until it has award criteria.
    error_of(await world.post(f"{path}/publish", "procurement"), 422, "criteria_invalid")
    criteria = {"tree": price_and_locality(), "version": tender["version"]}
    assert (await world.put(f"{path}/criteria", "procurement", criteria)).status_code == 200
    published = await world.post(f"{path}/publish", "procurement")
    assert published.json()["status"] == "open"
    assert (await world.get(path, "supplier")).json()["title"] == tender["title"]

    bids: dict[str, dict[str, Any]] = {}
    for actor, price in [("supplier", "240000.00"), ("rival", "199999.99")]:
        bids[actor] = await world.create(f"{path}/bids", actor, {"price": price})
        assert bids[actor]["sealed"] is True

    # Sealed: each supplier sees its own price and nobody else sees any.
    assert await prices_seen(world, tender["id"], "supplier") == {"Acme Lighting Ltd": "240000.00"}
    assert await prices_seen(world, tender["id"], "rival") == {"Borough Builders Ltd": "199999.99"}
    # The evaluator assigned to it sees nothing until they declare, which they do on closing.
    assign = {"user_id": str(world.users["evaluator"].id)}
    assignment = await world.create(f"{path}/evaluators", "procurement", assign)
    for bid in bids.values():
        response = await world.get(f"{path}/bids/{bid['id']}", "evaluator")
        error_of(response, 403, "declaration_required")
    for actor in STAFF_ACTORS:
        if actor == "evaluator":
            continue
        assert await prices_seen(world, tender["id"], actor) == {}
        for bid in bids.values():
            response = await world.get(f"{path}/bids/{bid['id']}", actor)
            error_of(response, 403, "bid_sealed")
    error_of(await world.get(f"{path}/bids/{bids['supplier']['id']}", "rival"), 404, "not_found")
    assert (await world.get(path, "finance")).json()["bid_count"] == 2

    # Closing before the deadline takes a reason, and opens the bids.
    error_of(await world.post(f"{path}/close", "procurement"), 409, "deadline_not_reached")
    closed = await world.post(f"{path}/close", "procurement", {"reason": "Both bids are in"})
    assert (closed.json()["status"], closed.json()["close_reason"]) == (
        "closed",
        "Both bids are in",
    )
    declaration = {"declaration": "no_interest", "version": assignment["version"]}
    assert (await world.post(f"{path}/declarations", "evaluator", declaration)).status_code == 200
    everything = {"Acme Lighting Ltd": "240000.00", "Borough Builders Ltd": "199999.99"}
    for actor in STAFF_ACTORS:
        assert await prices_seen(world, tender["id"], actor) == everything
    opened = await world.get(f"{path}/bids/{bids['rival']['id']}", "procurement")
    assert (opened.json()["price"], opened.json()["sealed"]) == ("199999.99", False)

    # And no more bids are taken.
    late = {"supplier_id": str(world.supplier.id), "price": "1.00"}
    error_of(await world.post(f"{path}/bids", "procurement", late), 409, "tender_not_open")
