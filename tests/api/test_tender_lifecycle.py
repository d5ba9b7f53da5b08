"""Publishing, closing and cancelling: which status allows which action, and the reasons needed."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from procurement.domain.lifecycle import TenderStatus
from tests.api.conftest import World, error_of, field_errors

# Written out here rather than read from the domain module, so the API is checked against
# the rules as stated, not against itself.
ALLOWED_FROM = {
    "publish": ({TenderStatus.DRAFT}, TenderStatus.OPEN),
    "close": ({TenderStatus.OPEN}, TenderStatus.CLOSED),
    "cancel": (
        {TenderStatus.DRAFT, TenderStatus.OPEN, TenderStatus.CLOSED, TenderStatus.EVALUATING},
        TenderStatus.CANCELLED,
    ),
}
REASON = {"reason": "The only two local suppliers have both bid"}
ALLOWED = [
    pytest.param(action, status, target, id=f"{action} {status}")
    for action, (sources, target) in ALLOWED_FROM.items()
    for status in TenderStatus
    if status in sources
]
REFUSED = [
    pytest.param(action, status, id=f"{action} {status}")
    for action, (sources, _) in ALLOWED_FROM.items()
    for status in TenderStatus
    if status not in sources
]
TIMESTAMP_OF = {"publish": "published_at", "close": "closed_at", "cancel": "cancelled_at"}


async def act(world: World, tender_id: Any, action: str, body: Any = None) -> Any:
    """POST a lifecycle action as the procurement officer."""
    return await world.post(f"/tenders/{tender_id}/{action}", "procurement", body)


async def status_of(world: World, tender_id: Any) -> str:
    """The tender's status as the officer reads it."""
    status: str = (await world.get(f"/tenders/{tender_id}", "procurement")).json()["status"]
    return status


@pytest.mark.parametrize(("action", "status", "target"), ALLOWED)
async def test_an_allowed_action_moves_the_tender_on_and_records_when(
    world: World, action: str, status: TenderStatus, target: TenderStatus
) -> None:
    tender = await world.tender(status)
    response = await act(world, tender.id, action, None if action == "publish" else REASON)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["version"]) == (target.value, 2)
    stamped = datetime.fromisoformat(body[TIMESTAMP_OF[action]])
    assert stamped > datetime.fromisoformat(body["created_at"])
    assert await status_of(world, tender.id) == target.value


@pytest.mark.parametrize(("action", "status"), REFUSED)
async def test_a_wrong_action_is_refused_naming_the_current_status(
    world: World, action: str, status: TenderStatus
) -> None:
    tender = await world.tender(status)
    response = await act(world, tender.id, action, None if action == "publish" else REASON)
    body = error_of(response, 409, "invalid_transition")
    assert body["extra"] == {"current_status": status.value}
    assert action in body["detail"]
    assert await status_of(world, tender.id) == status.value


async def test_publishing_twice_is_refused(world: World) -> None:
    tender = await world.tender()
    assert (await act(world, tender.id, "publish")).status_code == 200
    second = await act(world, tender.id, "publish")
    assert error_of(second, 409, "invalid_transition")["extra"] == {"current_status": "open"}


async def test_a_tender_whose_deadline_has_passed_cannot_be_published(world: World) -> None:
    tender = await world.tender(deadline_in=timedelta(hours=-1))
    response = await act(world, tender.id, "publish")
    assert set(field_errors(response)) == {"submission_deadline"}
    assert await status_of(world, tender.id) == "draft"


@pytest.mark.parametrize(
    "body", [None, {}, {"reason": None}, {"reason": "   "}], ids=["no body", "{}", "null", "blank"]
)
async def test_closing_before_the_deadline_needs_a_reason(world: World, body: Any) -> None:
    tender = await world.tender(TenderStatus.OPEN)
    response = await act(world, tender.id, "close", body)
    error_of(response, 409, "deadline_not_reached")
    assert await status_of(world, tender.id) == "open"


async def test_closing_early_records_the_reason(world: World) -> None:
    tender = await world.tender(TenderStatus.OPEN)
    response = await act(world, tender.id, "close", REASON)
    assert response.status_code == 200
    assert response.json()["close_reason"] == REASON["reason"]


async def test_after_the_deadline_a_tender_closes_without_a_reason(world: World) -> None:
    tender = await world.tender(TenderStatus.OPEN, deadline_in=timedelta(minutes=-1))
    response = await act(world, tender.id, "close")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["close_reason"]) == ("closed", None)


@pytest.mark.parametrize(
    "body", [None, {}, {"reason": None}, {"reason": "   "}], ids=["no body", "{}", "null", "blank"]
)
async def test_cancelling_needs_a_reason(world: World, body: Any) -> None:
    tender = await world.tender(TenderStatus.OPEN)
    response = await act(world, tender.id, "cancel", body)
    assert set(field_errors(response)) == {"reason"}
    assert await status_of(world, tender.id) == "open"


async def test_cancelling_records_the_reason(world: World) -> None:
    tender = await world.tender(TenderStatus.CLOSED)
    response = await act(world, tender.id, "cancel", {"reason": "Budget withdrawn"})
    assert response.status_code == 200
    assert response.json()["cancel_reason"] == "Budget withdrawn"
