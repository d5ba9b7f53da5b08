"""Every failure answers in one JSON shape with a stable code, whatever went wrong."""

from typing import Any

import pytest

from procurement.domain.lifecycle import TenderStatus
from tests.api.conftest import (
    API,
    Operation,
    World,
    api_operations,
    concrete,
    error_of,
    field_errors,
)
from tests.capital_factories import make_capital_project

WITH_BODY = [op for op in api_operations() if op.takes_body]
LISTS = [op for op in api_operations() if op.id.startswith("list")]
READS_BY_ID = [op for op in api_operations() if op.method == "GET" and "{" in op.path]


def by_id(operations: list[Operation]) -> dict[str, Any]:
    """Parametrize arguments naming each case by its operation id."""
    return {"argvalues": operations, "ids": [op.id for op in operations]}


@pytest.mark.parametrize("operation", **by_id(WITH_BODY))
async def test_malformed_json_is_a_bad_request(world: World, operation: Operation) -> None:
    response = await world.client.request(
        operation.method,
        API + concrete(operation.path),
        content=b'{"reference": "NBC/1",',
        headers={**world.auth("admin"), "Content-Type": "application/json"},
    )
    body = error_of(response, 400, "bad_request")
    assert set(body) == {"code", "detail", "errors", "extra"}
    assert body["detail"] and body["errors"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[1, 2]", "valid dictionary"),
        (b"null", "valid dictionary"),
        (b"", "Send the request body as a JSON object"),
    ],
    ids=["array", "null", "empty"],
)
async def test_a_body_that_is_not_an_object_is_named_as_the_body(
    world: World, content: bytes, message: str
) -> None:
    response = await world.client.post(
        API + "/tenders",
        content=content,
        headers={**world.auth("procurement"), "Content-Type": "application/json"},
    )
    errors = field_errors(response)
    assert set(errors) == {"body"}
    assert message in errors["body"]


# Reads that only a supplier may make: a bid's own events are for its supplier alone.
SUPPLIER_READS = {"listBidEvents"}


def reader_of(operation: Operation) -> str:
    """Who may make a read: the administrator, but for the supplier's own reads."""
    return "supplier" if operation.id in SUPPLIER_READS else "admin"


@pytest.mark.parametrize("operation", **by_id(LISTS))
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
    ],
    ids=["limit zero", "limit too big", "limit not a number", "negative offset"],
)
async def test_paging_out_of_range_is_named(
    world: World, operation: Operation, params: dict[str, Any], field: str
) -> None:
    response = await world.get(concrete(operation.path), "admin", **params)
    assert set(field_errors(response)) == {field}


@pytest.mark.parametrize("operation", **by_id(LISTS))
async def test_the_largest_page_is_allowed(world: World, operation: Operation) -> None:
    # Path ids are real where the list needs one (bids belong to a tender, spend to a scheme).
    tender = await world.tender(TenderStatus.OPEN)
    bid = await world.bid(tender, world.supplier)
    async with world.sessions() as session:
        project = await make_capital_project(session, world.organisation)
    path = operation.path.removeprefix(API).replace("{tender_id}", str(tender.id))
    path = path.replace("{project_id}", str(project.id)).replace("{bid_id}", str(bid.id))
    response = await world.get(path, reader_of(operation), limit=200)
    assert response.status_code == 200
    assert response.json()["limit"] == 200


@pytest.mark.parametrize("operation", **by_id(READS_BY_ID))
async def test_an_unknown_id_is_not_found(world: World, operation: Operation) -> None:
    response = await world.get(concrete(operation.path), reader_of(operation))
    body = error_of(response, 404, "not_found")
    assert body["detail"].endswith("not found")


@pytest.mark.parametrize(
    "path", ["/tenders/not-a-uuid", "/no-such-thing", "/tenders/00000000/bids"]
)
async def test_an_unknown_path_is_not_found(world: World, path: str) -> None:
    error_of(await world.get(path, "admin"), 404, "not_found")


async def test_an_unsupported_method_is_named(world: World) -> None:
    response = await world.put("/tenders", "procurement", {})
    error_of(response, 405, "method_not_allowed")


async def test_field_errors_name_every_bad_field_at_once(world: World) -> None:
    response = await world.post(
        "/suppliers",
        "procurement",
        {"name": "", "postcode": "nowhere", "companies_house_number": "x", "is_sme": "perhaps"},
    )
    errors = field_errors(response)
    assert set(errors) == {"name", "postcode", "companies_house_number", "is_sme"}
    assert "not a valid UK postcode" in errors["postcode"]
