"""The audit trail on a real database: what the services record, and what verification catches.

Tampering is done as an intruder with database access would do it: plain SQL, behind the
services' back, with no hash recomputed.
"""

import asyncio
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from procurement.db import create_engine, session_factory
from procurement.domain.lifecycle import TenderAction, TenderStatus
from procurement.errors import InputError, StaleVersionError
from procurement.models import AuditChainHead, AuditEvent, Bid, Organisation
from procurement.schemas.bid import BidRecord, BidReplace, BidSubmit, CommitmentSchema
from procurement.schemas.tender import TenderRead, TenderTransition, TenderUpdate
from procurement.schemas.tender_criteria import TenderCriteriaUpdate
from procurement.services.audit import (
    AuditFilter,
    AuditService,
    event_hash,
    record,
    verify_chains,
)
from procurement.services.bids import BidService, bid_digest
from procurement.services.criteria import CriteriaService
from procurement.services.tenders import TenderService
from tests.factories import (
    asking_everything,
    make_measure,
    make_template,
    make_tender,
    price_and_locality,
    tree,
)
from tests.integration.support import Council, supplier_account, tender_data

WRITERS = 8


async def _events(session: AsyncSession, council: Council, **filters: Any) -> list[AuditEvent]:
    """The council's events, in chain order, as stored."""
    statement = (
        sa.select(AuditEvent)
        .where(col(AuditEvent.organisation_id) == council.organisation.id)
        .order_by(col(AuditEvent.position))
        .execution_options(populate_existing=True)
    )
    for name, value in filters.items():
        statement = statement.where(getattr(AuditEvent, name) == value)
    return list(await session.scalars(statement))


async def _tender_history(session: AsyncSession, council: Council) -> TenderRead:
    """A tender created, edited, given criteria, published and closed early: five events."""
    tenders = TenderService(session, council.officer)
    tender = await tenders.create(tender_data("NB-2026-014", title="Street lighting"))
    await tenders.update(tender.id, TenderUpdate(version=1, title="Street lighting repairs"))
    criteria = TenderCriteriaUpdate.model_validate({"tree": price_and_locality(), "version": 2})
    await CriteriaService(session, council.officer).replace(tender.id, criteria)
    await tenders.transition(tender.id, TenderAction.PUBLISH, TenderTransition())
    closing = TenderTransition(reason="Every expected bid is in")
    return await tenders.transition(tender.id, TenderAction.CLOSE, closing)


async def _sql(session: AsyncSession, statement: str, **values: Any) -> None:
    """Run plain SQL and commit it, as someone with database access could."""
    await session.execute(sa.text(statement), values)
    await session.commit()


async def test_tender_changes_are_recorded_in_order_with_who_and_what(
    session: AsyncSession, council: Council
) -> None:
    tender = await _tender_history(session, council)

    events = await _events(session, council, entity_type="tender")
    assert [(e.position, e.action, e.summary) for e in events] == [
        (1, "create", "Created draft tender NB-2026-014"),
        (2, "update", "Edited draft tender NB-2026-014"),
        (4, "publish", "Published tender NB-2026-014"),
        (5, "close", "Closed tender NB-2026-014"),
    ]
    officer = council.officer
    assert {(e.actor_id, e.actor_name) for e in events} == {
        (officer.user_id, f"{officer.full_name} <{officer.email}>")
    }
    assert {(e.entity_type, e.entity_id, e.tender_id) for e in events} == {
        ("tender", str(tender.id), tender.id)
    }
    created, edited, published, closed = events
    assert created.before is None
    assert created.after is not None
    assert created.after["title"] == "Street lighting"
    assert (edited.before or {})["title"] == "Street lighting"
    assert (edited.after or {})["title"] == "Street lighting repairs"
    assert ((published.before or {})["status"], (published.after or {})["status"]) == (
        "draft",
        "open",
    )
    assert (closed.after or {})["close_reason"] == "Every expected bid is in"
    # Each event links to the one before it.
    chain = await _events(session, council)
    assert [e.previous_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]


async def test_deleting_a_draft_keeps_what_it_was(session: AsyncSession, council: Council) -> None:
    tenders = TenderService(session, council.officer)
    draft = await tenders.create(tender_data("NB-2026-015"))
    await tenders.delete(draft.id)

    deleted = (await _events(session, council))[-1]
    assert (deleted.action, deleted.summary, deleted.after) == (
        "delete",
        "Deleted draft tender NB-2026-015",
        None,
    )
    assert (deleted.before or {})["reference"] == "NB-2026-015"


async def test_a_refused_change_records_nothing(session: AsyncSession, council: Council) -> None:
    tenders = TenderService(session, council.officer)
    tender = await tenders.create(tender_data("NB-2026-016"))
    with pytest.raises(StaleVersionError):
        await tenders.update(tender.id, TenderUpdate(version=7, title="From an old read"))
    await session.rollback()
    with pytest.raises(InputError):  # the unique reference, caught at commit and rolled back
        await tenders.create(tender_data("NB-2026-016"))
    await session.refresh(council.organisation)  # the rollbacks expired what the session held

    assert [e.action for e in await _events(session, council)] == ["create"]
    assert (await verify_chains(session)).intact


