"""Everything `procurement audit verify` and `GET /api/v1/audit/verify` check, in one place."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Permission
from procurement.models import AuditChainHead, AuditEvent, Organisation
from procurement.principal import Principal
from procurement.schemas.audit_witness import AuditVerifyRead, FindingRead
from procurement.services.audit import AUDITED_TABLES, verify_chains
from procurement.services.audit_checkpoints import CHECKING_SECRET, checkpoint_findings
from procurement.services.audit_rows import (
    RecordedState,
    owners_of,
    recorded_states,
    stored_digests,
)
from procurement.services.file_integrity import stored_file_findings
from procurement.services.integrity import IntegrityFinding

Check = Callable[[AsyncSession], Awaitable[list[IntegrityFinding]]]


async def organisation_names(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The names of these organisations; a closed one's trail outlives it, so some may be gone."""
    if not ids:
        return {}
    rows = await session.execute(
        sa.select(col(Organisation.id), col(Organisation.name)).where(col(Organisation.id).in_(ids))
    )
    return dict(rows.tuples().all())


def organisation_label(names: dict[uuid.UUID, str], organisation_id: uuid.UUID) -> str:
    """How a finding names an organisation: its name and id, or only the id once it is gone."""
    name = names.get(organisation_id, "an organisation no longer on record")
    return f"{name} ({organisation_id})"


async def trail_size(session: AsyncSession) -> tuple[int, int]:
    """How many chains (organisations with a head or an event) and events the trail holds."""
    organisations = sa.union(
        sa.select(col(AuditChainHead.organisation_id)),
        sa.select(col(AuditEvent.organisation_id)),
    ).subquery()
    chains = await session.scalar(sa.select(sa.func.count()).select_from(organisations))
    events = await session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    return chains or 0, events or 0


async def chain_findings(session: AsyncSession) -> list[IntegrityFinding]:
    """Every chain walked from its first event to its head: the first break of each."""
    report = await verify_chains(session)
    names = await organisation_names(session, {b.organisation_id for b in report.breaks})
    findings = []
    for found in report.breaks:
        event = "missing" if found.event_id is None else f"id {found.event_id}"
        subject = f"{organisation_label(names, found.organisation_id)}, event {found.position}"
        findings.append(
            IntegrityFinding("chain", f"{subject} ({event})", found.problem, found.organisation_id)
        )
    return findings


@dataclass(frozen=True)
class _RowProblem:
    key: str
    problem: str  # completed by where on the trail, or which trail, it is about
    organisation_id: uuid.UUID | None
    position: int | None = None


def _against(key: str, state: RecordedState, problem: str) -> _RowProblem:
    return _RowProblem(key, problem, state.organisation_id, state.position)


async def row_findings(session: AsyncSession) -> list[IntegrityFinding]:
    """Every audited row that differs from, or is missing from, what the trail last recorded."""
    recorded = await recorded_states(session)
    problems: list[_RowProblem] = []
    for audited in AUDITED_TABLES:
        unrecorded = []
        async for digests in stored_digests(session, audited):
            for row_id, digest in digests.items():
                key = audited.key(row_id)
                state = recorded.pop(key, None)
                if state is None:
                    unrecorded.append(row_id)
                elif state.digest is None:
                    problems.append(
                        _against(key, state, "exists, but the trail recorded its deletion at")
                    )
                elif state.digest != digest:
                    problems.append(_against(key, state, "differs from the state recorded at"))
        owners = await owners_of(session, audited, unrecorded)
        problems += [
            _RowProblem(audited.key(row_id), "is not on the trail of", owners.get(row_id))
            for row_id in unrecorded
        ]
    problems += [
        _against(key, state, "deleted, but the trail last recorded it at")
        for key, state in recorded.items()
        if state.digest is not None
    ]
    names = await organisation_names(
        session, {p.organisation_id for p in problems if p.organisation_id is not None}
    )
    findings = []
    for found in problems:
        where = "an organisation no longer on record"
        if found.organisation_id is not None:
            where = organisation_label(names, found.organisation_id)
        if found.position is not None:
            where = f"event {found.position} of {where}"
        findings.append(
            IntegrityFinding("row", found.key, f"{found.problem} {where}", found.organisation_id)
        )
    return findings


# Run in order by the command line and the API alike; each returns what it found wrong.
CHECKS: tuple[Check, ...] = (
    chain_findings,
    row_findings,
    checkpoint_findings,
    stored_file_findings,
)


async def run_checks(session: AsyncSession, secret_key: str) -> list[IntegrityFinding]:
    """Every finding of every check, in the order the checks run; stored checkpoints are
    checked against the key derived from `secret_key`."""
    checking = CHECKING_SECRET.set(secret_key)
    try:
        findings: list[IntegrityFinding] = []
        for check in CHECKS:
            findings.extend(await check(session))
        return findings
    finally:
        CHECKING_SECRET.reset(checking)


async def verify_for(session: AsyncSession, actor: Principal, secret_key: str) -> AuditVerifyRead:
    """Every check, for an administrator: the findings about their own organisation in full,
    and only how many there are about others, whose records they may not see."""
    actor.require(Permission.MANAGE_ORGANISATION)
    findings = await run_checks(session, secret_key)
    shown = [found for found in findings if found.organisation_id == actor.organisation_id]
    return AuditVerifyRead(
        intact=not findings,
        findings=[
            FindingRead(check=found.check, subject=found.subject, problem=found.problem)
            for found in shown
        ],
        elsewhere=len(findings) - len(shown),
    )
