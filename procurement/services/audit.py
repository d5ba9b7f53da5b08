"""The audit trail: appending hash-chained events in the same transaction as the change,
reading them back, and verifying that no event was edited or removed."""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, col

from procurement.domain.roles import Permission
from procurement.errors import InputError
from procurement.models import (
    Award,
    Bid,
    CapitalProject,
    EvaluatorAssignment,
    ModeratedScore,
    ProjectBudgetProfile,
    ProjectFunding,
    ProjectTender,
    Publication,
    PublicationFile,
    Score,
    Tender,
)
from procurement.models.audit import GENESIS_HASH, AuditChainHead, AuditEvent
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.audit import AuditEventRead
from procurement.schemas.common import Page
from procurement.schemas.fields import UtcDateTime
from procurement.services.audit_redaction import readable_events, sealed_bid_event
from procurement.services.queries import fetch_page

COMMAND_LINE = "Command line"
# Secrets never enter the trail, whichever row is snapshotted: the trail is read by people
# who must not learn them, and it can never be edited to take them out again.
NEVER_RECORDED = frozenset({"password_hash", "token_hash"})
VERIFY_BATCH = 1000
# What the current transaction has appended to the trail, and which audited rows it wrote:
# kept in the session's `info` from the first write until commit or rollback.
_TRANSACTION_EVENTS = "audit.events"
_TRANSACTION_ROWS = "audit.rows"
_UTC_MOMENT: TypeAdapter[datetime] = TypeAdapter(UtcDateTime)
_EVENTS = sa.inspect(AuditEvent).local_table


def canonical_json(value: Any) -> bytes:
    """One byte spelling of a JSON value, whatever order its keys were built in."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode()


def content_digest(value: Any) -> str:
    """The SHA-256 of a JSON value's canonical form: proof of contents without showing them."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def snapshot(row: SQLModel, *, exclude: set[str] | None = None) -> dict[str, Any]:
    """A row as the trail keeps it: JSON values (Decimals and dates as strings)."""
    values: dict[str, Any] = row.model_dump(
        mode="json", exclude=(exclude or set()) | NEVER_RECORDED
    )
    return values


def actor_name(actor: Principal | None) -> str:
    """How the trail names who acted."""
    if actor is None:
        return COMMAND_LINE
    return f"{actor.full_name} <{actor.email}>"


def utc_timestamp(moment: datetime) -> str:
    """One spelling of a moment whatever the database hands back: UTC, to the microsecond."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over every field of the event but its own hash, the previous hash included.

    Row digests are covered only when the event has them, so events recorded before row
    states were kept still hash as they did.
    """
    row_digests = {} if event.row_digests is None else {"row_digests": event.row_digests}
    return content_digest(
        row_digests
        | {
            "organisation_id": str(event.organisation_id),
            "position": event.position,
            "occurred_at": utc_timestamp(event.occurred_at),
            "actor_id": None if event.actor_id is None else str(event.actor_id),
            "actor_name": event.actor_name,
            "tender_id": None if event.tender_id is None else str(event.tender_id),
            "entity_type": event.entity_type,
            "entity_id": event.entity_id,
            "action": event.action,
            "summary": event.summary,
            "before": event.before,
            "after": event.after,
            "previous_hash": event.previous_hash,
        }
    )


def _unwritten_head(session: AsyncSession, organisation_id: uuid.UUID) -> AuditChainHead | None:
    """The organisation's head if this transaction created or moved it and has not written it
    yet: it is already ours, and reading the stored row would undo the unwritten change."""
    for row in (*session.new, *session.dirty):
        if isinstance(row, AuditChainHead) and row.organisation_id == organisation_id:
            return row
    return None


