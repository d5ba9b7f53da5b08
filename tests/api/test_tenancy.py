"""Another organisation's records are as unknown as records that do not exist: 404 either way."""

import pytest

from procurement.domain.roles import Role
from tests.api.actions import ACTIONS, Action, Owner
from tests.api.conftest import ROLE_ACTORS, World, error_of

ON_RECORDS = [
    pytest.param(action, role, owner, id=f"{role.value} {action.name}, {owner.value}")
    for action in ACTIONS
    if action.names_a_record
    for role in sorted(action.allowed)  # the roles whose work it is; others get 403
    for owner in (Owner.OTHER, Owner.NOBODY)
]


@pytest.mark.parametrize(("action", "role", "owner"), ON_RECORDS)
async def test_records_outside_the_callers_organisation_are_not_found(
    world: World, action: Action, role: Role, owner: Owner
) -> None:
    response = await action.attempt(world, ROLE_ACTORS[role], owner)
    body = error_of(response, 404, "not_found")
    assert body["detail"].endswith("not found")


async def test_lists_hold_only_the_callers_organisations_records(world: World) -> None:
    mine = await world.tender()
    await world.tender(other=True)
    tenders = (await world.get("/tenders", "procurement")).json()
    assert [t["id"] for t in tenders["items"]] == [str(mine.id)]
    suppliers = (await world.get("/suppliers", "procurement")).json()
    assert {s["id"] for s in suppliers["items"]} == {str(world.supplier.id), str(world.rival.id)}
    users = (await world.get("/users", "other_admin")).json()
    assert {u["role"] for u in users["items"]} == {"admin", "procurement"}
