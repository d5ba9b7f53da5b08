"""Tenders: the register, draft editing, and the lifecycle actions."""

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.domain.lifecycle import (
    InvalidTransitionError,
    TenderAction,
    TenderStatus,
    next_status,
)
from procurement.domain.roles import Permission, Role
from procurement.errors import ConflictError, InputError, NotFoundError
from procurement.models import Bid, Tender
from procurement.models.base import utc_now
from procurement.principal import Principal
from procurement.schemas.bid import BidStatus
from procurement.schemas.common import Page
from procurement.schemas.criteria import CriteriaTreeSchema
from procurement.schemas.tender import (
    TenderCreate,
    TenderRead,
    TenderSort,
    TenderTransition,
    TenderUpdate,
)
from procurement.services.audit import record_on_tender, snapshot
from procurement.services.criteria_checks import criteria_issues, refuse_invalid
from procurement.services.queries import check_version, commit_unique, fetch_page, order_by

REFERENCE_TAKEN = "Another tender already has this reference"
# How the audit trail words each lifecycle action: "Published tender NB-2026-014".
DONE = {
    TenderAction.PUBLISH: "Published",
    TenderAction.CLOSE: "Closed",
    TenderAction.BEGIN_EVALUATION: "Began evaluating",
    TenderAction.AWARD: "Awarded",
    TenderAction.CANCEL: "Cancelled",
}


@dataclass(frozen=True)
class TenderFilter:
    """What the tender list is narrowed and ordered by."""

    status: TenderStatus | None = None
    search: str | None = None
    sort: TenderSort = TenderSort.CREATED_DESC


def tender_snapshot(row: Tender) -> dict[str, Any]:
    """A tender as its audit events keep it; the criteria have events of their own."""
    return snapshot(row, exclude={"criteria", "evaluation_rules"})


def invalid_transition(error: InvalidTransitionError) -> ConflictError:
    """The 409 for an action the tender's status does not allow."""
    return ConflictError(str(error), code="invalid_transition", current_status=error.current.value)


