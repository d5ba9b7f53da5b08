"""The audit trail: appending hash-chained events in the same transaction as the change,
reading them back, and verifying that no event was edited or removed."""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from procurement.domain.roles import Permission
from procurement.errors import InputError
from procurement.models import Tender
from procurement.models.audit import GENESIS_HASH, AuditChainHead, AuditEvent
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.audit import AuditEventRead
from procurement.schemas.common import Page
from procurement.schemas.fields import UtcDateTime
from procurement.services.queries import fetch_page

COMMAND_LINE = "Command line"
# Secrets never enter the trail, whichever row is snapshotted: the trail is read by people
# who must not learn them, and it can never be edited to take them out again.
NEVER_RECORDED = frozenset({"password_hash", "token_hash"})
VERIFY_BATCH = 1000
_UTC_MOMENT: TypeAdapter[datetime] = TypeAdapter(UtcDateTime)
_EVENTS = sa.inspect(AuditEvent).local_table


def _canonical(value: Any) -> bytes:
    """One byte spelling of a JSON value, whatever order its keys were built in."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode()


def content_digest(value: Any) -> str:
    """The SHA-256 of a JSON value's canonical form: proof of contents without showing them."""
    return hashlib.sha256(_canonical(value)).hexdigest()


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


def _timestamp(moment: datetime) -> str:
    # One spelling whatever the database hands back: UTC, to the microsecond.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over every field of the event but its own hash, the previous hash included."""
    return content_digest(
        {
            "organisation_id": str(event.organisation_id),
            "position": event.position,
            "occurred_at": _timestamp(event.occurred_at),
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
) -> AuditEvent:
    """Append an event to the organisation's chain, inside the caller's transaction.

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
    )
    event.hash = event_hash(event)
    head.position = event.position
    head.hash = event.hash
    session.add(event)
    return event


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
            statement = statement.where(col(AuditEvent.actor_id) == filters.user_id)
        if since is not None:
            statement = statement.where(col(AuditEvent.occurred_at) >= since)
        if until is not None:
            statement = statement.where(col(AuditEvent.occurred_at) <= until)
        rows, total = await fetch_page(self.session, statement, limit, offset)
        items = [AuditEventRead.model_validate(row) for row in rows]
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
