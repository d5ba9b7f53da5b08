"""Bidders stay anonymous in the audit trail until the tender closes, in the API and on the
tender's timeline page; the supplier that bid reads its own bid's events in full."""

from typing import Any

import pytest

from procurement.domain.lifecycle import TenderStatus
from procurement.models import Tender
from tests.api.conftest import World, error_of
from tests.web.test_page_responses import sign_in


async def _bid_with_history(world: World) -> tuple[Tender, str]:
    """An open tender the supplier bid for, replaced its bid and withdrew it."""
    tender = await world.tender(TenderStatus.OPEN)
    bid = await world.create(f"/tenders/{tender.id}/bids", "supplier", {"price": "83417.29"})
    path = f"/tenders/{tender.id}/bids/{bid['id']}"
    replaced = await world.put(path, "supplier", {"price": "79999.99", "version": 1})
    assert replaced.status_code == 200, replaced.text
    withdrawn = await world.post(f"{path}/withdraw", "supplier")
    assert withdrawn.status_code == 200, withdrawn.text
    return tender, bid["id"]


def _secrets(world: World) -> list[str]:
    """Everything that would say who bid."""
    bidder = world.users["supplier"]
    return ["Acme", str(world.supplier.id), str(bidder.id), bidder.email, bidder.full_name]


async def _events(world: World, actor: str, **params: Any) -> dict[str, Any]:
    response = await world.get("/audit", actor, **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("reader", ["admin", "procurement"])
async def test_before_close_the_trail_says_a_bid_and_when_but_never_whose(
    world: World, reader: str
) -> None:
    tender, _ = await _bid_with_history(world)

    response = await world.get("/audit", reader, tender_id=str(tender.id))

    assert response.status_code == 200, response.text
    events = response.json()["items"]
    assert [(e["summary"], e["actor_id"], e["actor_name"]) for e in events] == [
        ("Submitted a bid", None, "Not shown until the tender closes"),
        ("Replaced a bid", None, "Not shown until the tender closes"),
        ("Withdrew a bid", None, "Not shown until the tender closes"),
    ]
    assert all(e["occurred_at"] and e["after"]["received_at"] for e in events)
    assert {e["withheld"] for e in events} == {"Who bid is not shown until the tender closes"}
    for secret in [*_secrets(world), "supplier_id", "contents_sha256", "83417", "79999"]:
        assert secret not in response.text, secret


async def test_before_close_filtering_by_the_bidder_finds_none_of_its_bid_events(
    world: World,
) -> None:
    await _bid_with_history(world)

    found = await _events(world, "admin", user_id=str(world.users["supplier"].id))

    assert (found["total"], found["items"]) == (0, [])


async def test_after_close_the_same_events_name_the_bidder(world: World) -> None:
    tender, _ = await _bid_with_history(world)
    closing = await world.post(f"/tenders/{tender.id}/close", "procurement", {"reason": "Done"})
    assert closing.status_code == 200, closing.text

    events = (await _events(world, "admin", tender_id=str(tender.id)))["items"]

    bidder = world.users["supplier"]
    assert [(e["summary"], e["actor_id"], e["withheld"]) for e in events[:3]] == [
        ("Submitted a bid from Acme Lighting Ltd", str(bidder.id), None),
        ("Replaced the bid from Acme Lighting Ltd", str(bidder.id), None),
        ("Withdrew the bid from Acme Lighting Ltd", str(bidder.id), None),
    ]
    assert events[0]["after"]["supplier_id"] == str(world.supplier.id)
    by_bidder = await _events(world, "admin", user_id=str(bidder.id))
    assert by_bidder["total"] == 3


async def test_the_supplier_reads_its_own_bids_events_in_full_while_sealed(world: World) -> None:
    tender, bid_id = await _bid_with_history(world)

    response = await world.get(f"/tenders/{tender.id}/bids/{bid_id}/events", "supplier")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 3
    assert [(e["action"], e["summary"], e["withheld"]) for e in body["items"]] == [
        ("submit", "Submitted a bid from Acme Lighting Ltd", None),
        ("replace", "Replaced the bid from Acme Lighting Ltd", None),
        ("withdraw", "Withdrew the bid from Acme Lighting Ltd", None),
    ]
    assert body["items"][0]["actor_id"] == str(world.users["supplier"].id)
    assert len(body["items"][0]["after"]["contents_sha256"]) == 64


async def test_nobody_else_reads_a_bids_events_this_way(world: World) -> None:
    tender, bid_id = await _bid_with_history(world)
    path = f"/tenders/{tender.id}/bids/{bid_id}/events"

    error_of(await world.get(path, "rival"), 404, "not_found")
    for staff in ("admin", "procurement", "evaluator", "finance"):
        error_of(await world.get(path, staff), 403, "role_forbidden")


async def test_the_timeline_page_names_no_bidder_until_the_tender_closes(world: World) -> None:
    tender, _ = await _bid_with_history(world)
    await sign_in(world.client, world.users["procurement"].email, "/")
    path = f"/tenders/{tender.id}/timeline"

    sealed = await world.client.get(path)

    assert sealed.status_code == 200
    assert "Submitted a bid" in sealed.text
    assert "Not shown until the tender closes" in sealed.text
    for secret in [*_secrets(world), "Contents sha256", "Supplier id"]:
        assert secret not in sealed.text, secret
    closing = await world.post(f"/tenders/{tender.id}/close", "procurement", {"reason": "Done"})
    assert closing.status_code == 200, closing.text
    opened = await world.client.get(path)
    assert "Submitted a bid from Acme Lighting Ltd" in opened.text
    assert world.users["supplier"].email in opened.text
