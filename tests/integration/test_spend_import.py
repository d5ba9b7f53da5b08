"""The spend import service on SQLite and PostgreSQL: files of several thousand rows stored
whole and exactly, progress committed apart from the import, nothing visible before the end,
and a clash with a payment stored meanwhile undoing everything."""

import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.db import create_engine, open_session
from procurement.domain.roles import Role
from procurement.models import AuditEvent, ImportStatus, SpendImport, SpendTransaction
from procurement.services.audit import verify_chains
from procurement.services.spend import SpendService
from procurement.services.spend_import import (
    CHECK_BATCH,
    INSERT_BATCH,
    SpendFileError,
    SpendRowsError,
    import_spend,
    open_import,
)
from tests.capital_factories import make_capital_project, spend_csv, spend_row
from tests.integration.support import Council

# Rows enough to need several progress steps and several insert batches.
ROWS = max(2 * INSERT_BATCH, 2 * CHECK_BATCH) + 123
CODES = [f"CAP-{n:03d}" for n in range(1, 6)]


def big_file(prefix: str = "INV", rows: int = ROWS) -> tuple[bytes, Decimal]:
    """A spend file over the five schemes, and the sum of its amounts."""
    lines = [
        spend_row(
            f"{prefix}-{n:06d}",
            CODES[n % len(CODES)],
            paid_on=f"{1 + n % 28:02d}/{1 + n % 12:02d}/2026",
            amount=f"£{500 + n * 7.31:,.2f}",
            beneficiary=f"Supplier {n % 97} Ltd",
        )
        for n in range(rows)
    ]
    total = sum((Decimal(f"{500 + n * 7.31:.2f}") for n in range(rows)), Decimal(0))
    return spend_csv(*lines), total


@pytest.fixture
async def schemes(session: AsyncSession, council: Council) -> None:
    """The council's five capital schemes."""
    for code in CODES:
        await make_capital_project(session, council.organisation, code)


def finance(session: AsyncSession, council: Council) -> SpendService:
    """The spend service, for the council's finance officer."""
    return SpendService(session, council.as_role(Role.FINANCE))


async def payments(session: AsyncSession) -> list[tuple[str, Decimal]]:
    """Every stored payment's number and amount, read afresh."""
    found = await session.execute(
        sa.select(col(SpendTransaction.transaction_number), col(SpendTransaction.amount)).order_by(
            col(SpendTransaction.transaction_number)
        )
    )
    rows = list(found.tuples())
    await session.commit()  # end the read, which takes the lock on SQLite
    return rows


