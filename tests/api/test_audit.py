"""GET /api/v1/audit: the organisation's trail, oldest first, filtered, paged and sealed."""

from typing import Any

import pytest

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from tests.api.conftest import World, error_of, field_errors, tender_body


async def _trail(world: World, actor: str = "procurement", **params: Any) -> dict[str, Any]:
    response = await world.get("/audit", actor, **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _new_tender(world: World, reference: str, actor: str = "procurement") -> dict[str, Any]:
    return await world.create("/tenders", actor, tender_body(reference=reference))


async def test_the_trail_lists_changes_oldest_first_with_who_what_and_the_chain(
    world: World,
) -> None:
    tender = await _new_tender(world, "NB-2026-014")
    renamed = await world.patch(
        f"/tenders/{tender['id']}", "procurement", {"version": 1, "title": "Renamed"}
    )
    assert renamed.status_code == 200, renamed.text

    trail = await _trail(world, "admin")

    assert trail["total"] == 2
    created, edited = trail["items"]
    assert [(e["position"], e["action"], e["summary"]) for e in trail["items"]] == [
        (1, "create", "Created draft tender NB-2026-014"),
        (2, "update", "Edited draft tender NB-2026-014"),
    ]
    officer = world.users["procurement"]
    assert created["actor_id"] == str(officer.id)
    assert created["actor_name"] == f"{officer.full_name} <{officer.email}>"
    assert (created["entity_type"], created["entity_id"]) == ("tender", tender["id"])
    assert created["tender_id"] == tender["id"]
    assert (edited["before"]["title"], edited["after"]["title"]) == (
        "Street lighting maintenance",
        "Renamed",
    )
    assert edited["previous_hash"] == created["hash"]
    assert len(edited["hash"]) == 64


async def test_another_organisations_events_never_appear(world: World) -> None:
    await _new_tender(world, "NB-2026-014")
    theirs = await _new_tender(world, "THEIRS-1", actor="other_procurement")

    ours = await _trail(world)
    assert [e["summary"] for e in ours["items"]] == ["Created draft tender NB-2026-014"]
    # Not even when asked for by their tender's id.
    assert (await _trail(world, tender_id=theirs["id"]))["items"] == []
    other = await _trail(world, "other_admin")
    assert [e["summary"] for e in other["items"]] == ["Created draft tender THEIRS-1"]


async def test_the_trail_narrows_to_one_tender_or_one_actor(world: World) -> None:
    first = await _new_tender(world, "NB-2026-001")
    await world.add_user("second_officer", Role.PROCUREMENT)
    second = await _new_tender(world, "NB-2026-002", actor="second_officer")

    by_tender = await _trail(world, tender_id=first["id"])
    assert [e["tender_id"] for e in by_tender["items"]] == [first["id"]]
    by_actor = await _trail(world, user_id=str(world.users["second_officer"].id))
    assert [e["tender_id"] for e in by_actor["items"]] == [second["id"]]


async def test_the_trail_narrows_to_a_time_range_including_its_ends(world: World) -> None:
    for reference in ("NB-2026-001", "NB-2026-002", "NB-2026-003"):
        await _new_tender(world, reference)
    moments = [e["occurred_at"] for e in (await _trail(world))["items"]]

    between = await _trail(world, since=moments[1], until=moments[2])
    assert [e["position"] for e in between["items"]] == [2, 3]
    assert (await _trail(world, until=moments[0]))["total"] == 1
    assert (await _trail(world, since="2999-01-01T00:00:00Z"))["items"] == []


async def test_the_trail_is_paged(world: World) -> None:
    for reference in ("NB-2026-001", "NB-2026-002", "NB-2026-003"):
        await _new_tender(world, reference)

    page = await _trail(world, limit=1, offset=1)

    assert (page["total"], page["limit"], page["offset"]) == (3, 1, 1)
    assert [e["position"] for e in page["items"]] == [2]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"}, "until"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-03-01T09:00:00"}, "until"),
        ({"tender_id": "not-a-uuid"}, "tender_id"),
    ],
    ids=["reversed-range", "not-a-time", "no-timezone", "bad-tender-id"],
)
async def test_a_bad_filter_is_refused_naming_the_field(
    world: World, params: dict[str, str], field: str
) -> None:
    response = await world.get("/audit", "admin", **params)

    assert field in field_errors(response)


@pytest.mark.parametrize("actor", ["evaluator", "finance", "supplier"])
async def test_only_administrators_and_officers_may_read_the_trail(
    world: World, actor: str
) -> None:
    error_of(await world.get("/audit", actor), 403, "role_forbidden")


async def test_bid_events_hold_a_digest_and_never_the_sealed_contents(world: World) -> None:
    tender = await world.tender(TenderStatus.OPEN)
    submitted = await world.post(f"/tenders/{tender.id}/bids", "supplier", {"price": "83417.29"})
    assert submitted.status_code == 201, submitted.text

    (sealed,) = (await _trail(world, "admin", tender_id=str(tender.id)))["items"]
    # While the bids are sealed, not even who bid is shown.
    assert sealed["summary"] == "Submitted a bid"
    assert set(sealed["after"]) == {"status", "channel", "received_at", "withdrawn_at", "version"}
    assert "Acme" not in str(sealed)
    assert "83417" not in str(sealed)
    closing = await world.post(f"/tenders/{tender.id}/close", "procurement", {"reason": "Done"})
    assert closing.status_code == 200, closing.text

    event = next(
        e
        for e in (await _trail(world, "admin", tender_id=str(tender.id)))["items"]
        if e["entity_type"] == "bid"
    )

    assert event["summary"] == "Submitted a bid from Acme Lighting Ltd"
    assert set(event["after"]) == {
        "supplier_id",
        "status",
        "channel",
        "received_at",
        "withdrawn_at",
        "version",
        "contents_sha256",
    }
    assert len(event["after"]["contents_sha256"]) == 64
    assert "83417" not in str(event)
