"""Bids: sealed submission, replacement and withdrawal, and who may read what."""

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.lifecycle import TenderStatus
from procurement.domain.roles import Permission, Role
from procurement.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from procurement.models import AuditEvent, Bid, Supplier, Tender
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.audit import AuditEventRead
from procurement.schemas.bid import (
    BidChannel,
    BidPage,
    BidRead,
    BidReceipt,
    BidRecord,
    BidReplace,
    BidStatus,
    BidSubmit,
    ReceiptPage,
)
from procurement.schemas.common import Page
from procurement.services.audit import content_digest, record_on_tender
from procurement.services.audit_redaction import BID_ENTITY, BID_RECEIPT_ACTIONS
from procurement.services.criteria import check_answers
from procurement.services.evaluator_access import EVERY_BID, BidAccess, bid_access
from procurement.services.queries import check_version, fetch_page
from procurement.services.tenders import TenderService


def is_sealed(tender: Tender) -> bool:
    """Bids stay sealed until the tender has been closed, and for ever if it never was."""
    return tender.closed_at is None


def _store_answers(bid: Bid, data: BidSubmit) -> None:
    # Numbers go into the JSON as strings, so they come back as the exact Decimals sent.
    bid.metric_answers = {key: str(value) for key, value in data.metric_answers.items()}
    bid.pass_fail_answers = dict(data.pass_fail_answers)
    bid.quality_responses = dict(data.quality_responses)
    bid.commitments = [
        {"measure_code": c.measure_code, "quantity": str(c.quantity)} for c in data.commitments
    ]


# How the audit trail stores each change to a bid, naming the supplier; while the bids are
# sealed, readers of the trail see it without the name (services.audit_redaction).
BID_SUMMARIES = {
    "submit": "Submitted a bid from {}",
    "record": "Recorded a bid from {}",
    "replace": "Replaced the bid from {}",
    "withdraw": "Withdrew the bid from {}",
}


def bid_digest(bid: Bid) -> str:
    """The SHA-256 of a bid's sealed contents in canonical JSON: its price (to the penny),
    answers and commitments, exactly as stored, with the bid's own random salt.

    Without the salt, a digest of a price-only bid could be reversed by trying every price;
    the salt is kept on the bid, which is sealed, never in the trail.
    """
    return content_digest(
        {
            "salt": bid.contents_salt,
            "price": f"{bid.price:.2f}",
            "metric_answers": bid.metric_answers,
            "pass_fail_answers": bid.pass_fail_answers,
            "quality_responses": bid.quality_responses,
            "commitments": bid.commitments,
        }
    )


def receipt_facts(bid: Bid) -> dict[str, Any]:
    """What the audit trail keeps of a bid: when and how it arrived, and a digest of it.

    Officers and administrators read the trail while bids are sealed, so it holds no price,
    answer or commitment; the digest still proves what was submitted once they are opened.
    """
    return {
        "supplier_id": str(bid.supplier_id),
        "status": bid.status.value,
        "channel": bid.channel.value,
        "received_at": bid.received_at.isoformat(),
        "withdrawn_at": None if bid.withdrawn_at is None else bid.withdrawn_at.isoformat(),
        "version": bid.version,
        "contents_sha256": bid_digest(bid),
    }


