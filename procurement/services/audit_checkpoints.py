"""Signed checkpoints of the audit chains: a witness the public can keep outside the database.

A checkpoint is an organisation's chain head (position and hash) at a moment, signed with an
Ed25519 key derived from the service's secret key. Anyone who saved one can later show that
the chain still passes through it; a chain re-hashed or cut short after it cannot.
"""

import asyncio
import logging
import uuid
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import datetime, timedelta

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from procurement.models import AuditChainHead, AuditCheckpoint, AuditEvent, Organisation
from procurement.models.base import utc_now
from procurement.schemas.audit_witness import ChainPoint, CheckpointList, CheckpointRead
from procurement.services.audit import VERIFY_BATCH, canonical_json, utc_timestamp
from procurement.services.integrity import IntegrityFinding

ALGORITHM = "Ed25519"
CHECKPOINTS_PATH = "/public/audit/checkpoints"
SIGNED_MESSAGE = (
    'UTF-8 JSON {"hash","organisation_id","position","taken_at"}, keys sorted, no spaces, '
    "taken_at in UTC as 2026-12-07T21:00:00.000000+00:00"
)
# Kept apart from every other key derived from the secret key (sessions, CSRF).
_KEY_PURPOSE = b"procurement audit checkpoints"
# The secret key the checks verify stored checkpoints with; set by run_checks' callers.
CHECKING_SECRET: ContextVar[str] = ContextVar("audit_checking_secret")
_log = logging.getLogger(__name__)


def signing_key(secret_key: str) -> Ed25519PrivateKey:
    """The service's checkpoint signing key, derived from its secret key."""
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_PURPOSE).derive(
        secret_key.encode()
    )
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_hex(key: Ed25519PublicKey) -> str:
    """A public key as published: its raw 32 bytes in hex."""
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def signed_message(
    organisation_id: uuid.UUID, position: int, hash_: str, taken_at: datetime
) -> bytes:
    """The bytes a checkpoint's signature covers (described by SIGNED_MESSAGE)."""
    return canonical_json(
        {
            "hash": hash_,
            "organisation_id": str(organisation_id),
            "position": position,
            "taken_at": utc_timestamp(taken_at),
        }
    )


def _message_of(checkpoint: AuditCheckpoint) -> bytes:
    return signed_message(
        checkpoint.organisation_id, checkpoint.position, checkpoint.hash, checkpoint.taken_at
    )


async def _latest_checkpoints(session: AsyncSession) -> dict[uuid.UUID, AuditCheckpoint]:
    newest = sa.select(sa.func.max(col(AuditCheckpoint.id))).group_by(
        col(AuditCheckpoint.organisation_id)
    )
    rows = await session.scalars(
        sa.select(AuditCheckpoint)
        .where(col(AuditCheckpoint.id).in_(newest))
        .execution_options(populate_existing=True)
    )
    return {row.organisation_id: row for row in rows}


async def take_checkpoints(
    session: AsyncSession,
    secret_key: str,
    *,
    organisation_id: uuid.UUID | None = None,
    older_than: timedelta | None = None,
) -> list[AuditCheckpoint]:
    """Sign and store the head of every chain that has moved since its last checkpoint (only
    this organisation's, when given), and commit.

    With `older_than`, a chain whose last checkpoint is younger than that is left for later.
    """
    heads = sa.select(AuditChainHead).where(col(AuditChainHead.position) > 0)
    if organisation_id is not None:
        heads = heads.where(col(AuditChainHead.organisation_id) == organisation_id)
    # The head as committed now, not a copy an earlier statement of this session loaded.
    heads = heads.execution_options(populate_existing=True)
    latest = await _latest_checkpoints(session)
    key = signing_key(secret_key)
    now = utc_now()
    taken = []
    for head in await session.scalars(heads):
        last = latest.get(head.organisation_id)
        if last is not None:
            if (last.position, last.hash) == (head.position, head.hash):
                continue
            if older_than is not None and now - last.taken_at < older_than:
                continue
        checkpoint = AuditCheckpoint(
            organisation_id=head.organisation_id,
            position=head.position,
            hash=head.hash,
            taken_at=now,
            signature="",
        )
        checkpoint.signature = key.sign(_message_of(checkpoint)).hex()
        taken.append(checkpoint)
    session.add_all(taken)
    await session.commit()
    return taken


