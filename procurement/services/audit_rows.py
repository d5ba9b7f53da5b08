"""Live rows against the trail: each audited row must be in the state the trail last recorded
for it; and the one-off baseline that brings rows made before row states were kept under it."""

import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.models import AuditEvent, Tender
from procurement.services import audit
from procurement.services.audit import AUDITED_TABLES, VERIFY_BATCH, AuditedTable

_EVENTS = sa.inspect(AuditEvent, raiseerr=True).local_table
_TENDERS = sa.inspect(Tender, raiseerr=True).local_table
BASELINE_ACTION = "baseline"


@dataclass(frozen=True)
class RecordedState:
    """The last state the trail holds for a row: its digest (None once deleted) and where."""

    digest: str | None
    organisation_id: uuid.UUID
    position: int


async def recorded_states(session: AsyncSession) -> dict[str, RecordedState]:
    """The last state the trail recorded for every row it names, read a batch at a time."""
    states: dict[str, RecordedState] = {}
    after = 0
    while True:
        rows = (
            await session.execute(
                sa.select(
                    _EVENTS.c.id,
                    _EVENTS.c.organisation_id,
                    _EVENTS.c.position,
                    _EVENTS.c.row_digests,
                )
                .where(_EVENTS.c.id > after, _EVENTS.c.row_digests.is_not(None))
                .order_by(_EVENTS.c.id)
                .limit(VERIFY_BATCH)
            )
        ).all()
        for event_id, organisation_id, position, digests in rows:
            after = event_id
            for key, digest in digests.items():
                states[key] = RecordedState(digest, organisation_id, position)
        if len(rows) < VERIFY_BATCH:
            return states


async def stored_digests(
    session: AsyncSession, audited: AuditedTable
) -> AsyncIterator[dict[uuid.UUID, str]]:
    """The digest of every row of an audited table as now stored, a batch at a time."""
    table = audited.table
    after: uuid.UUID | None = None
    while True:
        statement = sa.select(table).order_by(table.c.id).limit(VERIFY_BATCH)
        if after is not None:
            statement = statement.where(table.c.id > after)
        digests = await session.run_sync(audit.read_row_digests, audited, statement)
        if digests:
            yield digests
        if len(digests) < VERIFY_BATCH:
            return
        after = next(reversed(digests))


async def owners_of(
    session: AsyncSession, audited: AuditedTable, ids: list[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """The organisation each of these rows belongs to, by row id."""
    table = audited.table
    found: dict[uuid.UUID, uuid.UUID] = {}
    for start in range(0, len(ids), VERIFY_BATCH):
        batch = ids[start : start + VERIFY_BATCH]
        if audited.through_tender:
            statement = (
                sa.select(table.c.id, _TENDERS.c.organisation_id)
                .join(_TENDERS, table.c.tender_id == _TENDERS.c.id)
                .where(table.c.id.in_(batch))
            )
        else:
            statement = sa.select(table.c.id, table.c.organisation_id).where(table.c.id.in_(batch))
        found |= dict((await session.execute(statement)).tuples().all())
    return found


async def record_baseline(session: AsyncSession) -> dict[uuid.UUID, int]:
    """Record, once per organisation, the state of every audited row the trail has never
    recorded (rows made before row states were kept), and commit. Rows the trail holds a
    different state for are left alone: a baseline must never vouch for a changed row.

    Returns how many rows each organisation's baseline event recorded.
    """
    recorded = await recorded_states(session)
    unrecorded: dict[uuid.UUID, dict[str, str | None]] = defaultdict(dict)
    for audited in AUDITED_TABLES:
        async for digests in stored_digests(session, audited):
            new = {
                row_id: d for row_id, d in digests.items() if audited.key(row_id) not in recorded
            }
            if not new:
                continue
            for row_id, organisation_id in (await owners_of(session, audited, list(new))).items():
                unrecorded[organisation_id][audited.key(row_id)] = new[row_id]
    for organisation_id, states in sorted(unrecorded.items(), key=lambda item: str(item[0])):
        await audit.record(
            session,
            None,
            organisation_id=organisation_id,
            entity_type="audit",
            entity_id=organisation_id,
            action=BASELINE_ACTION,
            summary=f"Recorded the state of {len(states)} records kept before the audit "
            "trail recorded row states",
            row_digests=states,
        )
    await session.commit()
    return {organisation_id: len(states) for organisation_id, states in unrecorded.items()}