class TenderService:
    """Creates, edits, lists and moves tenders through their lifecycle."""

    def __init__(self, session: AsyncSession, actor: Principal) -> None:
        self.session = session
        self.actor = actor

    def _visible(self) -> sa.Select[tuple[Tender]]:
        """Tenders the caller may know of: suppliers see open ones and those they bid for."""
        statement = sa.select(Tender).where(
            col(Tender.organisation_id) == self.actor.organisation_id
        )
        if self.actor.role is Role.SUPPLIER:
            own_bid = sa.select(col(Bid.tender_id)).where(
                col(Bid.supplier_id) == self.actor.supplier_id
            )
            statement = statement.where(
                sa.or_(col(Tender.status) == TenderStatus.OPEN, col(Tender.id).in_(own_bid))
            )
        return statement

    async def _audit(
        self,
        row: Tender,
        action: str,
        summary: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        await record_on_tender(
            self.session,
            self.actor,
            row,
            entity_type="tender",
            entity_id=row.id,
            action=action,
            summary=summary,
            before=before,
            after=after,
        )

    async def _bid_counts(self, tender_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not tender_ids:
            return {}
        rows = await self.session.execute(
            sa.select(col(Bid.tender_id), sa.func.count())
            .where(col(Bid.tender_id).in_(tender_ids), col(Bid.status) == BidStatus.SUBMITTED)
            .group_by(col(Bid.tender_id))
        )
        return {tender_id: int(n) for tender_id, n in rows.all()}

    async def _read_many(self, rows: list[Tender]) -> list[TenderRead]:
        counts = await self._bid_counts([r.id for r in rows])
        return [
            TenderRead.model_validate({**r.model_dump(), "bid_count": counts.get(r.id, 0)})
            for r in rows
        ]

    async def read(self, row: Tender) -> TenderRead:
        """The API shape of one tender."""
        return (await self._read_many([row]))[0]

    async def load(self, tender_id: uuid.UUID, *, for_update: bool = False) -> Tender:
        """A tender the caller may see, or 404."""
        self.actor.require(Permission.READ_TENDERS)
        statement = self._visible().where(col(Tender.id) == tender_id)
        if for_update:
            statement = statement.with_for_update()
        row = await self.session.scalar(statement)
        if row is None:
            raise NotFoundError("Tender")
        return row

    async def list(self, filters: TenderFilter, limit: int, offset: int) -> Page[TenderRead]:
        """Tenders, filtered by status and by text in the reference or title."""
        self.actor.require(Permission.READ_TENDERS)
        statement = self._visible().order_by(order_by(filters.sort.value, Tender), col(Tender.id))
        if filters.status is not None:
            statement = statement.where(col(Tender.status) == filters.status)
        if filters.search:
            # PostgreSQL text cannot hold NUL; a NUL typed into a search box matches nothing else
            text = filters.search.replace("\x00", "").strip()
            statement = statement.where(
                sa.or_(
                    col(Tender.reference).icontains(text, autoescape=True),
                    col(Tender.title).icontains(text, autoescape=True),
                )
            )
        rows, total = await fetch_page(self.session, statement, limit, offset)
        return Page(items=await self._read_many(rows), total=total, limit=limit, offset=offset)

    async def get(self, tender_id: uuid.UUID) -> TenderRead:
        """One tender."""
        return await self.read(await self.load(tender_id))

    async def _check_reference_free(
        self, reference: str, except_id: uuid.UUID | None = None
    ) -> None:
        clash = await self.session.scalar(
            sa.select(col(Tender.id)).where(
                col(Tender.organisation_id) == self.actor.organisation_id,
                col(Tender.reference) == reference,
            )
        )
        if clash is not None and clash != except_id:
            raise InputError.single("reference", REFERENCE_TAKEN)

    async def create(self, data: TenderCreate) -> TenderRead:
        """Start a draft tender."""
        self.actor.require(Permission.MANAGE_TENDERS)
        await self._check_reference_free(data.reference)
        row = Tender(
            **data.model_dump(),
            organisation_id=self.actor.organisation_id,
            status=TenderStatus.DRAFT,
            created_by_id=self.actor.user_id,
        )
        self.session.add(row)
        summary = f"Created draft tender {row.reference}"
        await self._audit(row, "create", summary, None, tender_snapshot(row))
        await commit_unique(self.session, "reference", REFERENCE_TAKEN)
        return await self.read(row)

    async def update(self, tender_id: uuid.UUID, data: TenderUpdate) -> TenderRead:
        """Edit a draft; published tenders are fixed so that every bidder saw the same terms."""
        self.actor.require(Permission.MANAGE_TENDERS)
        row = await self.load(tender_id, for_update=True)
        check_version("The tender", row.version, data.version)
        if row.status is not TenderStatus.DRAFT:
            raise ConflictError(
                f"Only a draft tender can be edited; this one is {row.status.value}",
                code="tender_not_editable",
                current_status=row.status.value,
            )
        before = tender_snapshot(row)
        changes = data.model_dump(exclude_unset=True, exclude={"version"})
        if changes.get("reference"):
            await self._check_reference_free(changes["reference"], row.id)
        for name, value in changes.items():
            if value is None:
                raise InputError.single(name, "This field cannot be empty")
            setattr(row, name, value)
        row.touch()
        summary = f"Edited draft tender {row.reference}"
        await self._audit(row, "update", summary, before, tender_snapshot(row))
        await commit_unique(self.session, "reference", REFERENCE_TAKEN)
        return await self.read(row)

    async def delete(self, tender_id: uuid.UUID) -> None:
        """Discard a draft. Anything published is kept and can only be cancelled."""
        self.actor.require(Permission.MANAGE_TENDERS)
        row = await self.load(tender_id, for_update=True)
        if row.status is not TenderStatus.DRAFT:
            raise ConflictError(
                f"Only a draft tender can be deleted; cancel a {row.status.value} one instead",
                code="tender_not_editable",
                current_status=row.status.value,
            )
        await self.session.delete(row)
        summary = f"Deleted draft tender {row.reference}"
        await self._audit(row, "delete", summary, tender_snapshot(row), None)
        await self.session.commit()

    async def transition(
        self, tender_id: uuid.UUID, action: TenderAction, data: TenderTransition
    ) -> TenderRead:
        """Publish, close or cancel a tender."""
        self.actor.require(Permission.MANAGE_TENDERS)
        row = await self.load(tender_id, for_update=True)
        try:
            target = next_status(row.status, action)
        except InvalidTransitionError as error:
            raise invalid_transition(error) from error
        now = utc_now()
        before = tender_snapshot(row)
        if action is TenderAction.PUBLISH:
            if row.submission_deadline <= now:
                raise InputError.single(
                    "submission_deadline",
                    "The submission deadline has passed; set a later one before publishing",
                )
            # Warnings are shown while editing; only errors stop publication.
            tree = CriteriaTreeSchema.model_validate(row.criteria)
            refuse_invalid(
                await criteria_issues(self.session, row.organisation_id, tree, now.date())
            )
            row.published_at = now
            row.measure_values_on = now.date()
        elif action is TenderAction.CLOSE:
            if row.submission_deadline > now and not data.reason:
                raise ConflictError(
                    "The submission deadline has not passed; give a reason to close early",
                    code="deadline_not_reached",
                )
            row.closed_at = now
            row.close_reason = data.reason
        elif action is TenderAction.CANCEL:
            if not data.reason:
                raise InputError.single("reason", "Give the reason for cancelling")
            row.cancelled_at = now
            row.cancel_reason = data.reason
        row.status = target
        row.touch()
        summary = f"{DONE[action]} tender {row.reference}"
        await self._audit(row, action.value, summary, before, tender_snapshot(row))
        await self.session.commit()
        return await self.read(row)
