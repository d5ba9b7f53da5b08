"""The lead assigns evaluators to a tender, chooses the groups each scores, and can take one off
only before they take part; blind pricing keeps prices from evaluators who score no price."""

import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import col

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import EvaluatorAssignment, Tender, User
from tests.api.conftest import World, error_of, field_errors, tender_body
from tests.api.evaluation import (
    assign,
    audit_trail,
    cleared,
    declare,
    judged_tender,
    score_all_and_submit,
)


async def _set_status(world: World, tender: Tender, status: TenderStatus) -> None:
    async with world.sessions() as session:
        await session.execute(
            sa.update(Tender).where(col(Tender.id) == tender.id).values(status=status)
        )
        await session.commit()


async def test_the_lead_assigns_an_evaluator_who_then_awaits_their_declaration(
    world: World,
) -> None:
    judged = await judged_tender(world)
    created = await assign(world, judged, groups=["quality", "quality"])
    assert created["group_keys"] == ["quality"]
    assert (created["clearance"], created["declaration"]) == (
        "awaiting_declaration",
        "not_declared",
    )
    assert created["evaluator_name"] == world.users["evaluator"].full_name
    [event] = await audit_trail(world, created["id"])
    assert (event.action, event.before, event.after["group_keys"]) == ("assign", {}, ["quality"])


async def test_the_lead_and_administrators_see_every_evaluator_and_an_evaluator_only_themself(
    world: World,
) -> None:
    await world.add_user("second", Role.EVALUATOR)
    judged = await judged_tender(world)
    await assign(world, judged)
    await assign(world, judged, "second")
    for reader in ("procurement", "admin"):
        listed = (await world.get(f"{judged.path}/evaluators", reader)).json()
        assert len(listed) == 2
    own = (await world.get(f"{judged.path}/evaluators", "second")).json()
    assert [a["user_id"] for a in own] == [str(world.users["second"].id)]


@pytest.mark.parametrize("status", [TenderStatus.DRAFT, TenderStatus.OPEN, TenderStatus.CLOSED])
async def test_evaluators_can_be_assigned_before_the_evaluation_starts(
    world: World, status: TenderStatus
) -> None:
    judged = await judged_tender(world, status) if status is not TenderStatus.DRAFT else None
    tender = judged.tender if judged else await world.tender(TenderStatus.DRAFT)
    body = {"user_id": str(world.users["evaluator"].id)}
    assert (
        await world.post(f"/tenders/{tender.id}/evaluators", "procurement", body)
    ).status_code == 201


@pytest.mark.parametrize(
    ("status", "code"),
    [(TenderStatus.AWARDED, "tender_awarded"), (TenderStatus.CANCELLED, "tender_cancelled")],
)
async def test_no_evaluator_is_assigned_once_the_tender_is_decided(
    world: World, status: TenderStatus, code: str
) -> None:
    judged = await judged_tender(world)
    await _set_status(world, judged.tender, status)
    body = {"user_id": str(world.users["evaluator"].id)}
    error_of(await world.post(f"{judged.path}/evaluators", "procurement", body), 409, code)


@pytest.mark.parametrize("who", ["finance", "other_procurement", "inactive", "unknown"])
async def test_only_an_active_evaluator_of_the_organisation_can_be_assigned(
    world: World, who: str
) -> None:
    judged = await judged_tender(world)
    if who == "inactive":
        user = await world.add_user("inactive", Role.EVALUATOR)
        async with world.sessions() as session:
            await session.execute(
                sa.update(User).where(col(User.id) == user.id).values(is_active=False)
            )
            await session.commit()
    user_id = (
        "00000000-0000-4000-8000-000000000000" if who == "unknown" else str(world.users[who].id)
    )
    response = await world.post(f"{judged.path}/evaluators", "procurement", {"user_id": user_id})
    assert "evaluator role" in field_errors(response)["user_id"]


async def test_an_evaluator_is_assigned_only_once(world: World) -> None:
    judged = await judged_tender(world)
    first = await assign(world, judged)
    body = {"user_id": str(world.users["evaluator"].id)}
    response = await world.post(f"{judged.path}/evaluators", "procurement", body)
    assert error_of(response, 409, "evaluator_assigned")["extra"]["assignment_id"] == first["id"]


