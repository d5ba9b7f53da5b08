"""Input that is well-formed JSON but that a database cannot hold is refused field by field.

PostgreSQL cannot store the NUL character in text, and Python cannot represent a time past
the end of year 9999 in UTC. Both once reached the database or the clock and came back as
server errors; now they are 422s that name the field, on SQLite and PostgreSQL alike.

JSON nested deeper than the decoder can recurse once ended in a server error too; every
operation that reads a JSON body now refuses it, undecoded, with 400 `json_too_deep`.
"""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from procurement.domain.roles import Role
from procurement.json_depth import MAX_JSON_DEPTH
from tests.api.conftest import Operation, api_operations
from tests.contract.conftest import CouncilSeeder

NUL = "\x00"
TENDER = {
    "reference": "HOST/2031/001",
    "title": "Depot roof",
    "estimated_value": "250000.00",
    "submission_deadline": "2031-01-31T12:00:00Z",
}
NEW_USER = {
    "email": "new.evaluator@example.com",
    "full_name": "New Evaluator",
    "role": "evaluator",
    "password": "a long enough password",
}


@dataclass(frozen=True)
class Hostile:
    """A request with one bad field; `path` may name the council's ids, e.g. {tender_id}."""

    method: str
    path: str
    role: Role | None
    body: dict[str, Any] | None = None
    params: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def http(contract_app: Litestar) -> Iterator[TestClient[Litestar]]:
    """A client for the app on the backend under test."""
    with TestClient(app=contract_app) as client:
        yield client


def send(http: TestClient[Litestar], councils: CouncilSeeder, request: Hostile) -> dict[str, Any]:
    """Send the request as its role and return the error body, which must be a 422."""
    council = councils.current()
    ids = {name: str(known[0]) for name, known in council.ids.items()}
    headers = {"Authorization": f"Bearer {council.tokens[request.role]}"} if request.role else {}
    response = http.request(
        request.method,
        request.path.format(**ids),
        json=request.body,
        params=request.params,
        headers=headers,
    )
    councils.answered(request.method, response.status_code)
    assert response.status_code == 422, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("request_", "field_name"),
    [
        pytest.param(
            Hostile(
                "POST",
                "/api/v1/suppliers",
                Role.PROCUREMENT,
                {"name": f"Nul{NUL} Ltd", "postcode": "NN8 4EG"},
            ),
            "name",
            id="supplier name",
        ),
        pytest.param(
            Hostile("POST", "/api/v1/tenders", Role.PROCUREMENT, {**TENDER, "title": NUL}),
            "title",
            id="tender title",
        ),
        pytest.param(
            Hostile(
                "POST", "/api/v1/tenders", Role.PROCUREMENT, {**TENDER, "description": f"a{NUL}"}
            ),
            "description",
            id="tender description",
        ),
        pytest.param(
            Hostile("POST", "/api/v1/tenders/{tender_id}/close", Role.PROCUREMENT, {"reason": NUL}),
            "reason",
            id="reason for closing early",
        ),
        pytest.param(
            Hostile(
                "PATCH",
                "/api/v1/organisations/{organisation_id}",
                Role.ADMIN,
                {"version": 1, "name": f"Council{NUL}"},
            ),
            "name",
            id="organisation name",
        ),
        pytest.param(
            Hostile("POST", "/api/v1/users", Role.ADMIN, {**NEW_USER, "full_name": f"Ann{NUL}"}),
            "full_name",
            id="user's full name",
        ),
        pytest.param(
            Hostile(
                "POST",
                "/api/v1/auth/token",
                None,
                {"email": "someone@example.com", "password": "anything", "name": NUL},
            ),
            "name",
            id="token label",
        ),
        pytest.param(
            Hostile("GET", "/api/v1/tenders", Role.PROCUREMENT, params={"q": f"roof{NUL}"}),
            "q",
            id="tender search",
        ),
        pytest.param(
            Hostile("GET", "/api/v1/suppliers", Role.PROCUREMENT, params={"q": NUL}),
            "q",
            id="supplier search",
        ),
    ],
)
def test_text_with_a_nul_character_is_refused_naming_the_field(
    http: TestClient[Litestar], councils: CouncilSeeder, request_: Hostile, field_name: str
) -> None:
    body = send(http, councils, request_)
    assert body["code"] == "validation_error"
    assert [error["field"] for error in body["errors"]] == [field_name]