async def committed_payments(database_url: str) -> int:
    """How many payments another connection sees, without queueing for the importer's lock."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        # A plain read in WAL mode neither waits for nor blocks the writer (the service's own
        # connections take the write lock even to read, see procurement/db.py).
        with closing(sqlite3.connect(str(url.database))) as reader:
            (found,) = reader.execute("SELECT count(*) FROM spend_transaction").fetchone()
            return int(found)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(sa.text("SELECT count(*) FROM spend_transaction"))
            return int(found or 0)
    finally:
        await engine.dispose()


@dataclass
class Watcher:
    """Records what others could see at each step of an import."""

    database_url: str
    on_checked: Callable[[int, int], Awaitable[None]] | None = None
    checked_steps: list[tuple[int, int, int]] = field(default_factory=list)
    stored_steps: list[tuple[int, int]] = field(default_factory=list)

    async def checked(self, done: int, total: int) -> None:
        """Note the committed progress and how many payments are visible."""
        engine = create_engine(self.database_url)
        try:
            async with open_session(engine) as session:
                progress = await session.scalar(sa.select(col(SpendImport.rows_done)))
                await session.commit()
        finally:
            await engine.dispose()
        self.checked_steps.append(
            (done, int(progress or 0), await committed_payments(self.database_url))
        )
        if self.on_checked is not None:
            await self.on_checked(done, total)

    async def stored(self, done: int, total: int) -> None:
        """Note how many payments another connection sees while they are being written."""
        self.stored_steps.append((done, await committed_payments(self.database_url)))


@pytest.mark.usefixtures("schemes")
async def test_thousands_of_rows_are_stored_with_every_penny(
    session: AsyncSession, council: Council
) -> None:
    content, total = big_file()

    result = await finance(session, council).import_file("year.csv", content)

    assert (result.status, result.rows_total, result.rows_added) == ("succeeded", ROWS, ROWS)
    stored = await session.scalar(sa.select(sa.func.sum(col(SpendTransaction.amount))))
    assert (len(await payments(session)), stored) == (ROWS, total)


@pytest.mark.usefixtures("schemes")
async def test_importing_again_leaves_every_payment_as_it_was(
    session: AsyncSession, council: Council
) -> None:
    content, _ = big_file()
    spend = finance(session, council)
    await spend.import_file("year.csv", content)
    before = await payments(session)

    again = await spend.import_file("year.csv", content)

    assert (again.rows_added, again.rows_unchanged) == (0, ROWS)
    assert await payments(session) == before


@pytest.mark.usefixtures("schemes")
async def test_progress_is_committed_as_rows_are_checked_and_payments_show_only_at_the_end(
    session: AsyncSession, council: Council, any_database_url: str
) -> None:
    content, _ = big_file()
    watcher = Watcher(any_database_url)

    await import_spend(
        session, council.organisation.id, council.as_role(Role.FINANCE), "a.csv", content, watcher
    )

    steps = [min(done, ROWS) for done in range(CHECK_BATCH, ROWS + CHECK_BATCH, CHECK_BATCH)]
    assert watcher.checked_steps == [(done, done, 0) for done in steps]
    assert [visible for _, visible in watcher.stored_steps] == [0] * len(watcher.stored_steps)
    assert [done for done, _ in watcher.stored_steps][-1] == ROWS
    assert await committed_payments(any_database_url) == ROWS


@pytest.mark.usefixtures("schemes")
async def test_one_bad_row_at_the_very_end_stores_nothing(
    session: AsyncSession, council: Council
) -> None:
    content, _ = big_file()
    content += spend_csv(spend_row("LAST", amount="£1,00.00")).split(b"\r\n", 1)[1]

    with pytest.raises(SpendRowsError) as refused:
        await finance(session, council).import_file("year.csv", content)

    assert [(p.row, p.field) for p in refused.value.problems] == [(ROWS + 2, "amount")]
    assert await payments(session) == []
    recorded = await session.scalar(sa.select(SpendImport))
    assert recorded is not None
    assert (recorded.status, recorded.rows_done, recorded.rows_added) == (
        ImportStatus.FAILED,
        ROWS + 1,
        0,
    )
    actions = await session.scalars(sa.select(col(AuditEvent.action)))
    assert list(actions) == ["import_refused"]
    assert (await verify_chains(session)).intact


@pytest.mark.usefixtures("schemes")
async def test_a_payment_stored_by_another_import_meanwhile_undoes_this_one(
    session: AsyncSession, council: Council, any_database_url: str
) -> None:
    content, _ = big_file()
    finance_officer = council.as_role(Role.FINANCE)

    async def another_import_gets_in(done: int, total: int) -> None:
        # After this import looked up the stored payments, before it stores its own.
        if done == total:
            engine = create_engine(any_database_url)
            try:
                async with open_session(engine) as other:
                    clash = spend_csv(spend_row("INV-000007", CODES[0], amount="1.00"))
                    await import_spend(
                        other, council.organisation.id, finance_officer, "b.csv", clash
                    )
            finally:
                await engine.dispose()

    watcher = Watcher(any_database_url, on_checked=another_import_gets_in)
    with pytest.raises(SpendFileError) as refused:
        await import_spend(
            session, council.organisation.id, finance_officer, "a.csv", content, watcher
        )

    assert (refused.value.status_code, refused.value.code) == (409, "spend_import_conflict")
    assert [str(amount) for _, amount in await payments(session)] == ["1.00"]
    outcomes = await session.execute(
        sa.select(col(SpendImport.file_name), col(SpendImport.status)).order_by(
            col(SpendImport.file_name)
        )
    )
    assert list(outcomes.tuples()) == [
        ("a.csv", ImportStatus.FAILED),
        ("b.csv", ImportStatus.SUCCEEDED),
    ]
    assert (await verify_chains(session)).intact


async def test_transaction_numbers_are_unique_within_a_council_only(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    for each in (council, other_council):
        await make_capital_project(session, each.organisation, "CAP-001")
    content = spend_csv(spend_row("INV-1"), spend_row("INV-2"))

    ours = await finance(session, council).import_file("ours.csv", content)
    theirs = await finance(session, other_council).import_file("theirs.csv", content)

    assert (ours.rows_added, theirs.rows_added) == (2, 2)
    assert len(await payments(session)) == 4


async def test_a_file_that_cannot_be_read_is_recorded_with_its_reason(
    session: AsyncSession, council: Council
) -> None:
    with pytest.raises(SpendFileError) as refused:
        await open_import(session, council.organisation.id, None, "../../etc/empty.csv", b"")

    recorded = await session.scalar(sa.select(SpendImport))
    assert recorded is not None
    assert (recorded.file_name, recorded.status, recorded.created_by_id) == (
        "empty.csv",
        ImportStatus.FAILED,
        None,
    )
    assert recorded.errors == [{"row": None, "field": "file", "message": refused.value.detail}]
    event = await session.scalar(sa.select(AuditEvent))
    assert event is not None
    assert (event.actor_name, event.action) == ("Command line", "import_refused")
