"""New passwords that are common, repeated or blank are refused, naming the password field."""

from typing import Any

import pytest

from procurement.domain.passwords import ONLY_SPACES, REPEATED, TOO_COMMON
from tests.api.conftest import World, field_errors
from tests.factories import PASSWORD

WEAK = [("password1234", TOO_COMMON), ("aaaaaaaaaaaa", REPEATED), (" \t" * 6, ONLY_SPACES)]
WEAK_IDS = ["common", "repeated", "only spaces"]


def new_user(password: str) -> dict[str, Any]:
    """A request body for a new finance user with this password."""
    return {
        "email": "pat.finance@northborough.gov.uk",
        "full_name": "Pat Finance",
        "role": "finance",
        "password": password,
    }


@pytest.mark.parametrize(("password", "message"), WEAK, ids=WEAK_IDS)
async def test_a_new_user_needs_a_password_that_is_hard_to_guess(
    world: World, password: str, message: str
) -> None:
    response = await world.post("/users", "admin", new_user(password))
    assert field_errors(response) == {"password": message}


@pytest.mark.parametrize(("password", "message"), WEAK, ids=WEAK_IDS)
async def test_a_password_reset_needs_a_password_that_is_hard_to_guess(
    world: World, password: str, message: str
) -> None:
    path = f"/users/{world.users['finance'].id}"
    response = await world.patch(path, "admin", {"version": 1, "password": password})
    assert field_errors(response) == {"password": message}
    assert (await world.get("/auth/me", "finance")).status_code == 200  # nothing changed


@pytest.mark.parametrize(("password", "message"), WEAK, ids=WEAK_IDS)
async def test_a_new_organisations_administrator_needs_a_password_that_is_hard_to_guess(
    world: World, password: str, message: str
) -> None:
    administrator = {"email": "first.admin@newtown.gov.uk", "full_name": "First Admin"}
    body = {
        "name": "New Town Council",
        "local_area": ["NE"],
        "administrator": {**administrator, "password": password},
    }
    response = await world.post("/organisations", "admin", body)
    assert field_errors(response) == {"administrator.password": message}


async def test_a_passphrase_is_accepted(world: World) -> None:
    response = await world.post("/users", "admin", new_user(PASSWORD))
    assert response.status_code == 201