async def test_groups_must_be_groups_of_the_tenders_criteria(world: World) -> None:
    judged = await judged_tender(world)
    body = {"user_id": str(world.users["evaluator"].id), "group_keys": ["quality", "kindness"]}
    errors = field_errors(await world.post(f"{judged.path}/evaluators", "procurement", body))
    assert "kindness" in errors["group_keys"]
    created = await assign(world, judged)
    change = {"version": created["version"], "group_keys": ["nope"]}
    path = f"{judged.path}/evaluators/{created['id']}"
    assert set(field_errors(await world.patch(path, "procurement", change))) == {"group_keys"}


async def test_the_lead_changes_an_evaluators_groups_with_the_version_read(world: World) -> None:
    judged = await judged_tender(world)
    created = await assign(world, judged)
    path = f"{judged.path}/evaluators/{created['id']}"
    changed = await world.patch(path, "procurement", {"version": 1, "group_keys": ["quality"]})
    assert (changed.json()["group_keys"], changed.json()["version"]) == (["quality"], 2)
    stale = await world.patch(path, "procurement", {"version": 1, "group_keys": ["price"]})
    error_of(stale, 409, "stale_version")
    [_, event] = await audit_trail(world, created["id"])
    assert (event.before["group_keys"], event.after["group_keys"]) == ([], ["quality"])


async def test_groups_are_fixed_once_the_evaluator_has_submitted(world: World) -> None:
    judged = await judged_tender(world)
    assignment = await cleared(world, judged, "evaluator")
    await score_all_and_submit(world, judged)
    path = f"{judged.path}/evaluators/{assignment['id']}"
    current = (await world.get(f"{judged.path}/evaluators", "procurement")).json()[0]
    change = {"version": current["version"], "group_keys": ["quality"]}
    error_of(await world.patch(path, "procurement", change), 409, "scores_submitted")


async def test_an_evaluator_can_be_taken_off_only_before_declaring(world: World) -> None:
    judged = await judged_tender(world)
    created = await assign(world, judged)
    path = f"{judged.path}/evaluators/{created['id']}"
    assert (await world.delete(path, "procurement")).status_code == 204
    async with world.sessions() as session:
        assert await session.get(EvaluatorAssignment, uuid.UUID(created["id"])) is None
    [_, event] = await audit_trail(world, created["id"])
    assert (event.action, event.after) == ("unassign", {})

    again = await assign(world, judged)
    await declare(world, judged)
    response = await world.delete(f"{judged.path}/evaluators/{again['id']}", "procurement")
    error_of(response, 409, "evaluator_engaged")
    error_of(await world.delete(path, "procurement"), 404, "not_found")


class TestBlindPricing:
    """With blind pricing, an evaluator who scores no price group never sees a price."""

    @pytest.mark.parametrize(
        ("groups", "blind", "sees_price"),
        [
            (["quality"], True, False),
            ([], True, True),
            (["quality", "price"], True, True),
            (["quality"], False, True),
        ],
        ids=["quality only", "every group", "price too", "blind pricing off"],
    )
    async def test_prices_are_shown_only_to_those_allowed(
        self, world: World, groups: list[str], blind: bool, sees_price: bool
    ) -> None:
        judged = await judged_tender(world)
        if not blind:
            async with world.sessions() as session:
                await session.execute(
                    sa.update(Tender)
                    .where(col(Tender.id) == judged.tender.id)
                    .values(blind_pricing=False)
                )
                await session.commit()
        await assign(world, judged, groups=groups)
        await declare(world, judged)
        listed = (await world.get(f"{judged.path}/bids", "evaluator")).json()["items"]
        one = (await world.get(f"{judged.path}/bids/{judged.bids[0].id}", "evaluator")).json()
        expected = "95000.00" if sees_price else None
        assert [b["price"] for b in listed] == [expected, "80000.00" if sees_price else None]
        assert one["price"] == expected
        officer = (await world.get(f"{judged.path}/bids/{judged.bids[0].id}", "procurement")).json()
        assert officer["price"] == "95000.00"

    async def test_blind_pricing_is_on_unless_the_officer_turns_it_off(self, world: World) -> None:
        created = await world.create("/tenders", "procurement", tender_body())
        assert created["blind_pricing"] is True
        path = f"/tenders/{created['id']}"
        changed = await world.patch(path, "procurement", {"version": 1, "blind_pricing": False})
        assert changed.json()["blind_pricing"] is False
        other = await world.create(
            "/tenders", "procurement", tender_body(reference="NBC/2", blind_pricing=False)
        )
        assert other["blind_pricing"] is False
