"""Each role does its own work: every other role is refused with 403 role_forbidden."""

import pytest

from procurement.domain.roles import Role
from tests.api.actions import ACTIONS, Action
from tests.api.conftest import ROLE_ACTORS, World, api_operations, error_of

# Operations every signed-in user may call whatever their role, and that need no records
# (reading a bid is governed by the sealing rule instead: see test_bids).
FOR_EVERYONE = {
    "createToken",
    "revokeCurrentToken",
    "getCurrentUser",
    "listOrganisations",
    "listTenders",
    "getBid",
}
FORBIDDEN = [
    pytest.param(action, role, id=f"{role.value} cannot {action.name}")
    for action in ACTIONS
    for role in Role
    if role not in action.allowed
]
PERMITTED = [
    pytest.param(action, role, id=f"{role.value} may {action.name}")
    for action in ACTIONS
    for role in action.allowed
]


@pytest.mark.parametrize(("action", "role"), FORBIDDEN)
async def test_a_role_is_refused_work_that_is_not_its_own(
    world: World, action: Action, role: Role
) -> None:
    response = await action.attempt(world, ROLE_ACTORS[role])
    error_of(response, 403, "role_forbidden")


@pytest.mark.parametrize(("action", "role"), PERMITTED)
async def test_a_role_is_not_refused_its_own_work(world: World, action: Action, role: Role) -> None:
    response = await action.attempt(world, ROLE_ACTORS[role])
    # The request may still break a rule (a supplier already bid, an organisation in use),
    # but never because of the caller's role.
    assert response.status_code not in {401, 403}, response.text


def test_every_operation_has_a_stated_rule() -> None:
    covered = {action.operation for action in ACTIONS} | FOR_EVERYONE
    assert {operation.id for operation in api_operations()} == covered
