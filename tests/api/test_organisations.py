"""Organisations: each user sees only their own; administrators onboard, edit and close them."""

from typing import Any

import pytest

from procurement.domain.roles import Role
from tests.api.actions import NEW_MEASURE
from tests.api.conftest import World, error_of, field_errors
from tests.factories import PASSWORD


def onboarding(email: str = "first.admin@newtown.gov.uk", **changes: Any) -> dict[str, Any]:
    """A request body onboarding a new organisation."""
    body = {
        "name": "New Town Council",
        "local_area": ["ne", "nn8", "NE"],
        "administrator": {"email": email, "full_name": "First Admin", "password": PASSWORD},
    }
    return {**body, **changes}


async def onboard(world: World) -> tuple[dict[str, Any], dict[str, str]]:
    """A new organisation made through the API, and its administrator's bearer header."""
    created = await world.create("/organisations", "admin", onboarding())
    credentials = {"email": "first.admin@newtown.gov.uk", "password": PASSWORD}
    token = (await world.create("/auth/token", None, credentials))["token"]
    return created, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("actor", "home"), [("admin", True), ("supplier", True), ("other_admin", False)]
)
async def test_the_list_holds_only_the_callers_organisation(
    world: World, actor: str, home: bool
) -> None:
    response = await world.get("/organisations", actor)
    assert response.status_code == 200
    expected = world.organisation if home else world.other_organisation
    page = response.json()
    assert page["total"] == 1
    assert [item["id"] for item in page["items"]] == [str(expected.id)]


async def test_users_read_their_own_organisation(world: World) -> None:
    response = await world.get(f"/organisations/{world.organisation.id}", "finance")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Test Borough Council"
    assert body["local_area"] == ["NN8", "NE"]
    assert body["version"] == 1


async def test_onboarding_creates_a_separate_tenant_run_by_its_own_administrator(
    world: World,
) -> None:
    created, new_admin = await onboard(world)
    assert created["name"] == "New Town Council"
    assert created["local_area"] == ["NE", "NN8"]  # normalised and de-duplicated
    mine = await world.client.get("/api/v1/organisations", headers=new_admin)
    assert [item["id"] for item in mine.json()["items"]] == [created["id"]]
    users = await world.client.get("/api/v1/users", headers=new_admin)
    assert [(u["email"], u["role"]) for u in users.json()["items"]] == [
        ("first.admin@newtown.gov.uk", "admin")
    ]
    # The administrator who onboarded it cannot see into it.
    error_of(await world.get(f"/organisations/{created['id']}", "admin"), 404, "not_found")


async def test_onboarding_refuses_an_administrator_email_already_in_use(world: World) -> None:
    await world.add_user("taken", Role.FINANCE, email="taken@northborough.gov.uk")
    response = await world.post("/organisations", "admin", onboarding("Taken@Northborough.gov.uk"))
    assert set(field_errors(response)) == {"administrator.email"}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"local_area": ["NE", "12"]}, {"local_area.1"}),
        ({"name": "  "}, {"name"}),
        (
            {"administrator": {"email": "nope", "full_name": "A", "password": "short"}},
            {"administrator.email", "administrator.password"},
        ),
    ],
    ids=["bad area code", "blank name", "bad administrator"],
)
async def test_onboarding_reports_each_bad_field(
    world: World, changes: dict[str, Any], fields: set[str]
) -> None:
    response = await world.post("/organisations", "admin", onboarding(**changes))
    assert set(field_errors(response)) == fields


async def test_onboarding_needs_a_first_administrator(world: World) -> None:
    body = onboarding()
    del body["administrator"]
    assert set(field_errors(await world.post("/organisations", "admin", body))) == {"administrator"}


async def test_editing_the_local_area_changes_which_suppliers_are_local(world: World) -> None:
    path = f"/organisations/{world.organisation.id}"
    response = await world.patch(path, "admin", {"version": 1, "local_area": ["sw1a"]})
    assert response.status_code == 200
    assert response.json()["local_area"] == ["SW1A"]
    assert response.json()["version"] == 2
    suppliers = (await world.get("/suppliers", "admin")).json()["items"]
    local = {s["name"]: s["is_local"] for s in suppliers}
    assert local == {"Acme Lighting Ltd": False, "Borough Builders Ltd": True}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"social_value_minimum_percent": "100.01"}, "social_value_minimum_percent"),
        ({"social_value_minimum_percent": "-1"}, "social_value_minimum_percent"),
        ({"social_value_policy": "ignore"}, "social_value_policy"),
    ],
    ids=["over 100%", "negative", "unknown policy"],
)
async def test_the_social_value_policy_is_a_percentage_and_an_error_or_a_warning(
    world: World, change: dict[str, Any], field: str
) -> None:
    path = f"/organisations/{world.organisation.id}"
    response = await world.patch(path, "admin", {"version": 1, **change})
    assert set(field_errors(response)) == {field}
    unchanged = (await world.get(path, "admin")).json()
    assert (unchanged["social_value_minimum_percent"], unchanged["social_value_policy"]) == (
        "10.00",
        "error",
    )


async def test_an_edit_based_on_an_old_version_is_refused(world: World) -> None:
    path = f"/organisations/{world.organisation.id}"
    assert (await world.patch(path, "admin", {"version": 1, "name": "First"})).status_code == 200
    response = await world.patch(path, "admin", {"version": 1, "name": "Second"})
    body = error_of(response, 409, "stale_version")
    assert body["extra"] == {"current_version": 2}
    assert (await world.get(path, "admin")).json()["name"] == "First"


async def test_an_organisation_with_suppliers_or_tenders_cannot_be_closed(world: World) -> None:
    response = await world.delete(f"/organisations/{world.organisation.id}", "admin")
    error_of(response, 409, "organisation_in_use")
    assert (await world.get("/auth/me", "admin")).status_code == 200


async def test_closing_an_empty_organisation_removes_its_accounts_and_settings(
    world: World,
) -> None:
    created, new_admin = await onboard(world)
    # Its catalogue and templates are settings, not records: they go with it.
    for path, body in [("/measures", NEW_MEASURE), ("/weighting-templates", {"name": "Works"})]:
        made = await world.client.post(f"/api/v1{path}", headers=new_admin, json=body)
        assert made.status_code == 201, made.text
    response = await world.client.delete(
        f"/api/v1/organisations/{created['id']}", headers=new_admin
    )
    assert response.status_code == 204
    after = await world.client.get("/api/v1/auth/me", headers=new_admin)
    error_of(after, 401, "not_authenticated")
