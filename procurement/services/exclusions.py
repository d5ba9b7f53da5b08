"""Excluding a bid from the evaluation, with the reason, and reinstating it."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.roles import Permission
from procurement.errors import ConflictError, NotFoundError
from procurement.models import Bid, Tender
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.bid import BidRead, BidStatus
from procurement.schemas.evaluation import BidExclusion
from procurement.services import audit
from procurement.services.bids import BidService
from procurement.services.evaluation_state import require_evaluation_open
from procurement.services.tenders import TenderService


class ExclusionService:
    """The lead takes a bid out of the ranking (it is still scored, for the record) or back."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor
        self.tenders = TenderService(session, actor)

    async def _load(self, tender_id: uuid.UUID, bid_id: uuid.UUID) -> tuple[Tender, Bid]:
        self.actor.require(Permission.MANAGE_TENDERS)
        # The tender is locked first: it is what every change to the evaluation bumps.
        tender = await self.tenders.load(tender_id, for_update=True)
        bid = await self.session.scalar(
            sa.select(Bid)
            .where(col(Bid.id) == bid_id, col(Bid.tender_id) == tender.id)
            .with_for_update()
        )
        if bid is None:
            raise NotFoundError("Bid")
        require_evaluation_open(tender)
        if bid.status is BidStatus.WITHDRAWN:
            raise ConflictError(
                "This bid was withdrawn; it is not part of the evaluation", code="bid_withdrawn"
            )
        return tender, bid

    async def _save(
        self, tender: Tender, bid: Bid, before: dict[str, Any], action: str, summary: str
    ) -> BidRead:
        bid.touch()
        tender.evaluation_inputs_changed()
        await audit.record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type="bid",
            entity_id=bid.id,
            action=action,
            summary=summary,
            before=before,
            after=audit.snapshot(bid),
        )
        await self.session.commit()
        return await BidService(self.session, self.actor).get(tender.id, bid.id)

    async def exclude(self, tender_id: uuid.UUID, bid_id: uuid.UUID, data: BidExclusion) -> BidRead:
        """Exclude a bid with the reason; it keeps its scores but takes no rank."""
        tender, bid = await self._load(tender_id, bid_id)
        if bid.excluded_reason is not None:
            raise ConflictError(
                f"This bid is already excluded: {bid.excluded_reason}", code="bid_excluded"
            )
        before = audit.snapshot(bid)
        bid.excluded_reason = data.reason
        bid.excluded_at = utc_now()
        bid.excluded_by_id = self.actor.user_id
        return await self._save(
            tender, bid, before, "exclude", f"Excluded a bid from the evaluation: {data.reason}"
        )

    async def reinstate(self, tender_id: uuid.UUID, bid_id: uuid.UUID) -> BidRead:
        """Bring an excluded bid back into the evaluation."""
        tender, bid = await self._load(tender_id, bid_id)
        if bid.excluded_reason is None:
            raise ConflictError("This bid is not excluded", code="bid_not_excluded")
        before = audit.snapshot(bid)
        bid.excluded_reason = None
        bid.excluded_at = None
        bid.excluded_by_id = None
        return await self._save(tender, bid, before, "reinstate", "Reinstated an excluded bid")
