"""Database engine, session factory and column types shared by every table."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from functools import cached_property
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.datastructures import State
from litestar.types import Scope
from sqlalchemy import BigInteger, event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.engine.interfaces import DBAPICursor, ExecutionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.types import TypeDecorator

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Replace a PostgreSQL connection after half an hour, before a firewall or the server's idle
# timeout drops it silently; a connection the server closed is caught at checkout instead.
POSTGRES_POOL_RECYCLE_SECONDS = 30 * 60
# Requests with these methods only read, so their sessions begin deferred (see reading()).
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The execution option that marks a reading engine's connections, and the connection-info key
# that says the transaction under way still only reads.
_DEFERRED_BEGIN = "procurement_deferred_begin"
_ONLY_READ_SO_FAR = "procurement_only_read_so_far"


class ScaledDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as a scaled integer: exact and sortable on SQLite and PostgreSQL.

    SQLite has no exact decimal type (SQLAlchemy's Numeric goes through float there),
    so money and weights are kept as whole numbers of their smallest unit.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int) -> None:
        super().__init__()
        self.places = places
        self._factor = Decimal(10) ** places

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * self._factor
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.places} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.places)

    def __repr__(self) -> str:
        return f"ScaledDecimal({self.places})"


def create_engine(database_url: str) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    if database_url.startswith("sqlite"):
        engine = create_async_engine(
            database_url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        event.listen(engine.sync_engine, "begin", _begin)
        event.listen(engine.sync_engine, "before_cursor_execute", _lock_before_first_write)
        return engine
    # No pool_pre_ping: its round trip on every checkout doubles the latency of short requests.
    engine = create_async_engine(database_url, pool_recycle=POSTGRES_POOL_RECYCLE_SECONDS)
    event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
    return engine


def reading(engine: AsyncEngine) -> AsyncEngine:
    """The same engine and pool, for work that only reads: its SQLite transactions begin
    deferred, so they never wait for the write lock nor hold it.

    Should such a transaction write after all (a cache, a clock), it ends its read snapshot
    and takes the write lock just before its first write, so the write queues politely like
    any other; the write must therefore not depend on what the transaction read before it.
    PostgreSQL ignores the option.
    """
    return engine.execution_options(**{_DEFERRED_BEGIN: True})


def _configure_sqlite(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Transactions are begun by _begin, not by the driver.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin(connection: Connection) -> None:
    # A transaction that may write takes the write lock when it starts, not on its first
    # write: a deferred transaction that reads and then writes fails at once with "database
    # is locked" when another writer got in between, whatever the busy timeout. Readers begin
    # deferred, so that they never queue behind writers (WAL lets them read meanwhile).
    if connection.get_execution_options().get(_DEFERRED_BEGIN):
        connection.info[_ONLY_READ_SO_FAR] = True
        connection.exec_driver_sql("BEGIN")
    else:
        connection.info[_ONLY_READ_SO_FAR] = False
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _lock_before_first_write(
    connection: Connection,
    cursor: DBAPICursor,
    statement: str,
    _parameters: Any,
    _context: ExecutionContext | None,
    _executemany: bool,
) -> None:
    # Upgrading a deferred transaction that has read fails at once when another writer got
    # in between, so a reading transaction starts afresh with the write lock instead: the
    # busy timeout then applies, as for every writer. Anything but a SELECT counts as a
    # write; a false alarm only costs a wait for the lock.
    if not connection.info.get(_ONLY_READ_SO_FAR) or not connection.in_transaction():
        return
    if statement.lstrip()[:6].upper() == "SELECT":
        return
    connection.info[_ONLY_READ_SO_FAR] = False
    cursor.execute("COMMIT")
    cursor.execute("BEGIN IMMEDIATE")


def _refuse_closed_connection(
    dbapi_connection: Any, _record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
) -> None:
    # A pooled connection whose server went away (a restart, pg_terminate_backend) is closed
    # by the driver as soon as the server says so; the pool then connects afresh, at no cost
    # of a round trip on healthy connections.
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this connection")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


class RequestDatabaseConfig(SQLAlchemyAsyncConfig):
    """The database plugin's settings; each request's session (`db_session`) reads or writes
    according to its method.

    A GET, HEAD or OPTIONS request gets a session on `reading(engine)`, so it never takes the write
    lock; any other request's transactions take it at their start. Whatever asks for the
    request's session (a dependency, the authentication middleware) gets this one.
    """

    def provide_session(self, state: State, scope: Scope) -> AsyncSession:
        """The request's one session, made on first use."""
        session = super().provide_session(state, scope)
        if _DEFERRED_BEGIN not in session.info:  # just made: choose how it begins
            only_reads = scope.get("method") in READING_METHODS
            session.info[_DEFERRED_BEGIN] = only_reads
            if only_reads:
                session.sync_session.bind = self._reading_engine
        return session

    @cached_property
    def _reading_engine(self) -> Engine:
        return reading(self.get_engine()).sync_engine


@asynccontextmanager
async def open_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session outside a request, for the CLI and background work."""
    async with session_factory(engine)() as session:
        yield session
