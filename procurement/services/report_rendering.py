"""Report PDFs: served from the cache when their inputs are unchanged, otherwise rendered in a
pool of worker processes, never on the event loop, within a time limit."""

import asyncio
import hashlib
import json
import multiprocessing
import signal
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.config import Settings
from procurement.errors import ReportTimeoutError
from procurement.models import (
    AuditEvent,
    Award,
    Bid,
    EvaluatorAssignment,
    Organisation,
    ReportCache,
    Supplier,
    Tender,
    User,
)
from procurement.models.base import utc_now
from procurement.services.file_integrity import cache_subject, cached_document, stamped
from reports.pdf import RENDER_TEMPLATE_VERSION, render_pdf


class RenderDeadlineError(Exception):
    """A worker gave up on a render that overran its time limit."""


# How often the deadline's alarm fires again once the time is up, until the render stops.
DEADLINE_REPEAT_SECONDS = 0.05


def _stop_render(_signum: int, _frame: FrameType | None) -> None:
    raise RenderDeadlineError


# Turns (template, context, title=...) into PDF bytes: render_pdf, or a module-level function
# such as render_archive_pdf with its extra arguments bound (functools.partial), which pickles
# into a worker process.
Renderer = Callable[..., bytes]


def render_within(
    seconds: float,
    template: str,
    context: Mapping[str, Any],
    title: str,
    renderer: Renderer = render_pdf,
) -> bytes:
    """Render in a worker process, abandoning the render once `seconds` have passed.

    The caller stops waiting at the same limit; this frees the worker too, so a document that
    is too big to finish cannot hold a worker for ever.
    """
    signal.signal(signal.SIGALRM, _stop_render)
    # The alarm repeats until the render has unwound: a library that catches broad exceptions
    # around some step could swallow the first one, and the render would then run on.
    signal.setitimer(signal.ITIMER_REAL, seconds, DEADLINE_REPEAT_SECONDS)
    try:
        return renderer(template, context, title=title)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _leave_stopping_to_the_pool() -> None:
    # Ctrl-C reaches the whole process group, and a service manager may signal every process
    # of the service; the web process stops its workers itself (ReportPool.close), after the
    # render under way, so a stray signal must not kill a worker mid-render.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


class ReportPool:
    """The process's worker pool for reports, started on first use."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None

    def submit(
        self,
        settings: Settings,
        template: str,
        context: Mapping[str, Any],
        title: str,
        renderer: Renderer = render_pdf,
    ) -> "Future[bytes]":
        """Queue a render (PDF/UA-1 unless another renderer is given); the pool has
        `settings.report_workers` processes."""
        if self._executor is None:
            # spawn, not fork: the web process has threads and open connections to leave behind.
            self._executor = ProcessPoolExecutor(
                max_workers=settings.report_workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_leave_stopping_to_the_pool,
            )
        return self._executor.submit(
            render_within, settings.report_timeout_seconds, template, context, title, renderer
        )

    def shutdown(self) -> None:
        """Stop the workers (queued renders are cancelled); the next render starts new ones."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    async def close(self) -> None:
        """Stop the workers and wait until they have exited, when the service stops.

        Queued renders are cancelled; one under way ends within its time limit. Waiting lets
        the pool release its queues' semaphores before the process exits, and leaves no worker
        behind it.
        """
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)


REPORT_POOL = ReportPool()


async def render_in_pool(
    settings: Settings,
    template: str,
    context: Mapping[str, Any],
    title: str,
    renderer: Renderer = render_pdf,
) -> bytes:
    """Render in the worker pool and wait for the document, within the time limit.

    The context must be plain, picklable data (see `render_cached`). Raises
    ReportTimeoutError (503, `report_timeout`) when the render overruns.
    """
    seconds = settings.report_timeout_seconds
    future = REPORT_POOL.submit(settings, template, dict(context), title, renderer)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout=seconds)
    except (TimeoutError, RenderDeadlineError):
        raise ReportTimeoutError(seconds) from None
    except BrokenProcessPool:
        REPORT_POOL.shutdown()  # a worker died (out of memory?); start afresh next time
        raise


def _latest(column: Any, *where: Any) -> Any:
    """A scalar subquery: the latest `column` value among the rows matching `where`."""
    return sa.select(sa.func.max(column)).where(*where).scalar_subquery()