async def record(
    session: AsyncSession,
    actor: Principal | None,
    *,
    organisation_id: uuid.UUID,
    entity_type: str,
    entity_id: uuid.UUID | str,
    action: str,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    tender_id: uuid.UUID | None = None,
    row_digests: dict[str, str | None] | None = None,
) -> AuditEvent:
    """Append an event to the organisation's chain, inside the caller's transaction.

    The stored state of every audited row the transaction writes is added to the last event
    it appends, at commit; `row_digests` records the state of rows it did not write.

    The chain head is locked until the caller commits, so concurrent writers queue here and
    each extends the chain from the event before it. If the caller rolls back, the event
    goes with the change it describes. Call it last, just before committing.
    """
    head = _unwritten_head(session, organisation_id)
    if head is None:
        # No autoflush: the caller's own writes are flushed at its commit, where it already
        # turns a unique-key clash into a field error; flushed here, the clash would escape it.
        with session.no_autoflush:
            head = await session.scalar(
                sa.select(AuditChainHead)
                .where(col(AuditChainHead.organisation_id) == organisation_id)
                .with_for_update()
                # Sessions keep loaded rows across commits; the locked row must be read
                # afresh, or a head another writer has moved on since would be extended twice.
                .execution_options(populate_existing=True)
            )
    if head is None:  # organisations get their head when created; this is a safety net
        head = AuditChainHead(organisation_id=organisation_id)
        session.add(head)
    event = AuditEvent(
        organisation_id=organisation_id,
        position=head.position + 1,
        occurred_at=utc_now(),
        actor_id=None if actor is None else actor.user_id,
        actor_name=actor_name(actor),
        tender_id=tender_id,
        entity_type=entity_type,
        entity_id=str(entity_id),
        action=action,
        summary=summary,
        before=before,
        after=after,
        previous_hash=head.hash,
        hash="",
        row_digests=row_digests,
    )
    event.hash = event_hash(event)
    head.position = event.position
    head.hash = event.hash
    session.add(event)
    session.info.setdefault(_TRANSACTION_EVENTS, []).append(event)
    return event


# ---- Row states ---------------------------------------------------------------------------
# Each event also keeps the digest of every audited row its transaction wrote, read back from
# the database at commit, so `verify` can prove that the live rows are still what the trail
# last recorded. Both sides digest rows read by the same query from the same database, so an
# in-memory value can never disagree with its stored form.


def _table_of(model: type[SQLModel]) -> sa.Table:
    table: sa.Table = sa.inspect(model, raiseerr=True).local_table
    return table


@dataclass(frozen=True)
class AuditedPart:
    """Rows that belong to an audited row (a scheme's funding lines) and are digested with it."""

    model: type[SQLModel]
    owner_column: str
    omitted: frozenset[str] = frozenset()

    @property
    def table(self) -> sa.Table:
        """The table as stored."""
        return _table_of(self.model)


@dataclass(frozen=True)
class AuditedTable:
    """A table whose live rows must match the state the trail last recorded for them."""

    model: type[SQLModel]
    parts: tuple[AuditedPart, ...] = ()
    # How a row is traced to its organisation: its own column, or its tender's.
    through_tender: bool = False
    # Columns the database itself may change, with no event to record it.
    omitted: frozenset[str] = frozenset()

    @property
    def table(self) -> sa.Table:
        """The table as stored."""
        return _table_of(self.model)

    @property
    def name(self) -> str:
        """The table's name, which starts each of its rows' keys on the trail."""
        return self.table.name

    def key(self, row_id: uuid.UUID) -> str:
        """How the trail names one row: "<table>:<id>"."""
        return f"{self.name}:{row_id}"


AUDITED_TABLES = (
    # The award criteria and evaluation rules included; not the template they were copied
    # from, which the database forgets (SET NULL) when that template is deleted.
    AuditedTable(Tender, omitted=frozenset({"criteria_template_id"})),
    AuditedTable(Bid, through_tender=True),  # exclusions included
    AuditedTable(EvaluatorAssignment, through_tender=True),  # declarations and decisions
    AuditedTable(Score, through_tender=True),
    AuditedTable(ModeratedScore, through_tender=True),
    AuditedTable(Award, through_tender=True),
    AuditedTable(
        CapitalProject,
        parts=(
            AuditedPart(ProjectFunding, "project_id"),
            AuditedPart(ProjectBudgetProfile, "project_id"),
            AuditedPart(ProjectTender, "project_id"),
        ),
    ),
    # A file's bytes are proved by its SHA-256 column, which is digested; the bytes are
    # checked against it by the file check, so they need not be read here.
    AuditedTable(
        Publication, parts=(AuditedPart(PublicationFile, "publication_id", frozenset({"content"})),)
    ),
)
# Which audited row a written object is, or is part of, and the column holding that row's id.
_WRITTEN_AS: dict[type[SQLModel], tuple[AuditedTable, str]] = {
    audited.model: (audited, "id") for audited in AUDITED_TABLES
} | {
    part.model: (audited, part.owner_column) for audited in AUDITED_TABLES for part in audited.parts
}


