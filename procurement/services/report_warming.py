"""Renders an awarded tender's evaluation report and every bidder's assessment summary into
the report cache just after the award, so the downloads that follow it are instant.

A large tender's report takes tens of seconds to render cold; the award is the moment its
content becomes final and everybody wants it. The work runs after the award's response has
gone (a background task), in the report worker pool, so nobody waits for it. A failure only
means the downloads render on demand, as they would have anyway, so it is logged, not raised.
"""

import logging
import uuid

from litestar.background_tasks import BackgroundTask
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from procurement.config import Settings
from procurement.models import Tender
from procurement.services.assessment_summaries import summary_batch
from procurement.services.reports import evaluation_report

logger = logging.getLogger(__name__)


async def warm_award_reports(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, tender_id: uuid.UUID
) -> None:
    """Render the tender's report and summaries into the cache; log, never raise, a failure."""
    try:
        async with sessions() as session:
            tender = await session.get(Tender, tender_id)
            if tender is None:
                return
            await evaluation_report(session, tender, settings)
            batch = await summary_batch(session, tender)
            for bid_id in batch.bid_ids:
                await batch.render(bid_id, settings)
            await session.commit()
    except Exception:  # a warm-up is an optimisation: the download renders on demand instead
        logger.exception("Could not pre-render the reports of tender %s", tender_id)


def warm_after_award(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, tender_id: uuid.UUID
) -> BackgroundTask | None:
    """The background task that warms the cache after an award, unless turned off
    (`REPORT_WARM_ON_AWARD=false`)."""
    if not settings.report_warm_on_award:
        return None
    return BackgroundTask(warm_award_reports, sessions, settings, tender_id)
