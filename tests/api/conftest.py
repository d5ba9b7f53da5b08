"""The API tests' world: two organisations, a user of every role, suppliers, and bearer tokens."""

import functools
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NamedTuple

import httpx
import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel

from procurement.app import create_app
from procurement.config import Settings
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from procurement.models import Bid, Organisation, Supplier, Tender, User
from procurement.models.base import utc_now
from procurement.services.auth import AuthService
from tests.conftest import TEST_SECRET
from tests.factories import (
    make_bid,
    make_organisation,
    make_supplier,
    make_tender,
    make_user,
    token_for,
)

API = "/api/v1"
# The actor who holds each role in the home organisation; "rival" is a second supplier's user.
ROLE_ACTORS = {role: role.value for role in Role}
STAFF_ACTORS = ["admin", "procurement", "evaluator", "finance"]


class Operation(NamedTuple):
    """One documented API operation."""

    id: str
    method: str
    path: str  # a template, with `{parameter}` placeholders
    takes_body: bool


def _takes_json(operation: dict[str, Any]) -> bool:
    """Whether the operation reads a JSON body (the spend import reads CSV instead)."""
    return "application/json" in operation.get("requestBody", {}).get("content", {})


@functools.cache
def api_operations() -> list[Operation]:
    """Every operation the app's OpenAPI document lists under /api/, by operation id."""
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", secret_key=TEST_SECRET)
    schema = create_app(settings).openapi_schema.to_schema()
    return sorted(
        Operation(operation["operationId"], method.upper(), path, _takes_json(operation))
        for path, item in schema["paths"].items()
        if path.startswith("/api/")
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    )


def concrete(path: str) -> str:
    """The path under /api/v1 with every `{parameter}` replaced by a random id."""
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path).removeprefix(API)


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert an error response's status and stable code; return its body."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def field_errors(response: httpx.Response) -> dict[str, str]:
    """Assert a 422 validation error; return its messages keyed by field name."""
    body = error_of(response, 422, "validation_error")
    return {error["field"]: error["message"] for error in body["errors"]}


def tender_body(**changes: Any) -> dict[str, Any]:
    """A valid request body for a new tender, with any fields replaced."""
    body: dict[str, Any] = {
        "reference": "nbc/2026/001",
        "title": "Street lighting maintenance",
        "description": "Maintain the borough's street lights",
        "cpv_codes": ["50232100-1"],
        "estimated_value": "250000.00",
        "submission_deadline": (utc_now() + timedelta(days=30)).isoformat(),
    }
    return {**body, **changes}


def supplier_body(**changes: Any) -> dict[str, Any]:
    """A valid request body for a new supplier, with any fields replaced."""
    body: dict[str, Any] = {
        "name": "Tyne Lighting Ltd",
        "companies_house_number": "01234567",
        "postcode": "NE29 6QF",
        "is_sme": True,
    }
    return {**body, **changes}


