"""TenderService.transition: publish, close and cancel, with their timestamps and reasons."""

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderAction, TenderStatus
from procurement.errors import ConflictError, ForbiddenError, InputError
from procurement.models import Tender
from procurement.models.base import utc_now
from procurement.schemas.tender import TenderRead, TenderTransition
from procurement.services.tenders import TenderService
from tests.factories import make_tender
from tests.integration.support import Council, field_of, supplier_account

Act = Callable[[TenderAction, str | None], Awaitable[TenderRead]]
S, A = TenderStatus, TenderAction


async def _tender(
    session: AsyncSession, council: Council, status: TenderStatus, deadline_in: timedelta
) -> Tender:
    return await make_tender(
        session, council.organisation, council.officer_user, status, deadline_in=deadline_in
    )


def _acting_on(session: AsyncSession, council: Council, tender: Tender) -> Act:
    service = TenderService(session, council.officer)

    async def act(action: TenderAction, reason: str | None = None) -> TenderRead:
        return await service.transition(tender.id, action, TenderTransition(reason=reason))

    return act


def _just_now(moment: datetime | None, since: datetime) -> bool:
    return moment is not None and since <= moment <= utc_now()


async def test_publishing_opens_a_draft_and_stamps_the_time(
    session: AsyncSession, council: Council
) -> None:
    tender = await _tender(session, council, S.DRAFT, timedelta(days=7))
    before = utc_now()
    published = await _acting_on(session, council, tender)(A.PUBLISH, None)
    assert (published.status, published.version) == (S.OPEN, 2)
    assert _just_now(published.published_at, before)


async def test_a_draft_whose_deadline_has_passed_cannot_be_published(
    session: AsyncSession, council: Council
) -> None:
    tender = await _tender(session, council, S.DRAFT, timedelta(minutes=-1))
    with pytest.raises(InputError) as caught:
        await _acting_on(session, council, tender)(A.PUBLISH, None)
    assert field_of(caught.value) == "submission_deadline"


async def test_closing_before_the_deadline_needs_a_reason(
    session: AsyncSession, council: Council
) -> None:
    tender = await _tender(session, council, S.OPEN, timedelta(days=7))
    act = _acting_on(session, council, tender)
    with pytest.raises(ConflictError, match=r"^deadline_not_reached:"):
        await act(A.CLOSE, None)
    before = utc_now()
    closed = await act(A.CLOSE, "Only one bidder could meet the specification")
    assert (closed.status, closed.close_reason) == (
        S.CLOSED,
        "Only one bidder could meet the specification",
    )
    assert _just_now(closed.closed_at, before)


async def test_closing_after_the_deadline_needs_no_reason(
    session: AsyncSession, council: Council
) -> None:
    tender = await _tender(session, council, S.OPEN, timedelta(minutes=-1))
    closed = await _acting_on(session, council, tender)(A.CLOSE, None)
    assert (closed.status, closed.close_reason) == (S.CLOSED, None)
    assert closed.closed_at is not None


@pytest.mark.parametrize("status", [S.DRAFT, S.OPEN, S.CLOSED, S.EVALUATING])
async def test_cancelling_needs_a_reason_and_records_it(
    session: AsyncSession, council: Council, status: TenderStatus
) -> None:
    tender = await _tender(session, council, status, timedelta(days=7))
    act = _acting_on(session, council, tender)
    with pytest.raises(InputError) as caught:
        await act(A.CANCEL, None)
    assert field_of(caught.value) == "reason"
    before = utc_now()
    cancelled = await act(A.CANCEL, "Budget withdrawn")
    assert (cancelled.status, cancelled.cancel_reason) == (S.CANCELLED, "Budget withdrawn")
    assert _just_now(cancelled.cancelled_at, before)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.OPEN, A.PUBLISH),
        (S.CANCELLED, A.PUBLISH),
        (S.DRAFT, A.CLOSE),
        (S.CLOSED, A.CLOSE),
        (S.AWARDED, A.CANCEL),
        (S.CANCELLED, A.CANCEL),
        (S.OPEN, A.AWARD),
    ],
)
async def test_an_action_the_status_forbids_is_a_conflict_naming_the_status(
    session: AsyncSession, council: Council, status: TenderStatus, action: TenderAction
) -> None:
    tender = await _tender(session, council, status, timedelta(days=7))
    with pytest.raises(ConflictError, match=r"^invalid_transition:") as caught:
        await _acting_on(session, council, tender)(action, "A reason")
    assert caught.value.extra == {"current_status": status.value}
    await session.refresh(tender)
    assert (tender.status, tender.version) == (status, 1)


async def test_suppliers_cannot_move_tenders_along(session: AsyncSession, council: Council) -> None:
    tender = await _tender(session, council, S.OPEN, timedelta(days=7))
    _, bidder = await supplier_account(session, council)
    with pytest.raises(ForbiddenError, match=r"^role_forbidden:"):
        await TenderService(session, bidder).transition(
            tender.id, A.CLOSE, TenderTransition(reason="Let me win")
        )