def _plain(value: Any) -> Any:
    """A stored value as JSON, one spelling per value whatever type the driver handed back."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return utc_timestamp(value)
    if isinstance(value, date | Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return value


def _plain_row(row: sa.RowMapping, omitted: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {name: _plain(value) for name, value in row.items() if name not in omitted}


def read_row_digests(
    session: Session, audited: AuditedTable, statement: sa.Select[Any]
) -> dict[uuid.UUID, str]:
    """Digest every row of `audited` the statement selects, with its parts, as now stored."""
    rows = session.execute(statement).mappings().all()
    ids = [row["id"] for row in rows]
    parts: dict[uuid.UUID, dict[str, list[bytes]]] = {row_id: {} for row_id in ids}
    for part in audited.parts:
        owner = part.table.c[part.owner_column]
        for found in session.execute(sa.select(part.table).where(owner.in_(ids))).mappings():
            lines = parts[found[part.owner_column]].setdefault(part.table.name, [])
            lines.append(canonical_json(_plain_row(found, part.omitted)))
    digests = {}
    for row in rows:
        # Parts are sorted by their canonical form: the order the database returns them in
        # is not part of the record.
        state = {"row": _plain_row(row, audited.omitted)} | {
            name: [json.loads(line) for line in sorted(lines)]
            for name, lines in parts[row["id"]].items()
        }
        digests[row["id"]] = content_digest(state)
    return digests


def _stored_states(
    session: Session, written: set[tuple[AuditedTable, uuid.UUID]]
) -> dict[str, str | None]:
    """The digest of each of these rows as now stored; None for a row that is gone."""
    states: dict[str, str | None] = {}
    for audited in AUDITED_TABLES:
        ids = sorted((row_id for table, row_id in written if table is audited), key=str)
        for start in range(0, len(ids), VERIFY_BATCH):
            batch = ids[start : start + VERIFY_BATCH]
            statement = sa.select(audited.table).where(audited.table.c.id.in_(batch))
            found = read_row_digests(session, audited, statement)
            states |= {audited.key(row_id): found.get(row_id) for row_id in batch}
    return states


def _note_written_rows(session: Session, _context: object, _instances: object) -> None:
    """Before each flush: remember which audited rows the transaction is writing."""
    written: set[tuple[AuditedTable, uuid.UUID]] = session.info.setdefault(_TRANSACTION_ROWS, set())
    for row in (*session.new, *session.dirty, *session.deleted):
        found = _WRITTEN_AS.get(type(row))
        if found is not None:
            audited, id_column = found
            written.add((audited, getattr(row, id_column)))


def _record_row_states(session: Session) -> None:
    """Before commit: put the stored state of every audited row written on the last event."""
    events: list[AuditEvent] = session.info.get(_TRANSACTION_EVENTS, [])
    if not events:
        return
    session.flush()  # so that what is read back is what this transaction wrote
    written = session.info.pop(_TRANSACTION_ROWS, set())
    if not written:
        return
    event = events[-1]
    event.row_digests = (event.row_digests or {}) | _stored_states(session, written)
    event.hash = event_hash(event)
    # The last event of the transaction is its chain's last: nothing links to it yet.
    head = session.get(AuditChainHead, event.organisation_id)
    if head is not None and head.position == event.position:
        head.hash = event.hash


def _forget_transaction(session: Session, *_: object) -> None:
    session.info.pop(_TRANSACTION_EVENTS, None)
    session.info.pop(_TRANSACTION_ROWS, None)


sa.event.listen(Session, "before_flush", _note_written_rows)
sa.event.listen(Session, "before_commit", _record_row_states)
sa.event.listen(Session, "after_commit", _forget_transaction)
sa.event.listen(Session, "after_rollback", _forget_transaction)


@dataclass(frozen=True)
class AuditFilter:
    """What the trail is narrowed to: a tender, an actor, a time range (inclusive)."""

    tender_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


def _moment(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return _UTC_MOMENT.validate_python(value)
    except ValidationError as error:
        message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
        raise InputError.single(field, message) from error


class AuditService:
    """Reads the caller's organisation's trail, oldest event first."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor

    async def list(self, filters: AuditFilter, limit: int, offset: int) -> Page[AuditEventRead]:
        """Events of the caller's organisation, filtered, in chain order."""
        self.actor.require(Permission.READ_AUDIT)
        since, until = _moment(filters.since, "since"), _moment(filters.until, "until")
        if since is not None and until is not None and until < since:
            raise InputError.single("until", "The end of the range must not be before its start")
        statement = (
            sa.select(AuditEvent)
            .where(col(AuditEvent.organisation_id) == self.actor.organisation_id)
            .order_by(col(AuditEvent.position))
        )
        if filters.tender_id is not None:
            statement = statement.where(col(AuditEvent.tender_id) == filters.tender_id)
        if filters.user_id is not None:
            # Listing a bidder's own events would name who bid while the bids are sealed.
            statement = statement.where(
                col(AuditEvent.actor_id) == filters.user_id, sa.not_(sealed_bid_event())
            )
        if since is not None:
            statement = statement.where(col(AuditEvent.occurred_at) >= since)
        if until is not None:
            statement = statement.where(col(AuditEvent.occurred_at) <= until)
        rows, total = await fetch_page(self.session, statement, limit, offset)
        items = await readable_events(self.session, rows)
        return Page(items=items, total=total, limit=limit, offset=offset)