class BidService:
    """Takes bids while a tender is open and keeps them sealed until it closes."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor
        self.tenders = TenderService(session, actor)

    def _is_own(self, bid: Bid) -> bool:
        return self.actor.role is Role.SUPPLIER and bid.supplier_id == self.actor.supplier_id

    async def _read(self, bid: Bid, tender: Tender, access: BidAccess = EVERY_BID) -> BidRead:
        supplier = await self.session.get(Supplier, bid.supplier_id)
        return BidRead.model_validate(
            {
                **bid.model_dump(),
                **({"price": None} if access.hides_prices else {}),
                "supplier_name": supplier.name if supplier else "",
                "currency": tender.currency,
                "sealed": is_sealed(tender),
            }
        )

    async def list(self, tender_id: uuid.UUID, limit: int, offset: int) -> BidPage | ReceiptPage:
        """Full bids once the tender is closed; before that, only receipts (or a supplier's own)."""
        tender = await self.tenders.load(tender_id)
        access = await bid_access(self.session, self.actor, tender)
        statement = access.narrow(
            sa.select(Bid)
            .where(col(Bid.tender_id) == tender.id)
            .order_by(col(Bid.received_at), col(Bid.id))
        )
        if self.actor.role is Role.SUPPLIER:
            statement = statement.where(col(Bid.supplier_id) == self.actor.supplier_id)
        rows, total = await fetch_page(self.session, statement, limit, offset)
        if self.actor.role is Role.SUPPLIER or not is_sealed(tender):
            reads = [await self._read(row, tender, access) for row in rows]
            return BidPage(items=reads, total=total, limit=limit, offset=offset)
        receipts = [BidReceipt.model_validate(row, from_attributes=True) for row in rows]
        return ReceiptPage(items=receipts, total=total, limit=limit, offset=offset)

    async def _load(self, tender: Tender, bid_id: uuid.UUID, *, for_update: bool = False) -> Bid:
        statement = sa.select(Bid).where(col(Bid.id) == bid_id, col(Bid.tender_id) == tender.id)
        if for_update:
            statement = statement.with_for_update()
        bid = await self.session.scalar(statement)
        if bid is None or (self.actor.role is Role.SUPPLIER and not self._is_own(bid)):
            raise NotFoundError("Bid")
        return bid

    async def get(self, tender_id: uuid.UUID, bid_id: uuid.UUID) -> BidRead:
        """One bid: its own supplier may always read it, others only after the tender closes."""
        tender = await self.tenders.load(tender_id)
        access = await bid_access(self.session, self.actor, tender)
        bid = await self._load(tender, bid_id)
        access.require(bid.id)
        if is_sealed(tender) and not self._is_own(bid):
            raise ForbiddenError(
                "Bids are sealed until the tender closes; only that the bid arrived can be seen",
                code="bid_sealed",
            )
        return await self._read(bid, tender, access)

    async def events(
        self, tender_id: uuid.UUID, bid_id: uuid.UUID, limit: int, offset: int
    ) -> Page[AuditEventRead]:
        """The trail of a supplier's own bid, oldest first: each submission, replacement and
        withdrawal, in full, whether or not the tender has closed."""
        self.actor.require(Permission.SUBMIT_OWN_BID)
        tender = await self.tenders.load(tender_id)
        bid = await self._load(tender, bid_id)  # another supplier's bid is not found
        statement = (
            sa.select(AuditEvent)
            .where(
                col(AuditEvent.organisation_id) == tender.organisation_id,
                col(AuditEvent.tender_id) == tender.id,
                col(AuditEvent.entity_type) == BID_ENTITY,
                col(AuditEvent.entity_id) == str(bid.id),
                # Never the evaluation's events about the bid, such as an evaluator's drafts.
                col(AuditEvent.action).in_(BID_RECEIPT_ACTIONS),
            )
            .order_by(col(AuditEvent.position))
        )
        rows, total = await fetch_page(self.session, statement, limit, offset)
        items = [AuditEventRead.model_validate(row) for row in rows]
        return Page(items=items, total=total, limit=limit, offset=offset)

    async def _audit(
        self, tender: Tender, bid: Bid, action: str, before: dict[str, Any] | None
    ) -> None:
        supplier = await self.session.get(Supplier, bid.supplier_id)
        await record_on_tender(
            self.session,
            self.actor,
            tender,
            entity_type=BID_ENTITY,
            entity_id=bid.id,
            action=action,
            summary=BID_SUMMARIES[action].format(supplier.name if supplier else bid.supplier_id),
            before=before,
            after=receipt_facts(bid),
        )

    def _require_open(self, tender: Tender) -> None:
        if tender.status is not TenderStatus.OPEN:
            raise ConflictError(
                f"Bids are taken only while a tender is open; this one is {tender.status.value}",
                code="tender_not_open",
                current_status=tender.status.value,
            )
        if utc_now() >= tender.submission_deadline:
            raise ConflictError("The submission deadline has passed", code="deadline_passed")

    async def submit(self, tender_id: uuid.UUID, data: BidSubmit | BidRecord) -> BidRead:
        """A supplier's own bid, or an officer recording one received by another route."""
        if isinstance(data, BidRecord):
            self.actor.require(Permission.RECORD_BIDS)
            supplier_id = data.supplier_id
            channel = BidChannel.RECORDED
        else:
            self.actor.require(Permission.SUBMIT_OWN_BID)
            if self.actor.supplier_id is None:
                raise ForbiddenError(
                    "Your account is not linked to a supplier", code="role_forbidden"
                )
            supplier_id = self.actor.supplier_id
            channel = BidChannel.PORTAL
        tender = await self.tenders.load(tender_id, for_update=True)
        self._require_open(tender)
        supplier = await self.session.scalar(
            sa.select(Supplier).where(
                col(Supplier.id) == supplier_id,
                col(Supplier.organisation_id) == tender.organisation_id,
            )
        )
        if supplier is None:
            raise InputError.single("supplier_id", "No such supplier in this organisation")
        existing = await self.session.scalar(
            sa.select(Bid).where(
                col(Bid.tender_id) == tender.id, col(Bid.supplier_id) == supplier_id
            )
        )
        now = utc_now()
        if existing is not None and existing.status is BidStatus.SUBMITTED:
            raise ConflictError(
                "This supplier has already bid; replace or withdraw that bid instead",
                code="bid_exists",
                bid_id=str(existing.id),
            )
        await check_answers(self.session, tender, data.answers())
        before = None if existing is None else receipt_facts(existing)
        if existing is not None:  # resubmitting after a withdrawal keeps one row per supplier
            bid = existing
            bid.price = data.price
            bid.status = BidStatus.SUBMITTED
            bid.channel = channel
            bid.received_at = now
            bid.withdrawn_at = None
            bid.submitted_by_id = self.actor.user_id
            bid.touch()
        else:
            bid = Bid(
                tender_id=tender.id,
                supplier_id=supplier_id,
                price=data.price,
                status=BidStatus.SUBMITTED,
                channel=channel,
                received_at=now,
                first_received_at=now,
                submitted_by_id=self.actor.user_id,
            )
            self.session.add(bid)
        _store_answers(bid, data)
        action = "record" if channel is BidChannel.RECORDED else "submit"
        await self._audit(tender, bid, action, before)
        await self.session.commit()
        return await self._read(bid, tender)

    async def _own_for_change(self, tender_id: uuid.UUID, bid_id: uuid.UUID) -> tuple[Tender, Bid]:
        self.actor.require(Permission.SUBMIT_OWN_BID)
        tender = await self.tenders.load(tender_id, for_update=True)
        bid = await self._load(tender, bid_id, for_update=True)
        self._require_open(tender)
        return tender, bid

    async def replace(self, tender_id: uuid.UUID, bid_id: uuid.UUID, data: BidReplace) -> BidRead:
        """Replace a supplier's own bid before the deadline."""
        tender, bid = await self._own_for_change(tender_id, bid_id)
        check_version("The bid", bid.version, data.version)
        if bid.status is BidStatus.WITHDRAWN:
            raise ConflictError("This bid was withdrawn; submit a new one", code="bid_withdrawn")
        await check_answers(self.session, tender, data.answers())
        before = receipt_facts(bid)
        bid.price = data.price
        _store_answers(bid, data)
        bid.received_at = utc_now()
        bid.submitted_by_id = self.actor.user_id
        bid.touch()
        await self._audit(tender, bid, "replace", before)
        await self.session.commit()
        return await self._read(bid, tender)

    async def withdraw(self, tender_id: uuid.UUID, bid_id: uuid.UUID) -> BidRead:
        """Withdraw a supplier's own bid before the deadline. The record is kept."""
        tender, bid = await self._own_for_change(tender_id, bid_id)
        if bid.status is BidStatus.WITHDRAWN:
            raise ConflictError("This bid is already withdrawn", code="bid_withdrawn")
        before = receipt_facts(bid)
        bid.status = BidStatus.WITHDRAWN
        bid.withdrawn_at = utc_now()
        bid.touch()
        await self._audit(tender, bid, "withdraw", before)
        await self.session.commit()
        return await self._read(bid, tender)
