"""The supplier register: validated identifiers, derived locality, and tenant isolation."""

from typing import Any

import pytest

from procurement.domain.lifecycle import TenderStatus
from tests.api.conftest import World, error_of, field_errors, supplier_body


async def register(world: World, actor: str = "procurement", **changes: Any) -> dict[str, Any]:
    """A supplier added through the API."""
    return await world.create("/suppliers", actor, supplier_body(**changes))


async def test_a_new_supplier_is_stored_in_canonical_form(world: World) -> None:
    created = await register(world, postcode="ne29 6qf", companies_house_number=" 1234567 ")
    assert created["postcode"] == "NE29 6QF"
    assert created["companies_house_number"] == "01234567"
    assert created["organisation_id"] == str(world.organisation.id)
    assert created["version"] == 1
    fetched = await world.get(f"/suppliers/{created['id']}", "evaluator")
    assert fetched.json() == created


@pytest.mark.parametrize(
    ("postcode", "local"),
    [("NE29 6QF", True), ("nn84eg", True), ("NN9 5AA", False), ("SW1A 1AA", False)],
    ids=["in a local area", "in a local district", "next district", "far away"],
)
async def test_whether_a_supplier_is_local_follows_from_its_postcode(
    world: World, postcode: str, local: bool
) -> None:
    assert (await register(world, postcode=postcode))["is_local"] is local


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"postcode": "NE29 6Q"}, "postcode"),
        ({"postcode": "12345"}, "postcode"),
        ({"companies_house_number": "ABC"}, "companies_house_number"),
        ({"companies_house_number": "S1234567"}, "companies_house_number"),
        ({"name": ""}, "name"),
    ],
    ids=["short postcode", "zip code", "short company number", "bad prefix", "blank name"],
)
async def test_a_bad_field_is_named(world: World, changes: dict[str, Any], field: str) -> None:
    response = await world.post("/suppliers", "procurement", supplier_body(**changes))
    assert set(field_errors(response)) == {field}


async def test_required_fields_are_named_when_missing(world: World) -> None:
    response = await world.post("/suppliers", "procurement", {"is_sme": True})
    assert set(field_errors(response)) == {"name", "postcode"}


async def test_a_company_number_is_registered_once_per_organisation(world: World) -> None:
    await register(world, companies_house_number="SC123456")
    clash = await world.post(
        "/suppliers", "admin", supplier_body(name="Copy Ltd", companies_house_number="sc123456")
    )
    assert set(field_errors(clash)) == {"companies_house_number"}
    # Another council keeps its own register.
    assert (await register(world, "other_admin", companies_house_number="SC123456"))["id"]


async def test_a_company_number_cannot_be_changed_to_one_in_use(world: World) -> None:
    await register(world, companies_house_number="01234567")
    other = await register(world, name="Second Ltd", companies_house_number="07654321")
    response = await world.patch(
        f"/suppliers/{other['id']}",
        "procurement",
        {"version": 1, "companies_house_number": "01234567"},
    )
    assert set(field_errors(response)) == {"companies_house_number"}


async def test_the_list_is_by_name_and_holds_only_the_organisations_suppliers(
    world: World,
) -> None:
    await register(world, name="Zeta Care CIC", companies_house_number="CE000123")
    page = (await world.get("/suppliers", "finance")).json()
    assert page["total"] == 3
    assert [s["name"] for s in page["items"]] == [
        "Acme Lighting Ltd",
        "Borough Builders Ltd",
        "Zeta Care CIC",
    ]
    second = (await world.get("/suppliers", "finance", limit=1, offset=1)).json()
    assert [s["name"] for s in second["items"]] == ["Borough Builders Ltd"]
    assert second["total"] == 3


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("acme", ["Acme Lighting Ltd"]),
        ("LTD", ["Acme Lighting Ltd", "Borough Builders Ltd", "Numbered Ltd"]),
        ("0999", ["Numbered Ltd"]),
        ("nothing like it", []),
    ],
)
async def test_the_list_searches_names_and_company_numbers(
    world: World, q: str, names: list[str]
) -> None:
    await register(world, name="Numbered Ltd", companies_house_number="09990000")
    page = (await world.get("/suppliers", "procurement", q=q)).json()
    assert [s["name"] for s in page["items"]] == sorted(names)
    assert page["total"] == len(names)


async def test_a_supplier_user_reads_their_own_supplier(world: World) -> None:
    response = await world.get(f"/suppliers/{world.supplier.id}", "supplier")
    assert response.status_code == 200
    assert response.json()["name"] == "Acme Lighting Ltd"


async def test_moving_a_supplier_updates_whether_it_is_local(world: World) -> None:
    path = f"/suppliers/{world.rival.id}"
    response = await world.patch(path, "admin", {"version": 1, "postcode": "ne1 4st"})
    assert response.status_code == 200
    body = response.json()
    assert (body["postcode"], body["is_local"], body["version"]) == ("NE1 4ST", True, 2)


async def test_an_edit_based_on_an_old_version_is_refused(world: World) -> None:
    path = f"/suppliers/{world.rival.id}"
    assert (await world.patch(path, "admin", {"version": 1, "is_sme": False})).status_code == 200
    response = await world.patch(path, "procurement", {"version": 1, "is_vcse": True})
    assert error_of(response, 409, "stale_version")["extra"] == {"current_version": 2}


async def test_a_company_number_can_be_cleared_but_a_name_cannot(world: World) -> None:
    created = await register(world)
    path = f"/suppliers/{created['id']}"
    cleared = await world.patch(path, "procurement", {"version": 1, "companies_house_number": None})
    assert cleared.json()["companies_house_number"] is None
    response = await world.patch(path, "procurement", {"version": 2, "name": None})
    assert set(field_errors(response)) == {"name"}


async def test_a_supplier_nobody_depends_on_can_be_removed(world: World) -> None:
    created = await register(world)
    assert (await world.delete(f"/suppliers/{created['id']}", "procurement")).status_code == 204
    error_of(await world.get(f"/suppliers/{created['id']}", "procurement"), 404, "not_found")


async def test_a_supplier_with_user_accounts_cannot_be_removed(world: World) -> None:
    response = await world.delete(f"/suppliers/{world.supplier.id}", "admin")
    error_of(response, 409, "supplier_in_use")


async def test_a_supplier_that_has_bid_cannot_be_removed(world: World) -> None:
    created = await register(world)
    tender = await world.tender(TenderStatus.OPEN)
    recorded = await world.post(
        f"/tenders/{tender.id}/bids",
        "procurement",
        {"supplier_id": created["id"], "price": "1000.00"},
    )
    assert recorded.status_code == 201
    response = await world.delete(f"/suppliers/{created['id']}", "procurement")
    error_of(response, 409, "supplier_in_use")