@dataclass
class World:
    """Rows made straight in the database, and an HTTP client to call the API as any of them.

    Actors: `admin`, `procurement`, `evaluator`, `finance` and `supplier` (the user of
    `supplier`) in the home organisation; `rival` (the user of `rival`, a second supplier);
    and `other_admin` / `other_procurement` in `other_organisation`.
    """

    client: AsyncTestClient[Litestar]
    sessions: async_sessionmaker[AsyncSession]
    organisation: Organisation
    other_organisation: Organisation
    supplier: Supplier
    rival: Supplier
    other_supplier: Supplier
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, actor: str | None) -> dict[str, str]:
        """The Authorization header of an actor (none for None)."""
        return {"Authorization": f"Bearer {self.tokens[actor]}"} if actor else {}

    async def call(
        self,
        method: str,
        path: str,
        actor: str | None,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """Call the API as an actor; `path` is relative to /api/v1."""
        return await self.client.request(
            method, API + path, headers=self.auth(actor), json=json, params=params
        )

    async def get(self, path: str, actor: str | None, **params: Any) -> httpx.Response:
        """GET as an actor, with query parameters."""
        return await self.call("GET", path, actor, params=params)

    async def post(self, path: str, actor: str | None, json: Any = None) -> httpx.Response:
        """POST as an actor."""
        return await self.call("POST", path, actor, json)

    async def patch(self, path: str, actor: str | None, json: Any) -> httpx.Response:
        """PATCH as an actor."""
        return await self.call("PATCH", path, actor, json)

    async def put(self, path: str, actor: str | None, json: Any) -> httpx.Response:
        """PUT as an actor."""
        return await self.call("PUT", path, actor, json)

    async def delete(self, path: str, actor: str | None) -> httpx.Response:
        """DELETE as an actor."""
        return await self.call("DELETE", path, actor)

    async def create(self, path: str, actor: str | None, json: dict[str, Any]) -> dict[str, Any]:
        """POST a new record as an actor, assert it was created, and return it."""
        response = await self.post(path, actor, json)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def tender(
        self,
        status: TenderStatus = TenderStatus.DRAFT,
        *,
        other: bool = False,
        reference: str | None = None,
        title: str = "Library roof repairs",
        deadline_in: timedelta = timedelta(days=14),
        criteria: dict[str, Any] | None = None,
    ) -> Tender:
        """A tender of the home (or the other) organisation, in the given status (with criteria
        that ask for nothing but the price, unless given others)."""
        organisation = self.other_organisation if other else self.organisation
        creator = self.users["other_procurement" if other else "procurement"]
        async with self.sessions() as session:
            return await make_tender(
                session, organisation, creator, status, reference, title, deadline_in, criteria
            )

    async def bid(self, tender: Tender, supplier: Supplier, price: str = "95000.00") -> Bid:
        """A submitted bid from a supplier, made by its user (or, having none, by an officer)."""
        makers = {self.supplier.id: "supplier", self.rival.id: "rival"}
        by = self.users[makers.get(supplier.id, "other_procurement")]
        async with self.sessions() as session:
            return await make_bid(session, tender, supplier, by, price)

    async def add_user(
        self, actor: str, role: Role, supplier: Supplier | None = None, email: str | None = None
    ) -> User:
        """Another user of the home organisation, with a token, known as `actor`."""
        async with self.sessions() as session:
            user = await make_user(session, self.organisation, role, supplier, email)
            self.tokens[actor] = await token_for(session, user)
        self.users[actor] = user
        return user

    async def token(self, user_id: uuid.UUID, lifetime: timedelta) -> str:
        """A further bearer token for a user, alive for `lifetime` (negative: already expired)."""
        async with self.sessions() as session:
            issued = await AuthService(session).issue_token(user_id, "extra", lifetime)
        return issued.token


class _OneCommit(AsyncSession):
    """A session whose commits only flush, so the factories' rows land in one transaction.

    The factories commit after every row; building the world in one transaction instead
    keeps each test's setup fast.
    """

    async def commit(self) -> None:
        await self.flush()

    async def commit_once(self) -> None:
        """Really commit everything flushed so far."""
        await super().commit()


@pytest.fixture(scope="session")
def settings(sqlite_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the API tests' app, on the shared SQLite test database."""
    return Settings(
        database_url=sqlite_database_url,
        secret_key=TEST_SECRET,
        data_dir=tmp_path_factory.mktemp("api-data"),
        login_attempt_limit=5,
    )


@pytest.fixture(scope="session")
def app(settings: Settings) -> Litestar:
    """One application for all API tests: building it is the slowest part of a test's setup.

    Each test still gets its own client, whose lifespan opens and disposes the database
    connections, and its own empty tables.
    """
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """An HTTP client talking to the app in-process; the tables are emptied afterwards."""
    async with AsyncTestClient(app=app) as client:
        try:
            yield client
        finally:
            # Through the app's own engine, before its lifespan disposes the connections.
            async with app.state.sessionmaker() as session:
                for table in reversed(SQLModel.metadata.sorted_tables):
                    await session.execute(sa.delete(table))
                await session.commit()


@pytest.fixture
def sessions(client: AsyncTestClient[Litestar]) -> async_sessionmaker[AsyncSession]:
    """Sessions through the app's engine, for arranging rows the API then reads."""
    sessionmaker: async_sessionmaker[AsyncSession] = client.app.state.sessionmaker
    return sessionmaker


@pytest.fixture
async def world(
    client: AsyncTestClient[Litestar], sessions: async_sessionmaker[AsyncSession]
) -> World:
    """The home organisation (local area NN8 and NE) with every role, two suppliers, and a
    second organisation with its own admin, officer and supplier to prove tenant isolation."""
    batched = async_sessionmaker(sessions.kw["bind"], class_=_OneCommit, expire_on_commit=False)
    async with batched() as session:
        home = await make_organisation(session)
        other = await make_organisation(session, "Other District Council", ["SW"])
        supplier = await make_supplier(session, home, "Acme Lighting Ltd", "NN8 4EG")
        rival = await make_supplier(session, home, "Borough Builders Ltd", "SW1A 1AA")
        other_supplier = await make_supplier(session, other, "Far Away Ltd", "SW1A 2AA")
        world = World(client, sessions, home, other, supplier, rival, other_supplier)
        members: list[tuple[str, Organisation, Role, Supplier | None]] = [
            *(
                (actor, home, role, None)
                for role, actor in ROLE_ACTORS.items()
                if actor in STAFF_ACTORS
            ),
            ("supplier", home, Role.SUPPLIER, supplier),
            ("rival", home, Role.SUPPLIER, rival),
            ("other_admin", other, Role.ADMIN, None),
            ("other_procurement", other, Role.PROCUREMENT, None),
        ]
        for actor, organisation, role, linked in members:
            world.users[actor] = await make_user(session, organisation, role, linked)
        for actor, user in world.users.items():
            world.tokens[actor] = await token_for(session, user)
        await session.commit_once()
    return world
