"""Report PDFs: served from the cache when their inputs are unchanged, otherwise rendered in a
pool of worker processes, never on the event loop, within a time limit."""

import asyncio
import dataclasses
import hashlib
import json
import multiprocessing
import signal
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from types import FrameType
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.config import Settings
from procurement.errors import ReportTimeoutError
from procurement.models import Award, ReportCache, Tender
from procurement.models.base import utc_now
from reports.pdf import RENDER_TEMPLATE_VERSION, render_pdf


class RenderDeadlineError(Exception):
    """A worker gave up on a render that overran its time limit."""


def _stop_render(_signum: int, _frame: FrameType | None) -> None:
    raise RenderDeadlineError


def render_within(seconds: float, template: str, context: Mapping[str, Any], title: str) -> bytes:
    """Render in a worker process, abandoning the render once `seconds` have passed.

    The caller stops waiting at the same limit; this frees the worker too, so a document that
    is too big to finish cannot hold a worker for ever.
    """
    signal.signal(signal.SIGALRM, _stop_render)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return render_pdf(template, context, title=title)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


class ReportPool:
    """The process's worker pool for reports, started on first use."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None

    def submit(
        self, settings: Settings, template: str, context: Mapping[str, Any], title: str
    ) -> "Future[bytes]":
        """Queue a render; the pool has `settings.report_workers` processes."""
        if self._executor is None:
            # spawn, not fork: the web process has threads and open connections to leave behind.
            self._executor = ProcessPoolExecutor(
                max_workers=settings.report_workers,
                mp_context=multiprocessing.get_context("spawn"),
            )
        return self._executor.submit(
            render_within, settings.report_timeout_seconds, template, context, title
        )

    def shutdown(self) -> None:
        """Stop the workers (queued renders are cancelled); the next render starts new ones."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


REPORT_POOL = ReportPool()


def _plain(value: Any) -> Any:
    """JSON for the context values json cannot write itself, for the cache key."""
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return {"__type__": type(value).__qualname__, **fields}
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    raise TypeError(f"report context values must be plain data, not {type(value).__name__}")


async def report_cache_key(
    session: AsyncSession, *, tender: Tender, kind: str, key: str, context: Mapping[str, Any]
) -> str:
    """The sha256 of everything a report is rendered from: its kind and subject, the tender's
    evaluation version, status and award, the templates, and the context itself."""
    award = (
        await session.execute(
            sa.select(col(Award.id), col(Award.version)).where(col(Award.tender_id) == tender.id)
        )
    ).first()
    inputs = {
        "kind": kind,
        "key": key,
        "tender": str(tender.id),
        "evaluation_version": tender.evaluation_version,
        "status": tender.status.value,
        "award": None if award is None else [str(award.id), award.version],
        "templates": RENDER_TEMPLATE_VERSION,
        "context": context,
    }
    encoded = json.dumps(inputs, sort_keys=True, default=_plain, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


async def _store(session: AsyncSession, values: dict[str, Any]) -> None:
    # Two requests may render the same report at once: the first insert wins, the second is
    # a no-op (same key, same inputs, so the same document).
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(ReportCache).values(**values)
    await session.execute(statement.on_conflict_do_nothing(index_elements=[col(ReportCache.key)]))
    await session.commit()


async def render_cached(
    session: AsyncSession,
    *,
    settings: Settings,
    tender: Tender,
    kind: str,
    key: str,
    template: str,
    context: Mapping[str, Any],
    title: str,
) -> bytes:
    """The PDF for `template` with `context`: from the report cache, or rendered and cached.

    - `kind` names the report ("evaluation_report", "assessment_summary"); `key` its subject
      within the tender (e.g. the bid id, or "" for a whole-tender report).
    - `context` must be plain, picklable data: dicts with string keys, lists, str, int, bool,
      None, Decimal, date, datetime, UUID, enums and dataclasses of these. It is part of the
      cache key, so leave out anything that changes on every request (such as the time now).
    - `settings` gives the worker count and the time limit (`provide_settings` in handlers).
    - Raises ReportTimeoutError (503, `report_timeout`) when the render overruns; nothing is
      cached then. Commits the session after storing a new document.
    """
    digest = await report_cache_key(session, tender=tender, kind=kind, key=key, context=context)
    cached: bytes | None = await session.scalar(
        sa.select(col(ReportCache.content)).where(col(ReportCache.key) == digest)
    )
    if cached is not None:
        return cached
    seconds = settings.report_timeout_seconds
    future = REPORT_POOL.submit(settings, template, dict(context), title)
    try:
        content = await asyncio.wait_for(asyncio.wrap_future(future), timeout=seconds)
    except (TimeoutError, RenderDeadlineError):
        raise ReportTimeoutError(seconds) from None
    except BrokenProcessPool:
        REPORT_POOL.shutdown()  # a worker died (out of memory?); start afresh next time
        raise
    await _store(
        session,
        {
            "key": digest,
            "tender_id": tender.id,
            "kind": kind,
            "content": content,
            "size": len(content),
            "created_at": utc_now(),
        },
    )
    return content
