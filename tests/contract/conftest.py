"""The app and a seeded council for fuzzing the API against its own OpenAPI document.

Every request starts from the same freshly seeded council (seeded again after any request
that may have changed it), so a request that deletes, closes or revokes something can never
starve the requests that follow it, and a failing case replays against the data it first saw.
"""

import asyncio
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar, Request, Response
from litestar.exceptions import ValidationException
from schemathesis.python.asgi import shutdown_lifespans
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from procurement.api.errors import API_EXCEPTION_HANDLERS
from procurement.app import create_app
from procurement.config import Settings
from procurement.db import create_engine
from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Role
from tests.capital_factories import make_capital_project
from tests.conftest import TEST_SECRET
from tests.databases import empty_all_tables
from tests.factories import (
    make_bid,
    make_measure,
    make_organisation,
    make_supplier,
    make_template,
    make_tender,
    make_user,
    token_for,
)

# Roles whose bearer tokens the fuzzer sends; between them they can reach every operation.
FUZZING_ROLES = (Role.ADMIN, Role.PROCUREMENT, Role.FINANCE, Role.SUPPLIER)


@dataclass(frozen=True)
class Council:
    """The tokens and record ids of one freshly seeded council."""

    tokens: dict[Role, str]
    # Known ids per path parameter name; index i of tender_id and of bid_id belong together.
    ids: dict[str, list[uuid.UUID]]
    # For signing out: revoking it leaves the tokens above working.
    spare_token: str


async def seed_council(session: AsyncSession) -> Council:
    """An organisation with staff, suppliers, open, closed and draft tenders, bids, a catalogue
    measure and a weighting template.

    Flushes between kinds of row, because the tables have no relationships from which the
    session could work out the order to insert them in.
    """
    council = await make_organisation(session, name="Contract Borough Council")
    await session.flush()
    bidder = await make_supplier(session, council, companies_house_number="01234567")
    rival = await make_supplier(session, council, postcode="LE1 6ZG", is_sme=False)
    unused = await make_supplier(session, council, is_vcse=True)
    users = {
        role: await make_user(session, council, role, bidder if role is Role.SUPPLIER else None)
        for role in Role
    }
    await session.flush()
    officer = users[Role.PROCUREMENT]
    tenders = [
        await make_tender(session, council, officer, status)
        for status in (TenderStatus.OPEN, TenderStatus.CLOSED, TenderStatus.DRAFT)
    ]
    await session.flush()
    bids = [await make_bid(session, tender, bidder, users[Role.SUPPLIER]) for tender in tenders[:2]]
    await make_bid(session, tenders[1], rival, officer, price="99000.00")
    measure = await make_measure(session, council, "JOB-LOCAL", [("36480.00", date(2025, 4, 1))])
    template = await make_template(session, council)
    project = await make_capital_project(session, council)
    return Council(
        tokens={role: await token_for(session, users[role]) for role in FUZZING_ROLES},
        ids={
            "organisation_id": [council.id],
            # Never users whose tokens are in use: deactivating them would end the run early.
            "user_id": [users[Role.EVALUATOR].id],
            "supplier_id": [bidder.id, rival.id, unused.id],
            "tender_id": [tender.id for tender in tenders],
            "bid_id": [bid.id for bid in bids],
            "measure_id": [measure.id],
            "template_id": [template.id],
            "project_id": [project.id],
        },
        spare_token=await token_for(session, officer),
    )


class _BatchingSession(AsyncSession):
    """A session whose commits wait: the factories commit after every row, the seeder once."""

    async def commit(self) -> None:
        """Do nothing yet; the seeder flushes and commits the whole council at once."""


class CouncilSeeder:
    """Keeps a freshly seeded council in the database, callable from synchronous tests."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        # A loop of our own: the fuzzer's test function is synchronous and the app runs in
        # another thread, so neither pytest-asyncio's loop nor the app's can be borrowed.
        self._runner = asyncio.Runner(loop_factory=asyncio.new_event_loop)
        self._engine = create_engine(database_url)
        self._fresh: Council | None = None

    def current(self) -> Council:
        """The council as seeded: seeded again if a request since may have changed it."""
        if self._fresh is None:
            self._fresh = self._runner.run(self._reset())
        return self._fresh

    def answered(self, method: str, status_code: int) -> None:
        """Note a request's outcome: any write that was not refused may have changed data.

        Reads and refusals (4xx: services raise before they commit) leave the council as it
        was; a refused sign-in is recorded, but only counts against its own email address.
        Most fuzzed requests are refused, so this spares most of the reseeding.
        """
        if method.upper() != "GET" and not 400 <= status_code < 500:
            self._fresh = None

    async def _reset(self) -> Council:
        # One transaction, and a flush per kind of row: a reset follows every accepted write,
        # so it must cost milliseconds, not the dozens a commit per row would.
        async with self._engine.begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                await connection.execute(sa.delete(table))
            async with _BatchingSession(bind=connection, expire_on_commit=False) as session:
                council = await seed_council(session)
                await session.flush()
                return council

    def close(self) -> None:
        """Release the engine and the loop."""
        self._runner.run(self._engine.dispose())
        self._runner.close()


Handler = Callable[[Request[Any, Any, Any], Exception], Response[Any]]


class ParsingRefusals:
    """Which requests the app refused while parsing them against their documented shapes.

    The app answers 422 both for a request its OpenAPI schema does not allow (the parsing) and
    for a well-formed one that breaks a rule no schema can state (funding that does not add
    up to the budget, an answer to a question the tender does not ask). Only the first kind
    means the document promised more than the server accepts.
    """

    def __init__(self) -> None:
        self.refused: list[ValidationException] = []

    def handler(self, handle: Handler) -> Handler:
        """The app's handler for parsing failures, noting each failure first."""

        def noting(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
            if isinstance(exc, ValidationException):
                self.refused.append(exc)
            return handle(request, exc)

        return noting

    def since(self, start: int) -> list[ValidationException]:
        """The refusals noted after the first `start`."""
        return self.refused[start:]


@pytest.fixture(scope="module")
def parsing_refusals() -> ParsingRefusals:
    """The parsing refusals of the app under test."""
    return ParsingRefusals()


@pytest.fixture(scope="module")
def contract_app(
    any_database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    parsing_refusals: ParsingRefusals,
) -> Iterator[Litestar]:
    """The app on SQLite, then on PostgreSQL when configured; the fuzzer starts it in-process.

    One app per backend rather than per operation: the council is reseeded whenever a
    request may have changed it anyway, and building the app dozens of times is slow.
    """
    settings = Settings(
        database_url=any_database_url,
        secret_key=TEST_SECRET,
        data_dir=tmp_path_factory.mktemp("contract"),
    )
    handlers = dict(API_EXCEPTION_HANDLERS)
    handlers[ValidationException] = parsing_refusals.handler(handlers[ValidationException])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("procurement.app.API_EXCEPTION_HANDLERS", handlers)
        app = create_app(settings)
    yield app
    # Stop the app the fuzzer started, so its connections close, and leave no rows behind.
    shutdown_lifespans()
    asyncio.run(empty_all_tables(any_database_url))


@pytest.fixture(scope="module")
def councils(any_database_url: str) -> Iterator[CouncilSeeder]:
    """The seeded council on the backend under test."""
    seeder = CouncilSeeder(any_database_url)
    try:
        yield seeder
    finally:
        seeder.close()