@dataclass(frozen=True)
class ChainBreak:
    """The first event at which an organisation's chain stops proving itself."""

    organisation_id: uuid.UUID
    position: int
    event_id: int | None  # None when the event at this position is missing altogether
    problem: str


@dataclass(frozen=True)
class VerifyReport:
    """What a verification walked, and the first break in each broken chain."""

    chains: int
    events: int
    breaks: list[ChainBreak]

    @property
    def intact(self) -> bool:
        """True when every chain proved itself from its first event to its head."""
        return not self.breaks


class _ChainWalk:
    """Follows one chain event by event, remembering what the next event must link to."""

    def __init__(self, organisation_id: uuid.UUID) -> None:
        self.organisation_id = organisation_id
        self.position = 0
        self.hash = GENESIS_HASH
        self.events = 0

    def _linked_to(self) -> str:
        return f"event {self.position}" if self.position else "the start of the chain"

    def step(self, event: AuditEvent) -> ChainBreak | None:
        """Check the next event; the break it shows, if any."""
        self.events += 1
        expected = self.position + 1
        problem = None
        if event.position != expected:
            problem = f"event {expected} is missing"
        elif event.previous_hash != self.hash:
            problem = f"previous hash does not match {self._linked_to()}"
        elif event_hash(event) != event.hash:
            problem = "hash does not match its contents"
        if problem is not None:
            return ChainBreak(self.organisation_id, event.position, event.id, problem)
        self.position, self.hash = event.position, event.hash
        return None

    def end(self, head: AuditChainHead | None) -> ChainBreak | None:
        """Check that the chain ends where its head says it does."""
        if head is not None and head.position > self.position:  # the last events are gone
            missing = self.position + 1
            return ChainBreak(self.organisation_id, missing, None, f"event {missing} is missing")
        if head is None:
            problem = "the chain has no head row"
        elif head.position < self.position or head.hash != self.hash:
            problem = f"the chain head does not match {self._linked_to()}"
        else:
            return None
        return ChainBreak(self.organisation_id, self.position, None, problem)


async def _walk(
    session: AsyncSession, walk: _ChainWalk, head: AuditChainHead | None, batch_size: int
) -> ChainBreak | None:
    while True:
        # Plain rows, not session objects: a long trail must not pile up in the session, and
        # what is checked must be what is stored now, not a copy loaded earlier.
        rows = (
            await session.execute(
                sa.select(_EVENTS)
                .where(
                    _EVENTS.c.organisation_id == walk.organisation_id,
                    _EVENTS.c.position > walk.position,
                )
                .order_by(_EVENTS.c.position)
                .limit(batch_size)
            )
        ).all()
        for row in rows:
            found = walk.step(AuditEvent(**row._mapping))
            if found is not None:
                return found
        if len(rows) < batch_size:
            return walk.end(head)


async def verify_chains(session: AsyncSession, batch_size: int = VERIFY_BATCH) -> VerifyReport:
    """Walk every organisation's chain in position order, recomputing every hash, and report
    the first broken event of each chain. Events are read a batch at a time."""
    stored_heads = sa.select(AuditChainHead).execution_options(populate_existing=True)
    heads = {head.organisation_id: head for head in await session.scalars(stored_heads)}
    with_events = await session.scalars(sa.select(col(AuditEvent.organisation_id)).distinct())
    organisations = sorted(set(heads) | set(with_events), key=str)
    breaks: list[ChainBreak] = []
    events = 0
    for organisation_id in organisations:
        walk = _ChainWalk(organisation_id)
        found = await _walk(session, walk, heads.get(organisation_id), batch_size)
        events += walk.events
        if found is not None:
            breaks.append(found)
    return VerifyReport(chains=len(organisations), events=events, breaks=breaks)


async def record_on_tender(
    session: AsyncSession,
    actor: Principal | None,
    tender: Tender,
    *,
    entity_type: str,
    entity_id: uuid.UUID | str,
    action: str,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """`record` for a change to a tender or a record of it, so it appears on its timeline."""
    return await record(
        session,
        actor,
        organisation_id=tender.organisation_id,
        tender_id=tender.id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        summary=summary,
        before=before,
        after=after,
    )