async def report_fingerprint(session: AsyncSession, *, tender: Tender, kind: str, key: str) -> str:
    """The cache key of a report: the sha256 of everything that can change what it shows,
    read in one cheap query so that a repeat download builds no context.

    The tender's latest audit event moves with every audited change to it (bids, criteria,
    declarations, scores, moderation, exclusions, the award), and with nothing done to other
    tenders, so a report stays cached while the rest of the council works; names are not
    audited, so the latest edit of the organisation, of the bidding suppliers and of the
    assigned evaluators count too.
    """
    organisation_id = tender.organisation_id
    row = (
        await session.execute(
            sa.select(
                # A tender has at most one award; max() would not take a uuid on PostgreSQL.
                sa.select(col(Award.id))
                .where(col(Award.tender_id) == tender.id)
                .scalar_subquery()
                .label("award_id"),
                _latest(col(Award.version), col(Award.tender_id) == tender.id).label(
                    "award_version"
                ),
                _latest(col(AuditEvent.id), col(AuditEvent.tender_id) == tender.id).label(
                    "audit_position"
                ),
                _latest(
                    col(Organisation.updated_at), col(Organisation.id) == organisation_id
                ).label("organisation_updated"),
                _latest(
                    col(Supplier.updated_at),
                    col(Supplier.id).in_(
                        sa.select(col(Bid.supplier_id)).where(col(Bid.tender_id) == tender.id)
                    ),
                ).label("suppliers_updated"),
                _latest(
                    col(User.updated_at),
                    col(User.id).in_(
                        sa.select(col(EvaluatorAssignment.user_id)).where(
                            col(EvaluatorAssignment.tender_id) == tender.id
                        )
                    ),
                ).label("evaluators_updated"),
            )
        )
    ).one()
    inputs = {
        "kind": kind,
        "key": key,
        "tender": str(tender.id),
        "tender_version": tender.version,
        "evaluation_version": tender.evaluation_version,
        "status": tender.status.value,
        "templates": RENDER_TEMPLATE_VERSION,
        **{name: None if value is None else str(value) for name, value in row._mapping.items()},
    }
    encoded = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


async def _store(session: AsyncSession, values: dict[str, Any], *, replace: bool) -> None:
    # Two requests may render the same report at once: the first insert wins, the second is
    # a no-op (same key, same inputs, so the same document). A discarded entry is replaced.
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(ReportCache).values(**values)
    keys = [col(ReportCache.key)]
    if replace:
        changed = {name: statement.excluded[name] for name in ("content", "size", "created_at")}
        await session.execute(statement.on_conflict_do_update(index_elements=keys, set_=changed))
    else:
        await session.execute(statement.on_conflict_do_nothing(index_elements=keys))
    await session.commit()


async def render_cached(
    session: AsyncSession,
    *,
    settings: Settings,
    tender: Tender,
    kind: str,
    fingerprint: str,
    template: str,
    build_context: Callable[[], Awaitable[Mapping[str, Any]]],
    title: str,
) -> bytes:
    """The PDF for `template`: from the report cache, or rendered and cached.

    - `kind` names the report ("evaluation_report", "assessment_summary"); `fingerprint` is
      its cache key, from `report_fingerprint`.
    - `build_context` is awaited only when the report is not cached; its context must be
      plain, picklable data: dicts with string keys, lists, str, int, bool, None, Decimal,
      date, datetime, UUID, enums and dataclasses of these.
    - `settings` gives the worker count and the time limit (`provide_settings` in handlers).
    - Raises ReportTimeoutError (503, `report_timeout`) when the render overruns; nothing is
      cached then. Commits the session after storing a new document.
    - The document is stored with its SHA-256 (`file_integrity.stamped`). A cached document
      that no longer matches it is never served: it is logged, rendered again and replaced,
      since it is derived from the database anyway.
    """
    cached: bytes | None = await session.scalar(
        sa.select(col(ReportCache.content)).where(col(ReportCache.key) == fingerprint)
    )
    if cached is not None:
        document = await cached_document(cached, cache_subject(fingerprint, kind, tender.id))
        if document is not None:
            return document
    content = await render_in_pool(settings, template, await build_context(), title)
    await _store(
        session,
        {
            "key": fingerprint,
            "tender_id": tender.id,
            "kind": kind,
            "content": await stamped(content),
            "size": len(content),
            "created_at": utc_now(),
        },
        replace=cached is not None,
    )
    return content