async def test_criteria_changes_keep_the_trees_before_and_after(
    session: AsyncSession, council: Council
) -> None:
    draft = await make_tender(session, council.organisation, council.officer_user)
    template = await make_template(session, council.organisation, name="Care services")
    criteria = CriteriaService(session, council.officer)
    empty = tree()
    await criteria.replace(
        draft.id, TenderCriteriaUpdate.model_validate({"tree": empty, "version": 1})
    )
    await criteria.copy_template(draft.id, template.id, version=2)

    replaced, copied = await _events(session, council, entity_type="tender_criteria")
    assert replaced.summary == f"Changed the award criteria of tender {draft.reference}"
    assert len((replaced.before or {})["criteria"]["groups"]) == 2
    assert (replaced.after or {})["criteria"]["groups"] == []
    assert copied.summary == (
        f"Copied weighting template Care services into the award criteria of tender "
        f"{draft.reference}"
    )
    assert (copied.before or {})["criteria"]["groups"] == []
    assert (copied.after or {})["criteria_template_id"] == str(template.id)
    assert {e.tender_id for e in (replaced, copied)} == {draft.id}


async def test_bid_events_prove_the_sealed_contents_without_revealing_them(
    session: AsyncSession, council: Council
) -> None:
    await make_measure(session, council.organisation, "JOB-LOCAL", [("1.00", date(2024, 4, 1))])
    tender = await make_tender(
        session,
        council.organisation,
        council.officer_user,
        TenderStatus.OPEN,
        criteria=asking_everything(),
    )
    supplier, bidder = await supplier_account(session, council, name="Acme Ltd")
    answers: dict[str, Any] = {
        "metric_answers": {"local-spend": Decimal("62.5")},
        "pass_fail_answers": {"insured": True},
        "quality_responses": {"method": "A crew of twelve apprentices"},
        "commitments": [CommitmentSchema(measure_code="JOB-LOCAL", quantity=Decimal("7"))],
    }
    bids = BidService(session, bidder)
    bid = await bids.submit(tender.id, BidSubmit(price=Decimal("83417.29"), **answers))
    first_digest = bid_digest(await session.get_one(Bid, bid.id))
    replaced = BidReplace(price=Decimal("79999.99"), version=bid.version, **answers)
    await bids.replace(tender.id, bid.id, replaced)
    second_digest = bid_digest(await session.get_one(Bid, bid.id))
    await bids.withdraw(tender.id, bid.id)

    events = await _events(session, council, entity_type="bid")
    assert [(e.action, e.summary) for e in events] == [
        ("submit", "Submitted a bid from Acme Ltd"),
        ("replace", "Replaced the bid from Acme Ltd"),
        ("withdraw", "Withdrew the bid from Acme Ltd"),
    ]
    submitted, replacement, withdrawal = events
    assert (submitted.after or {})["contents_sha256"] == first_digest
    assert (replacement.before or {})["contents_sha256"] == first_digest
    assert (replacement.after or {})["contents_sha256"] == second_digest != first_digest
    assert (withdrawal.after or {})["status"] == "withdrawn"
    assert (submitted.after or {})["supplier_id"] == str(supplier.id)
    trail = json.dumps([[e.summary, e.before, e.after] for e in events])
    for secret in ("83417", "79999", "62.5", "twelve apprentices", "JOB-LOCAL", "insured"):
        assert secret not in trail


async def test_an_officer_recording_a_bid_is_named_as_recording_it(
    session: AsyncSession, council: Council
) -> None:
    tender = await make_tender(
        session, council.organisation, council.officer_user, TenderStatus.OPEN
    )
    supplier, _ = await supplier_account(session, council, name="Post Room Ltd")
    record = BidRecord(supplier_id=supplier.id, price=Decimal("1200.00"))
    await BidService(session, council.officer).submit(tender.id, record)

    (event,) = await _events(session, council, entity_type="bid")
    assert (event.action, event.summary, event.actor_id) == (
        "record",
        "Recorded a bid from Post Room Ltd",
        council.officer.user_id,
    )
    assert (event.after or {})["channel"] == "recorded"


