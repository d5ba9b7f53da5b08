"""Stored files against their recorded SHA-256: publication files and cached reports.

- A publication file's digest is in its own `sha256` column, which the audit trail's row
  check protects (services.audit_rows). Bytes that differ from it are never served (500
  `integrity_error`, logged) and are named by `stored_file_findings`.
- A cached report keeps its digest at the head of its `content`: the line
  `sha256:<64 hex digits>` and a newline, then the document. The digest travels with the
  bytes it vouches for, written in the same statement. A cached report is derived from the
  database, so one that fails its digest (or has none) is not refused but discarded and
  rendered again (`render_cached`), with the failure logged.
- Hashing runs in a thread: files may be megabytes, and the event loop must not wait.
"""

import asyncio
import hashlib
import logging
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.errors import FileIntegrityError
from procurement.models import Publication, PublicationFile, ReportCache, Tender
from procurement.services.integrity import IntegrityFinding

logger = logging.getLogger(__name__)

# How many stored files `stored_file_findings` holds at once: each may be megabytes.
BATCH_ROWS = 16
DIGEST_HEADER = b"sha256:"
# The header, 64 hex digits and a newline come before a cached report's document.
STAMP_LENGTH = len(DIGEST_HEADER) + 64 + 1


async def sha256_hex(content: bytes) -> str:
    """The hex SHA-256 of some bytes, worked out in a thread (hashlib releases the GIL)."""
    return await asyncio.to_thread(lambda: hashlib.sha256(content).hexdigest())


async def require_intact(subject: str, content: bytes, recorded: str) -> None:
    """Raise FileIntegrityError (500 `integrity_error`), and log both digests, unless the
    bytes hash to the SHA-256 recorded for them."""
    actual = await sha256_hex(content)
    if actual != recorded:
        logger.error(
            "Refused to serve %s: its bytes hash to SHA-256 %s, not the recorded %s",
            subject,
            actual,
            recorded,
        )
        raise FileIntegrityError(subject)


async def stamped(document: bytes) -> bytes:
    """A cached report's stored content: its digest line, then the document."""
    return DIGEST_HEADER + (await sha256_hex(document)).encode() + b"\n" + document


@dataclass(frozen=True)
class StampedDocument:
    """A cached report's stored content taken apart: the digest recorded for the document
    (None when there is none) and the document itself."""

    recorded: str | None
    document: bytes


def read_stamp(content: bytes) -> StampedDocument:
    """The recorded digest and document of a cached report's stored content."""
    head = content[:STAMP_LENGTH]
    digest = head[len(DIGEST_HEADER) : -1]
    if (
        len(head) < STAMP_LENGTH
        or not head.startswith(DIGEST_HEADER)
        or not head.endswith(b"\n")
        or not all(c in b"0123456789abcdef" for c in digest)
    ):
        return StampedDocument(None, content)
    return StampedDocument(digest.decode(), content[STAMP_LENGTH:])


def cache_subject(key: str, kind: str, tender_id: uuid.UUID) -> str:
    """How logs and findings name a cached report."""
    return f"cached report {key} ({kind} of tender {tender_id})"


async def cached_document(content: bytes, subject: str) -> bytes | None:
    """A cached report's document when it matches its recorded digest; otherwise None, with
    the reason logged (the caller renders it again)."""
    parts = read_stamp(content)
    if parts.recorded is None:
        logger.error("Discarded %s: it has no recorded SHA-256; rendering it again", subject)
        return None
    actual = await sha256_hex(parts.document)
    if actual != parts.recorded:
        logger.error(
            "Discarded %s: its bytes hash to SHA-256 %s, not the recorded %s; rendering it again",
            subject,
            actual,
            parts.recorded,
        )
        return None
    return parts.document


def _size_finding(
    subject: str, size: int, recorded: int, organisation_id: uuid.UUID | None
) -> list[IntegrityFinding]:
    if size == recorded:
        return []
    problem = f"it is {size} bytes, not the recorded {recorded}"
    return [IntegrityFinding("file", subject, problem, organisation_id)]


async def _publication_file_findings(session: AsyncSession) -> list[IntegrityFinding]:
    findings: list[IntegrityFinding] = []
    after: tuple[uuid.UUID, str] | None = None
    while True:
        statement = (
            sa.select(
                col(PublicationFile.publication_id),
                col(PublicationFile.kind),
                col(PublicationFile.sha256),
                col(PublicationFile.size),
                col(PublicationFile.content),
                col(Publication.title),
                col(Publication.version),
                col(Publication.organisation_id),
            )
            .join(Publication, col(Publication.id) == col(PublicationFile.publication_id))
            .order_by(col(PublicationFile.publication_id), col(PublicationFile.kind))
            .limit(BATCH_ROWS)
        )
        if after is not None:
            last_id, last_kind = after
            statement = statement.where(
                (col(PublicationFile.publication_id) > last_id)
                | (
                    (col(PublicationFile.publication_id) == last_id)
                    & (col(PublicationFile.kind) > last_kind)
                )
            )
        rows = (await session.execute(statement)).all()
        if not rows:
            return findings
        for publication_id, kind, recorded, size, content, title, version, owner in rows:
            subject = f"{kind} file of publication {publication_id} ({title}, version {version})"
            actual = await sha256_hex(content)
            if actual != recorded:
                problem = f"its bytes hash to {actual}, not the recorded {recorded}"
                findings.append(IntegrityFinding("file", subject, problem, owner))
            findings += _size_finding(subject, len(content), size, owner)
        after = (rows[-1].publication_id, rows[-1].kind)


async def _report_cache_findings(session: AsyncSession) -> list[IntegrityFinding]:
    findings: list[IntegrityFinding] = []
    after: str | None = None
    while True:
        statement = (
            sa.select(
                col(ReportCache.key),
                col(ReportCache.kind),
                col(ReportCache.tender_id),
                col(ReportCache.size),
                col(ReportCache.content),
                col(Tender.organisation_id),
            )
            .join(Tender, col(Tender.id) == col(ReportCache.tender_id))
            .order_by(col(ReportCache.key))
            .limit(BATCH_ROWS)
        )
        if after is not None:
            statement = statement.where(col(ReportCache.key) > after)
        rows = (await session.execute(statement)).all()
        if not rows:
            return findings
        for key, kind, tender_id, size, content, owner in rows:
            subject = cache_subject(key, kind, tender_id)
            parts = read_stamp(content)
            if parts.recorded is None:
                findings.append(
                    IntegrityFinding(
                        "file",
                        subject,
                        "it has no recorded SHA-256; it is rendered again when next asked for",
                        owner,
                    )
                )
                continue
            actual = await sha256_hex(parts.document)
            if actual != parts.recorded:
                findings.append(
                    IntegrityFinding(
                        "file",
                        subject,
                        f"its bytes hash to {actual}, not the recorded {parts.recorded}; "
                        "it is rendered again when next asked for",
                        owner,
                    )
                )
            findings += _size_finding(subject, len(parts.document), size, owner)
        after = rows[-1].key


async def stored_file_findings(session: AsyncSession) -> list[IntegrityFinding]:
    """Every publication file and cached report whose bytes differ from their recorded
    SHA-256 or size; read BATCH_ROWS files at a time, so memory stays bounded however many
    there are."""
    return [
        *await _publication_file_findings(session),
        *await _report_cache_findings(session),
    ]