@pytest.mark.parametrize(
    "deadline",
    ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"],
    ids=["after year 9999 in UTC", "before year 1 in UTC"],
)
def test_a_deadline_beyond_the_calendar_in_utc_is_refused(
    http: TestClient[Litestar], councils: CouncilSeeder, deadline: str
) -> None:
    tender = {**TENDER, "submission_deadline": deadline}
    body = send(http, councils, Hostile("POST", "/api/v1/tenders", Role.PROCUREMENT, tender))
    assert body["errors"] == [
        {
            "field": "submission_deadline",
            "message": "Give a time between the years 1 and 9999, in UTC",
        }
    ]


JSON_OPERATIONS = [operation for operation in api_operations() if operation.takes_body]
OPEN_OPERATIONS = {"createToken"}  # signing in needs no token
# About 2 KB: deep enough to exhaust the decoder's recursion, as it once did.
TOO_DEEP = b"[" * 971 + b"]" * 971


def probe(
    http: TestClient[Litestar],
    councils: CouncilSeeder,
    operation: Operation,
    token: str | None,
    path_id: str,
    content: bytes = TOO_DEEP,
) -> tuple[int, str]:
    """Send a body to the operation, with every path id replaced; the status and error code."""
    path = re.sub(r"\{[^}]+\}", path_id, operation.path)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = http.request(operation.method, path, content=content, headers=headers)
    councils.answered(operation.method, response.status_code)
    return response.status_code, response.json()["code"]


@pytest.mark.parametrize("operation", JSON_OPERATIONS, ids=[op.id for op in JSON_OPERATIONS])
def test_json_nested_too_deeply_is_refused_before_it_is_decoded(
    http: TestClient[Litestar], councils: CouncilSeeder, operation: Operation
) -> None:
    supplier = councils.current().tokens[Role.SUPPLIER]
    unknown = str(uuid.uuid4())
    # The body is read only once the route, the method and the token have passed: without a
    # token the caller is turned away first, without anything being read.
    unauthenticated = probe(http, councils, operation, None, unknown)
    if operation.id in OPEN_OPERATIONS:
        assert unauthenticated == (400, "json_too_deep")
    else:
        assert unauthenticated == (401, "not_authenticated")
    # With a token, the body is refused before any service looks at the caller's role or the
    # record: a supplier is refused most of these operations, and these ids exist nowhere.
    assert probe(http, councils, operation, supplier, unknown) == (400, "json_too_deep")
    if "{" in operation.path:  # a path that matches no route is not found, unread
        assert probe(http, councils, operation, supplier, "not-an-id") == (404, "not_found")


def test_json_at_the_depth_limit_is_decoded(
    http: TestClient[Litestar], councils: CouncilSeeder
) -> None:
    # A body at the limit reaches validation, which names what is wrong with it.
    operation = next(op for op in JSON_OPERATIONS if op.id == "createToken")
    deepest = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert probe(http, councils, operation, None, "", deepest) == (422, "validation_error")
    too_deep = b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1)
    assert probe(http, councils, operation, None, "", too_deep) == (400, "json_too_deep")


def test_the_depth_is_checked_whatever_the_content_type_says(
    http: TestClient[Litestar], councils: CouncilSeeder
) -> None:
    # The body of a JSON operation is decoded as JSON even when sent as text/plain.
    council = councils.current()
    response = http.post(
        "/api/v1/tenders",
        content=TOO_DEEP,
        headers={
            "Authorization": f"Bearer {council.tokens[Role.PROCUREMENT]}",
            "Content-Type": "text/plain",
        },
    )
    councils.answered("POST", response.status_code)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "json_too_deep"
