"""User accounts: administrators add, edit and deactivate the users of their organisation."""

import uuid
from typing import Any

import pytest

from procurement.domain.roles import Role
from tests.api.conftest import World, error_of, field_errors
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new long password"


def new_user(**changes: Any) -> dict[str, Any]:
    """A request body for a new finance user."""
    body = {
        "email": "Pat.Finance@NorthBorough.gov.uk",
        "full_name": "Pat Finance",
        "role": "finance",
        "password": NEW_PASSWORD,
    }
    return {**body, **changes}


async def sign_in_status(world: World, email: str, password: str) -> int:
    """The status of a sign-in attempt."""
    response = await world.post("/auth/token", None, {"email": email, "password": password})
    return response.status_code


async def test_the_list_holds_the_organisations_users_by_email(world: World) -> None:
    response = await world.get("/users", "admin")
    assert response.status_code == 200
    page = response.json()
    home = {u.email for actor, u in world.users.items() if not actor.startswith("other")}
    assert page["total"] == len(home) == 6
    assert [u["email"] for u in page["items"]] == sorted(home)


async def test_the_list_pages_with_limit_and_offset(world: World) -> None:
    everyone = (await world.get("/users", "admin")).json()["items"]
    page = (await world.get("/users", "admin", limit=2, offset=3)).json()
    assert (page["limit"], page["offset"], page["total"]) == (2, 3, 6)
    assert page["items"] == everyone[3:5]


async def test_an_added_user_can_sign_in_with_their_role(world: World) -> None:
    response = await world.post("/users", "admin", new_user())
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "pat.finance@northborough.gov.uk"  # stored lower-case
    assert (body["role"], body["is_active"], body["supplier_id"]) == ("finance", True, None)
    assert body["organisation_id"] == str(world.organisation.id)
    assert "password" not in body and "password_hash" not in body
    assert await sign_in_status(world, body["email"], NEW_PASSWORD) == 201


async def test_a_supplier_user_is_linked_to_their_supplier(world: World) -> None:
    body = new_user(role="supplier", supplier_id=str(world.rival.id))
    response = await world.post("/users", "admin", body)
    assert response.status_code == 201
    assert response.json()["supplier_id"] == str(world.rival.id)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password": "too short"}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"role": "overlord"}, "role"),
        ({"full_name": ""}, "full_name"),
    ],
    ids=["short password", "bad email", "unknown role", "blank name"],
)
async def test_a_bad_field_is_named(world: World, changes: dict[str, Any], field: str) -> None:
    response = await world.post("/users", "admin", new_user(**changes))
    assert set(field_errors(response)) == {field}


async def test_required_fields_are_named_when_missing(world: World) -> None:
    response = await world.post("/users", "admin", {})
    assert set(field_errors(response)) == {"email", "full_name", "role", "password"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": "supplier"}, "must be linked to a supplier"),
        ({"role": "finance", "supplier_id": str(uuid.uuid4())}, "Only supplier users"),
    ],
    ids=["supplier without supplier", "staff with supplier"],
)
async def test_only_supplier_users_are_linked_to_a_supplier(
    world: World, changes: dict[str, Any], message: str
) -> None:
    response = await world.post("/users", "admin", new_user(**changes))
    assert message in field_errors(response)["supplier_id"]


async def test_a_supplier_of_another_organisation_cannot_be_linked(world: World) -> None:
    body = new_user(role="supplier", supplier_id=str(world.other_supplier.id))
    response = await world.post("/users", "admin", body)
    assert set(field_errors(response)) == {"supplier_id"}


async def test_an_email_is_used_once_across_organisations(world: World) -> None:
    assert (await world.post("/users", "admin", new_user())).status_code == 201
    response = await world.post("/users", "other_admin", new_user(full_name="Someone Else"))
    assert set(field_errors(response)) == {"email"}


async def test_an_administrator_reads_a_user(world: World) -> None:
    user = world.users["evaluator"]
    response = await world.get(f"/users/{user.id}", "admin")
    assert response.status_code == 200
    assert (response.json()["email"], response.json()["role"]) == (user.email, "evaluator")


async def test_renaming_bumps_the_version_and_an_old_version_is_refused(world: World) -> None:
    path = f"/users/{world.users['finance'].id}"
    renamed = await world.patch(path, "admin", {"version": 1, "full_name": "Sam Sums"})
    assert renamed.status_code == 200
    assert (renamed.json()["full_name"], renamed.json()["version"]) == ("Sam Sums", 2)
    stale = await world.patch(path, "admin", {"version": 1, "full_name": "Other Name"})
    assert error_of(stale, 409, "stale_version")["extra"] == {"current_version": 2}


@pytest.mark.parametrize(
    "change",
    [{"is_active": False}, {"password": NEW_PASSWORD}],
    ids=["deactivated", "password reset"],
)
async def test_deactivation_or_a_password_reset_revokes_the_users_tokens(
    world: World, change: dict[str, Any]
) -> None:
    path = f"/users/{world.users['finance'].id}"
    assert (await world.patch(path, "admin", {"version": 1, **change})).status_code == 200
    error_of(await world.get("/auth/me", "finance"), 401, "not_authenticated")


async def test_a_reset_password_replaces_the_old_one(world: World) -> None:
    email = "reset.me@northborough.gov.uk"
    user = await world.add_user("reset", Role.EVALUATOR, email=email)
    body = {"version": 1, "password": NEW_PASSWORD}
    assert (await world.patch(f"/users/{user.id}", "admin", body)).status_code == 200
    assert await sign_in_status(world, email, PASSWORD) == 401
    assert await sign_in_status(world, email, NEW_PASSWORD) == 201


async def test_a_deactivated_user_can_be_reactivated(world: World) -> None:
    path = f"/users/{world.users['finance'].id}"
    assert (await world.delete(path, "admin")).status_code == 204
    assert (await world.get(path, "admin")).json()["is_active"] is False
    response = await world.patch(path, "admin", {"version": 2, "is_active": True})
    assert response.status_code == 200
    assert response.json()["is_active"] is True


async def test_deleting_a_user_deactivates_them_and_ends_their_access(world: World) -> None:
    path = f"/users/{world.users['procurement'].id}"
    assert (await world.delete(path, "admin")).status_code == 204
    assert (await world.get(path, "admin")).json()["is_active"] is False  # the record is kept
    error_of(await world.get("/tenders", "procurement"), 401, "not_authenticated")


@pytest.mark.parametrize(
    ("method", "body"), [("DELETE", None), ("PATCH", {"version": 1, "is_active": False})]
)
async def test_administrators_cannot_deactivate_themselves(
    world: World, method: str, body: dict[str, Any] | None
) -> None:
    response = await world.call(method, f"/users/{world.users['admin'].id}", "admin", body)
    error_of(response, 409, "cannot_deactivate_self")
    assert (await world.get("/auth/me", "admin")).status_code == 200