async def checkpoint_list(session: AsyncSession, secret_key: str) -> CheckpointList:
    """Every checkpoint, oldest first, with the public key that verifies them."""
    rows = await session.execute(
        sa.select(AuditCheckpoint, col(Organisation.name))
        .outerjoin(Organisation, col(Organisation.id) == col(AuditCheckpoint.organisation_id))
        .order_by(col(AuditCheckpoint.id))
    )
    checkpoints = [
        CheckpointRead(
            organisation_id=checkpoint.organisation_id,
            organisation=name or "An organisation no longer on record",
            position=checkpoint.position,
            hash=checkpoint.hash,
            taken_at=utc_timestamp(checkpoint.taken_at),
            signature=checkpoint.signature,
        )
        for checkpoint, name in rows.tuples()
    ]
    return CheckpointList(
        algorithm=ALGORITHM,
        public_key=public_key_hex(signing_key(secret_key).public_key()),
        signed_message=SIGNED_MESSAGE,
        checkpoints=checkpoints,
    )


async def _hashes_at(
    session: AsyncSession, points: Iterable[ChainPoint]
) -> dict[tuple[uuid.UUID, int], str]:
    """The hash each chain's event now has at each of these positions (absent when gone)."""
    wanted = sorted({(p.organisation_id, p.position) for p in points}, key=str)
    found: dict[tuple[uuid.UUID, int], str] = {}
    for start in range(0, len(wanted), VERIFY_BATCH):
        batch = wanted[start : start + VERIFY_BATCH]
        rows = await session.execute(
            sa.select(
                col(AuditEvent.organisation_id), col(AuditEvent.position), col(AuditEvent.hash)
            ).where(sa.tuple_(col(AuditEvent.organisation_id), col(AuditEvent.position)).in_(batch))
        )
        found |= {(organisation, position): hash_ for organisation, position, hash_ in rows}
    return found


def _passes_through(found: dict[tuple[uuid.UUID, int], str], point: ChainPoint) -> str | None:
    """What is wrong with the chain at a witnessed point, if anything."""
    now = found.get((point.organisation_id, point.position))
    if now is None:
        return f"the chain no longer has event {point.position}"
    if now != point.hash:
        return f"event {point.position} now has hash {now}, not {point.hash} as witnessed"
    return None


async def witnessed_findings(
    session: AsyncSession, points: list[ChainPoint], source: str
) -> list[IntegrityFinding]:
    """Every witnessed head (from a saved file) the chain no longer passes through."""
    found = await _hashes_at(session, points)
    findings = []
    for point in points:
        problem = _passes_through(found, point)
        if problem is not None:
            subject = f"{source}: organisation {point.organisation_id}, event {point.position}"
            findings.append(IntegrityFinding("checkpoint", subject, problem, point.organisation_id))
    return findings


async def checkpoint_findings(session: AsyncSession) -> list[IntegrityFinding]:
    """Every stored checkpoint whose signature fails or that the chain no longer passes
    through."""
    key = signing_key(CHECKING_SECRET.get()).public_key()
    findings = []
    after = 0
    while True:
        batch = list(
            await session.scalars(
                sa.select(AuditCheckpoint)
                .where(col(AuditCheckpoint.id) > after)
                .order_by(col(AuditCheckpoint.id))
                .limit(VERIFY_BATCH)
                # What is stored now, not a copy this session loaded earlier.
                .execution_options(populate_existing=True)
            )
        )
        found = await _hashes_at(session, (ChainPoint.model_validate(c) for c in batch))
        for checkpoint in batch:
            after = checkpoint.id or after
            subject = (
                f"checkpoint {checkpoint.id} of organisation {checkpoint.organisation_id}, "
                f"event {checkpoint.position}"
            )
            try:
                key.verify(bytes.fromhex(checkpoint.signature), _message_of(checkpoint))
            except (InvalidSignature, ValueError):
                findings.append(
                    IntegrityFinding(
                        "checkpoint",
                        subject,
                        "the signature is not valid",
                        checkpoint.organisation_id,
                    )
                )
                continue
            problem = _passes_through(found, ChainPoint.model_validate(checkpoint))
            if problem is not None:
                findings.append(
                    IntegrityFinding("checkpoint", subject, problem, checkpoint.organisation_id)
                )
        if len(batch) < VERIFY_BATCH:
            return findings


async def keep_checkpointing(
    sessions: async_sessionmaker[AsyncSession], secret_key: str, interval: timedelta
) -> None:
    """Every so often, sign a checkpoint of each chain that has moved since its last one, once
    that is `interval` old; until cancelled."""
    # Look often enough that a checkpoint is never much later than due; the first look waits
    # too, so starting the service writes nothing.
    pause = min(interval, timedelta(hours=1)).total_seconds()
    while True:
        await asyncio.sleep(pause)
        try:
            async with sessions() as session:
                await take_checkpoints(session, secret_key, older_than=interval)
        except Exception:  # a failed round must not stop the next one
            _log.exception("Taking audit checkpoints failed")
