"""TenderService: drafts, references unique per council, the filtered list, tenant isolation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from procurement.domain.lifecycle import TenderStatus
from procurement.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    StaleVersionError,
)
from procurement.schemas.bid import BidStatus
from procurement.schemas.tender import TenderSort, TenderUpdate
from procurement.services.tenders import TenderFilter, TenderService
from tests.factories import make_bid, make_tender
from tests.integration.support import Council, each_refused, field_of, supplier_account, tender_data


async def test_a_new_tender_is_a_draft_with_a_normalised_reference(
    session: AsyncSession, council: Council
) -> None:
    created = await TenderService(session, council.officer).create(tender_data("nbc/2026/007"))
    assert (created.reference, created.status, created.bid_count, created.version) == (
        "NBC/2026/007",
        TenderStatus.DRAFT,
        0,
        1,
    )
    assert created.published_at is None
    assert created.estimated_value == Decimal("250000.00")


async def test_references_are_unique_within_an_organisation_only(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    await TenderService(session, council.officer).create(tender_data("NBC/1"))
    with pytest.raises(InputError) as caught:
        await TenderService(session, council.officer).create(tender_data("nbc/1"))
    assert field_of(caught.value) == "reference"
    elsewhere = await TenderService(session, other_council.officer).create(tender_data("NBC/1"))
    assert elsewhere.reference == "NBC/1"


async def test_a_draft_is_edited_with_its_version(session: AsyncSession, council: Council) -> None:
    service = TenderService(session, council.officer)
    draft = await service.create(tender_data("NBC/1"))
    await service.create(tender_data("NBC/2"))
    edited = await service.update(
        draft.id,
        TenderUpdate(
            version=1, reference="NBC/1", title="Renamed", estimated_value=Decimal("1.50")
        ),
    )
    assert (edited.title, edited.estimated_value, edited.version) == ("Renamed", Decimal("1.50"), 2)
    with pytest.raises(StaleVersionError):
        await service.update(draft.id, TenderUpdate(version=1, title="Late"))
    with pytest.raises(InputError) as clash:
        await service.update(draft.id, TenderUpdate(version=2, reference="nbc/2"))
    assert field_of(clash.value) == "reference"
    with pytest.raises(InputError) as emptied:
        await service.update(draft.id, TenderUpdate(version=2, title=None))
    assert field_of(emptied.value) == "title"


@pytest.mark.parametrize("status", [s for s in TenderStatus if s is not TenderStatus.DRAFT])
async def test_only_drafts_are_edited_or_deleted(
    session: AsyncSession, council: Council, status: TenderStatus
) -> None:
    tender = await make_tender(session, council.organisation, council.officer_user, status)
    service = TenderService(session, council.officer)
    refusals = await each_refused(
        ConflictError,
        service.update(tender.id, TenderUpdate(version=1, title="Changed")),
        service.delete(tender.id),
        code="tender_not_editable",
    )
    assert all(r.extra == {"current_status": status.value} for r in refusals)


async def test_a_draft_is_deleted(session: AsyncSession, council: Council) -> None:
    service = TenderService(session, council.officer)
    draft = await service.create(tender_data())
    await service.delete(draft.id)
    with pytest.raises(NotFoundError):
        await service.get(draft.id)


async def _register(session: AsyncSession, council: Council) -> None:
    """Four tenders whose references, titles, deadlines and creation order all differ."""
    for reference, title, days, status in [
        ("C/3", "Bridge painting", 20, TenderStatus.OPEN),
        ("A/1", "Library roof repairs", 40, TenderStatus.DRAFT),
        ("D/4", "ROOF insulation", 10, TenderStatus.OPEN),
        ("B/2", "Cemetery grounds", 30, TenderStatus.CANCELLED),
    ]:
        await make_tender(
            session,
            council.organisation,
            council.officer_user,
            status,
            reference=reference,
            title=title,
            deadline_in=timedelta(days=days),
        )


@pytest.mark.parametrize(
    ("sort", "references"),
    [
        (TenderSort.REFERENCE, ["A/1", "B/2", "C/3", "D/4"]),
        (TenderSort.REFERENCE_DESC, ["D/4", "C/3", "B/2", "A/1"]),
        (TenderSort.TITLE, ["C/3", "B/2", "A/1", "D/4"]),
        (TenderSort.TITLE_DESC, ["D/4", "A/1", "B/2", "C/3"]),
        (TenderSort.DEADLINE, ["D/4", "C/3", "B/2", "A/1"]),
        (TenderSort.DEADLINE_DESC, ["A/1", "B/2", "C/3", "D/4"]),
        (TenderSort.CREATED, ["C/3", "A/1", "D/4", "B/2"]),
        (TenderSort.CREATED_DESC, ["B/2", "D/4", "A/1", "C/3"]),
    ],
)
async def test_list_sorts_by_each_key(
    session: AsyncSession, council: Council, sort: TenderSort, references: list[str]
) -> None:
    await _register(session, council)
    page = await TenderService(session, council.officer).list(TenderFilter(sort=sort), 10, 0)
    assert [t.reference for t in page.items] == references


@pytest.mark.parametrize(
    ("filters", "references"),
    [
        (TenderFilter(status=TenderStatus.OPEN), ["C/3", "D/4"]),
        (TenderFilter(search="roof"), ["A/1", "D/4"]),
        (TenderFilter(search=" b/2 "), ["B/2"]),
        (TenderFilter(status=TenderStatus.DRAFT, search="ROOF"), ["A/1"]),
        (TenderFilter(status=TenderStatus.AWARDED), []),
        # LIKE wildcards typed into the search box are literal text, not patterns
        (TenderFilter(search="%"), []),
        (TenderFilter(search="_/_"), []),
        (TenderFilter(search="roof\x00"), ["A/1", "D/4"]),
    ],
)
async def test_list_filters_by_status_and_text(
    session: AsyncSession, council: Council, filters: TenderFilter, references: list[str]
) -> None:
    await _register(session, council)
    ordered = TenderFilter(filters.status, filters.search, TenderSort.REFERENCE)
    page = await TenderService(session, council.officer).list(ordered, 10, 0)
    assert ([t.reference for t in page.items], page.total) == (references, len(references))


async def test_list_pages_with_the_total_of_all_matches(
    session: AsyncSession, council: Council
) -> None:
    await _register(session, council)
    page = await TenderService(session, council.officer).list(
        TenderFilter(sort=TenderSort.REFERENCE), limit=2, offset=1
    )
    assert ([t.reference for t in page.items], page.total) == (["B/2", "C/3"], 4)
    beyond = await TenderService(session, council.officer).list(TenderFilter(), limit=2, offset=9)
    assert (beyond.items, beyond.total) == ([], 4)


async def test_suppliers_see_open_tenders_and_those_they_bid_for(
    session: AsyncSession, council: Council
) -> None:
    supplier, bidder = await supplier_account(session, council)
    status = TenderStatus
    tenders = {
        s: await make_tender(session, council.organisation, council.officer_user, s)
        for s in (status.DRAFT, status.OPEN, status.CLOSED, status.CANCELLED)
    }
    await make_bid(session, tenders[status.CLOSED], supplier, council.officer_user)
    service = TenderService(session, bidder)
    page = await service.list(TenderFilter(), 10, 0)
    assert {t.status for t in page.items} == {status.OPEN, status.CLOSED}
    for hidden in (status.DRAFT, status.CANCELLED):
        with pytest.raises(NotFoundError):
            await service.get(tenders[hidden].id)


async def test_bid_count_counts_live_bids_only(session: AsyncSession, council: Council) -> None:
    tender = await make_tender(
        session, council.organisation, council.officer_user, TenderStatus.OPEN
    )
    live, _ = await supplier_account(session, council)
    gone, _ = await supplier_account(session, council)
    await make_bid(session, tender, live, council.officer_user)
    withdrawn = await make_bid(session, tender, gone, council.officer_user)
    withdrawn.status = BidStatus.WITHDRAWN
    await session.commit()
    assert (await TenderService(session, council.officer).get(tender.id)).bid_count == 1