async def test_the_trail_of_one_tender_is_read_without_the_others(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    tender = await _tender_history(session, council)
    await TenderService(session, council.officer).create(tender_data("NB-2026-099"))
    await TenderService(session, other_council.officer).create(tender_data("NB-2026-014"))

    page = await AuditService(session, council.admin).list(AuditFilter(tender_id=tender.id), 50, 0)
    assert [e.position for e in page.items] == [1, 2, 3, 4, 5]
    assert page.total == 5


async def test_an_untouched_trail_verifies(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    await _tender_history(session, council)
    await TenderService(session, other_council.officer).create(tender_data())

    report = await verify_chains(session)
    assert report.intact
    assert (report.chains, report.events) == (2, 6)


@pytest.mark.parametrize(
    ("statement", "value"),
    [
        ("UPDATE audit_event SET summary = :value WHERE id = :id", "Published nothing at all"),
        ('UPDATE audit_event SET "after" = :value WHERE id = :id', '{"status": "draft"}'),
        ("UPDATE audit_event SET actor_name = :value WHERE id = :id", "Someone else"),
    ],
    ids=["summary", "after", "actor"],
)
async def test_an_event_edited_behind_the_services_back_is_named(
    session: AsyncSession, council: Council, statement: str, value: str
) -> None:
    await _tender_history(session, council)
    published = (await _events(session, council))[3]
    await _sql(session, statement, value=value, id=published.id)

    report = await verify_chains(session)
    assert [(b.organisation_id, b.position, b.event_id, b.problem) for b in report.breaks] == [
        (council.organisation.id, 4, published.id, "hash does not match its contents")
    ]


async def test_a_deleted_event_is_named_as_missing(session: AsyncSession, council: Council) -> None:
    await _tender_history(session, council)
    edited, given_criteria = (await _events(session, council))[1:3]
    await _sql(session, "DELETE FROM audit_event WHERE id = :id", id=edited.id)

    (found,) = (await verify_chains(session)).breaks
    assert (found.position, found.event_id, found.problem) == (
        3,
        given_criteria.id,
        "event 2 is missing",
    )


async def test_deleting_the_latest_events_is_caught_by_the_chain_head(
    session: AsyncSession, council: Council
) -> None:
    await _tender_history(session, council)
    await _sql(session, "DELETE FROM audit_event WHERE position >= 4")

    (found,) = (await verify_chains(session)).breaks
    assert (found.position, found.event_id, found.problem) == (4, None, "event 4 is missing")


async def test_an_edited_previous_hash_is_caught(session: AsyncSession, council: Council) -> None:
    await _tender_history(session, council)
    closed = (await _events(session, council))[4]
    await _sql(
        session,
        "UPDATE audit_event SET previous_hash = :value WHERE id = :id",
        value="f" * 64,
        id=closed.id,
    )

    (found,) = (await verify_chains(session)).breaks
    assert (found.position, found.event_id, found.problem) == (
        5,
        closed.id,
        "previous hash does not match event 4",
    )


async def test_an_event_rewritten_with_a_matching_hash_breaks_the_link_after_it(
    session: AsyncSession, council: Council
) -> None:
    await _tender_history(session, council)
    edited, given_criteria = (await _events(session, council))[1:3]
    forged = event_hash(AuditEvent(**{**edited.model_dump(), "summary": "Edited nothing"}))
    await _sql(
        session,
        "UPDATE audit_event SET summary = 'Edited nothing', hash = :forged WHERE id = :id",
        forged=forged,
        id=edited.id,
    )

    (found,) = (await verify_chains(session)).breaks
    assert (found.position, found.event_id, found.problem) == (
        3,
        given_criteria.id,
        "previous hash does not match event 2",
    )


async def test_verification_reads_in_batches_and_still_finds_the_break(
    session: AsyncSession, council: Council, other_council: Council
) -> None:
    await _tender_history(session, council)
    await _tender_history(session, other_council)
    last = (await _events(session, other_council))[4]
    await _sql(session, "UPDATE audit_event SET summary = 'x' WHERE id = :id", id=last.id)

    report = await verify_chains(session, batch_size=3)
    assert (report.chains, report.events) == (2, 10)
    assert [(b.organisation_id, b.position) for b in report.breaks] == [
        (other_council.organisation.id, 5)
    ]


async def test_several_events_in_one_transaction_follow_one_another(
    session: AsyncSession, council: Council
) -> None:
    newcomer = Organisation(name="New Town Council", local_area=[])
    session.add_all([newcomer, AuditChainHead(organisation_id=newcomer.id)])  # not yet written
    for organisation_id in (council.organisation.id, newcomer.id):
        for action in ("first", "second", "third"):
            await record(
                session,
                council.admin,
                organisation_id=organisation_id,
                entity_type="organisation",
                entity_id=organisation_id,
                action=action,
                summary=f"The {action} change",
            )
    await session.commit()

    assert [e.position for e in await _events(session, council)] == [1, 2, 3]
    report = await verify_chains(session)
    assert (report.chains, report.events, report.intact) == (2, 6, True)


async def test_simultaneous_changes_extend_the_chain_one_after_another(
    any_database_url: str, session: AsyncSession, council: Council
) -> None:
    await session.close()  # the setup session must not hold SQLite's write lock
    engines = [create_engine(any_database_url) for _ in range(WRITERS)]

    async def create(n: int) -> TenderRead:
        async with session_factory(engines[n])() as own:
            return await TenderService(own, council.officer).create(tender_data(f"NB/{n}"))

    try:
        await asyncio.gather(*(create(n) for n in range(WRITERS)))
    finally:
        for engine in engines:
            await engine.dispose()

    events = await _events(session, council)
    assert [e.position for e in events] == list(range(1, WRITERS + 1))
    assert len({e.entity_id for e in events}) == WRITERS
    report = await verify_chains(session)
    assert report.intact
    assert report.events == WRITERS
